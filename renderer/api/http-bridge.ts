/**
 * The browser's imitation of the Electron preload bridge, over `fieldmark serve`:
 * `POST /api/<method>` with `{"args":[...]}` answered by the dispatch envelope, service events
 * over Server-Sent Events (`GET /api/events`). `call` never rejects: transport failures come back
 * as an `UNAVAILABLE` envelope, like every other error.
 */
import type { FieldmarkBridge } from '../../src/common/api/bridge';
import type { MethodName } from '../../src/common/api/contract';
import type { Envelope } from '../../src/common/api/dispatch';
import type { FieldmarkEvent } from '../../src/common/api/events';
import type { ConnectionMonitor, ConnectionState } from './connection';

function failure(code: 'UNAVAILABLE' | 'INTERNAL', message: string): Envelope {
  return { ok: false, error: { code, message } };
}

function isEnvelope(v: unknown): v is Envelope {
  if (typeof v !== 'object' || v === null || !('ok' in v)) return false;
  const o = v as { ok: unknown; error?: unknown };
  if (o.ok === true) return 'value' in o;
  return o.ok === false && typeof o.error === 'object' && o.error !== null;
}

export interface HttpBridge extends FieldmarkBridge, ConnectionMonitor {}

export function createHttpBridge(origin: string, token: string | null): HttpBridge {
  const listeners = new Set<(e: FieldmarkEvent) => void>();
  const connListeners = new Set<(s: ConnectionState) => void>();
  let state: ConnectionState = 'connecting';
  let source: EventSource | null = null;

  const setState = (s: ConnectionState): void => {
    if (s === state) return;
    state = s;
    for (const l of connListeners) l(s);
  };

  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (token) headers['Authorization'] = `Bearer ${token}`;

  function openEvents(): void {
    if (source || typeof EventSource === 'undefined') return;
    // EventSource cannot send headers: the token travels as a query parameter on this one route.
    const url = new URL('/api/events', origin);
    if (token) url.searchParams.set('token', token);
    source = new EventSource(url.href);
    source.onopen = () => setState('online');
    source.onerror = () => setState(source?.readyState === EventSource.CLOSED ? 'offline' : 'reconnecting');
    source.onmessage = (m: MessageEvent<string>) => {
      let event: FieldmarkEvent;
      try {
        event = JSON.parse(m.data) as FieldmarkEvent;
      } catch {
        return; // keep-alive comments or garbage: ignore
      }
      for (const l of listeners) {
        try {
          l(event);
        } catch (e) {
          console.warn('fieldmark: event listener failed', e);
        }
      }
    };
  }

  return {
    host: 'http',
    tileBase: origin,
    async call(method: MethodName, args: unknown[]): Promise<Envelope> {
      let res: Response;
      try {
        res = await fetch(`${origin}/api/${encodeURIComponent(method)}`, {
          method: 'POST',
          headers,
          body: JSON.stringify({ args }),
        });
      } catch (e) {
        setState('offline');
        return failure('UNAVAILABLE', `${method}: the server cannot be reached (${e instanceof Error ? e.message : String(e)})`);
      }
      let body: unknown;
      try {
        body = await res.json();
      } catch {
        return failure('INTERNAL', `${method}: the server answered ${res.status} ${res.statusText} without a JSON envelope`);
      }
      if (state === 'offline') setState(source ? 'reconnecting' : 'online');
      if (!isEnvelope(body)) return failure('INTERNAL', `${method}: the server answered ${res.status} with something that is not an envelope`);
      return body;
    },
    onEvent(listener) {
      listeners.add(listener);
      openEvents();
      return () => {
        listeners.delete(listener);
      };
    },
    get connection() {
      return state;
    },
    onConnection(listener) {
      connListeners.add(listener);
      return () => {
        connListeners.delete(listener);
      };
    },
    close() {
      source?.close();
      source = null;
      setState('offline');
    },
  };
}
