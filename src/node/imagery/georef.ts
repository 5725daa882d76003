/**
 * Affine georeferencing (GDAL geotransform order) and lon/lat bounds of a raster. Pure.
 *   x = gt[0] + col * gt[1] + row * gt[2]
 *   y = gt[3] + col * gt[4] + row * gt[5]
 * (col, row) are pixel-corner coordinates: (0, 0) is the top-left corner of the first pixel.
 */
import type { BBox } from './tile-math';

export type GeoTransform = [number, number, number, number, number, number];

export class GeorefError extends Error {}

export interface GeorefTags {
  ModelPixelScale?: ArrayLike<number> | null;
  ModelTiepoint?: ArrayLike<number> | null;
  ModelTransformation?: ArrayLike<number> | null;
  /** GTRasterTypeGeoKey: 1 PixelIsArea (default), 2 PixelIsPoint. */
  rasterType?: number;
}

/** The geotransform from the GeoTIFF tags, as GDAL reports it (PixelIsPoint shifted half a pixel). */
export function geoTransformFromTags(t: GeorefTags): GeoTransform {
  let gt: GeoTransform;
  const scale = t.ModelPixelScale;
  const tie = t.ModelTiepoint;
  const mt = t.ModelTransformation;
  if (scale && scale.length >= 2 && tie && tie.length >= 6) {
    const [sx, sy] = [scale[0]!, scale[1]!];
    if (!(sx !== 0 && sy !== 0 && Number.isFinite(sx) && Number.isFinite(sy))) throw new GeorefError(`bad ModelPixelScale ${sx} x ${sy}`);
    const [i, j, x, y] = [tie[0]!, tie[1]!, tie[3]!, tie[4]!];
    gt = [x - i * sx, sx, 0, y + j * sy, 0, -sy];
  } else if (mt && mt.length >= 8) {
    gt = [mt[3]!, mt[0]!, mt[1]!, mt[7]!, mt[4]!, mt[5]!];
  } else if (tie && tie.length >= 12) {
    throw new GeorefError('georeferenced only by ground control points (several ModelTiepoints, no ModelPixelScale); warp it first with gdalwarp');
  } else {
    throw new GeorefError('not georeferenced (no ModelPixelScale + ModelTiepoint or ModelTransformation tags)');
  }
  if (Math.abs(gt[1] * gt[5] - gt[2] * gt[4]) < 1e-300 || !gt.every(Number.isFinite)) throw new GeorefError('degenerate geotransform');
  if (t.rasterType === 2) {
    gt[0] -= 0.5 * gt[1] + 0.5 * gt[2];
    gt[3] -= 0.5 * gt[4] + 0.5 * gt[5];
  }
  return gt;
}

export function applyGeoTransform(gt: GeoTransform, col: number, row: number): [number, number] {
  return [gt[0] + col * gt[1] + row * gt[2], gt[3] + col * gt[4] + row * gt[5]];
}

export function invertGeoTransform(gt: GeoTransform): GeoTransform {
  const det = gt[1] * gt[5] - gt[2] * gt[4];
  const a = gt[5] / det;
  const b = -gt[2] / det;
  const d = -gt[4] / det;
  const e = gt[1] / det;
  return [-gt[0] * a - gt[3] * b, a, b, -gt[0] * d - gt[3] * e, d, e];
}

/** The geotransform of an overview of `w x h` pixels of a `fullW x fullH` image. */
export function scaleGeoTransform(gt: GeoTransform, fullW: number, fullH: number, w: number, h: number): GeoTransform {
  const fx = fullW / w;
  const fy = fullH / h;
  return [gt[0], gt[1] * fx, gt[2] * fy, gt[3], gt[4] * fx, gt[5] * fy];
}

/** Points along the 4 edges of a w x h raster, corners included: `n` points between corners. */
export function edgeSamplePixels(w: number, h: number, n = 21): Array<[number, number]> {
  const pts: Array<[number, number]> = [];
  const steps = n + 1;
  for (let i = 0; i < steps; i++) {
    const f = i / steps;
    pts.push([f * w, 0], [w, f * h], [w - f * w, h], [0, h - f * h]);
  }
  return pts;
}

/**
 * lon/lat bounds [west, south, east, north] of a raster: its edges densified (like GDAL's
 * OCTTransformBounds), poles inside the raster included, antimeridian crossings reported
 * with west > east (RFC 7946). `toLonLat` maps CRS coordinates to lon/lat; `fromLonLat` the reverse.
 */
export function lonLatBounds(
  gt: GeoTransform,
  w: number,
  h: number,
  toLonLat: (x: number, y: number) => [number, number],
  fromLonLat: (lon: number, lat: number) => [number, number],
  geographic: boolean,
): BBox {
  const lons: number[] = [];
  const lats: number[] = [];
  for (const [c, r] of edgeSamplePixels(w, h)) {
    const [x, y] = applyGeoTransform(gt, c, r);
    const [lon, lat] = toLonLat(x, y);
    if (Number.isFinite(lon) && Number.isFinite(lat)) {
      lons.push(lon);
      lats.push(lat);
    }
  }
  if (lons.length === 0) throw new GeorefError('no corner of the image can be transformed to lon/lat');
  let south = Math.min(...lats);
  let north = Math.max(...lats);
  let west = Math.min(...lons);
  let east = Math.max(...lons);
  if (geographic) return [west, south, east, north];
  const inv = invertGeoTransform(gt);
  let pole = false;
  for (const plat of [90, -90]) {
    const [px, py] = fromLonLat(0, plat);
    if (!Number.isFinite(px) || !Number.isFinite(py)) continue;
    const [c, r] = applyGeoTransform(inv, px, py);
    if (c >= 0 && c <= w && r >= 0 && r <= h) {
      pole = true;
      if (plat > 0) north = 90;
      else south = -90;
    }
  }
  if (pole) return [-180, south, 180, north];
  if (east - west > 180) {
    const shifted = lons.map((l) => (l < 0 ? l + 360 : l));
    const sw = Math.min(...shifted);
    const se = Math.max(...shifted);
    if (se - sw < east - west) {
      west = sw > 180 ? sw - 360 : sw;
      east = se > 180 ? se - 360 : se;
    }
  }
  return [west, south, east, north];
}
