/**
 * The two kinds of CPU work of the tile path, as plain-data jobs that run the same in-thread and in
 * a tile worker (tile-worker.ts): `decode` (compressed blocks -> samples) and `render` (window or
 * decoded blocks + pixel map -> RGBA -> PNG). Byte-identical wherever they run.
 */
import { decodeBlock, type DecodeSpec, type RawBlock } from './block-codec';
import { encodeTilePng } from './png';
import { assembleWindow, type BlockGeometry, type DecodedBlock, type Samples } from './block-window';
import { composeRgba, type ComposeParams } from './tile-compose';

export interface DecodeJob {
  spec: DecodeSpec;
  blocks: RawBlock[];
  fill: { value: number; bytesPerSample: number; float: boolean } | null;
}

export interface DecodeResult {
  /** Decoded bytes per block (SharedArrayBuffers when decoded in a worker: shared, never copied again). */
  data: ArrayBufferLike[];
  /** Milliseconds spent decoding. */
  ms: number;
  decodedBytes: number;
}

export type RenderSource =
  | { kind: 'window'; chan: Samples[] }
  | { kind: 'blocks'; geometry: BlockGeometry; blocks: DecodedBlock[]; samples: number[]; fill: number };

export interface RenderJob {
  compose: ComposeParams;
  /** For 'blocks', `chanIndex[c]` is the index in `samples` of output channel c; for 'window', of `chan`. */
  chanIndex: number[];
  source: RenderSource;
}

export interface RenderResult {
  png: Uint8Array;
  ms: number;
}

export type JobKind = 'decode' | 'render';
export type JobPayload<K extends JobKind> = K extends 'decode' ? DecodeJob : RenderJob;
export type JobResult<K extends JobKind> = K extends 'decode' ? DecodeResult : RenderResult;

export async function runDecode(job: DecodeJob, shared: boolean): Promise<DecodeResult> {
  const t0 = performance.now();
  const data: ArrayBufferLike[] = [];
  let decodedBytes = 0;
  for (const b of job.blocks) {
    const out = await decodeBlock(job.spec, b, job.fill);
    const need = Math.max(b.rows, 1) * job.spec.rowBytes;
    const bytes = Math.min(out.byteLength, job.spec.params.tileHeight * job.spec.rowBytes);
    decodedBytes += need;
    if (shared) {
      const sab = new SharedArrayBuffer(bytes);
      new Uint8Array(sab).set(new Uint8Array(out, 0, bytes));
      data.push(sab);
    } else data.push(out.byteLength === bytes ? out : out.slice(0, bytes));
  }
  return { data, ms: performance.now() - t0, decodedBytes };
}

export async function runRender(job: RenderJob): Promise<RenderResult> {
  const t0 = performance.now();
  const src = job.source;
  const arrays = src.kind === 'window' ? src.chan : assembleWindow(src.geometry, src.blocks, job.compose.win, src.samples, src.fill);
  const chan = job.chanIndex.map((i) => arrays[i]!);
  const rgba = composeRgba(job.compose, chan);
  const png = await encodeTilePng(rgba, job.compose.size, job.compose.size);
  return { png, ms: performance.now() - t0 };
}

export async function runJob<K extends JobKind>(kind: K, payload: JobPayload<K>, inWorker: boolean): Promise<JobResult<K>> {
  if (kind === 'decode') return (await runDecode(payload as DecodeJob, inWorker)) as JobResult<K>;
  return (await runRender(payload as RenderJob)) as JobResult<K>;
}
