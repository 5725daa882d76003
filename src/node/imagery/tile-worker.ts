/**
 * Entry of a tile worker (bundled to dist/tile-worker.js by scripts/build.mjs): runs decode and
 * render jobs (tile-job.ts) posted by `WorkerPool`, and posts results back without copying
 * (PNG bytes transferred, decoded blocks as SharedArrayBuffers).
 */
import { parentPort } from 'node:worker_threads';
import type { WorkerReply, WorkerRequest } from './executor';
import { runJob, type DecodeResult, type RenderResult } from './tile-job';

const port = parentPort;
if (!port) throw new Error('tile-worker.js must run as a worker thread');

function ownBuffer(u: Uint8Array): ArrayBuffer {
  // A Buffer may be a view into Node's shared pool: move only a buffer of its own.
  return u.byteOffset === 0 && u.byteLength === u.buffer.byteLength && !(u.buffer instanceof SharedArrayBuffer) ? (u.buffer as ArrayBuffer) : (new Uint8Array(u).buffer as ArrayBuffer);
}

port.on('message', (m: WorkerRequest) => {
  void (async () => {
    try {
      const value = await runJob(m.kind, m.payload as never, true);
      const transfer: ArrayBuffer[] = [];
      if (m.kind === 'render') {
        const r = value as RenderResult;
        const buf = ownBuffer(r.png);
        r.png = new Uint8Array(buf);
        transfer.push(buf);
      } else void (value as DecodeResult);
      port.postMessage({ id: m.id, ok: true, value } satisfies WorkerReply, transfer);
    } catch (e) {
      const err = e as Error;
      port.postMessage({ id: m.id, ok: false, error: { name: err?.name ?? 'Error', message: err?.message ?? String(e) } } satisfies WorkerReply);
    }
  })();
});
