/**
 * Renders one XYZ web-mercator tile of an opened GeoTIFF to an RGBA PNG:
 * pick the pyramid level for the tile's resolution, read only the window the tile needs,
 * reproject per pixel (reproject.ts), resample bilinearly, stretch each band to its
 * percentiles (stretch.ts), mask nodata and the outside of the image (alpha 0).
 *
 * `planTile` is the cheap, I/O-side half (pixel map, level, window, stretch values); the pixels
 * are composed by tile-compose.ts. `renderTile` here reads the window straight through geotiff.js
 * (no caches): the CLI's one-shot path. The app's tile path is tile-engine.ts (caches, workers,
 * cancellation), which composes from the same plan and gives the same bytes.
 */
import { ApiError } from '../../common/api/errors';
import type { ImageLevel, OpenedImage } from './open-image';
import { encodeTilePng } from './png';
import { readWindow, type PixelWindow } from './read-window';
import { isSeparable, mappingScale, tileMapping, type TileMapping } from './reproject';
import { bandStretch } from './stretch';
import { composeRgba, IDENTITY_TONE, maskSamples, type ComposeParams, type ComposeStyle, type TileMode, type Tone } from './tile-compose';
import { isValidTile, lonLatBoxIntersectsTile } from './tile-math';
import type { TileStyleOptions } from '../../common/api/tiles';

/**
 * The display options of a tile URL (`TileStyleOptions`, defaults: bands [3,2,1], stretch [2,98],
 * 256 px) widened by the engine-only `risk` mode, plus the bands' roles (NDVI picks NIR and red by role).
 */
export interface RenderOptions extends Omit<TileStyleOptions, 'mode'> {
  /** rgb (default), ndvi (needs `nir` and `red` in bandRoles), mask (UDM2 / UDM), risk (a one-band consensus risk map). */
  mode?: TileMode;
  /** Role of each band, e.g. ['blue','green','red','nir']. */
  bandRoles?: string[];
}

export interface RenderedTile {
  size: number;
  /** size * size * 4 bytes. */
  rgba: Uint8Array;
  /** The pyramid level read (0 = full resolution) and the window of it. */
  level: number;
  window: PixelWindow;
  /** [lo, hi] used for each output channel (rgb mode; empty otherwise). */
  stretch: Array<[number, number]>;
}

/** Checks the render options against the image; throws BAD_ARGUMENTS with one line. */
export function resolveRenderOptions(
  img: Pick<OpenedImage, 'bands' | 'name'>,
  opts: RenderOptions = {},
): { bands: [number, number, number]; stretch: [number, number]; size: 256 | 512 } {
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

/** Gamma / brightness / contrast, checked (BAD_ARGUMENTS). */
export function resolveTone(opts: Pick<RenderOptions, 'gamma' | 'brightness' | 'contrast'>): Tone {
  const t: Tone = { gamma: opts.gamma ?? IDENTITY_TONE.gamma, brightness: opts.brightness ?? IDENTITY_TONE.brightness, contrast: opts.contrast ?? IDENTITY_TONE.contrast };
  if (!(Number.isFinite(t.gamma) && t.gamma >= 0.1 && t.gamma <= 10)) throw new ApiError('BAD_ARGUMENTS', `gamma ${t.gamma}: must be within 0.1..10`);
  if (!(Number.isFinite(t.brightness) && t.brightness >= -1 && t.brightness <= 1)) throw new ApiError('BAD_ARGUMENTS', `brightness ${t.brightness}: must be within -1..1`);
  if (!(Number.isFinite(t.contrast) && t.contrast >= 0 && t.contrast <= 10)) throw new ApiError('BAD_ARGUMENTS', `contrast ${t.contrast}: must be within 0..10`);
  return t;
}

/** 0-based index of the band with this role, or -1. */
function roleIndex(roles: string[] | undefined, role: string): number {
  return roles ? roles.findIndex((r) => r.toLowerCase() === role) : -1;
}

/** What a tile reads and how it is drawn, resolved against the image (style without statistics). */
export interface TileRecipe {
  size: 256 | 512;
  mode: TileMode;
  /** 0-based bands read, unique. */
  samples: number[];
  /** For each output channel, the index into `samples`. */
  chanIndex: number[];
  /** rgb: 1-based bands of the channels and the percentiles. */
  bands: [number, number, number];
  stretch: [number, number];
  tone: Tone;
  maskKind: 'udm2' | 'udm1';
}

export function resolveRecipe(img: Pick<OpenedImage, 'bands' | 'name'>, opts: RenderOptions = {}): TileRecipe {
  const base = resolveRenderOptions(img, opts);
  const mode = opts.mode ?? 'rgb';
  const tone = resolveTone(opts);
  let channels: number[];
  let maskKind: 'udm2' | 'udm1' = 'udm2';
  if (mode === 'rgb') channels = base.bands.map((b) => b - 1);
  else if (mode === 'ndvi') {
    const nir = roleIndex(opts.bandRoles, 'nir');
    const red = roleIndex(opts.bandRoles, 'red');
    if (nir < 0 || red < 0 || nir >= img.bands || red >= img.bands) {
      throw new ApiError('BAD_ARGUMENTS', `ndvi: ${img.name} has no ${nir < 0 ? 'NIR' : 'red'} band (band roles: ${opts.bandRoles?.join(',') ?? 'unknown'})`);
    }
    channels = [nir, red];
  } else if (mode === 'mask') {
    if (img.bands >= 6) maskKind = 'udm2';
    else if (img.bands === 1) maskKind = 'udm1';
    else throw new ApiError('BAD_INPUT', `mask: ${img.name} has ${img.bands} bands; a cloud mask is a Planet UDM2 (8 bands) or UDM (1 band)`);
    channels = maskSamples(maskKind);
  } else if (mode === 'risk') {
    if (img.bands !== 1) throw new ApiError('BAD_INPUT', `risk: ${img.name} has ${img.bands} bands; a risk map is one float band`);
    channels = [0];
  } else throw new ApiError('BAD_ARGUMENTS', `mode ${String(mode)}: must be rgb, ndvi, mask or risk`);
  const samples = [...new Set(channels)];
  return { size: base.size, mode, samples, chanIndex: channels.map((c) => samples.indexOf(c)), bands: base.bands, stretch: base.stretch, tone, maskKind };
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

/** Pixel-map noise (proj4 round trips) below this many pixels does not widen the window. */
const EDGE_EPS = 1e-6;

/**
 * The level pixels the tile needs: the bounding box of the mapped pixel centres, widened to the
 * bilinear neighbours that get a non-zero weight.
 */
export function windowFor(map: TileMapping, level: Pick<ImageLevel, 'factor' | 'width' | 'height'>, fullW: number, fullH: number): PixelWindow | null {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  const [fx, fy] = level.factor;
  if (isSeparable(map)) {
    // inside pixels = columns inside x rows inside
    for (const v of map.vrow) {
      if (!(v >= 0 && v < fullH)) continue;
      if (v / fy < y0) y0 = v / fy;
      if (v / fy > y1) y1 = v / fy;
    }
    if (y0 !== Infinity) {
      for (const u of map.ucol) {
        if (!(u >= 0 && u < fullW)) continue;
        if (u / fx < x0) x0 = u / fx;
        if (u / fx > x1) x1 = u / fx;
      }
    }
  } else {
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
  }
  if (x0 === Infinity || y0 === Infinity) return null;
  return [
    Math.max(0, Math.floor(x0 - 0.5 + EDGE_EPS)),
    Math.max(0, Math.floor(y0 - 0.5 + EDGE_EPS)),
    Math.min(level.width, Math.max(Math.floor(x1) + 1, Math.ceil(x1 - 0.5 - EDGE_EPS) + 1)),
    Math.min(level.height, Math.max(Math.floor(y1) + 1, Math.ceil(y1 - 0.5 - EDGE_EPS) + 1)),
  ];
}

export interface TilePlan {
  recipe: TileRecipe;
  level: ImageLevel;
  win: PixelWindow;
  /** Everything tile-compose needs but the pixels. */
  compose: ComposeParams;
}

/** Plans tile z/x/y (reads only statistics, once per image); null when it does not touch the image. */
export async function planTile(img: OpenedImage, z: number, x: number, y: number, options: RenderOptions = {}): Promise<TilePlan | null> {
  if (!isValidTile(z, x, y)) throw new ApiError('BAD_ARGUMENTS', `tile ${z}/${x}/${y}: not a valid XYZ tile (0 <= x, y < 2^z, 0 <= z <= 30)`);
  const recipe = resolveRecipe(img, options);
  if (!lonLatBoxIntersectsTile(img.bounds4326, z, x, y)) return null;
  const size = recipe.size;
  const map = tileMapping(img, z, x, y, size);
  const scale = mappingScale(map, img.width, img.height);
  if (scale === null) return null;
  const level = chooseLevel(img.levels, scale);
  const win = windowFor(map, level, img.width, img.height);
  if (!win) return null;
  let style: ComposeStyle;
  if (recipe.mode === 'rgb') style = { mode: 'rgb', stretch: await bandStretch(img, recipe.bands, recipe.stretch), tone: recipe.tone };
  else if (recipe.mode === 'ndvi') style = { mode: 'ndvi', tone: recipe.tone };
  else if (recipe.mode === 'risk') style = { mode: 'risk' };
  else style = { mode: 'mask', kind: recipe.maskKind };
  return {
    recipe,
    level,
    win,
    compose: { size, map: isSeparable(map) ? { ucol: map.ucol, vrow: map.vrow } : { u: map.u, v: map.v }, fx: level.factor[0], fy: level.factor[1], win, imgW: img.width, imgH: img.height, nodata: img.nodata, dtype: img.dtype, style },
  };
}

/** Renders the tile to raw RGBA (window read through geotiff.js, no caches), or null when it does not intersect the image. */
export async function renderTileRgba(img: OpenedImage, z: number, x: number, y: number, options: RenderOptions = {}): Promise<RenderedTile | null> {
  const plan = await planTile(img, z, x, y, options);
  if (!plan) return null;
  const data = await readWindow(img, plan.level, plan.win, plan.recipe.samples);
  const rgba = composeRgba(plan.compose, plan.recipe.chanIndex.map((i) => data[i]!));
  const st = plan.compose.style;
  return { size: plan.recipe.size, rgba, level: plan.level.index, window: plan.win, stretch: st.mode === 'rgb' ? st.stretch : [] };
}


/** A PNG (RGBA, transparent outside the image and for nodata) of tile z/x/y, or null when it misses the image. */
export async function renderTile(img: OpenedImage, z: number, x: number, y: number, opts: RenderOptions = {}): Promise<Buffer | null> {
  const t = await renderTileRgba(img, z, x, y, opts);
  return t ? await encodeTilePng(t.rgba, t.size, t.size) : null;
}
