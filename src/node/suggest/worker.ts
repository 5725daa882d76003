/**
 * The suggestion worker (bundled as dist/suggest-worker.js): one SuggestHost off the main thread,
 * answering HostCall messages with HostReply (host-port.ts). Electron runs the same host in a
 * utilityProcess instead (electron/suggest-utility.ts), with the same messages.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { HostMessage, HostOptions } from './protocol';
import { serveHostPort } from './host-port';

export { serve } from './host-port';

if (parentPort) {
  const port = parentPort;
  serveHostPort({ onMessage: (l) => void port.on('message', (m: HostMessage) => l(m)), post: (r) => port.postMessage(r) }, (workerData as { options?: HostOptions } | null)?.options ?? {});
}
