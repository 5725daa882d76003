/**
 * The sandboxed preload: exposes exactly one object, `window.fieldmark` (FieldmarkBridge), and
 * nothing else. The page never sees ipcRenderer or an IpcRendererEvent: `call` goes through one
 * invoke channel and event listeners receive the event payload only. Bundled to CJS with only
 * `electron` external (a sandboxed preload can require nothing else).
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import {
  APP_HOST,
  APP_SCHEME,
  IPC_CALL,
  IPC_EVENT,
  IPC_SUBSCRIBE,
  type FieldmarkBridge,
} from '../src/common/api/bridge';
import type { MethodName } from '../src/common/api/contract';
import type { Envelope } from '../src/common/api/dispatch';
import type { FieldmarkEvent } from '../src/common/api/events';

/** The ipcRenderer methods the bridge uses. */
export type IpcRendererLike = Pick<typeof ipcRenderer, 'invoke' | 'on' | 'send'>;

export const BRIDGE_KEY = 'fieldmark';

function failure(code: 'BAD_ARGUMENTS' | 'INTERNAL', message: string): Envelope {
  return { ok: false, error: { code, message } };
}

export function createBridge(ipc: IpcRendererLike): FieldmarkBridge {
  const listeners = new Set<(event: FieldmarkEvent) => void>();
  let subscribed = false;

  const deliver = (_event: IpcRendererEvent, payload: FieldmarkEvent): void => {
    for (const l of [...listeners]) {
      try {
        l(payload); // the payload only: never the IpcRendererEvent (it holds `sender`, an ipcRenderer)
      } catch (e) {
        console.error('fieldmark: an event listener failed', e);
      }
    }
  };

  const bridge: FieldmarkBridge = {
    async call(method: MethodName, args: unknown[]): Promise<Envelope> {
      if (typeof method !== 'string') return failure('BAD_ARGUMENTS', 'call: the method name must be a string');
      if (args !== undefined && !Array.isArray(args)) return failure('BAD_ARGUMENTS', `${method}: arguments must be an array`);
      try {
        return (await ipc.invoke(IPC_CALL, method, args ?? [])) as Envelope;
      } catch (e) {
        // e.g. an argument that structured clone refuses (a function, a DOM node)
        const msg = e instanceof Error ? e.message : String(e);
        return failure('BAD_ARGUMENTS', `${method}: the arguments could not be sent: ${msg.split('\n')[0]}`);
      }
    },
    onEvent(listener: (event: FieldmarkEvent) => void): () => void {
      if (typeof listener !== 'function') throw new TypeError('onEvent: the listener must be a function');
      listeners.add(listener);
      if (!subscribed) {
        subscribed = true;
        ipc.on(IPC_EVENT, deliver);
        ipc.send(IPC_SUBSCRIBE);
      }
      return () => {
        listeners.delete(listener);
      };
    },
    tileBase: `${APP_SCHEME}://${APP_HOST}`,
    host: 'electron',
  };
  return Object.freeze(bridge);
}

contextBridge.exposeInMainWorld(BRIDGE_KEY, createBridge(ipcRenderer));
