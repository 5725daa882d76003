/**
 * The utilityProcess child of the suggestion engine (bundled to dist/electron/suggest-utility.cjs,
 * forked by suggest-process.ts): one SuggestHost behind Electron's `process.parentPort`, whose
 * messages arrive as `{ data }`; the protocol is the worker's (src/node/suggest/host-port.ts).
 */
import type { HostMessage } from '../src/node/suggest/protocol';
import { serveHostPort } from '../src/node/suggest/host-port';

interface ParentPort {
  on(event: 'message', listener: (e: { data: unknown }) => void): void;
  postMessage(message: unknown): void;
}

const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort;
if (parentPort) serveHostPort({ onMessage: (l) => parentPort.on('message', (e) => l(e.data as HostMessage)), post: (r) => parentPort.postMessage(r) });
