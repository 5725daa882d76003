/**
 * A fast test for "do the interiors of two polygons overlap?" that lets fields sharing a border
 * (identical or T-junction vertices, no proper crossings) pass without a polygon-clipping call.
 */
import { closestOnSegment, type EditPolygon, pointInPolygon, type XY } from '../editing/geom';

const ON_M = 0.002;

function onBoundary(p: XY, poly: EditPolygon): boolean {
  for (const r of poly.coordinates) for (let i = 0; i < r.length - 1; i++) if (closestOnSegment(p, r[i]!, r[i + 1]!).distM <= ON_M) return true;
  return false;
}

function properCross(a: XY, b: XY, c: XY, d: XY): boolean {
  const o = (p: XY, q: XY, r: XY) => (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0]);
  const o1 = o(a, b, c), o2 = o(a, b, d), o3 = o(c, d, a), o4 = o(c, d, b);
  return ((o1 > 0 && o2 < 0) || (o1 < 0 && o2 > 0)) && ((o3 > 0 && o4 < 0) || (o3 < 0 && o4 > 0));
}

/** Some point of `a` (vertex or edge midpoint) strictly inside `b`. */
function pokesInto(a: EditPolygon, b: EditPolygon): boolean {
  for (const r of a.coordinates)
    for (let i = 0; i < r.length - 1; i++) {
      const p = r[i]!;
      const q = r[i + 1]!;
      const m: XY = [(p[0] + q[0]) / 2, (p[1] + q[1]) / 2];
      for (const x of [p, m]) if (pointInPolygon(x, b) && !onBoundary(x, b)) return true;
    }
  return false;
}

export function mayOverlap(a: EditPolygon, b: EditPolygon): boolean {
  for (const ra of a.coordinates)
    for (let i = 0; i < ra.length - 1; i++) {
      const p = ra[i]!, q = ra[i + 1]!;
      const minX = Math.min(p[0], q[0]), maxX = Math.max(p[0], q[0]), minY = Math.min(p[1], q[1]), maxY = Math.max(p[1], q[1]);
      for (const rb of b.coordinates)
        for (let k = 0; k < rb.length - 1; k++) {
          const c = rb[k]!, d = rb[k + 1]!;
          if (Math.max(c[0], d[0]) < minX || Math.min(c[0], d[0]) > maxX || Math.max(c[1], d[1]) < minY || Math.min(c[1], d[1]) > maxY) continue;
          if (properCross(p, q, c, d)) return true;
        }
    }
  return pokesInto(a, b) || pokesInto(b, a);
}
