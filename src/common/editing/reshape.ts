/**
 * Reshaping a stretch of boundary: a path whose two ends lie on the field's exterior ring
 * replaces the ring between them; of the two ways to close it, the larger valid polygon wins (as
 * in JOSM / QGIS reshape). Holes outside the new shape are dropped.
 */
import { GeometryOpError } from './clip';
import { closeRing, closestOnSegment, type EditPolygon, orientPolygon, pointInRing, polygonAreaM2, samePt, type XY } from './geom';
import { polygonProblem } from './polygon-check';
import { ringVerticesBetween } from './trace';

/** Path ends must lie this close (m) to the boundary. */
export const RESHAPE_ATTACH_M = 0.5;

function attach(ring: readonly XY[], p: XY): { r: number; point: XY } | null {
  let best: { r: number; point: XY; d: number } | null = null;
  for (let i = 0; i < ring.length - 1; i++) {
    const c = closestOnSegment(p, ring[i]!, ring[i + 1]!);
    if (c.distM <= RESHAPE_ATTACH_M && (!best || c.distM < best.d)) {
      const atEnd = c.t >= 1;
      best = { r: atEnd ? (i + 1) % (ring.length - 1) : i + c.t, point: atEnd ? ring[i + 1]! : c.t <= 0 ? ring[i]! : c.point, d: c.distM };
    }
  }
  return best ? { r: best.r, point: [best.point[0], best.point[1]] } : null;
}

export function reshapePolygon(poly: EditPolygon, path: readonly XY[]): EditPolygon {
  if (path.length < 2) throw new GeometryOpError('a reshape path needs at least 2 points');
  const outer = poly.coordinates[0]!;
  const a = attach(outer, path[0]!);
  const b = attach(outer, path[path.length - 1]!);
  if (!a || !b) throw new GeometryOpError('the reshape path must start and end on the field boundary');
  if (a.r === b.r || samePt(a.point, b.point)) throw new GeometryOpError('the reshape path must start and end at two different points of the boundary');
  const inner = path.slice(1, -1).map((p) => [p[0], p[1]] as XY);
  const c1 = closeRing([a.point, ...ringVerticesBetween(outer, a.r, b.r), b.point, ...[...inner].reverse()]);
  const c2 = closeRing([b.point, ...ringVerticesBetween(outer, b.r, a.r), a.point, ...inner]);
  const holes = poly.coordinates.slice(1);
  const options = [c1, c2]
    .map((r) => orientPolygon({ type: 'Polygon', coordinates: [r, ...holes.filter((h) => pointInRing(h[0]!, r))] }))
    .filter((p) => polygonProblem(p) === null)
    .sort((x, y) => polygonAreaM2(y) - polygonAreaM2(x));
  if (options.length === 0) throw new GeometryOpError('the reshaped boundary would cross itself');
  return options[0]!;
}
