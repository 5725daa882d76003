/**
 * Renders one XYZ web-mercator tile of an opened GeoTIFF to an RGBA PNG:
 * pick the pyramid level for the tile's resolution, read only the window the tile needs,
 * reproject per pixel (reproject.ts), resample bilinearly, stretch each band to its
 * percentiles (stretch.ts), mask nodata and the outside of the image (alpha 0).
 */
import { ApiError } from '../../common/api/errors';
import type { ImageLevel, OpenedImage } from './open-image';
import { encodePng } from './png';
import { readWindow, type PixelWindow } from './read-window';
import { sourcePixelsPerTilePixel, tilePixelMap, type PixelMap } from './reproject';
import { bandStretch, validity } from './stretch';
import { isValidTile, lonLatBoxIntersectsTile } from './tile-math';

export interface RenderOptions {
  /** 1-based band numbers for R, G, B; default [3, 2, 1] (true colour for B,G,R,NIR). */
  bands?: [number, number, number];
  /** Percentiles for the per-band stretch; default [2, 98]. */
  stretch?: [number, number];
  size?: 256 | 512;
}

export interface RenderedTile {
  size: number;
  /** size * size * 4 bytes. */
  rgba: Uint8Array;
  /** The pyramid level read (0 = full resolution) and the window of it. */
  level: number;
  window: PixelWindow;
  /** [lo, hi] used for each output channel. */
  stretch: Array<[number, number]>;
}

/** Checks the render options against the image; throws BAD_ARGUMENTS with one line. */
export function resolveRenderOptions(img: Pick<OpenedImage, 'bands' | 'name'>, opts: RenderOptions = {}): Required<RenderOptions> {
  const bands = opts.bands ?? (img.bands >= 3 ? [3, 2, 1] : [1, 1, 1]);
  if (bands.length !== 3 || bands.some((b) => !Number.isInteger(b) || b < 1 || b > img.bands)) {
    throw new ApiError('BAD_ARGUMENTS', `bands ${bands.join(',')}: ${img.name} has ${img.bands} band${img.bands === 1 ? '' : 's'} (1-based band numbers 1..${img.bands})`);
  }
  const stretch = opts.stretch ?? [2, 98];
  if (stretch.length !== 2 || !stretch.every(Number.isFinite) || stretch[0] < 0 || stretch[1] > 100 || stretch[0] >= stretch[1]) {
    throw new ApiError('BAD_ARGUMENTS', `stretch ${stretch.join(',')}: need two percentiles 0 <= low < high <= 100`);
  }
  const size = opts.size ?? 256;
  if (size !== 256 && size !== 512) throw new ApiError('BAD_ARGUMENTS', `size ${String(size)}: must be 256 or 512`);
  return { bands: bands as [number, number, number], stretch: stretch as [number, number], size };
}

/**
 * The coarsest level whose pixels are still at least as fine as the tile's
 * (`scale` = full-resolution source pixels per tile pixel).
 */
export function chooseLevel(levels: ImageLevel[], scale: number): ImageLevel {
  let best = levels[0]!;
  for (const l of levels) if (Math.max(l.factor[0], l.factor[1]) <= scale * 1.01 && l.factor[0] > best.factor[0]) best = l;
  return best;
}

function windowFor(map: PixelMap, level: ImageLevel, fullW: number, fullH: number): PixelWindow | null {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  const [fx, fy] = level.factor;
  for (let o = 0; o < map.u.length; o++) {
    const u = map.u[o]!;
    const v = map.v[o]!;
    if (!(u >= 0 && u < fullW && v >= 0 && v < fullH)) continue;
    const lu = u / fx;
    const lv = v / fy;
    if (lu < x0) x0 = lu;
    if (lu > x1) x1 = lu;
    if (lv < y0) y0 = lv;
    if (lv > y1) y1 = lv;
  }
  if (x0 === Infinity) return null;
  return [
    Math.max(0, Math.floor(x0 - 0.5)),
    Math.max(0, Math.floor(y0 - 0.5)),
    Math.min(level.width, Math.floor(x1 + 0.5) + 1),
    Math.min(level.height, Math.floor(y1 + 0.5) + 1),
  ];
}

/** Renders the tile to raw RGBA, or null when it does not intersect the image. */
export async function renderTileRgba(img: OpenedImage, z: number, x: number, y: number, options: RenderOptions = {}): Promise<RenderedTile | null> {
  if (!isValidTile(z, x, y)) throw new ApiError('BAD_ARGUMENTS', `tile ${z}/${x}/${y}: not a valid XYZ tile (0 <= x, y < 2^z, 0 <= z <= 30)`);
  const opts = resolveRenderOptions(img, options);
  if (!lonLatBoxIntersectsTile(img.bounds4326, z, x, y)) return null;
  const size = opts.size;
  const map = tilePixelMap(img, z, x, y, size);
  const scale = sourcePixelsPerTilePixel(map, img.width, img.height);
  if (scale === null) return null;
  const level = chooseLevel(img.levels, scale);
  const win = windowFor(map, level, img.width, img.height);
  if (!win) return null;

  const unique = [...new Set(opts.bands)];
  const [data, stretch] = await Promise.all([readWindow(img, level, win, unique.map((b) => b - 1)), bandStretch(img, opts.bands, opts.stretch)]);
  const chan = opts.bands.map((b) => data[unique.indexOf(b)]!);

  const ww = win[2] - win[0];
  const wh = win[3] - win[1];
  // 1 where every used band holds a valid value.
  const isValid = validity(img.nodata, img.dtype);
  const valid = new Uint8Array(ww * wh);
  for (let i = 0; i < valid.length; i++) valid[i] = isValid(chan[0]![i]!) && isValid(chan[1]![i]!) && isValid(chan[2]![i]!) ? 1 : 0;

  const rgba = new Uint8Array(size * size * 4);
  const [fx, fy] = level.factor;
  const los = stretch.map((s) => s[0]);
  const ks = stretch.map((s) => 255 / (s[1] > s[0] ? s[1] - s[0] : 1));
  const [c0, c1, c2] = chan as unknown as [ArrayLike<number>, ArrayLike<number>, ArrayLike<number>];
  for (let o = 0; o < size * size; o++) {
    const u = map.u[o]!;
    const v = map.v[o]!;
    if (!(u >= 0 && u < img.width && v >= 0 && v < img.height)) continue;
    const lu = u / fx - win[0];
    const lv = v / fy - win[1];
    const nx = Math.min(ww - 1, Math.max(0, Math.floor(lu)));
    const ny = Math.min(wh - 1, Math.max(0, Math.floor(lv)));
    if (!valid[ny * ww + nx]) continue; // nodata: transparent
    // Bilinear between the 4 nearest pixel centres, edge pixels replicated, nodata neighbours dropped.
    const sx = lu - 0.5;
    const sy = lv - 0.5;
    let ix = Math.floor(sx);
    let iy = Math.floor(sy);
    const ax = sx - ix;
    const ay = sy - iy;
    const ix1 = Math.min(ww - 1, Math.max(0, ix + 1));
    const iy1 = Math.min(wh - 1, Math.max(0, iy + 1));
    ix = Math.min(ww - 1, Math.max(0, ix));
    iy = Math.min(wh - 1, Math.max(0, iy));
    const p00 = iy * ww + ix;
    const p10 = iy * ww + ix1;
    const p01 = iy1 * ww + ix;
    const p11 = iy1 * ww + ix1;
    const w00 = (1 - ax) * (1 - ay) * valid[p00]!;
    const w10 = ax * (1 - ay) * valid[p10]!;
    const w01 = (1 - ax) * ay * valid[p01]!;
    const w11 = ax * ay * valid[p11]!;
    const wsum = w00 + w10 + w01 + w11;
    const inv = wsum > 0 ? 1 / wsum : 0;
    const q = o * 4;
    for (let c = 0; c < 3; c++) {
      const a = c === 0 ? c0 : c === 1 ? c1 : c2;
      const val = wsum > 0 ? (a[p00]! * w00 + a[p10]! * w10 + a[p01]! * w01 + a[p11]! * w11) * inv : a[ny * ww + nx]!;
      const t = (val - los[c]!) * ks[c]!;
      rgba[q + c] = t <= 0 ? 0 : t >= 255 ? 255 : Math.round(t);
    }
    rgba[q + 3] = 255;
  }
  return { size, rgba, level: level.index, window: win, stretch };
}

/** A PNG (RGBA, transparent outside the image and for nodata) of tile z/x/y, or null when it misses the image. */
export async function renderTile(img: OpenedImage, z: number, x: number, y: number, opts: RenderOptions = {}): Promise<Buffer | null> {
  const t = await renderTileRgba(img, z, x, y, opts);
  return t ? encodePng(t.rgba, t.size, t.size) : null;
}
