/**
 * Inverse mapping for tile rendering: for every pixel centre of an XYZ web-mercator tile, the
 * (fractional) full-resolution pixel coordinate in the source raster. The exact chain
 * (tile px -> 3857 -> lon/lat -> file CRS -> inverse geotransform) is evaluated on a coarse grid
 * and interpolated bilinearly inside each grid cell; cells with an unmappable corner (outside a
 * projection's domain) are evaluated exactly per pixel.
 */
import type { CrsInfo } from './crs';
import { lonLatTransform } from './crs';
import { applyGeoTransform, invertGeoTransform, type GeoTransform } from './georef';
import { mercToLonLat, tileBounds3857, type BBox } from './tile-math';

export interface PixelMap {
  size: number;
  /** Source column / row (full resolution, pixel-corner convention) per tile pixel centre; NaN where unmappable. */
  u: Float64Array;
  v: Float64Array;
}

export interface SourceGeoref {
  crs: CrsInfo;
  geoTransform: GeoTransform;
  /** lon/lat bounds, used to wrap longitudes for geographic rasters beyond +-180. */
  bounds4326: BBox;
}

/** A function from a 3857 point to a full-resolution source pixel coordinate. */
export function mercatorToPixel(src: SourceGeoref): (mx: number, my: number) => [number, number] {
  const t = lonLatTransform(src.crs);
  const inv = invertGeoTransform(src.geoTransform);
  const [west, , east] = src.bounds4326;
  const wrap = src.crs.geographic && west <= east && (west < -180 || east > 180);
  return (mx, my) => {
    let [lon, lat] = mercToLonLat(mx, my);
    if (wrap) {
      if (lon < west) lon += 360;
      else if (lon > east) lon -= 360;
    }
    const [cx, cy] = t.fromLonLat(lon, lat);
    if (!Number.isFinite(cx) || !Number.isFinite(cy)) return [NaN, NaN];
    return applyGeoTransform(inv, cx, cy);
  };
}

/** The exact mapping on the corners of `step`-px cells: (cells + 1)^2 nodes, row-major. */
interface NodeGrid {
  toPx: (mx: number, my: number) => [number, number];
  minx: number;
  maxy: number;
  res: number;
  cells: number;
  nodes: number;
  gu: Float64Array;
  gv: Float64Array;
}

function nodeGrid(src: SourceGeoref, z: number, x: number, y: number, size: number, step: number): NodeGrid {
  const toPx = mercatorToPixel(src);
  const [minx, , maxx, maxy] = tileBounds3857(z, x, y);
  const res = (maxx - minx) / size;
  const cells = Math.ceil(size / step);
  const nodes = cells + 1;
  const gu = new Float64Array(nodes * nodes);
  const gv = new Float64Array(nodes * nodes);
  for (let j = 0; j < nodes; j++)
    for (let i = 0; i < nodes; i++) {
      const [u, v] = toPx(minx + Math.min(i * step, size) * res, maxy - Math.min(j * step, size) * res);
      gu[j * nodes + i] = u;
      gv[j * nodes + i] = v;
    }
  return { toPx, minx, maxy, res, cells, nodes, gu, gv };
}

function interpolate(g: NodeGrid, size: number, step: number): PixelMap {
  const { toPx, minx, maxy, res, cells, nodes, gu, gv } = g;
  const u = new Float64Array(size * size);
  const v = new Float64Array(size * size);
  for (let cj = 0; cj < cells; cj++)
    for (let ci = 0; ci < cells; ci++) {
      const k00 = cj * nodes + ci;
      const k10 = k00 + 1;
      const k01 = k00 + nodes;
      const k11 = k01 + 1;
      const x0 = ci * step;
      const y0 = cj * step;
      const x1 = Math.min(size, x0 + step);
      const y1 = Math.min(size, y0 + step);
      const ok = [k00, k10, k01, k11].every((k) => Number.isFinite(gu[k]!) && Number.isFinite(gv[k]!));
      for (let py = y0; py < y1; py++)
        for (let px = x0; px < x1; px++) {
          const o = py * size + px;
          if (!ok) {
            const [eu, ev] = toPx(minx + (px + 0.5) * res, maxy - (py + 0.5) * res);
            u[o] = eu;
            v[o] = ev;
            continue;
          }
          const fx = (px + 0.5 - x0) / (x1 - x0);
          const fy = (py + 0.5 - y0) / (y1 - y0);
          const a = (1 - fx) * (1 - fy);
          const b = fx * (1 - fy);
          const c = (1 - fx) * fy;
          const d = fx * fy;
          u[o] = gu[k00]! * a + gu[k10]! * b + gu[k01]! * c + gu[k11]! * d;
          v[o] = gv[k00]! * a + gv[k10]! * b + gv[k01]! * c + gv[k11]! * d;
        }
    }
  return { size, u, v };
}

/** The pixel map of tile z/x/y at `size` px, exact on a `step`-px grid, interpolated inside. */
export function tilePixelMap(src: SourceGeoref, z: number, x: number, y: number, size: number, step = 16): PixelMap {
  return interpolate(nodeGrid(src, z, x, y, size, step), size, step);
}

/**
 * A mapping whose source column depends only on the tile column and the source row only on the
 * tile row (web-mercator and geographic rasters, north up): two vectors instead of two
 * size x size arrays.
 */
export interface SeparableMap {
  size: number;
  /** Source column (full resolution) of each tile column's pixel centres. */
  ucol: Float64Array;
  /** Source row of each tile row's pixel centres. */
  vrow: Float64Array;
}

export type TileMapping = PixelMap | SeparableMap;

export function isSeparable(m: TileMapping): m is SeparableMap {
  return (m as SeparableMap).ucol !== undefined;
}

/** Node values closer than this (in source pixels) count as equal for separability. */
const SEPARABLE_TOL = 1e-6;

/** The tile's mapping: separable when the exact grid is (within 1e-6 px), else the full pixel map. */
export function tileMapping(src: SourceGeoref, z: number, x: number, y: number, size: number, step = 16): TileMapping {
  const g = nodeGrid(src, z, x, y, size, step);
  const { nodes, gu, gv, cells } = g;
  let separable = true;
  for (let j = 0; j < nodes && separable; j++)
    for (let i = 0; i < nodes; i++) {
      const k = j * nodes + i;
      if (!(Number.isFinite(gu[k]!) && Number.isFinite(gv[k]!)) || Math.abs(gu[k]! - gu[i]!) > SEPARABLE_TOL || Math.abs(gv[k]! - gv[j * nodes]!) > SEPARABLE_TOL) {
        separable = false;
        break;
      }
    }
  if (!separable) return interpolate(g, size, step);
  const ucol = new Float64Array(size);
  const vrow = new Float64Array(size);
  for (let c = 0; c < cells; c++) {
    const p0 = c * step;
    const p1 = Math.min(size, p0 + step);
    for (let p = p0; p < p1; p++) {
      const f = (p + 0.5 - p0) / (p1 - p0);
      ucol[p] = gu[c]! * (1 - f) + gu[c + 1]! * f;
      vrow[p] = gv[c * nodes]! * (1 - f) + gv[(c + 1) * nodes]! * f;
    }
  }
  return { size, ucol, vrow };
}

/** Full-resolution source pixels per tile pixel of either mapping (see sourcePixelsPerTilePixel). */
export function mappingScale(m: TileMapping, width: number, height: number, step = 16): number | null {
  if (!isSeparable(m)) return sourcePixelsPerTilePixel(m, width, height, step);
  const { size, ucol, vrow } = m;
  const sx: number[] = [];
  const sy: number[] = [];
  for (let p = 0; p + step < size; p += step) {
    if (ucol[p]! >= 0 && ucol[p]! <= width) sx.push(Math.abs((ucol[p + step]! - ucol[p]!) / step));
    if (vrow[p]! >= 0 && vrow[p]! <= height) sy.push(Math.abs((vrow[p + step]! - vrow[p]!) / step));
  }
  if (sx.length === 0 || sy.length === 0) {
    // Small image inside one cell: any inside pixel's neighbour differences.
    let ix = -1;
    let iy = -1;
    for (let p = 0; p < size - 1; p++) {
      if (ix < 0 && ucol[p]! >= 0 && ucol[p]! <= width) ix = p;
      if (iy < 0 && vrow[p]! >= 0 && vrow[p]! <= height) iy = p;
    }
    if (ix < 0 || iy < 0) return null;
    const s = Math.sqrt(Math.abs((ucol[ix + 1]! - ucol[ix]!) * (vrow[iy + 1]! - vrow[iy]!)));
    return Number.isFinite(s) ? s : null;
  }
  // The median over cells of sqrt(|du/dx * dv/dy|): with separable steps, the product of the medians.
  sx.sort((a, b) => a - b);
  sy.sort((a, b) => a - b);
  return Math.sqrt(sx[Math.floor(sx.length / 2)]! * sy[Math.floor(sy.length / 2)]!);
}

/**
 * Full-resolution source pixels per tile pixel (the linear scale of the mapping), the median
 * over the grid cells that map inside the image; null when no cell does.
 */
export function sourcePixelsPerTilePixel(map: PixelMap, width: number, height: number, step = 16): number | null {
  const { size, u, v } = map;
  const scales: number[] = [];
  for (let py = 0; py + step < size; py += step)
    for (let px = 0; px + step < size; px += step) {
      const o = py * size + px;
      const ox = o + step;
      const oy = o + step * size;
      const inside = u[o]! >= 0 && u[o]! <= width && v[o]! >= 0 && v[o]! <= height;
      if (!inside) continue;
      const dux = (u[ox]! - u[o]!) / step;
      const dvx = (v[ox]! - v[o]!) / step;
      const duy = (u[oy]! - u[o]!) / step;
      const dvy = (v[oy]! - v[o]!) / step;
      const s = Math.sqrt(Math.abs(dux * dvy - dvx * duy));
      if (Number.isFinite(s)) scales.push(s);
    }
  if (scales.length === 0) {
    // Small image inside one cell: use the central difference at any inside pixel.
    for (let o = 0; o < size * size - size - 1; o++) {
      if (u[o]! >= 0 && u[o]! <= width && v[o]! >= 0 && v[o]! <= height) {
        const s = Math.sqrt(Math.abs((u[o + 1]! - u[o]!) * (v[o + size]! - v[o]!) - (v[o + 1]! - v[o]!) * (u[o + size]! - u[o]!)));
        if (Number.isFinite(s)) return s;
      }
    }
    return null;
  }
  scales.sort((a, b) => a - b);
  return scales[Math.floor(scales.length / 2)]!;
}
