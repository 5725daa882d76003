/**
 * Building lon/lat features from local metre coordinates around a site cell (tests, demos,
 * simulated labellers): the inverse of the projection scoreAssignment uses for that cell, so
 * a square of side 100 here is a 100 m square there, exactly.
 */
import type { Polygon, Position } from '../geo/geojson';
import { laea, type LocalProjection } from './project';
import type { Feature } from './types';

/** The projection scoreAssignment uses for this cell (LAEA at the centre of its lon/lat box). */
export function cellProjection(cell: Polygon): LocalProjection {
  let minLon = Infinity;
  let minLat = Infinity;
  let maxLon = -Infinity;
  let maxLat = -Infinity;
  for (const p of cell.coordinates[0] ?? []) {
    minLon = Math.min(minLon, p[0]);
    maxLon = Math.max(maxLon, p[0]);
    minLat = Math.min(minLat, p[1]);
    maxLat = Math.max(maxLat, p[1]);
  }
  return laea((minLon + maxLon) / 2, (minLat + maxLat) / 2);
}

/** A closed lon/lat polygon from rings of local [x, y] metres. */
export function polygonFromMetres(proj: LocalProjection, rings: readonly (readonly (readonly [number, number])[])[]): Polygon {
  return {
    type: 'Polygon',
    coordinates: rings.map((ring) => {
      const out: Position[] = ring.map(([x, y]) => proj.inverse(x, y));
      const first = out[0];
      const last = out[out.length - 1];
      if (first && last && (first[0] !== last[0] || first[1] !== last[1])) out.push([first[0], first[1]]);
      return out;
    }),
  };
}

/** An axis-aligned rectangle [x0, x1] x [y0, y1] (metres) as a counter-clockwise feature. */
export function rectFeature(proj: LocalProjection, x0: number, y0: number, x1: number, y1: number, category = 'annualcropland'): Feature {
  return {
    category,
    geometry: polygonFromMetres(proj, [
      [
        [x0, y0],
        [x1, y0],
        [x1, y1],
        [x0, y1],
      ],
    ]),
  };
}
