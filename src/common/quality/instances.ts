/**
 * Turns mapped features into planar "instances": one per GeoJSON polygon (a MultiPolygon's
 * parts are separate fields), restricted to the wanted categories, projected and repaired.
 */
import type { Position } from '../geo/geojson';
import { polygonArea, polygonPerimeter, ringsBBox, type BBoxXY, type Ring } from './planar';
import { repairPolygon, type Projector, type RepairOptions } from './repair';
import type { Feature, RepairStats } from './types';

export interface Instance {
  /** 1-based id in its map (the value painted into the instance grid) */
  id: number;
  category: string;
  rings: Ring[];
  /** exact planar area (shoelace) */
  area: number;
  perimeter: number;
  bbox: BBoxXY;
}

function polygonsOf(f: Feature): (readonly (readonly Position[])[])[] {
  const g = f?.geometry as { type?: unknown; coordinates?: unknown } | undefined;
  if (!g || !Array.isArray(g.coordinates)) return [];
  if (g.type === 'Polygon') return [g.coordinates as Position[][]];
  if (g.type === 'MultiPolygon') return (g.coordinates as Position[][][]).filter(Array.isArray);
  return [];
}

export function prepareInstances(
  features: readonly Feature[],
  keep: (category: string) => boolean,
  project: Projector,
  opts: RepairOptions,
  stats: RepairStats,
): Instance[] {
  const out: Instance[] = [];
  for (const f of features ?? []) {
    if (!f || !keep(f.category)) continue;
    for (const poly of polygonsOf(f)) {
      if (!Array.isArray(poly) || poly.length === 0 || !poly.every(Array.isArray)) {
        stats.dropped++;
        continue;
      }
      const rings = repairPolygon(poly, project, opts, stats);
      if (!rings) continue;
      out.push({
        id: out.length + 1,
        category: f.category,
        rings,
        area: polygonArea(rings),
        perimeter: polygonPerimeter(rings),
        bbox: ringsBBox(rings),
      });
    }
  }
  return out;
}
