/**
 * Image windows for the suggestion engines: the pyramid level to work on (the coarsest whose
 * ground pixel is at most `maxPixelM`, so sub-metre imagery is seen as the model was trained),
 * (resampled to a finer grid, `workLevel`, when the model asks for it: 4.8 m imagery is seen at
 * 3 m), lon/lat <-> level pixels, a window of `size` px placed around a point on a 128-px grid (so
 * nearby clicks share it), its 4 bands (blue, green, red, nir by the image's band roles) and its
 * unusable pixels from a UDM2 / legacy UDM mask when one is given.
 */
import { ApiError } from '../../common/api/errors';
import { lonLatTransform } from '../imagery/crs';
import { applyGeoTransform, invertGeoTransform } from '../imagery/georef';
import type { ImageLevel, OpenedImage } from '../imagery/open-image';
import { readWindow } from '../imagery/read-window';
import { bilinear, nearest, resampleAxis, sourceRange } from './resample';

export const SUGGEST_BANDS = ['blue', 'green', 'red', 'nir'] as const;
const GRID = 128;

/**
 * A level as the engine sees it: the image's own level, or (resampled) a finer virtual grid over
 * it, `scale` working pixels per level pixel, read bilinearly (masks: nearest).
 */
export type WorkLevel = ImageLevel & { resampled?: { level: ImageLevel; scale: number } };

export interface WindowPlacement {
  level: WorkLevel;
  /** [x0, y0, x1, y1) in level pixels */
  box: [number, number, number, number];
}

export interface ImageWindow {
  key: string;
  width: number;
  height: number;
  /** blue, green, red, nir: raw values */
  bands: Float32Array[];
  nodata: number | null;
  /** 1 = unusable by the mask; null without a mask */
  cloud: Uint8Array | null;
  placement: WindowPlacement;
  pixelSizeM: number;
  /** the window touches the image's edge on these sides (a field cut there is cut by the image) */
  imageEdges: { left: boolean; top: boolean; right: boolean; bottom: boolean };
}

export function bandIndices(img: OpenedImage): number[] {
  const idx = SUGGEST_BANDS.map((r) => img.bandRoles.indexOf(r));
  if (idx.some((i) => i < 0)) {
    throw new ApiError('BAD_INPUT', `${img.name}: suggestions need blue, green, red and nir bands; the file has ${img.bandRoles.join(', ')}`);
  }
  return idx;
}

export function levelToLonLat(img: OpenedImage, level: ImageLevel): (x: number, y: number) => [number, number] {
  const t = lonLatTransform(img.crs);
  return (x, y) => {
    const [cx, cy] = applyGeoTransform(level.geoTransform, x, y);
    return t.toLonLat(cx, cy);
  };
}

export function lonLatToLevel(img: OpenedImage, level: ImageLevel): (lon: number, lat: number) => [number, number] {
  const t = lonLatTransform(img.crs);
  const inv = invertGeoTransform(level.geoTransform);
  return (lon, lat) => {
    const [cx, cy] = t.fromLonLat(lon, lat);
    return applyGeoTransform(inv, cx, cy);
  };
}

function haversineM(a: [number, number], b: [number, number]): number {
  const R = 6371008.8, d = Math.PI / 180;
  const dl = (b[1] - a[1]) * d, dn = (b[0] - a[0]) * d;
  const h = Math.sin(dl / 2) ** 2 + Math.cos(a[1] * d) * Math.cos(b[1] * d) * Math.sin(dn / 2) ** 2;
  return 2 * R * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Ground size of one pixel of the level at its centre, metres. */
export function pixelSizeM(img: OpenedImage, level: ImageLevel): number {
  const f = levelToLonLat(img, level);
  const cx = level.width / 2, cy = level.height / 2;
  return (haversineM(f(cx, cy), f(cx + 1, cy)) + haversineM(f(cx, cy), f(cx, cy + 1))) / 2;
}

export function chooseLevel(img: OpenedImage, maxPixelM: number): ImageLevel {
  let chosen = img.levels[0]!;
  for (const l of img.levels.slice(1)) if (pixelSizeM(img, l) <= maxPixelM) chosen = l;
  return chosen;
}

/**
 * The grid the engine works on: `level` itself, or when its pixel is coarser than
 * `resample.aboveM`, a virtual grid of `resample.toM` pixels over it (so 4.8 m imagery is seen at
 * the 3 m the model works best at; a window of the same size then covers less ground).
 */
export function workLevel(img: OpenedImage, level: ImageLevel, resample?: { aboveM: number; toM: number }): WorkLevel {
  if (!resample) return level;
  const m = pixelSizeM(img, level);
  if (!(m > resample.aboveM)) return level;
  const scale = m / resample.toM;
  const gt = level.geoTransform;
  return {
    ...level,
    width: Math.floor(level.width * scale),
    height: Math.floor(level.height * scale),
    factor: [level.factor[0] / scale, level.factor[1] / scale],
    geoTransform: [gt[0], gt[1] / scale, gt[2] / scale, gt[3], gt[4] / scale, gt[5] / scale],
    resampled: { level, scale },
  };
}

/** A window of `size` px centred near (px, py), on the 64-px grid, inside the level when it fits. */
export function placeWindow(level: ImageLevel, px: number, py: number, size: number): WindowPlacement {
  const w = Math.min(size, level.width), h = Math.min(size, level.height);
  const snap = (c: number, n: number, len: number) => Math.max(0, Math.min(n - len, Math.round((c - len / 2) / GRID) * GRID));
  const x0 = snap(px, level.width, w), y0 = snap(py, level.height, h);
  return { level, box: [x0, y0, x0 + w, y0 + h] };
}

/** UDM2 (8 bands: shadow 3, heavy haze 5, cloud 6, udm1 8) or legacy UDM (1 band, non-zero = unusable). */
async function maskWindow(mask: OpenedImage, img: OpenedImage, p: WindowPlacement): Promise<Uint8Array | null> {
  const level = mask.levels.find((l) => l.width === p.level.width && l.height === p.level.height);
  if (!level || mask.width !== img.width || mask.height !== img.height) return null;
  const n = (p.box[2] - p.box[0]) * (p.box[3] - p.box[1]);
  const out = new Uint8Array(n);
  if (mask.bands >= 8) {
    const [shadow, heavy, cloud, udm1] = await readWindow(mask, level, p.box, [2, 4, 5, 7], 1);
    for (let i = 0; i < n; i++) out[i] = shadow![i] || heavy![i] || cloud![i] || udm1![i]! & 3 ? 1 : 0;
  } else {
    const [udm] = await readWindow(mask, level, p.box, [0], 1);
    for (let i = 0; i < n; i++) out[i] = udm![i] ? 1 : 0;
  }
  return out;
}

export function windowKey(img: OpenedImage, p: WindowPlacement, mask: OpenedImage | null): string {
  const r = p.level.resampled;
  return `${img.location}|${p.level.index}${r ? `x${r.scale.toFixed(6)}` : ''}|${p.box.join(',')}${mask ? `|${mask.location}` : ''}`;
}

/** The window of a resampled placement, from the source level's pixels (resample.ts). */
async function readResampled(img: OpenedImage, p: WindowPlacement, mask: OpenedImage | null, idx: number[], fill: number): Promise<{ bands: Float32Array[]; cloud: Uint8Array | null }> {
  const { level: src, scale } = p.level.resampled!;
  const [x0, y0, x1, y1] = p.box;
  const [sx0, sx1] = sourceRange(x0, x1, scale, src.width), [sy0, sy1] = sourceRange(y0, y1, scale, src.height);
  const sp: WindowPlacement = { level: src, box: [sx0, sy0, sx1, sy1] };
  const raw = await readWindow(img, src, sp.box, idx, fill);
  const srcCloud = mask ? await maskWindow(mask, img, sp) : null;
  const nodata = img.nodata !== null && Number.isFinite(img.nodata) ? img.nodata : null;
  const ax = resampleAxis(x1 - x0, x0, sx0, sx1 - sx0, scale), ay = resampleAxis(y1 - y0, y0, sy0, sy1 - sy0, scale);
  return { bands: raw.map((a) => bilinear(a as ArrayLike<number>, sx1 - sx0, ax, ay, nodata)), cloud: srcCloud ? nearest(srcCloud, sx1 - sx0, ax, ay) : null };
}

export async function readImageWindow(img: OpenedImage, p: WindowPlacement, mask: OpenedImage | null): Promise<ImageWindow> {
  const idx = bandIndices(img);
  const [x0, y0, x1, y1] = p.box;
  const fill = img.nodata !== null && Number.isFinite(img.nodata) ? img.nodata : 0;
  let bands: Float32Array[], cloud: Uint8Array | null;
  if (p.level.resampled) ({ bands, cloud } = await readResampled(img, p, mask, idx, fill));
  else {
    const raw = await readWindow(img, p.level, p.box, idx, fill);
    bands = raw.map((a) => Float32Array.from(a as ArrayLike<number>));
    cloud = mask ? await maskWindow(mask, img, p) : null;
  }
  return {
    key: windowKey(img, p, mask),
    width: x1 - x0,
    height: y1 - y0,
    bands,
    nodata: img.nodata !== null && Number.isFinite(img.nodata) ? img.nodata : null,
    cloud,
    placement: p,
    pixelSizeM: pixelSizeM(img, p.level),
    imageEdges: { left: x0 === 0, top: y0 === 0, right: x1 === p.level.width, bottom: y1 === p.level.height },
  };
}
