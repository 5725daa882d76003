/** XYZ web-mercator tile arithmetic (EPSG:3857, spherical, R = 6378137 m). Pure. */

export const EARTH_RADIUS = 6378137;
/** Half the width of the web-mercator square: 20037508.342789244 m. */
export const MERC_MAX = Math.PI * EARTH_RADIUS;
export const MAX_MERC_LAT = 85.0511287798066;

/** [minx, miny, maxx, maxy] */
export type BBox = [number, number, number, number];

export function isValidTile(z: number, x: number, y: number): boolean {
  if (!Number.isInteger(z) || !Number.isInteger(x) || !Number.isInteger(y)) return false;
  if (z < 0 || z > 30) return false;
  const n = 2 ** z;
  return x >= 0 && x < n && y >= 0 && y < n;
}

/** Tile bounds in EPSG:3857 metres. */
export function tileBounds3857(z: number, x: number, y: number): BBox {
  const span = (2 * MERC_MAX) / 2 ** z;
  const minx = -MERC_MAX + x * span;
  const maxy = MERC_MAX - y * span;
  return [minx, maxy - span, minx + span, maxy];
}

/** Tile bounds in lon/lat degrees [west, south, east, north]. */
export function tileBoundsLonLat(z: number, x: number, y: number): BBox {
  const [minx, miny, maxx, maxy] = tileBounds3857(z, x, y);
  const [w, s] = mercToLonLat(minx, miny);
  const [e, n] = mercToLonLat(maxx, maxy);
  return [w, s, e, n];
}

export function mercToLonLat(mx: number, my: number): [number, number] {
  const lon = (mx / EARTH_RADIUS) * (180 / Math.PI);
  const lat = (2 * Math.atan(Math.exp(my / EARTH_RADIUS)) - Math.PI / 2) * (180 / Math.PI);
  return [lon, lat];
}

export function lonLatToMerc(lon: number, lat: number): [number, number] {
  const clamped = Math.max(-MAX_MERC_LAT, Math.min(MAX_MERC_LAT, lat));
  const mx = (lon * Math.PI * EARTH_RADIUS) / 180;
  const my = EARTH_RADIUS * Math.log(Math.tan(Math.PI / 4 + (clamped * Math.PI) / 360));
  return [mx, my];
}

/** The tile containing a lon/lat at zoom z. */
export function lonLatToTile(lon: number, lat: number, z: number): { x: number; y: number } {
  const n = 2 ** z;
  const [mx, my] = lonLatToMerc(lon, lat);
  const x = Math.min(n - 1, Math.max(0, Math.floor(((mx + MERC_MAX) / (2 * MERC_MAX)) * n)));
  const y = Math.min(n - 1, Math.max(0, Math.floor(((MERC_MAX - my) / (2 * MERC_MAX)) * n)));
  return { x, y };
}

/** Size of one tile pixel in 3857 metres. */
export function tilePixelSize3857(z: number, size: number): number {
  return (2 * MERC_MAX) / 2 ** z / size;
}

/**
 * Does a lon/lat box intersect the tile? A box with west > east crosses the antimeridian.
 */
export function lonLatBoxIntersectsTile(box: BBox, z: number, x: number, y: number): boolean {
  const [tw, ts, te, tn] = tileBoundsLonLat(z, x, y);
  const [w, s, e, n] = box;
  if (n < ts || s > tn) return false;
  const overlaps = (a0: number, a1: number): boolean => !(a1 < tw || a0 > te);
  if (w <= e) return overlaps(w, e) || overlaps(w - 360, e - 360) || overlaps(w + 360, e + 360);
  return overlaps(w, 180) || overlaps(-180, e);
}
