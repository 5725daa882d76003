/**
 * The one object the Electron preload exposes as `window.fieldmark` (contextBridge), and that the
 * renderer's HTTP client imitates in a browser. The renderer builds its typed API from `call`.
 */
import type { MethodName } from './contract';
import type { Envelope } from './dispatch';
import type { FieldmarkEvent } from './events';

export interface FieldmarkBridge {
  /** Calls one API method; resolves with the dispatch envelope (never rejects for API errors). */
  call(method: MethodName, args: unknown[]): Promise<Envelope>;
  /** Subscribes to service events; returns the unsubscribe function. */
  onEvent(listener: (event: FieldmarkEvent) => void): () => void;
  /** Base of tile URLs: 'app://fieldmark' under Electron, the server origin in a browser. */
  readonly tileBase: string;
  /** 'electron' or 'http'. */
  readonly host: 'electron' | 'http';
}

/** IPC channel names shared by electron/main and electron/preload. */
export const IPC_CALL = 'fieldmark:call';
export const IPC_EVENT = 'fieldmark:event';
export const IPC_SUBSCRIBE = 'fieldmark:subscribe';
/** The desktop app's "Connect to a campaign server…" prompt (electron/connect-prompt.ts): one URL string. */
export const IPC_CONNECT_SERVER = 'fieldmark:connect-server';
/** The custom scheme serving the renderer and tiles under Electron (never file://). */
export const APP_SCHEME = 'app';
export const APP_HOST = 'fieldmark';
