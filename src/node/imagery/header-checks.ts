/**
 * Defences against files whose header lies: before geotiff.js parses anything, every image
 * directory (IFD) is walked and each entry's value must lie inside the file and be of a sane
 * size (a crafted count of 2^32 values would otherwise allocate gigabytes); after parsing, each
 * level's blocks must decode to a bounded size and the compression must be one this build
 * decodes. All failures are one-line BAD_INPUT errors. (A truncated file still opens: reading a
 * block that lies past the end names it, read-window.ts / block-reader.ts.)
 */
import { ApiError } from '../../common/api/errors';
import { compressionName, SUPPORTED_COMPRESSIONS } from './block-codec';
import type { RasterSource } from './source';

/** A decoded block (tile or strip) may take at most this much memory. */
export const MAX_BLOCK_BYTES = 256 * 1024 * 1024;
/** An IFD entry's values may take at most this much (offset arrays of a 1 000 000 x 1 000 000 px COG fit). */
const MAX_ENTRY_BYTES = 512 * 1024 * 1024;
const MAX_IFDS = 1024;
const TYPE_SIZE: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 13: 4, 16: 8, 17: 8, 18: 8 };

export function formatBytes(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(1)} GB`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} MB`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} kB`;
  return `${n} bytes`;
}

/** Walks the IFD chain and checks every entry's size and place. */
export async function scanIfds(src: RasterSource): Promise<void> {
  const size = src.size();
  const bad = (m: string): never => {
    throw new ApiError('BAD_INPUT', `${src.name}: corrupt: ${m}`);
  };
  const head = new DataView((await src.read([{ offset: 0, length: 16 }]))[0]!);
  const le = head.getUint8(0) === 0x49;
  const big = head.getUint16(2, le) === 43;
  let offset = big ? Number(head.getBigUint64(8, le)) : head.getUint32(4, le);
  const seen = new Set<number>();
  for (let n = 0; offset !== 0; n++) {
    if (n >= MAX_IFDS) bad(`more than ${MAX_IFDS} image directories`);
    if (seen.has(offset)) bad(`image directory ${n} loops back to byte ${offset}`);
    seen.add(offset);
    if (size !== null && offset >= size) {
      throw new ApiError('BAD_INPUT', `${src.name}: truncated: image directory ${n} at byte ${offset} is past the end of the ${size}-byte file`);
    }
    const cntBuf = new DataView((await src.read([{ offset, length: big ? 8 : 2 }]))[0]!);
    if (cntBuf.byteLength < (big ? 8 : 2)) bad(`image directory ${n} at byte ${offset} is cut short`);
    const entries = big ? Number(cntBuf.getBigUint64(0, le)) : cntBuf.getUint16(0, le);
    const entrySize = big ? 20 : 12;
    const tableLen = entries * entrySize + (big ? 8 : 4);
    if (entries === 0) bad(`image directory ${n} has no entries`);
    if (entries > 4096 || (size !== null && offset + (big ? 8 : 2) + tableLen > size)) {
      bad(`image directory ${n} claims ${entries} entries, more than the ${size === null ? '' : `${size}-byte `}file holds`);
    }
    const table = new DataView((await src.read([{ offset: offset + (big ? 8 : 2), length: tableLen }]))[0]!);
    for (let e = 0; e < entries; e++) {
      const o = e * entrySize;
      const tag = table.getUint16(o, le);
      const type = table.getUint16(o + 2, le);
      const count = big ? Number(table.getBigUint64(o + 4, le)) : table.getUint32(o + 4, le);
      const ts = TYPE_SIZE[type];
      if (ts === undefined) continue; // unknown type: readers skip it
      const bytes = count * ts;
      if (bytes <= (big ? 8 : 4)) continue; // stored inline
      if (bytes > MAX_ENTRY_BYTES) bad(`image directory ${n}, tag ${tag} claims ${count} values (${formatBytes(bytes)})`);
      const at = big ? Number(table.getBigUint64(o + 12, le)) : table.getUint32(o + 8, le);
      if (size !== null && at + bytes > size) {
        throw new ApiError('BAD_INPUT', `${src.name}: truncated or corrupt: image directory ${n}, tag ${tag} claims ${count} values at byte ${at}, past the end of the ${size}-byte file`);
      }
    }
    offset = big ? Number(table.getBigUint64(entries * entrySize, le)) : table.getUint32(entries * entrySize, le);
  }
}

export interface LevelFacts {
  index: number;
  width: number;
  height: number;
  blockWidth: number;
  blockHeight: number;
  tiled: boolean;
  compression: number;
  /** Samples in one block: all bands (planar 1) or 1 (planar 2). */
  samplesPerBlock: number;
  bands: number;
  bytesPerSample: number;
  dtype: string;
}

/** Checks a parsed level: supported compression, bounded block size. */
export function checkLevel(name: string, l: LevelFacts): void {
  const where = l.index === 0 ? '' : ` (overview ${l.index})`;
  if (!SUPPORTED_COMPRESSIONS.has(l.compression)) {
    throw new ApiError(
      'BAD_INPUT',
      `${name}: compression ${compressionName(l.compression)}${where} is not supported (this reader decodes none, LZW, deflate, PackBits, JPEG, LERC, ZSTD); convert it, e.g. gdal_translate -co COMPRESS=DEFLATE`,
    );
  }
  const kind = l.tiled ? 'tile' : 'strip';
  const blockBytes = l.blockWidth * Math.min(l.blockHeight, l.height) * l.samplesPerBlock * l.bytesPerSample;
  if (!(l.blockWidth > 0 && l.blockHeight > 0)) throw new ApiError('BAD_INPUT', `${name}: corrupt: ${kind} size ${l.blockWidth} x ${l.blockHeight}${where}`);
  if (blockBytes > MAX_BLOCK_BYTES) {
    throw new ApiError(
      'BAD_INPUT',
      `${name}: one ${kind} of ${l.blockWidth} x ${Math.min(l.blockHeight, l.height)} px${where} would take ${formatBytes(blockBytes)} decoded, more than the ${formatBytes(MAX_BLOCK_BYTES)} this reader allows (the image claims ${l.width} x ${l.height} px)`,
    );
  }
}

