/**
 * The preload of the "Connect to a campaign server…" prompt only (electron/connect-prompt.ts), never
 * of the app or a server's page: exposes `window.fieldmarkConnect.submit(url)`, which sends the
 * typed URL on the one channel IPC_CONNECT_SERVER and resolves with `{ ok }` or `{ ok: false,
 * message }`. Bundled to CJS with only `electron` external (sandboxed).
 */
import { contextBridge, ipcRenderer } from 'electron';
import { IPC_CONNECT_SERVER } from '../src/common/api/bridge';

export const CONNECT_BRIDGE_KEY = 'fieldmarkConnect';

export type ConnectAnswer = { ok: true } | { ok: false; message: string };

export interface ConnectBridge {
  submit(url: string): Promise<ConnectAnswer>;
}

export function createConnectBridge(ipc: Pick<typeof ipcRenderer, 'invoke'>): ConnectBridge {
  return Object.freeze({
    async submit(url: string): Promise<ConnectAnswer> {
      if (typeof url !== 'string') return { ok: false, message: 'Type the server address.' };
      try {
        return (await ipc.invoke(IPC_CONNECT_SERVER, url)) as ConnectAnswer;
      } catch (e) {
        return { ok: false, message: `The address could not be sent: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]}` };
      }
    },
  });
}

contextBridge.exposeInMainWorld(CONNECT_BRIDGE_KEY, createConnectBridge(ipcRenderer));
