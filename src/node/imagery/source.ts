/**
 * Byte sources for GeoTIFF reading. `RasterSource` is the seam the imagery path reads through:
 * a local file (`fileSource`), an HTTP(S) URL with range requests (`httpSource`), and a small
 * block cache (`withBlockCache`) that coalesces the many tiny header/IFD reads into a few
 * block-aligned ones. A later tile/decode cache or a worker pool slots in here too.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { basename } from 'node:path';
import { ApiError } from '../../common/api/errors';

export interface ByteRange {
  offset: number;
  length: number;
}

export interface SourceStats {
  /** Read calls that went to the file / network. */
  requests: number;
  /** Bytes that came from the file / network. */
  bytes: number;
}

export interface RasterSource {
  /** What error messages call the source: the file's base name or the URL. */
  readonly name: string;
  /** The path or URL it was opened from. */
  readonly location: string;
  /** Total size in bytes when known (files: always; HTTP: after the first response). */
  size(): number | null;
  /**
   * Reads the ranges. A range that runs past the end comes back short; one that starts at or
   * past the end throws `PastEndError`.
   */
  read(ranges: ByteRange[], signal?: AbortSignal): Promise<ArrayBuffer[]>;
  readonly stats: SourceStats;
  /** Things that work but should be known (a server that ignores Range, ...). */
  readonly warnings?: string[];
  close(): Promise<void>;
}

export interface SourceOptions {
  /** HTTP: a request that gets no complete answer within this long fails UNAVAILABLE (default 20 s). */
  timeoutMs?: number;
  /** HTTP: a server that ignores Range may send the whole file up to this size (default 256 MiB). */
  maxWholeBytes?: number;
}

export const DEFAULT_HTTP_TIMEOUT_MS = 20_000;
export const DEFAULT_MAX_WHOLE_BYTES = 256 * 1024 * 1024;

/** A read that starts beyond the end of the file: the file is truncated (or corrupt). */
export class PastEndError extends Error {
  constructor(
    readonly offset: number,
    readonly length: number,
    readonly fileSize: number,
  ) {
    super(`byte ${offset} is past the end of the ${fileSize}-byte file`);
    this.name = 'PastEndError';
  }
}

export function isUrl(pathOrUrl: string): boolean {
  return /^https?:\/\//i.test(pathOrUrl);
}

/** Opens a path or an http(s) URL; remote sources get a block cache for the header reads. */
export async function openSource(pathOrUrl: string, opts: SourceOptions = {}): Promise<RasterSource> {
  if (isUrl(pathOrUrl)) return withBlockCache(httpSource(pathOrUrl, {}, opts));
  return fileSource(pathOrUrl);
}

export async function fileSource(path: string): Promise<RasterSource> {
  const name = basename(path);
  let fh: FileHandle;
  let size: number;
  try {
    fh = await open(path, 'r');
    const st = await fh.stat();
    if (st.isDirectory()) {
      await fh.close();
      throw new ApiError('BAD_INPUT', `${name}: is a directory, not an image file`);
    }
    size = st.size;
  } catch (e) {
    if (e instanceof ApiError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new ApiError('NOT_FOUND', `${path}: no such file`);
    if (code === 'EISDIR') throw new ApiError('BAD_INPUT', `${name}: is a directory, not an image file`);
    if (code === 'EACCES' || code === 'EPERM') throw new ApiError('BAD_INPUT', `${name}: permission denied`);
    throw new ApiError('BAD_INPUT', `${name}: cannot open (${code ?? (e as Error).message})`);
  }
  const stats: SourceStats = { requests: 0, bytes: 0 };
  let closed = false;
  return {
    name,
    location: path,
    stats,
    size: () => size,
    async read(ranges) {
      return Promise.all(
        ranges.map(async ({ offset, length }) => {
          if (offset >= size && length > 0) throw new PastEndError(offset, length, size);
          const n = Math.max(0, Math.min(length, size - offset));
          const buf = new Uint8Array(n);
          let got = 0;
          while (got < n) {
            const { bytesRead } = await fh.read(buf, got, n - got, offset + got);
            if (bytesRead === 0) break;
            got += bytesRead;
          }
          stats.requests++;
          stats.bytes += got;
          return got === n ? buf.buffer : buf.slice(0, got).buffer;
        }),
      );
    },
    async close() {
      if (closed) return;
      closed = true;
      await fh.close();
    },
  };
}

/**
 * An HTTP(S) source: one `Range` request per read (see `withBlockCache` for coalescing). Each
 * request must complete within `timeoutMs` (UNAVAILABLE otherwise). A server that ignores Range
 * (200 with the whole body) still works: the body is kept in memory and later reads are served
 * from it, with a warning, up to `maxWholeBytes` (BAD_INPUT beyond: such a file needs Range).
 */
export function httpSource(url: string, headers: Record<string, string> = {}, opts: SourceOptions = {}): RasterSource {
  const stats: SourceStats = { requests: 0, bytes: 0 };
  const warnings: string[] = [];
  const timeoutMs = opts.timeoutMs ?? DEFAULT_HTTP_TIMEOUT_MS;
  const maxWhole = opts.maxWholeBytes ?? DEFAULT_MAX_WHOLE_BYTES;
  let size: number | null = null;
  /** Set when the server ignored `Range` and sent the whole file: served from memory after. */
  let whole: Promise<ArrayBuffer> | null = null;

  const fail = (status: number, statusText: string): never => {
    const what = `${url}: HTTP ${status}${statusText ? ' ' + statusText : ''}`;
    if (status === 404 || status === 410) throw new ApiError('NOT_FOUND', what);
    if (status >= 500 || status === 429) throw new ApiError('UNAVAILABLE', what);
    throw new ApiError('BAD_INPUT', what);
  };

  const timedOut = (): ApiError => new ApiError('UNAVAILABLE', `${url}: no answer within ${Math.round(timeoutMs / 100) / 10} s (timed out)`);

  /** Reads the whole body of a 200 answer, refusing more than maxWhole bytes. */
  const readWhole = async (res: Response): Promise<ArrayBuffer> => {
    const declared = Number(res.headers.get('content-length') ?? NaN);
    const size = (n: number): string => (n >= 1e6 ? `${Math.round(n / 1e6)} MB` : n >= 1e3 ? `${Math.round(n / 1e3)} kB` : `${n} bytes`);
    const tooBig = (n: number): ApiError =>
      new ApiError('BAD_INPUT', `${url}: the server ignores Range requests and the file is ${size(n)} or more; only files up to ${size(maxWhole)} are read whole (serve it with Range support)`);
    if (Number.isFinite(declared) && declared > maxWhole) {
      await res.body?.cancel();
      throw tooBig(declared);
    }
    const parts: Uint8Array[] = [];
    let got = 0;
    const reader = res.body?.getReader();
    if (reader) {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        got += value.byteLength;
        if (got > maxWhole) {
          await reader.cancel();
          throw tooBig(got);
        }
        parts.push(value);
      }
    }
    const out = new Uint8Array(got);
    let o = 0;
    for (const p of parts) {
      out.set(p, o);
      o += p.byteLength;
    }
    return out.buffer;
  };

  const readOne = async ({ offset, length }: ByteRange, signal?: AbortSignal): Promise<ArrayBuffer> => {
    if (size !== null && offset >= size && length > 0) throw new PastEndError(offset, length, size);
    if (whole) {
      const w = await whole;
      if (offset >= w.byteLength && length > 0) throw new PastEndError(offset, length, w.byteLength);
      return w.slice(offset, offset + length);
    }
    const timer = new AbortController();
    const t = setTimeout(() => timer.abort(), timeoutMs);
    const both = signal ? AbortSignal.any([signal, timer.signal]) : timer.signal;
    const abortedByCaller = (): boolean => signal?.aborted === true;
    try {
      let res: Response;
      try {
        res = await fetch(url, { headers: { ...headers, Range: `bytes=${offset}-${offset + length - 1}` }, signal: both });
      } catch (e) {
        if (abortedByCaller()) throw e;
        if (timer.signal.aborted) throw timedOut();
        const cause = (e as { cause?: { code?: string; message?: string } }).cause;
        throw new ApiError('UNAVAILABLE', `${url}: cannot connect (${cause?.code ?? cause?.message ?? (e as Error).message})`);
      }
      stats.requests++;
      if (res.status === 416) {
        const total = parseTotal(res.headers.get('content-range'));
        await res.body?.cancel();
        if (total !== null) size = total;
        throw new PastEndError(offset, length, size ?? offset);
      }
      if (!res.ok) {
        await res.body?.cancel();
        fail(res.status, res.statusText);
      }
      if (res.status === 206) {
        const data = await res.arrayBuffer();
        stats.bytes += data.byteLength;
        const total = parseTotal(res.headers.get('content-range'));
        if (total !== null) size = total;
        return data;
      }
      // 200: the server ignored Range. Keep the body and serve later reads from memory.
      const p = readWhole(res);
      whole = p;
      p.catch(() => {
        if (whole === p) whole = null;
      });
      const data = await p;
      stats.bytes += data.byteLength;
      size = data.byteLength;
      warnings.push(`${url}: the server ignores Range requests; the whole file (${data.byteLength} bytes) was downloaded into memory`);
      if (offset >= size && length > 0) throw new PastEndError(offset, length, size);
      return data.slice(offset, offset + length);
    } catch (e) {
      if (e instanceof ApiError || e instanceof PastEndError || abortedByCaller()) throw e;
      if (timer.signal.aborted) throw timedOut();
      throw e;
    } finally {
      clearTimeout(t);
    }
  };

  return {
    name: url,
    location: url,
    stats,
    warnings,
    size: () => size,
    read: (ranges, signal) => Promise.all(ranges.map((r) => readOne(r, signal))),
    async close() {
      whole = null;
    },
  };
}

function parseTotal(contentRange: string | null): number | null {
  const m = contentRange ? /\/(\d+)\s*$/.exec(contentRange) : null;
  return m ? Number(m[1]) : null;
}

export interface BlockCacheOptions {
  /** Block size in bytes (default 16 KiB). Reads up to half a block are served from blocks. */
  blockSize?: number;
  /** Blocks kept (LRU, default 256 = 4 MiB). */
  maxBlocks?: number;
}

/**
 * Serves small reads (header, IFDs, tile offset arrays) from block-aligned cached blocks and
 * passes larger reads (tile data) straight through, so a tile costs one exact range request.
 */
export function withBlockCache(inner: RasterSource, opts: BlockCacheOptions = {}): RasterSource {
  const blockSize = opts.blockSize ?? 16 * 1024;
  const maxBlocks = opts.maxBlocks ?? 256;
  const blocks = new Map<number, Promise<ArrayBuffer>>();

  const getBlock = (index: number, signal?: AbortSignal): Promise<ArrayBuffer> => {
    const hit = blocks.get(index);
    if (hit) {
      blocks.delete(index);
      blocks.set(index, hit);
      return hit;
    }
    const p = inner.read([{ offset: index * blockSize, length: blockSize }], signal).then((b) => b[0]!);
    blocks.set(index, p);
    p.catch(() => blocks.delete(index));
    while (blocks.size > maxBlocks) blocks.delete(blocks.keys().next().value as number);
    return p;
  };

  const readSmall = async ({ offset, length }: ByteRange, signal?: AbortSignal): Promise<ArrayBuffer> => {
    const first = Math.floor(offset / blockSize);
    const last = Math.floor((offset + Math.max(length, 1) - 1) / blockSize);
    const parts: ArrayBuffer[] = [];
    for (let i = first; i <= last; i++) {
      try {
        parts.push(await getBlock(i, signal));
      } catch (e) {
        if (e instanceof PastEndError && i > first) break; // the range runs past the end: short read
        if (e instanceof PastEndError) throw new PastEndError(offset, length, e.fileSize);
        throw e;
      }
    }
    const out = new Uint8Array(length);
    let filled = 0;
    for (let k = 0; k < parts.length; k++) {
      const blockStart = (first + k) * blockSize;
      const part = new Uint8Array(parts[k]!);
      const from = Math.max(0, offset - blockStart);
      const to = Math.min(part.byteLength, offset + length - blockStart);
      if (to <= from) break;
      out.set(part.subarray(from, to), blockStart + from - offset);
      filled = blockStart + to - offset;
      if (part.byteLength < blockSize) break; // last block of the file
    }
    if (filled === 0 && length > 0) throw new PastEndError(offset, length, inner.size() ?? offset);
    return filled === length ? out.buffer : out.slice(0, filled).buffer;
  };

  return {
    name: inner.name,
    location: inner.location,
    stats: inner.stats,
    ...(inner.warnings ? { warnings: inner.warnings } : {}),
    size: () => inner.size(),
    read: (ranges, signal) =>
      Promise.all(ranges.map((r) => (r.length <= blockSize / 2 ? readSmall(r, signal) : inner.read([r], signal).then((b) => b[0]!)))),
    async close() {
      blocks.clear();
      await inner.close();
    },
  };
}

/**
 * The duck-typed `BaseSource` geotiff.js reads through (`GeoTIFF.fromSource`).
 */
export function toGeoTiffSource(src: RasterSource): {
  fetch(slices: ByteRange[], signal?: AbortSignal): Promise<ArrayBuffer[]>;
  readonly fileSize: number | null;
  close(): Promise<void>;
} {
  return {
    fetch: (slices, signal) => src.read(slices, signal),
    get fileSize() {
      return src.size();
    },
    close: () => src.close(),
  };
}
