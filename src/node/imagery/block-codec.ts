/**
 * Decoding one compressed TIFF block (tile or strip) to little-endian samples: geotiff.js's
 * decoder registry (with our fast LZW / zlib deflate, decoders.ts) plus the predictor. Pure and
 * worker-safe: the spec and the bytes are plain data, so the tile workers run exactly this.
 */
import { getDecoder } from 'geotiff';
import { registerFastDecoders } from './decoders';

/** TIFF compression codes and names (for messages). */
export const COMPRESSION_NAMES: Record<number, string> = {
  1: 'none', 2: 'CCITT RLE', 3: 'CCITT Group 3 fax', 4: 'CCITT Group 4 fax', 5: 'LZW', 6: 'old-style JPEG', 7: 'JPEG', 8: 'deflate',
  32773: 'PackBits', 32946: 'deflate', 34661: 'JBIG', 34676: 'SGILog', 34677: 'SGILog24', 34712: 'JPEG 2000', 34887: 'LERC',
  34925: 'LZMA', 50000: 'ZSTD', 50001: 'WebP', 50002: 'JPEG-XL', 52546: 'JPEG-XL',
};

/** What this build decodes (geotiff.js' pure-JS/WASM codecs; WebP needs a browser canvas). */
export const SUPPORTED_COMPRESSIONS = new Set([1, 5, 7, 8, 32773, 32946, 34887, 50000]);

export function compressionName(code: number): string {
  const n = COMPRESSION_NAMES[code];
  return n ? `${n} (${code})` : `code ${code}`;
}

/** The decoder parameters of one pyramid level (plain data: it is posted to workers). */
export interface DecodeSpec {
  compression: number;
  /** geotiff.js BaseDecoderParameters + extras (JPEGTables, LercParameters, samplesPerPixel). */
  params: {
    tileWidth: number;
    tileHeight: number;
    planarConfiguration: number;
    bitsPerSample: number[];
    predictor: number;
    samplesPerPixel?: number;
    JPEGTables?: ArrayLike<number>;
    LercParameters?: ArrayLike<number>;
  };
  /** Bytes of one decoded row of a block (blockWidth * bytes per pixel of the block). */
  rowBytes: number;
}

/** One block to decode: its bytes (null for a sparse block, which decodes to `fill`) and rows. */
export interface RawBlock {
  raw: ArrayBuffer | null;
  /** Rows this block holds (a strip image's last strip can be shorter). */
  rows: number;
}

export class BlockDecodeError extends Error {
  override name = 'BlockDecodeError';
}

/** Decodes a block; the result holds at least `rows * spec.rowBytes` bytes. */
export async function decodeBlock(spec: DecodeSpec, block: RawBlock, fill: { value: number; bytesPerSample: number; float: boolean } | null = null): Promise<ArrayBuffer> {
  const need = block.rows * spec.rowBytes;
  if (block.raw === null) {
    const out = new ArrayBuffer(spec.params.tileHeight * spec.rowBytes);
    if (fill && fill.value !== 0 && Number.isFinite(fill.value)) fillBuffer(out, fill);
    return out;
  }
  registerFastDecoders();
  let decoded: ArrayBufferLike;
  try {
    const decoder = await getDecoder(spec.compression, spec.params as never);
    const bits = spec.params.bitsPerSample;
    if (spec.params.predictor === 2 && bits.every((b) => b === bits[0]) && (bits[0] === 8 || bits[0] === 16 || bits[0] === 32)) {
      // Horizontal differencing undone here in typed arrays (geotiff.js' loop is ~5x slower).
      decoded = await decoder.decodeBlock(block.raw);
      undoHorizontalPredictor(decoded, spec, bits[0]);
    } else decoded = await decoder.decode(block.raw);
  } catch (e) {
    const msg = ((e as Error)?.message ?? String(e)).split('\n')[0]!.slice(0, 160);
    throw new BlockDecodeError(`cannot decode ${compressionName(spec.compression)} data: ${msg}`);
  }
  if (decoded.byteLength < need) {
    throw new BlockDecodeError(`${compressionName(spec.compression)} data decodes to ${decoded.byteLength} bytes, expected ${need}`);
  }
  return decoded as ArrayBuffer;
}

/** Predictor 2: each sample is stored as the difference to the same sample of the pixel to its left. */
export function undoHorizontalPredictor(buf: ArrayBufferLike, spec: DecodeSpec, bits: 8 | 16 | 32): void {
  const stride = spec.params.planarConfiguration === 2 ? 1 : spec.params.bitsPerSample.length;
  const rowLen = spec.params.tileWidth * stride;
  const a = bits === 8 ? new Uint8Array(buf) : bits === 16 ? new Uint16Array(buf, 0, buf.byteLength >> 1) : new Uint32Array(buf, 0, buf.byteLength >> 2);
  const rows = Math.min(spec.params.tileHeight, Math.floor(a.length / rowLen));
  for (let r = 0; r < rows; r++) {
    const end = (r + 1) * rowLen;
    for (let i = r * rowLen + stride; i < end; i++) a[i] = a[i]! + a[i - stride]!;
  }
}

function fillBuffer(buf: ArrayBuffer, fill: { value: number; bytesPerSample: number; float: boolean }): void {
  const b = fill.bytesPerSample;
  const arr = fill.float
    ? b === 4 ? new Float32Array(buf) : new Float64Array(buf)
    : b === 1 ? new Uint8Array(buf) : b === 2 ? new Uint16Array(buf) : new Uint32Array(buf);
  arr.fill(fill.value);
}
