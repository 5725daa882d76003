/**
 * Splitting a field with a line: the first stretch of the line that runs through the field
 * (boundary to boundary) cuts its exterior ring in two; both pieces take the stretch's exact
 * positions, so they share the cut with identical vertices. Holes go to the piece around them;
 * a cut through a hole is refused.
 */
import { GeometryOpError } from './clip';
import { closeRing, type EditPolygon, orientPolygon, pointInRing, polygonAreaM2, samePt, segmentIntersection, segmentsIntersect, type XY } from './geom';
import { polygonProblem } from './polygon-check';
import { ringVerticesBetween } from './trace';

interface Crossing {
  /** position along the line: segment index + t */
  s: number;
  /** position along the ring: edge index + u */
  r: number;
  point: XY;
}

function crossings(ring: readonly XY[], line: readonly XY[]): Crossing[] {
  const n = ring.length - 1;
  const out: Crossing[] = [];
  for (let j = 0; j < line.length - 1; j++) {
    for (let i = 0; i < n; i++) {
      const x = segmentIntersection(line[j]!, line[j + 1]!, ring[i]!, ring[i + 1]!);
      if (!x) continue;
      const r = x.u >= 1 ? (i + 1) % n : i + x.u;
      const point: XY = x.u >= 1 ? [ring[(i + 1) % n]![0], ring[(i + 1) % n]![1]] : x.u <= 0 ? [ring[i]![0], ring[i]![1]] : x.point;
      if (!out.some((c) => samePt(c.point, point))) out.push({ s: j + x.t, r, point });
    }
  }
  return out.sort((a, b) => a.s - b.s);
}

/** Positions of the line strictly between line positions s1 < s2, with both ends. */
function stretch(line: readonly XY[], a: Crossing, b: Crossing): XY[] {
  const pts: XY[] = [a.point];
  for (let k = Math.floor(a.s) + 1; k < b.s; k++) if (!samePt(line[k]!, pts[pts.length - 1]!)) pts.push([line[k]![0], line[k]![1]]);
  if (!samePt(pts[pts.length - 1]!, b.point)) pts.push(b.point);
  return pts;
}

export function splitPolygon(poly: EditPolygon, line: readonly XY[]): [EditPolygon, EditPolygon] {
  if (line.length < 2) throw new GeometryOpError('a split line needs at least 2 points');
  const outer = poly.coordinates[0]!;
  const cs = crossings(outer, line);
  let cut: XY[] | null = null;
  let ca: Crossing | null = null;
  let cb: Crossing | null = null;
  for (let k = 0; k + 1 < cs.length && !cut; k++) {
    const a = cs[k]!;
    const b = cs[k + 1]!;
    const pts = stretch(line, a, b);
    const mid: XY = pts.length > 2 ? pts[1]! : [(a.point[0] + b.point[0]) / 2, (a.point[1] + b.point[1]) / 2];
    const probe: XY = pts.length > 2 ? [(pts[0]![0] + pts[1]![0]) / 2, (pts[0]![1] + pts[1]![1]) / 2] : mid;
    if (pointInRing(probe, outer)) {
      cut = pts;
      ca = a;
      cb = b;
    }
  }
  if (!cut || !ca || !cb) throw new GeometryOpError('the split line must cross the field from one side of its boundary to another');
  const holes = poly.coordinates.slice(1);
  for (const h of holes) for (let i = 0; i + 1 < cut.length; i++) for (let k = 0; k + 1 < h.length; k++) {
    if (segmentsIntersect(cut[i]!, cut[i + 1]!, h[k]!, h[k + 1]!)) throw new GeometryOpError('the split line crosses a hole of the field');
  }
  const inner = cut.slice(1, -1);
  const arc1 = ringVerticesBetween(outer, ca.r, cb.r);
  const arc2 = ringVerticesBetween(outer, cb.r, ca.r);
  const ringA = closeRing([ca.point, ...arc1, cb.point, ...[...inner].reverse()]);
  const ringB = closeRing([cb.point, ...arc2, ca.point, ...inner]);
  const pieces = [ringA, ringB].map((r) => {
    const own = holes.filter((h) => pointInRing(h[0]!, r));
    return orientPolygon({ type: 'Polygon', coordinates: [r, ...own] });
  });
  for (const p of pieces) {
    const why = polygonProblem(p);
    if (why) throw new GeometryOpError(`the split would leave an invalid piece: ${why}`);
  }
  return [pieces[0]!, pieces[1]!];
}

/** Bigger piece first. */
export function bySize(pieces: [EditPolygon, EditPolygon]): [EditPolygon, EditPolygon] {
  return polygonAreaM2(pieces[0]) >= polygonAreaM2(pieces[1]) ? pieces : [pieces[1], pieces[0]];
}
