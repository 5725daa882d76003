/**
 * Picks the transport: the Electron preload's `window.fieldmark` when present, otherwise the
 * HTTP bridge to the server that served this page. Everything above this file sees only
 * `FieldmarkApi` (typed calls), the bridge's `tileBase` and the connection state.
 */
import type { FieldmarkBridge } from '../../src/common/api/bridge';
import { createClient } from '../../src/common/api/client';
import type { FieldmarkApi } from '../../src/common/api/contract';
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
}

export function connect(): Connection {
  const preload = window.fieldmark;
  if (preload && typeof preload.call === 'function') {
    return { bridge: preload, api: createClient((m, a) => preload.call(m, a)), monitor: ALWAYS_ONLINE, token: null, transfer: createTransfer(preload.tileBase, null) };
  }
  const token = takeToken();
  const http = createHttpBridge(window.location.origin, token);
  return { bridge: http, api: createClient((m, a) => http.call(m, a)), monitor: http, token, transfer: createTransfer(http.tileBase, token) };
}
