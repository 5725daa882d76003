/** Whether the renderer can hear the service: shown by the status bar's indicator. */
export type ConnectionState = 'connecting' | 'online' | 'reconnecting' | 'offline';

export interface ConnectionMonitor {
  readonly connection: ConnectionState;
  onConnection(listener: (state: ConnectionState) => void): () => void;
  close(): void;
}

/** Under Electron the service lives in the main process: the connection is always up. */
export const ALWAYS_ONLINE: ConnectionMonitor = {
  connection: 'online',
  onConnection: () => () => {},
  close: () => {},
};
