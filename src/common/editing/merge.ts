/** Merging fields that touch along a border (or overlap) into one polygon. */
import { GeometryOpError, union } from './clip';
import { type EditPolygon, orientPolygon } from './geom';
import { polygonProblem } from './polygon-check';

export function mergePolygons(polys: readonly EditPolygon[]): EditPolygon {
  if (polys.length < 2) throw new GeometryOpError('merging needs at least 2 fields');
  const out = union(polys);
  if (out.length !== 1) throw new GeometryOpError(`the fields do not share a border: merging them would give ${out.length} separate parts`);
  const merged = orientPolygon(out[0]!);
  const why = polygonProblem(merged);
  if (why) throw new GeometryOpError(`the merged field would be invalid: ${why}`);
  return merged;
}
