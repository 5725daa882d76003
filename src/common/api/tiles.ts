/**
 * Imagery tiles travel as URLs, never through the API: `<base>/tiles/<sceneId>/<z>/<x>/<y>.png`
 * with `bands`, `stretch` and `size` query parameters. The base is `http://127.0.0.1:PORT` for
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
}

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
  return {
    sceneId,
    z,
    x,
    y,
    bands: bands as [number, number, number],
    stretch: stretch as [number, number],
    size: Number(sizeText) as 256 | 512,
  };
}

/** A MapLibre raster-source URL template for a scene. */
export function tileUrlTemplate(
  base: string,
  sceneId: string,
  opts: { bands?: [number, number, number]; stretch?: [number, number]; size?: 256 | 512 } = {},
): string {
  let q = `bands=${(opts.bands ?? DEFAULT_BANDS).join(',')}&stretch=${(opts.stretch ?? DEFAULT_STRETCH).join(',')}`;
  if (opts.size && opts.size !== 256) q += `&size=${opts.size}`;
  return `${base}/tiles/${encodeURIComponent(sceneId)}/{z}/{x}/{y}.png?${q}`;
}
