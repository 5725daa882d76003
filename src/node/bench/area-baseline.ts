/**
 * The baseline of `fieldmark bench score`: the area metrics of DOMAIN.md 2 computed the
 * straightforward way, with vector overlay (polygon-clipping, the engine behind turf's
 * union/intersect/difference) in the same local equal-area projection:
 *   R = union(reference fields), U = union(labeller fields), A = cell;
 *   tp = |R n U n A|, fp = |U n A - R|, fn = |R n A - U|, tn = |A| - |(R u U) n A|;
 *   area = (tp + tn) / |A|, fieldSkill = tp / (tp + fn), noFieldSkill = tn / (tn + fp).
 * Only these (no objects, edges or boundary distances): the ratio against scoreAssignment,
 * which computes all metrics, is therefore conservative.
 */
import polygonClipping, { type MultiPolygon as ClipMulti, type Polygon as ClipPolygon } from 'polygon-clipping';
import type { Polygon } from '../../common/geo/geojson';
import { laea, type Category, type Feature } from '../../common/quality';

function area(mp: ClipMulti): number {
  let s = 0;
  for (const poly of mp) {
    for (const ring of poly) {
      let a = 0;
      // shoelace, counter-clockwise positive: polygon-clipping returns exteriors CCW and holes CW
      for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) a += ring[j]![0] * ring[i]![1] - ring[i]![0] * ring[j]![1];
      s += a / 2;
    }
  }
  return Math.abs(s) < 1e-9 ? 0 : s;
}

export function baselineAreaMetrics(reference: readonly Feature[], labels: readonly Feature[], cell: Polygon, categories: readonly Category[]): { area: number; fieldSkill: number; noFieldSkill: number } {
  const ring = cell.coordinates[0]!;
  const lons = ring.map((p) => p[0]);
  const lats = ring.map((p) => p[1]);
  const proj = laea((Math.min(...lons) + Math.max(...lons)) / 2, (Math.min(...lats) + Math.max(...lats)) / 2);
  const fields = new Set(categories.filter((c) => c.group === 'field').map((c) => c.id));
  const project = (rings: readonly (readonly number[])[][]): ClipPolygon => rings.map((r) => r.map((p) => proj.forward(p[0]!, p[1]!) as [number, number]));
  const polys = (fs: readonly Feature[]): ClipPolygon[] =>
    fs.filter((f) => fields.has(f.category)).flatMap((f) => (f.geometry.type === 'Polygon' ? [project(f.geometry.coordinates)] : f.geometry.coordinates.map((p) => project(p))));
  const A: ClipMulti = [project(cell.coordinates)];
  const rp = polys(reference);
  const up = polys(labels);
  const R: ClipMulti = rp.length > 0 ? polygonClipping.union(rp[0]!, ...rp.slice(1)) : [];
  const U: ClipMulti = up.length > 0 ? polygonClipping.union(up[0]!, ...up.slice(1)) : [];
  const RA = R.length ? polygonClipping.intersection(R, A) : [];
  const UA = U.length ? polygonClipping.intersection(U, A) : [];
  const tp = RA.length && UA.length ? area(polygonClipping.intersection(RA, UA)) : 0;
  const fp = UA.length ? area(RA.length ? polygonClipping.difference(UA, RA) : UA) : 0;
  const fn = RA.length ? area(UA.length ? polygonClipping.difference(RA, UA) : RA) : 0;
  const cellArea = area(A);
  const tn = Math.max(0, cellArea - tp - fp - fn);
  return {
    area: cellArea > 0 ? (tp + tn) / cellArea : 1,
    fieldSkill: tp + fn > 0 ? tp / (tp + fn) : 1,
    noFieldSkill: tn + fp > 0 ? tn / (tn + fp) : 1,
  };
}
