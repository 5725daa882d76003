/**
 * The consensus grid of a site and each labeller's layer on it.
 *
 * The grid is the cell's lon/lat bounding box split into `pixels` x `pixels` cells (EPSG:4326,
 * north-up; GDAL geotransform [minLon, dLon, 0, maxLat, 0, -dLat]). At 0.005 degrees and 200 px
 * a pixel is 0.000025 degrees: ~2.8 m north-south and ~2.8 cos(lat) m east-west (not square in
 * metres away from the equator, like the lab's grid). `mask` marks the pixels whose centre lies
 * in the cell polygon (all of them for the usual rectangular cell).
 *
 * A labeller's layer L holds half-units: 2 = field (L = 1), 1 = unsure (L = 0.5), 0 = neither.
 * Field beats unsure where they overlap. Polygons are repaired first (quality/repair.ts), in
 * pixel units.
 */
import type { BBox, Polygon } from '../geo/geojson';
import { bboxOf } from '../geo/geojson';
import type { GridSpec } from '../raster/grid';
import { fillRings, maxRings } from '../raster/rasterize';
import { repairPolygon } from '../quality/repair';
import { emptyRepairStats, type Feature, type RepairStats } from '../quality/types';

export interface CellGrid extends GridSpec {
  bbox: BBox;
  mask: Uint8Array;
  maskCount: number;
}

export function cellGrid(cell: Polygon, pixels: number): CellGrid {
  if (!cell || cell.type !== 'Polygon' || !Array.isArray(cell.coordinates?.[0])) throw new RangeError('cell: not a polygon');
  const bbox = bboxOf(cell);
  const [minLon, minLat, maxLon, maxLat] = bbox;
  if (!(maxLon > minLon && maxLat > minLat)) throw new RangeError('cell: polygon has no area');
  const n = Math.round(pixels);
  if (!(n >= 1 && n <= 4096)) throw new RangeError(`pixels must be in 1..4096 (got ${pixels})`);
  const g: GridSpec = { originX: minLon, originY: maxLat, pixelX: (maxLon - minLon) / n, pixelY: (maxLat - minLat) / n, width: n, height: n };
  const mask = new Uint8Array(n * n);
  const rings = cell.coordinates.slice(0, 1).map((r) => Float64Array.from(r.flatMap((p) => [p[0], p[1]])));
  const maskCount = fillRings(mask, g, rings, 1);
  return { ...g, bbox, mask, maskCount };
}

/** What a category contributes to a labeller's layer (half-units). */
export type Classify = (category: string) => 0 | 1 | 2;

/**
 * Rasterises one labeller's map: 2 inside field polygons, 1 inside unsure polygons (where not
 * field), 0 elsewhere; outside the cell mask everything is 0.
 */
export function rasterizeLabeller(features: readonly Feature[], grid: CellGrid, classify: Classify, stats: RepairStats = emptyRepairStats()): Uint8Array {
  const out = new Uint8Array(grid.width * grid.height);
  // Repair and paint in pixel units (x right, y up from the bottom edge).
  const { originX, originY, pixelX, pixelY, height } = grid;
  const bottom = originY - height * pixelY;
  const toPx = (lon: number, lat: number, o: Float64Array | number[], k: number): void => {
    o[k] = (lon - originX) / pixelX;
    o[k + 1] = (lat - bottom) / pixelY;
  };
  const pxGrid: GridSpec = { originX: 0, originY: height, pixelX: 1, pixelY: 1, width: grid.width, height };
  const opts = { epsLength: 1e-9, epsArea: 1e-9 };
  const byValue: [Float64Array[][], Float64Array[][]] = [[], []];
  for (const f of features ?? []) {
    if (!f || !f.geometry) continue;
    const v = classify(f.category);
    if (v === 0) continue;
    const g = f.geometry as { type?: string; coordinates?: unknown };
    const polys = g.type === 'Polygon' ? [g.coordinates] : g.type === 'MultiPolygon' && Array.isArray(g.coordinates) ? g.coordinates : [];
    for (const p of polys as unknown[]) {
      if (!Array.isArray(p) || p.length === 0 || !p.every(Array.isArray)) {
        stats.dropped++;
        continue;
      }
      const rings = repairPolygon(p as Polygon['coordinates'], toPx, opts, stats);
      if (rings) byValue[v - 1]!.push(rings);
    }
  }
  for (const rings of byValue[1]) fillRings(out, pxGrid, rings, 2);
  for (const rings of byValue[0]) maxRings(out, pxGrid, rings, 1);
  for (let k = 0; k < out.length; k++) if (!grid.mask[k]) out[k] = 0;
  return out;
}
