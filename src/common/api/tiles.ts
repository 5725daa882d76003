/**
 * Imagery tiles travel as URLs, never through the API: `<base>/tiles/<sceneId>/<z>/<x>/<y>.png`
 * with `bands`, `stretch` and `size` query parameters, and optionally `mode` (rgb | ndvi | mask:
 * NDVI through a colour ramp, or the scene's UDM2 cloud mask as a semi-transparent overlay),
 * `gamma` (0.1-10), `brightness` (-1..1) and `contrast` (0-10). The base is `http://127.0.0.1:PORT` for
 * `fieldmark serve` and `app://fieldmark` under Electron. Both hosts parse with `parseTilePath`.
 */
import { ApiError } from './errors';
import { idSchema } from './schemas';

export interface TileRequest {
  sceneId: string;
  z: number;
  x: number;
  y: number;
  bands: [number, number, number];
  stretch: [number, number];
  size: 256 | 512;
  /** Absent = rgb. */
  mode?: TileMode;
  /** Absent = 1, 0, 1 (no tone change). */
  gamma?: number;
  brightness?: number;
  contrast?: number;
}

export type TileMode = 'rgb' | 'ndvi' | 'mask';
export const TILE_MODES: readonly TileMode[] = ['rgb', 'ndvi', 'mask'];

export const DEFAULT_BANDS: [number, number, number] = [3, 2, 1];
export const FALSE_COLOUR_BANDS: [number, number, number] = [4, 3, 2];
export const DEFAULT_STRETCH: [number, number] = [2, 98];

function intList(text: string, n: number, what: string): number[] {
  const parts = text.split(',');
  if (parts.length !== n || !parts.every((p) => /^\d{1,3}(\.\d+)?$/.test(p))) {
    throw new ApiError('BAD_ARGUMENTS', `tile: ${what} must be ${n} comma-separated numbers, got "${text.slice(0, 40)}"`);
  }
  return parts.map(Number);
}

/** Parses `/tiles/<sceneId>/<z>/<x>/<y>.png` plus its query string. Throws ApiError on anything odd. */
/** The part of URLSearchParams we read (common/ has no DOM or Node types). */
export interface QueryLike {
  get(name: string): string | null;
  has(name: string): boolean;
}

/** An optional decimal query parameter within [min, max]. */
function numberParam(search: QueryLike, name: string, min: number, max: number): number | undefined {
  if (!search.has(name)) return undefined;
  const text = search.get(name) ?? '';
  const v = /^-?\d{1,3}(\.\d{1,6})?$/.test(text) ? Number(text) : NaN;
  if (!(v >= min && v <= max)) throw new ApiError('BAD_ARGUMENTS', `tile: ${name} must be a number within ${min}..${max}, got "${text.slice(0, 40)}"`);
  return v;
}

export function parseTilePath(pathname: string, search: QueryLike): TileRequest {
  const m = /^\/tiles\/([^/]+)\/(\d{1,2})\/(\d{1,8})\/(\d{1,8})\.png$/.exec(pathname);
  if (!m) throw new ApiError('NOT_FOUND', `not a tile path: ${pathname.slice(0, 80)}`);
  const sceneId = decodeURIComponent(m[1]!);
  if (!idSchema.safeParse(sceneId).success) throw new ApiError('BAD_ARGUMENTS', `tile: bad scene id "${sceneId.slice(0, 40)}"`);
  const z = Number(m[2]);
  const x = Number(m[3]);
  const y = Number(m[4]);
  if (z > 24 || x >= 2 ** z || y >= 2 ** z) throw new ApiError('BAD_ARGUMENTS', `tile: ${z}/${x}/${y} is outside the tile grid`);
  const bands = search.has('bands') ? intList(search.get('bands')!, 3, 'bands') : DEFAULT_BANDS;
  if (!bands.every((b) => Number.isInteger(b) && b >= 1 && b <= 64)) throw new ApiError('BAD_ARGUMENTS', 'tile: bands are 1-based band numbers');
  const stretch = search.has('stretch') ? intList(search.get('stretch')!, 2, 'stretch') : DEFAULT_STRETCH;
  if (!(stretch[0]! >= 0 && stretch[0]! < stretch[1]! && stretch[1]! <= 100)) throw new ApiError('BAD_ARGUMENTS', 'tile: stretch must be two percentiles, low < high, within 0-100');
  const sizeText = search.get('size') ?? '256';
  if (sizeText !== '256' && sizeText !== '512') throw new ApiError('BAD_ARGUMENTS', 'tile: size must be 256 or 512');
  const req: TileRequest = {
    sceneId,
    z,
    x,
    y,
    bands: bands as [number, number, number],
    stretch: stretch as [number, number],
    size: Number(sizeText) as 256 | 512,
  };
  if (search.has('mode')) {
    const mode = search.get('mode') ?? '';
    if (!(TILE_MODES as readonly string[]).includes(mode)) throw new ApiError('BAD_ARGUMENTS', `tile: mode must be one of ${TILE_MODES.join(', ')}, got "${mode.slice(0, 20)}"`);
    if (mode !== 'rgb') req.mode = mode as TileMode;
  }
  const gamma = numberParam(search, 'gamma', 0.1, 10);
  const brightness = numberParam(search, 'brightness', -1, 1);
  const contrast = numberParam(search, 'contrast', 0, 10);
  if (gamma !== undefined && gamma !== 1) req.gamma = gamma;
  if (brightness !== undefined && brightness !== 0) req.brightness = brightness;
  if (contrast !== undefined && contrast !== 1) req.contrast = contrast;
  return req;
}

/** Display options of a tile URL beyond the band triple. */
export interface TileStyleOptions {
  bands?: [number, number, number];
  stretch?: [number, number];
  size?: 256 | 512;
  mode?: TileMode;
  gamma?: number;
  brightness?: number;
  contrast?: number;
}

/** A MapLibre raster-source URL template for a scene. */
export function tileUrlTemplate(base: string, sceneId: string, opts: TileStyleOptions = {}): string {
  let q = `bands=${(opts.bands ?? DEFAULT_BANDS).join(',')}&stretch=${(opts.stretch ?? DEFAULT_STRETCH).join(',')}`;
  if (opts.size && opts.size !== 256) q += `&size=${opts.size}`;
  if (opts.mode && opts.mode !== 'rgb') q += `&mode=${opts.mode}`;
  if (opts.gamma !== undefined && opts.gamma !== 1) q += `&gamma=${+opts.gamma.toFixed(3)}`;
  if (opts.brightness !== undefined && opts.brightness !== 0) q += `&brightness=${+opts.brightness.toFixed(3)}`;
  if (opts.contrast !== undefined && opts.contrast !== 1) q += `&contrast=${+opts.contrast.toFixed(3)}`;
  return `${base}/tiles/${encodeURIComponent(sceneId)}/{z}/{x}/{y}.png?${q}`;
}

// ---- Consensus risk tiles (staff only): `<base>/risk/<siteId>/<method>/<z>/<x>/<y>.png[?size=512]` ----
// The site's stored risk raster (a float32 COG of r = min(C, 1 - C), DOMAIN.md 3) through a colour
// ramp: r = 0 transparent, rising to opaque red at 0.5. Served by both hosts like scene tiles.

export type RiskTileMethod = 'bayes' | 'staple' | 'majority';
export const RISK_TILE_METHODS: readonly RiskTileMethod[] = ['bayes', 'staple', 'majority'];

export interface RiskTileRequest {
  siteId: string;
  method: RiskTileMethod;
  z: number;
  x: number;
  y: number;
  size: 256 | 512;
}

/** Parses `/risk/<siteId>/<method>/<z>/<x>/<y>.png` plus its query string. Throws ApiError on anything odd. */
export function parseRiskTilePath(pathname: string, search: QueryLike): RiskTileRequest {
  const m = /^\/risk\/([^/]+)\/([^/]+)\/(\d{1,2})\/(\d{1,8})\/(\d{1,8})\.png$/.exec(pathname);
  if (!m) throw new ApiError('NOT_FOUND', `not a risk tile path: ${pathname.slice(0, 80)}`);
  let siteId: string;
  try {
    siteId = decodeURIComponent(m[1]!);
  } catch {
    throw new ApiError('BAD_ARGUMENTS', 'risk tile: malformed site id');
  }
  if (!idSchema.safeParse(siteId).success) throw new ApiError('BAD_ARGUMENTS', `risk tile: bad site id "${siteId.slice(0, 40)}"`);
  const method = m[2]!;
  if (!(RISK_TILE_METHODS as readonly string[]).includes(method)) {
    throw new ApiError('BAD_ARGUMENTS', `risk tile: method must be one of ${RISK_TILE_METHODS.join(', ')}, got "${method.slice(0, 20)}"`);
  }
  const z = Number(m[3]);
  const x = Number(m[4]);
  const y = Number(m[5]);
  if (z > 24 || x >= 2 ** z || y >= 2 ** z) throw new ApiError('BAD_ARGUMENTS', `risk tile: ${z}/${x}/${y} is outside the tile grid`);
  const sizeText = search.get('size') ?? '256';
  if (sizeText !== '256' && sizeText !== '512') throw new ApiError('BAD_ARGUMENTS', 'risk tile: size must be 256 or 512');
  return { siteId, method: method as RiskTileMethod, z, x, y, size: Number(sizeText) as 256 | 512 };
}

/** A MapLibre raster-source URL template for a site's consensus risk map. */
export function riskTileUrlTemplate(base: string, siteId: string, method: RiskTileMethod = 'bayes', opts: { size?: 256 | 512 } = {}): string {
  const q = opts.size && opts.size !== 256 ? `?size=${opts.size}` : '';
  return `${base}/risk/${encodeURIComponent(siteId)}/${method}/{z}/{x}/{y}.png${q}`;
}
