/**
 * The main-thread half of reading blocks for the tile engine: a pyramid level's block layout and
 * decoder spec (memoised on the image), where each block lies in the file (offset arrays loaded
 * whole when small), truncation checks, and fetching the raw bytes of several blocks with nearby
 * ranges coalesced into one read (one HTTP request per run of neighbouring COG tiles).
 * Decoding happens in block-codec.ts (in-thread or in a worker).
 */
import type { GeoTIFFImage } from 'geotiff';
import { ApiError } from '../../common/api/errors';
import { type DecodeSpec, type RawBlock } from './block-codec';
import { guard, toImageryError } from './imagery-errors';
import type { ImageLevel, OpenedImage } from './open-image';
import type { PixelWindow } from './read-window';
import { blocksForWindow } from './read-window';
import { PastEndError } from './source';
import { bytesPerSampleOf, type BlockGeometry } from './block-window';

export interface LevelLayout {
  level: number;
  /** false: decode through geotiff.js readRasters instead (odd bit depths, big-endian, float16). */
  fast: boolean;
  spec: DecodeSpec;
  geometry: BlockGeometry;
  across: number;
  down: number;
  tiled: boolean;
  fill: { value: number; bytesPerSample: number; float: boolean } | null;
}

const LOAD_WHOLE_MAX = 32768;

function littleEndianOf(image: GeoTIFFImage): boolean {
  return (image as unknown as { littleEndian: boolean }).littleEndian !== false;
}

/** The layout of a level (memoised on the image). */
export function levelLayout(img: OpenedImage, level: ImageLevel): Promise<LevelLayout> {
  const key = `blocks:layout:${level.index}`;
  let p = img.cache.get(key) as Promise<LevelLayout> | undefined;
  if (!p) {
    p = guard(img.name, 'image directory', () => computeLayout(img, level));
    img.cache.set(key, p);
    p.catch(() => img.cache.delete(key));
  }
  return p;
}

async function computeLayout(img: OpenedImage, level: ImageLevel): Promise<LevelLayout> {
  const image = level.image;
  const fd = image.getFileDirectory();
  const compression = Number(fd.getValue('Compression' as never) ?? 1);
  const spp = image.getSamplesPerPixel();
  const planar = image.planarConfiguration;
  const bitsRaw = (await fd.loadValue('BitsPerSample' as never)) as ArrayLike<number> | number | undefined;
  const bits = typeof bitsRaw === 'number' ? [bitsRaw] : bitsRaw ? Array.from(bitsRaw) : [1];
  const predictor = Number(fd.getValue('Predictor' as never) ?? 1) || 1;
  const blockWidth = level.blockWidth;
  // A strip is at most the image's height; a tile is always whole (a 200 px image in 256 px tiles
  // stores 256 rows per tile, and its inflate limit and predictor work on whole tiles).
  const blockHeight = level.tiled ? level.blockHeight : Math.min(level.blockHeight, level.height);
  const bps = bytesPerSampleOf(img.dtype);
  const samplesPerBlock = planar === 2 ? 1 : spp;
  const sampleFormat = image.getSampleFormat(0);
  const fast =
    bits.every((b) => b === bits[0]) &&
    bits[0] === bps * 8 &&
    (littleEndianOf(image) || bps === 1) &&
    !(sampleFormat === 3 && bits[0] === 16);
  const params: DecodeSpec['params'] = { tileWidth: blockWidth, tileHeight: blockHeight, planarConfiguration: planar, bitsPerSample: bits, predictor };
  if (compression === 7 && fd.hasTag('JPEGTables' as never)) params.JPEGTables = Array.from((await fd.loadValue('JPEGTables' as never)) as ArrayLike<number>);
  if (compression === 34887 && fd.hasTag('LercParameters' as never)) params.LercParameters = Array.from((await fd.loadValue('LercParameters' as never)) as ArrayLike<number>);
  if (compression === 50001) params.samplesPerPixel = spp;
  const nd = img.nodata;
  return {
    level: level.index,
    fast,
    spec: { compression, params, rowBytes: blockWidth * samplesPerBlock * bps },
    geometry: { width: level.width, height: level.height, blockWidth, blockHeight, samplesPerBlock, planar, dtype: img.dtype },
    across: Math.ceil(level.width / blockWidth),
    down: Math.ceil(level.height / blockHeight),
    tiled: level.tiled,
    fill: nd !== null && Number.isFinite(nd) && nd !== 0 ? { value: nd, bytesPerSample: bps, float: img.dtype.startsWith('float') } : null,
  };
}

/** Block indices (as the offsets arrays count them) the window needs for these 0-based bands. */
export function windowBlocks(img: OpenedImage, level: ImageLevel, layout: LevelLayout, win: PixelWindow, samples: number[]): number[] {
  return blocksForWindow({ width: level.width, height: level.height, blockWidth: layout.geometry.blockWidth, blockHeight: layout.geometry.blockHeight }, win, samples, layout.geometry.planar, img.bands);
}

/** Column, row and plane of a block index. */
export function blockPosition(layout: LevelLayout, index: number): { bx: number; by: number; plane: number } {
  const perPlane = layout.across * layout.down;
  const plane = Math.floor(index / perPlane);
  const r = index - plane * perPlane;
  return { bx: r % layout.across, by: Math.floor(r / layout.across), plane };
}

/** Rows of pixel data the block holds (strip images: the last strip may be short). */
export function blockRows(layout: LevelLayout, index: number): number {
  const { by } = blockPosition(layout, index);
  return Math.min(layout.geometry.blockHeight, layout.geometry.height - by * layout.geometry.blockHeight);
}

interface OffsetArrays {
  offsets: ArrayLike<number | bigint> | null;
  counts: ArrayLike<number | bigint> | null;
}

async function offsetArrays(img: OpenedImage, level: ImageLevel, layout: LevelLayout): Promise<OffsetArrays> {
  const key = `blocks:offsets:${level.index}`;
  let p = img.cache.get(key) as Promise<OffsetArrays> | undefined;
  if (!p) {
    const total = layout.across * layout.down * (layout.geometry.planar === 2 ? img.bands : 1);
    p =
      total <= LOAD_WHOLE_MAX
        ? (async () => {
            const fd = level.image.getFileDirectory();
            const [offsets, counts] = await Promise.all([
              fd.loadValue((layout.tiled ? 'TileOffsets' : 'StripOffsets') as never),
              fd.loadValue((layout.tiled ? 'TileByteCounts' : 'StripByteCounts') as never),
            ]);
            const asArray = (v: unknown): ArrayLike<number | bigint> | null => (v === undefined || v === null ? null : typeof v === 'number' || typeof v === 'bigint' ? [v] : (v as ArrayLike<number>));
            return { offsets: asArray(offsets), counts: asArray(counts) };
          })()
        : Promise.resolve({ offsets: null, counts: null });
    img.cache.set(key, p);
    p.catch(() => img.cache.delete(key));
  }
  return p;
}

/** [offset, byteCount] of each block, checked against the file size (truncation is a clear BAD_INPUT). */
export async function blockLocations(img: OpenedImage, level: ImageLevel, layout: LevelLayout, indices: number[]): Promise<Array<[number, number]>> {
  const kind = layout.tiled ? 'tile' : 'strip';
  const where = level.index === 0 ? '' : ` of overview ${level.index}`;
  const arrays = await guard(img.name, `${kind} offsets${where}`, () => offsetArrays(img, level, layout));
  const fd = level.image.getFileDirectory();
  const size = img.source.size();
  const out: Array<[number, number]> = [];
  for (const i of indices) {
    let off: number;
    let cnt: number;
    if (arrays.offsets && arrays.counts) {
      if (i >= arrays.offsets.length || i >= arrays.counts.length) {
        throw new ApiError('BAD_INPUT', `${img.name}: corrupt: ${kind} ${i}${where} is missing from the ${kind} offsets (${arrays.offsets.length} entries)`);
      }
      off = Number(arrays.offsets[i]);
      cnt = Number(arrays.counts[i]);
    } else {
      [off, cnt] = await guard(img.name, `${kind} offsets${where}`, async () => [
        Number(await fd.loadValueIndexed(layout.tiled ? 'TileOffsets' : 'StripOffsets', i)),
        Number(await fd.loadValueIndexed(layout.tiled ? 'TileByteCounts' : 'StripByteCounts', i)),
      ]);
    }
    if (cnt > 0 && size !== null && off + cnt > size) {
      const at = off >= size ? `at byte ${off} is past the end` : `(bytes ${off}..${off + cnt - 1}) runs past the end`;
      throw new ApiError('BAD_INPUT', `${img.name}: truncated: ${kind} ${i}${where} ${at} of the ${size}-byte file`);
    }
    out.push([off, cnt]);
  }
  return out;
}

/** Reads the raw bytes of blocks, merging ranges less than `gap` bytes apart (at most `maxRun` per read). */
export async function fetchRawBlocks(
  img: OpenedImage,
  level: ImageLevel,
  layout: LevelLayout,
  indices: number[],
  signal?: AbortSignal,
  opts: { gap?: number; maxRun?: number } = {},
): Promise<RawBlock[]> {
  const gap = opts.gap ?? 16 * 1024;
  const maxRun = opts.maxRun ?? 16 * 1024 * 1024;
  const locs = await blockLocations(img, level, layout, indices);
  const out: RawBlock[] = indices.map((i) => ({ raw: null, rows: blockRows(layout, i) }));
  const order = locs.map((l, k) => k).filter((k) => locs[k]![1] > 0).sort((a, b) => locs[a]![0] - locs[b]![0]);
  const runs: Array<{ start: number; end: number; members: number[] }> = [];
  for (const k of order) {
    const [off, cnt] = locs[k]!;
    const last = runs[runs.length - 1];
    if (last && off - last.end <= gap && off + cnt - last.start <= maxRun && off >= last.start) {
      last.end = Math.max(last.end, off + cnt);
      last.members.push(k);
    } else runs.push({ start: off, end: off + cnt, members: [k] });
  }
  if (runs.length === 0) return out;
  let bufs: ArrayBuffer[];
  try {
    bufs = await img.source.read(runs.map((r) => ({ offset: r.start, length: r.end - r.start })), signal);
  } catch (e) {
    if ((e as Error)?.name === 'AbortError' || signal?.aborted) throw abortError();
    const where = level.index === 0 ? 'pixels' : `pixels of overview ${level.index}`;
    if (e instanceof PastEndError) throw toImageryError(img.name, `a block of ${where}`, e);
    throw toImageryError(img.name, where, e);
  }
  runs.forEach((r, j) => {
    const buf = bufs[j]!;
    for (const k of r.members) {
      const [off, cnt] = locs[k]!;
      const from = off - r.start;
      if (from + cnt > buf.byteLength) {
        const kind = layout.tiled ? 'tile' : 'strip';
        throw new ApiError('BAD_INPUT', `${img.name}: truncated: ${kind} ${indices[k]} (bytes ${off}..${off + cnt - 1}) runs past the end of the file`);
      }
      out[k]!.raw = r.members.length === 1 && from === 0 && cnt === buf.byteLength ? buf : buf.slice(from, from + cnt);
    }
  });
  return out;
}

/** The DOMException every cancelled tile path rejects with. */
export function abortError(): Error {
  return new DOMException('the tile request was cancelled', 'AbortError');
}

export function isAbortError(e: unknown): boolean {
  return (e as Error)?.name === 'AbortError';
}
