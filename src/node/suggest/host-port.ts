/**
 * The far side of a HostTransport (transport.ts): one SuggestHost answering HostCall messages
 * with HostReply, behind any port that delivers messages and posts replies: worker_threads'
 * parentPort (worker.ts) or Electron's utilityProcess parentPort (electron/suggest-utility.ts).
 * The host is made from the options of the first `HostInit` message (or those given here).
 */
import { isApiError } from '../../common/api/errors';
import type { HostCall, HostMessage, HostOptions, HostReply } from './protocol';
import { SuggestHost } from './suggest-host';

export interface HostPort {
  onMessage(listener: (message: HostMessage) => void): void;
  post(reply: HostReply): void;
}

export function serve(host: SuggestHost, call: HostCall): Promise<HostReply> {
  const fn = (host as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[call.method];
  if (typeof fn !== 'function') return Promise.resolve({ id: call.id, ok: false, error: { code: 'BAD_ARGUMENTS', message: `no method ${call.method}` } });
  return fn.apply(host, call.args).then(
    (value): HostReply => ({ id: call.id, ok: true, value }),
    (e: unknown): HostReply => ({
      id: call.id,
      ok: false,
      error: isApiError(e) ? { code: e.code, message: e.message } : { code: 'INTERNAL', message: e instanceof Error ? e.message : String(e) },
    }),
  );
}

export function serveHostPort(port: HostPort, options?: HostOptions): void {
  let host: SuggestHost | null = options ? new SuggestHost(options) : null;
  port.onMessage((m) => {
    if ('init' in m) {
      host ??= new SuggestHost(m.init);
      return;
    }
    host ??= new SuggestHost({});
    void serve(host, m).then((reply) => port.post(reply));
  });
}
