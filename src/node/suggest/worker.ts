/**
 * The suggestion worker (bundled as dist/suggest-worker.js): one SuggestHost off the main thread,
 * answering HostCall messages with HostReply. The same protocol suits Electron's utilityProcess
 * (process.parentPort) should the desktop host prefer a process to a thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { isApiError } from '../../common/api/errors';
import type { HostCall, HostOptions, HostReply } from './protocol';
import { SuggestHost } from './suggest-host';

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

if (parentPort) {
  const port = parentPort;
  const host = new SuggestHost((workerData as { options?: HostOptions } | null)?.options ?? {});
  port.on('message', (call: HostCall) => {
    void serve(host, call).then((reply) => port.postMessage(reply));
  });
}
