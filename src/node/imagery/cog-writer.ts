/**
 * Cloud-Optimized GeoTIFF writer (classic TIFF, little-endian), no GDAL needed.
 *
 * Layout (what GDAL's COG driver writes and validate_cloud_optimized_geotiff.py checks):
 *   header (8 bytes) | GDAL "ghost area" structural metadata | IFD of the full image + its
 *   out-of-line values | IFD of overview 1 + values | ... | tile data of the smallest overview |
 *   ... | tile data of the full image.
 * Each tile is written with a 4-byte little-endian size leader and its last 4 bytes repeated as a
 * trailer (BLOCK_LEADER=SIZE_AS_UINT4, BLOCK_TRAILER=LAST_4_BYTES_REPEATED), tiles row-major
 * inside a level (BLOCK_ORDER=ROW_MAJOR), exactly as GDAL declares in its ghost area.
 *
 * Samples are pixel-interleaved (PlanarConfiguration=1): that is GDAL's COG default, one HTTP
 * range read fetches all bands of a tile (the tile server always needs 3 bands of 4), and the
 * horizontal predictor works per sample with stride = samples per pixel.
 *
 * Compression: deflate (zlib stream, TIFF compression 8) via node:zlib; predictor 2 (horizontal
 * differencing) for integer types and predictor 3 (floating point: byte planes + differencing,
 * as libtiff) for float32. `encodeCog` compresses synchronously; `writeCog`/`encodeCogAsync`
 * compress on the libuv thread pool in parallel and produce the same bytes.
 */
import { deflate, deflateSync } from 'node:zlib';
import { writeFile } from 'node:fs/promises';
import { endianness } from 'node:os';
import { promisify } from 'node:util';

export type CogDtype = 'uint8' | 'uint16' | 'float32';
/** origin = upper-left corner, CRS units; pixelSizeY positive (north-up). */
export interface CogGeo { epsg: number; originX: number; originY: number; pixelSizeX: number; pixelSizeY: number }
export interface CogInput {
  width: number;
  height: number;
  dtype: CogDtype;
  /** one array per band, row-major, width*height values */
  bands: ArrayLike<number>[];
  geo: CogGeo;
  nodata?: number;
  /** default 256, multiple of 16 */
  tileSize?: number;
  /** default 'deflate' */
  compression?: 'deflate' | 'none';
  /** default true with deflate: predictor 2 for integers, 3 for float32 */
  predictor?: boolean;
  /** default 'average' (nodata-aware) */
  overviewResampling?: 'average' | 'nearest';
  /** TIFFTAG_IMAGEDESCRIPTION */
  description?: string;
  bandDescriptions?: string[];
}

const deflateAsync = promisify(deflate);
const DEFLATE_LEVEL = 6;
const GEOGRAPHIC_EPSG = new Set([4326, 4269, 4258, 4267, 4283, 4674, 4989]);

type Pixels = Uint8Array | Uint16Array | Float32Array;

interface Level { width: number; height: number; data: Pixels }

interface Prepared {
  input: CogInput;
  spp: number;
  tileSize: number;
  bytesPerSample: number;
  predictor: 1 | 2 | 3;
  compress: boolean;
  levels: Level[];
}

function newPixels(dtype: CogDtype, n: number): Pixels {
  if (dtype === 'uint8') return new Uint8Array(n);
  if (dtype === 'uint16') return new Uint16Array(n);
  return new Float32Array(n);
}

function validate(input: CogInput): void {
  const { width, height, bands, dtype } = input;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new Error(`cog-writer: bad size ${width}x${height}`);
  }
  if (!['uint8', 'uint16', 'float32'].includes(dtype)) throw new Error(`cog-writer: unsupported dtype ${dtype}`);
  if (bands.length < 1 || bands.length > 65535) throw new Error(`cog-writer: need 1..65535 bands, got ${bands.length}`);
  bands.forEach((b, i) => {
    if (b.length !== width * height) {
      throw new Error(`cog-writer: band ${i + 1} has ${b.length} values, expected ${width * height}`);
    }
  });
  const ts = input.tileSize ?? 256;
  if (!Number.isInteger(ts) || ts < 16 || ts % 16 !== 0 || ts > 65535) {
    throw new Error(`cog-writer: tileSize must be a multiple of 16, got ${ts}`);
  }
  const g = input.geo;
  for (const k of ['originX', 'originY', 'pixelSizeX', 'pixelSizeY'] as const) {
    if (!Number.isFinite(g[k])) throw new Error(`cog-writer: geo.${k} is not finite`);
  }
  if (!(g.pixelSizeX > 0 && g.pixelSizeY > 0)) throw new Error('cog-writer: pixel sizes must be positive');
  if (!Number.isInteger(g.epsg) || g.epsg <= 0) throw new Error(`cog-writer: bad EPSG ${g.epsg}`);
  if (endianness() !== 'LE') throw new Error('cog-writer: big-endian hosts are not supported');
}

function interleave(input: CogInput): Pixels {
  const { width, height, bands, dtype } = input;
  const spp = bands.length;
  const n = width * height;
  const out = newPixels(dtype, n * spp);
  if (spp === 1) {
    out.set(bands[0] as ArrayLike<number>);
    return out;
  }
  for (let b = 0; b < spp; b++) {
    const src = bands[b] as ArrayLike<number>;
    for (let i = 0, j = b; i < n; i++, j += spp) out[j] = src[i] as number;
  }
  return out;
}

/** 2x reduction of an interleaved level; average excludes nodata samples. */
export function downsample2x(level: Level, spp: number, dtype: CogDtype, mode: 'average' | 'nearest', nodata?: number): Level {
  const { width: w, height: h, data: src } = level;
  const w2 = Math.ceil(w / 2);
  const h2 = Math.ceil(h / 2);
  const out = newPixels(dtype, w2 * h2 * spp);
  const isInt = dtype !== 'float32';
  const hasNd = nodata !== undefined;
  const ndNaN = hasNd && Number.isNaN(nodata);
  const nd = hasNd ? (nodata as number) : 0;
  const rowStride = w * spp;
  for (let y = 0; y < h2; y++) {
    const y0 = 2 * y;
    const y1 = y0 + 1 < h ? y0 + 1 : y0;
    const ny = y1 === y0 ? 1 : 2;
    const r0 = y0 * rowStride;
    const r1 = y1 * rowStride;
    let o = y * w2 * spp;
    for (let x = 0; x < w2; x++) {
      const x0 = 2 * x;
      const nx = x0 + 1 < w ? 2 : 1;
      const c0 = x0 * spp;
      const c1 = (x0 + nx - 1) * spp;
      for (let s = 0; s < spp; s++, o++) {
        if (mode === 'nearest') { out[o] = src[r0 + c0 + s] as number; continue; }
        const a = src[r0 + c0 + s] as number;
        const b = src[r0 + c1 + s] as number;
        const c = src[r1 + c0 + s] as number;
        const d = src[r1 + c1 + s] as number;
        let sum = 0;
        let cnt = 0;
        if (!hasNd) {
          // duplicated edge samples keep the mean of the real ones
          sum = a + b + c + d; cnt = 4;
          if (nx === 1 && ny === 1) { sum = a; cnt = 1; } else if (nx === 1) { sum = a + c; cnt = 2; } else if (ny === 1) { sum = a + b; cnt = 2; }
        } else {
          const useB = nx === 2;
          const useC = ny === 2;
          if (ndNaN) {
            if (a === a) { sum += a; cnt++; }
            if (useB && b === b) { sum += b; cnt++; }
            if (useC && c === c) { sum += c; cnt++; }
            if (useB && useC && d === d) { sum += d; cnt++; }
          } else {
            if (a !== nd) { sum += a; cnt++; }
            if (useB && b !== nd) { sum += b; cnt++; }
            if (useC && c !== nd) { sum += c; cnt++; }
            if (useB && useC && d !== nd) { sum += d; cnt++; }
          }
        }
        if (cnt === 0) { out[o] = nd; continue; }
        let v = isInt ? Math.floor(sum / cnt + 0.5) : sum / cnt;
        // an average of valid samples must not collide with nodata
        if (hasNd && isInt && v === nd) v = nd === 0 ? 1 : nd - 1;
        out[o] = v;
      }
    }
  }
  return { width: w2, height: h2, data: out };
}

function prepare(input: CogInput): Prepared {
  validate(input);
  const tileSize = input.tileSize ?? 256;
  const spp = input.bands.length;
  const compress = (input.compression ?? 'deflate') === 'deflate';
  const usePred = input.predictor ?? compress;
  const predictor: 1 | 2 | 3 = !usePred ? 1 : input.dtype === 'float32' ? 3 : 2;
  const bytesPerSample = input.dtype === 'uint8' ? 1 : input.dtype === 'uint16' ? 2 : 4;
  const levels: Level[] = [{ width: input.width, height: input.height, data: interleave(input) }];
  const mode = input.overviewResampling ?? 'average';
  let last = levels[0] as Level;
  while (last.width > tileSize || last.height > tileSize) {
    last = downsample2x(last, spp, input.dtype, mode, input.nodata);
    levels.push(last);
  }
  return { input, spp, tileSize, bytesPerSample, predictor, compress, levels };
}

/** Copies one tile (padded with nodata/0) and applies the predictor; returns its raw bytes. */
function rawTile(p: Prepared, level: Level, tx: number, ty: number, scratch: Pixels, planes: Uint8Array | null): Uint8Array {
  const { spp, tileSize: ts, predictor } = p;
  const { width: w, height: h, data } = level;
  const fill = p.input.nodata ?? 0;
  const x0 = tx * ts;
  const y0 = ty * ts;
  const cw = Math.min(ts, w - x0);
  const ch = Math.min(ts, h - y0);
  const tileRow = ts * spp;
  if (cw < ts || ch < ts) scratch.fill(fill);
  for (let y = 0; y < ch; y++) {
    const s = ((y0 + y) * w + x0) * spp;
    scratch.set(data.subarray(s, s + cw * spp), y * tileRow);
  }
  if (predictor === 2) {
    for (let y = 0; y < ts; y++) {
      const r = y * tileRow;
      for (let i = r + tileRow - 1; i >= r + spp; i--) scratch[i] = (scratch[i] as number) - (scratch[i - spp] as number);
    }
  }
  const bytes = new Uint8Array(scratch.buffer, scratch.byteOffset, scratch.byteLength);
  if (predictor === 3 && planes) {
    // libtiff fpDiff: per row, byte planes most significant first, then byte differencing (stride spp)
    const bps = 4;
    const rowBytes = tileRow * bps;
    const wc = tileRow;
    for (let y = 0; y < ts; y++) {
      const r = y * rowBytes;
      for (let c = 0; c < wc; c++) {
        const sb = r + c * bps;
        planes[c] = bytes[sb + 3] as number;
        planes[wc + c] = bytes[sb + 2] as number;
        planes[2 * wc + c] = bytes[sb + 1] as number;
        planes[3 * wc + c] = bytes[sb] as number;
      }
      for (let j = rowBytes - 1; j >= spp; j--) planes[j] = ((planes[j] as number) - (planes[j - spp] as number)) & 0xff;
      bytes.set(planes.subarray(0, rowBytes), r);
    }
  }
  return bytes;
}

/** Yields raw (predicted, uncompressed) tiles in file order: smallest overview first, row-major. */
function* rawTiles(p: Prepared): Generator<Uint8Array> {
  const scratch = newPixels(p.input.dtype, p.tileSize * p.tileSize * p.spp);
  const planes = p.predictor === 3 ? new Uint8Array(p.tileSize * p.spp * 4) : null;
  for (let li = p.levels.length - 1; li >= 0; li--) {
    const level = p.levels[li] as Level;
    const nx = Math.ceil(level.width / p.tileSize);
    const ny = Math.ceil(level.height / p.tileSize);
    for (let ty = 0; ty < ny; ty++) {
      for (let tx = 0; tx < nx; tx++) {
        yield rawTile(p, level, tx, ty, scratch, planes);
      }
    }
  }
}

// ---------------------------------------------------------------- TIFF structure

const T_ASCII = 2, T_SHORT = 3, T_LONG = 4, T_DOUBLE = 12;
const TYPE_SIZE: Record<number, number> = { [T_ASCII]: 1, [T_SHORT]: 2, [T_LONG]: 4, [T_DOUBLE]: 8 };
interface Tag { tag: number; type: number; values: number[] | string }

const GHOST = (() => {
  const body = 'LAYOUT=IFDS_BEFORE_DATA\nBLOCK_ORDER=ROW_MAJOR\nBLOCK_LEADER=SIZE_AS_UINT4\n'
    + 'BLOCK_TRAILER=LAST_4_BYTES_REPEATED\nKNOWN_INCOMPATIBLE_EDITION=NO\n ';
  return `GDAL_STRUCTURAL_METADATA_SIZE=${String(body.length).padStart(6, '0')} bytes\n${body}`;
})();

function tagCount(t: Tag): number {
  return typeof t.values === 'string' ? Buffer.byteLength(t.values, 'latin1') + 1 : t.values.length;
}
function tagBytes(t: Tag): number { return tagCount(t) * (TYPE_SIZE[t.type] as number); }
function ifdSize(tags: Tag[]): number {
  let n = 2 + tags.length * 12 + 4;
  for (const t of tags) { const b = tagBytes(t); if (b > 4) n += b + (b & 1); }
  return n;
}

function writeValues(buf: Buffer, off: number, t: Tag): void {
  if (typeof t.values === 'string') { buf.write(t.values, off, 'latin1'); buf[off + tagCount(t) - 1] = 0; return; }
  const v = t.values;
  for (let i = 0; i < v.length; i++) {
    const x = v[i] as number;
    if (t.type === T_SHORT) buf.writeUInt16LE(x, off + 2 * i);
    else if (t.type === T_LONG) buf.writeUInt32LE(x, off + 4 * i);
    else buf.writeDoubleLE(x, off + 8 * i);
  }
}

/** Writes an IFD at `off` with its out-of-line values right after it; returns the end offset. */
function writeIfd(buf: Buffer, off: number, tags: Tag[], next: number): number {
  const sorted = [...tags].sort((a, b) => a.tag - b.tag);
  buf.writeUInt16LE(sorted.length, off);
  let extra = off + 2 + sorted.length * 12 + 4;
  sorted.forEach((t, i) => {
    const e = off + 2 + i * 12;
    buf.writeUInt16LE(t.tag, e);
    buf.writeUInt16LE(t.type, e + 2);
    buf.writeUInt32LE(tagCount(t), e + 4);
    const nb = tagBytes(t);
    if (nb <= 4) { buf.writeUInt32LE(0, e + 8); writeValues(buf, e + 8, t); } else {
      buf.writeUInt32LE(extra, e + 8);
      writeValues(buf, extra, t);
      extra += nb + (nb & 1);
    }
  });
  buf.writeUInt32LE(next, off + 2 + sorted.length * 12);
  return extra;
}

function xmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function geoKeys(epsg: number): number[] {
  const keys: number[][] = GEOGRAPHIC_EPSG.has(epsg)
    ? [[1024, 0, 1, 2], [1025, 0, 1, 1], [2048, 0, 1, epsg], [2054, 0, 1, 9102]]
    : [[1024, 0, 1, 1], [1025, 0, 1, 1], [3072, 0, 1, epsg], [3076, 0, 1, 9001]];
  return [1, 1, 0, keys.length, ...keys.flat()];
}

function levelTags(p: Prepared, li: number, offsets: number[], counts: number[]): Tag[] {
  const { input, spp, tileSize } = p;
  const level = p.levels[li] as Level;
  const tags: Tag[] = [
    { tag: 256, type: T_LONG, values: [level.width] },
    { tag: 257, type: T_LONG, values: [level.height] },
    { tag: 258, type: T_SHORT, values: new Array<number>(spp).fill(p.bytesPerSample * 8) },
    { tag: 259, type: T_SHORT, values: [p.compress ? 8 : 1] },
    { tag: 262, type: T_SHORT, values: [1] },
    { tag: 277, type: T_SHORT, values: [spp] },
    { tag: 284, type: T_SHORT, values: [1] },
    { tag: 322, type: T_SHORT, values: [tileSize] },
    { tag: 323, type: T_SHORT, values: [tileSize] },
    { tag: 324, type: T_LONG, values: offsets },
    { tag: 325, type: T_LONG, values: counts },
    { tag: 339, type: T_SHORT, values: new Array<number>(spp).fill(input.dtype === 'float32' ? 3 : 1) },
  ];
  if (p.predictor !== 1) tags.push({ tag: 317, type: T_SHORT, values: [p.predictor] });
  if (spp > 1) tags.push({ tag: 338, type: T_SHORT, values: new Array<number>(spp - 1).fill(0) });
  if (input.nodata !== undefined) {
    tags.push({ tag: 42113, type: T_ASCII, values: Number.isNaN(input.nodata) ? 'nan' : String(input.nodata) });
  }
  if (li > 0) {
    tags.push({ tag: 254, type: T_LONG, values: [1] });
    return tags;
  }
  const g = input.geo;
  tags.push(
    { tag: 33550, type: T_DOUBLE, values: [g.pixelSizeX, g.pixelSizeY, 0] },
    { tag: 33922, type: T_DOUBLE, values: [0, 0, 0, g.originX, g.originY, 0] },
    { tag: 34735, type: T_SHORT, values: geoKeys(g.epsg) },
  );
  if (input.description !== undefined) tags.push({ tag: 270, type: T_ASCII, values: input.description });
  if (input.bandDescriptions?.length) {
    const items = input.bandDescriptions.map((d, i) => `  <Item name="DESCRIPTION" sample="${i}" role="description">${xmlEscape(d)}</Item>\n`);
    tags.push({ tag: 42112, type: T_ASCII, values: `<GDALMetadata>\n${items.join('')}</GDALMetadata>\n` });
  }
  return tags;
}

function tileCount(p: Prepared, li: number): number {
  const l = p.levels[li] as Level;
  return Math.ceil(l.width / p.tileSize) * Math.ceil(l.height / p.tileSize);
}

/** Assembles the file from compressed tiles given in file order (smallest overview first). */
function assemble(p: Prepared, tiles: Uint8Array[]): Buffer {
  const nLevels = p.levels.length;
  const start = 8 + GHOST.length;
  const ifdStart = start + (start & 1);
  // pass 1: sizes (offset values do not change the IFD sizes)
  const placeholder = (li: number) => new Array<number>(tileCount(p, li)).fill(0);
  const ifdOffsets: number[] = [];
  let pos = ifdStart;
  for (let li = 0; li < nLevels; li++) {
    ifdOffsets.push(pos);
    pos += ifdSize(levelTags(p, li, placeholder(li), placeholder(li)));
  }
  const dataStart = pos;
  // tile offsets per level (file order: last level first)
  const offsets: number[][] = p.levels.map(() => []);
  const counts: number[][] = p.levels.map(() => []);
  let k = 0;
  for (let li = nLevels - 1; li >= 0; li--) {
    const n = tileCount(p, li);
    for (let i = 0; i < n; i++, k++) {
      const t = tiles[k] as Uint8Array;
      pos += 4;
      (offsets[li] as number[]).push(pos);
      (counts[li] as number[]).push(t.length);
      pos += t.length + 4;
    }
  }
  if (pos > 0xffffffff) throw new Error(`cog-writer: ${pos} bytes needs BigTIFF, which is not supported`);
  const buf = Buffer.alloc(pos);
  buf.write('II', 0, 'latin1');
  buf.writeUInt16LE(42, 2);
  buf.writeUInt32LE(ifdStart, 4);
  buf.write(GHOST, 8, 'latin1');
  for (let li = 0; li < nLevels; li++) {
    const next = li + 1 < nLevels ? (ifdOffsets[li + 1] as number) : 0;
    writeIfd(buf, ifdOffsets[li] as number, levelTags(p, li, offsets[li] as number[], counts[li] as number[]), next);
  }
  pos = dataStart;
  for (const t of tiles) {
    buf.writeUInt32LE(t.length, pos);
    buf.set(t, pos + 4);
    pos += 4 + t.length;
    buf.copyWithin(pos, pos - 4, pos);
    pos += 4;
  }
  return buf;
}

/** Encodes a COG in memory (synchronous compression). */
export function encodeCog(input: CogInput): Buffer {
  const p = prepare(input);
  const tiles: Uint8Array[] = [];
  for (const raw of rawTiles(p)) tiles.push(p.compress ? deflateSync(raw, { level: DEFLATE_LEVEL }) : raw.slice());
  return assemble(p, tiles);
}

/** Same bytes as encodeCog, tiles compressed in parallel on the libuv thread pool. */
export async function encodeCogAsync(input: CogInput): Promise<Buffer> {
  const p = prepare(input);
  const tiles: Uint8Array[] = [];
  const pending: Promise<void>[] = [];
  let i = 0;
  let failure: unknown;
  // every tile is queued at once (raw copies: about 1.4x the image in memory), so the thread pool
  // keeps compressing while the caller goes on with other synchronous work
  for (const raw of rawTiles(p)) {
    const idx = i++;
    if (!p.compress) { tiles[idx] = raw.slice(); continue; }
    // rawTiles reuses its scratch buffer: hand zlib a copy
    pending.push(deflateAsync(raw.slice(), { level: DEFLATE_LEVEL }).then((c) => { tiles[idx] = c; }, (e: unknown) => { failure ??= e; }));
  }
  await Promise.all(pending);
  if (failure !== undefined) throw failure;
  return assemble(p, tiles);
}

/** Number of 2x overviews written for an image: halve until it fits one tile. */
export function cogOverviewCount(width: number, height: number, tileSize = 256): number {
  let n = 0;
  for (let w = width, h = height; w > tileSize || h > tileSize; n++) { w = Math.ceil(w / 2); h = Math.ceil(h / 2); }
  return n;
}

export async function writeCog(path: string, input: CogInput): Promise<{ bytes: number; overviews: number }> {
  const buf = await encodeCogAsync(input);
  await writeFile(path, buf);
  return { bytes: buf.length, overviews: cogOverviewCount(input.width, input.height, input.tileSize ?? 256) };
}
