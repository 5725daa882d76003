/**
 * Picks the transport: the Electron preload's `window.fieldmark` when present, otherwise the
 * HTTP bridge to the server that served this page. Everything above this file sees only
 * `FieldmarkApi` (typed calls), the bridge's `tileBase` and the connection state.
 */
import type { FieldmarkBridge } from '../../src/common/api/bridge';
import { createClient } from '../../src/common/api/client';
import type { FieldmarkApi, MethodName } from '../../src/common/api/contract';
import { ALWAYS_ONLINE, type ConnectionMonitor } from './connection';
import { createHttpBridge } from './http-bridge';
import { takeToken } from './token';
import { createTransfer, type Transfer } from './transfer';

declare global {
  interface Window {
    fieldmark?: FieldmarkBridge;
  }
}

export interface Connection {
  bridge: FieldmarkBridge;
  api: FieldmarkApi;
  monitor: ConnectionMonitor;
  /** Bearer token for tile requests (HTTP host only). */
  token: string | null;
  /** Uploads and downloads of files (imports, exports, offline packages). */
  transfer: Transfer;
  /** Called whenever an API call is answered UNAUTHENTICATED (no token, or it expired mid-session). */
  onUnauthenticated(listener: (method: MethodName) => void): () => void;
}

/** Wraps a bridge's `call` so every UNAUTHENTICATED answer is reported to the listeners. */
function watchAuth(call: FieldmarkBridge['call']): { call: FieldmarkBridge['call']; onUnauthenticated: Connection['onUnauthenticated'] } {
  const listeners = new Set<(method: MethodName) => void>();
  return {
    async call(method, args) {
      const env = await call(method, args);
      if (!env.ok && env.error.code === 'UNAUTHENTICATED') for (const l of listeners) l(method);
      return env;
    },
    onUnauthenticated(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
  };
}

export function connect(): Connection {
  const preload = window.fieldmark;
  if (preload && typeof preload.call === 'function') {
    const auth = watchAuth((m, a) => preload.call(m, a));
    return { bridge: preload, api: createClient(auth.call), monitor: ALWAYS_ONLINE, token: null, transfer: createTransfer(preload.tileBase, null), onUnauthenticated: auth.onUnauthenticated };
  }
  const token = takeToken();
  const http = createHttpBridge(window.location.origin, token);
  const auth = watchAuth((m, a) => http.call(m, a));
  return { bridge: http, api: createClient(auth.call), monitor: http, token, transfer: createTransfer(http.tileBase, token), onUnauthenticated: auth.onUnauthenticated };
}
