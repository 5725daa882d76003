/**
 * Faster block decoders for geotiff.js: TIFF LZW (compression 5; Planet delivers LZW) in typed
 * arrays instead of geotiff.js' array-of-numbers version (about 10x faster), and Deflate (8,
 * 32946) on node:zlib (asynchronous, off the JavaScript thread) instead of pako. Registered once, process-wide, by `registerFastDecoders`.
 */
import { inflate } from 'node:zlib';
import { addDecoder, BaseDecoder } from 'geotiff';

const CLEAR = 256;
const EOI = 257;

/** Decodes TIFF LZW (MSB-first codes of 9..12 bits, "early change"). Throws on a corrupt stream. */
export function lzwDecode(input: Uint8Array, expectedBytes = 0): Uint8Array {
  const prefix = new Uint16Array(4096);
  const suffix = new Uint8Array(4096);
  const first = new Uint8Array(4096);
  const len = new Uint16Array(4096);
  for (let i = 0; i < 256; i++) {
    suffix[i] = i;
    first[i] = i;
    len[i] = 1;
  }
  // The expected size comes from the (untrusted) header: preallocate it only up to 64 MiB, grow after.
  let out = new Uint8Array(Math.max(Math.min(expectedBytes, 64 * 1024 * 1024), 4096));
  let op = 0;
  const ensure = (n: number): void => {
    if (op + n <= out.length) return;
    const bigger = new Uint8Array(Math.max(out.length * 2, op + n));
    bigger.set(out.subarray(0, op));
    out = bigger;
  };
  const emit = (code: number): void => {
    const l = len[code]!;
    ensure(l);
    let c = code;
    for (let k = op + l - 1; k >= op; k--) {
      out[k] = suffix[c]!;
      c = prefix[c]!;
    }
    op += l;
  };
  const n = input.length;
  let ip = 0;
  let bits = 0;
  let nbits = 0;
  let width = 9;
  let next = 258;
  let old = -1;
  for (;;) {
    while (nbits < width) {
      if (ip >= n) return finish(out, op); // ran out without an EOI code
      bits = ((bits << 8) | input[ip++]!) & 0xffffff;
      nbits += 8;
    }
    const code = (bits >>> (nbits - width)) & ((1 << width) - 1);
    nbits -= width;
    if (code === EOI) break;
    if (code === CLEAR) {
      width = 9;
      next = 258;
      old = -1;
      continue;
    }
    if (old === -1) {
      if (code > 255) throw new Error(`corrupt LZW data (code ${code} after a clear code)`);
      emit(code);
      old = code;
      continue;
    }
    let firstChar: number;
    if (code < next) {
      emit(code);
      firstChar = first[code]!;
    } else if (code === next) {
      emit(old);
      ensure(1);
      firstChar = first[old]!;
      out[op++] = firstChar;
    } else {
      throw new Error(`corrupt LZW data (code ${code} beyond the table of ${next})`);
    }
    if (next < 4096) {
      prefix[next] = old;
      suffix[next] = firstChar;
      first[next] = first[old]!;
      len[next] = len[old]! + 1;
      next++;
    }
    old = code;
    if (next >= (1 << width) - 1 && width < 12) width++;
  }
  return finish(out, op);
}

function finish(out: Uint8Array, op: number): Uint8Array {
  return op === out.length ? out : out.subarray(0, op);
}

function toArrayBuffer(u: Uint8Array): ArrayBuffer {
  return u.byteOffset === 0 && u.byteLength === u.buffer.byteLength ? (u.buffer as ArrayBuffer) : (u.slice().buffer as ArrayBuffer);
}

interface DecoderParams {
  tileWidth: number;
  tileHeight: number;
  bitsPerSample: number | ArrayLike<number>;
  planarConfiguration: number;
}

function expectedBytes(p: DecoderParams): number {
  const bits = typeof p.bitsPerSample === 'number' ? [p.bitsPerSample] : Array.from(p.bitsPerSample);
  const perPixel = p.planarConfiguration === 2 ? bits[0]! : bits.reduce((a, b) => a + b, 0);
  return Math.ceil((p.tileWidth * p.tileHeight * perPixel) / 8);
}

class FastLzwDecoder extends BaseDecoder {
  override decodeBlock(buffer: ArrayBufferLike): ArrayBufferLike {
    return toArrayBuffer(lzwDecode(new Uint8Array(buffer), expectedBytes(this.parameters as unknown as DecoderParams)));
  }
}

/**
 * Deflate on node:zlib, asynchronously: the inflate runs on libuv's thread pool, so several blocks
 * (and the JavaScript work of other tiles) proceed in parallel even without worker threads.
 */
class ZlibDeflateDecoder extends BaseDecoder {
  override decodeBlock(buffer: ArrayBufferLike): Promise<ArrayBufferLike> {
    // A block never inflates to more than its pixels: a "zip bomb" stops there.
    const expected = expectedBytes(this.parameters as unknown as DecoderParams);
    const limit = Number.isFinite(expected) && expected > 0 && expected < 2 ** 31 ? expected + 1024 : undefined;
    // One output chunk for the whole block: the default 16 kB chunks cost a thread-pool round trip each.
    const chunkSize = Math.min(8 * 1024 * 1024, Math.max(64 * 1024, limit ?? 0));
    return new Promise((resolve, reject) => {
      inflate(new Uint8Array(buffer), { chunkSize, ...(limit ? { maxOutputLength: limit } : {}) }, (err, out) => (err ? reject(err) : resolve(toArrayBuffer(out))));
    });
  }
}

let registered = false;

/** Makes geotiff.js use the decoders above (idempotent; affects the whole process). */
export function registerFastDecoders(): void {
  if (registered) return;
  registered = true;
  addDecoder(5, () => Promise.resolve(FastLzwDecoder as never), undefined, false);
  addDecoder([8, 32946], () => Promise.resolve(ZlibDeflateDecoder as never), undefined, false);
}
