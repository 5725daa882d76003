/**
 * Test helpers for the imagery tests (not shipped): GDAL detection, synthetic rasters made with
 * gdal_translate from raw ENVI files, GDAL reference renderings, and a minimal plain-TIFF writer.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OpenedImage } from './open-image';
import { renderTileRgba, resolveRenderOptions, type RenderOptions } from './render-tile';
import { stretchValue } from './stretch';
import { tileBounds3857 } from './tile-math';

let gdalCached: boolean | undefined;
export function hasGdal(): boolean {
  if (gdalCached === undefined) {
    const r = spawnSync('gdalinfo', ['--version'], { encoding: 'utf8' });
    gdalCached = r.status === 0;
  }
  return gdalCached;
}

export function tempDir(prefix = 'fieldmark-imagery-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function gdal(cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

export interface GdalInfoJson {
  size: [number, number];
  bands: Array<{ type: string; noDataValue?: number; overviews?: unknown[]; block: [number, number] }>;
  geoTransform: number[];
  wgs84Extent?: { coordinates: number[][][] };
}

export function gdalInfoJson(path: string): GdalInfoJson {
  return JSON.parse(gdal('gdalinfo', ['-json', path])) as GdalInfoJson;
}

/** GDAL's type names for our dtypes. */
export const GDAL_TYPE: Record<string, string> = {
  uint8: 'Byte', int8: 'Int8', uint16: 'UInt16', int16: 'Int16', uint32: 'UInt32', int32: 'Int32', float32: 'Float32', float64: 'Float64',
};

const ENVI_TYPE: Record<string, number> = { uint8: 1, int16: 2, int32: 3, float32: 4, float64: 5, uint16: 12, uint32: 13 };

export interface SyntheticOptions {
  width: number;
  height: number;
  bands: number;
  dtype?: 'uint8' | 'uint16' | 'int16' | 'float32';
  /** Values per band (b 0-based, x/y pixel), default a textured gradient. */
  value?: (b: number, x: number, y: number) => number;
}

/** A smooth-plus-texture pattern (so resampling differences show), roughly 300..3300. */
export function defaultPattern(b: number, x: number, y: number): number {
  return Math.round(1500 + 600 * Math.sin(x / 9 + b) + 500 * Math.cos(y / 13 - b) + 300 * Math.sin((x + 2 * y) / 3.7) + 200 * b + ((x * 7 + y * 13) % 11) * 20);
}

/** Writes a raw BSQ + ENVI header that any GDAL tool reads; returns the .bin path. */
export function writeEnvi(dir: string, name: string, o: SyntheticOptions): string {
  const dtype = o.dtype ?? 'uint16';
  const value = o.value ?? defaultPattern;
  const n = o.width * o.height;
  const Arr = { uint8: Uint8Array, uint16: Uint16Array, int16: Int16Array, float32: Float32Array }[dtype];
  const data = new Arr(n * o.bands);
  for (let b = 0; b < o.bands; b++) for (let y = 0; y < o.height; y++) for (let x = 0; x < o.width; x++) data[b * n + y * o.width + x] = value(b, x, y);
  const bin = join(dir, `${name}.bin`);
  writeFileSync(bin, new Uint8Array(data.buffer));
  writeFileSync(
    join(dir, `${name}.hdr`),
    `ENVI\nsamples = ${o.width}\nlines = ${o.height}\nbands = ${o.bands}\nheader offset = 0\nfile type = ENVI Standard\ndata type = ${ENVI_TYPE[dtype]}\ninterleave = bsq\nbyte order = 0\n`,
  );
  return bin;
}

/**
 * A synthetic GeoTIFF made by gdal_translate: `srs` e.g. 'EPSG:32619', `ullr` the
 * upper-left / lower-right corners, `co` creation options (e.g. ['-of', 'COG', ...]).
 */
export function makeGeoTiff(dir: string, name: string, o: SyntheticOptions & { srs: string; ullr: [number, number, number, number]; nodata?: number; args?: string[] }): string {
  const bin = writeEnvi(dir, `${name}-src`, o);
  const out = join(dir, `${name}.tif`);
  const nd = o.nodata === undefined ? [] : ['-a_nodata', String(o.nodata)];
  gdal('gdal_translate', ['-q', '-a_srs', o.srs, '-a_ullr', ...o.ullr.map(String), ...nd, ...(o.args ?? []), bin, out]);
  return out;
}

/** Reads an ENVI file written by GDAL (`-of ENVI`) into one Float64Array per band. */
export function readEnviBands(bin: string): { width: number; height: number; bands: Float64Array[] } {
  const hdr = readFileSync(bin.replace(/\.[^.]+$/, '') + '.hdr', 'utf8');
  const get = (k: string): number => Number(new RegExp(`${k}\\s*=\\s*(\\d+)`).exec(hdr)![1]);
  const [width, height, nb, type] = [get('samples'), get('lines'), get('bands'), get('data type')];
  const raw = readFileSync(bin);
  const n = width * height;
  const size = { 1: 1, 2: 2, 4: 4, 5: 8, 12: 2 }[type as 1] ?? 0;
  const interleave = (/interleave\s*=\s*(\w+)/.exec(hdr)?.[1] ?? 'bsq').toLowerCase();
  const index = (b: number, i: number): number =>
    interleave === 'bip' ? i * nb + b : interleave === 'bil' ? (Math.floor(i / width) * nb + b) * width + (i % width) : b * n + i;
  const bands: Float64Array[] = [];
  for (let b = 0; b < nb; b++) {
    const arr = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const o = index(b, i) * size;
      arr[i] = type === 1 ? raw[o]! : type === 2 ? raw.readInt16LE(o) : type === 12 ? raw.readUInt16LE(o) : type === 4 ? raw.readFloatLE(o) : raw.readDoubleLE(o);
    }
    bands.push(arr);
  }
  return { width, height, bands };
}

/**
 * GDAL's rendering of a web-mercator tile: gdalwarp -t_srs EPSG:3857 -te <bounds> -ts S S
 * -r bilinear, all bands + an alpha band (last), using overview `ovr` ('NONE' = full resolution).
 */
export function gdalWarpTile(src: string, bounds: [number, number, number, number], size: number, ovr: string, dir: string): { bands: Float64Array[] } {
  const out = join(dir, `warp-${Math.random().toString(36).slice(2)}.bin`);
  gdal('gdalwarp', ['-q', '-overwrite', '-t_srs', 'EPSG:3857', '-te', ...bounds.map(String), '-ts', String(size), String(size), '-r', 'bilinear', '-ovr', ovr, '-dstalpha', '-of', 'ENVI', src, out]);
  return readEnviBands(out);
}

/** Pixel/line -> lon/lat with gdaltransform (PROJ), for comparing our own transforms. */
export function gdalPixelsToLonLat(file: string, pixels: Array<[number, number]>): Array<[number, number]> {
  const input = pixels.map(([c, r]) => `${c} ${r}`).join('\n') + '\n';
  const out = execFileSync('gdaltransform', ['-t_srs', 'EPSG:4326', file], { input, encoding: 'utf8' });
  return out
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s+/).slice(0, 2).map(Number) as [number, number]);
}

/** A minimal baseline TIFF (8-bit grey, one strip, no GeoTIFF tags). */
export function plainTiff(width: number, height: number): Buffer {
  const entries: Array<[number, number, number, number]> = [
    [256, 3, 1, width], // ImageWidth
    [257, 3, 1, height], // ImageLength
    [258, 3, 1, 8], // BitsPerSample
    [259, 3, 1, 1], // Compression none
    [262, 3, 1, 1], // BlackIsZero
    [273, 4, 1, 0], // StripOffsets (patched)
    [277, 3, 1, 1], // SamplesPerPixel
    [278, 3, 1, height], // RowsPerStrip
    [279, 4, 1, width * height], // StripByteCounts
  ];
  const ifdSize = 2 + entries.length * 12 + 4;
  const dataOffset = 8 + ifdSize;
  const buf = Buffer.alloc(dataOffset + width * height);
  buf.write('II', 0, 'latin1');
  buf.writeUInt16LE(42, 2);
  buf.writeUInt32LE(8, 4);
  buf.writeUInt16LE(entries.length, 8);
  entries.forEach(([tag, type, count, value], i) => {
    const o = 10 + i * 12;
    buf.writeUInt16LE(tag, o);
    buf.writeUInt16LE(type, o + 2);
    buf.writeUInt32LE(count, o + 4);
    const v = tag === 273 ? dataOffset : value;
    if (type === 3) buf.writeUInt16LE(v, o + 8);
    else buf.writeUInt32LE(v, o + 8);
  });
  for (let i = 0; i < width * height; i++) buf[dataOffset + i] = i & 255;
  return buf;
}

export interface TileComparison {
  level: number;
  /** pixels opaque in both renderings */
  both: number;
  /** share of pixels where the two disagree about transparency */
  alphaMismatch: number;
  /** mean absolute difference per channel (0..255), over `both` */
  mad: number[];
}

/**
 * Renders tile z/x/y with our renderer and with gdalwarp (same overview level, bilinear), applies
 * our per-band stretch to GDAL's values, and compares.
 */
export async function compareWithGdal(img: OpenedImage, file: string, z: number, x: number, y: number, opts: RenderOptions, dir: string): Promise<TileComparison> {
  const ours = await renderTileRgba(img, z, x, y, opts);
  if (!ours) throw new Error(`tile ${z}/${x}/${y} does not intersect ${file}`);
  const { bands } = resolveRenderOptions(img, opts);
  const ref = gdalWarpTile(file, tileBounds3857(z, x, y), ours.size, ours.level === 0 ? 'NONE' : String(ours.level - 1), dir);
  const alpha = ref.bands[ref.bands.length - 1]!;
  const n = ours.size * ours.size;
  let both = 0;
  let mismatch = 0;
  const sum: [number, number, number] = [0, 0, 0];
  for (let i = 0; i < n; i++) {
    const a = ours.rgba[i * 4 + 3]! > 0;
    const b = alpha[i]! > 0;
    if (a !== b) mismatch++;
    if (!a || !b) continue;
    both++;
    for (let c = 0; c < 3; c++) {
      const [lo, hi] = ours.stretch[c]!;
      sum[c]! += Math.abs(stretchValue(ref.bands[bands[c]! - 1]![i]!, lo, hi) - ours.rgba[i * 4 + c]!);
    }
  }
  return { level: ours.level, both, alphaMismatch: mismatch / n, mad: sum.map((s) => s / Math.max(1, both)) };
}
