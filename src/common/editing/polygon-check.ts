/**
 * Is this a polygon a field may have? Every ring closed, finite, at least 3 distinct vertices and
 * an area; no ring crossing or touching itself (bow-ties); holes inside the exterior, apart from
 * it and from each other. Returns the reason in words, or null when valid. Also the cheap
 * while-drawing check (terra-draw style `{valid, reason}`): does the last segment cross the others?
 */
import { type EditPolygon, openRing, ringAreaM2, samePt, segmentsIntersect, pointInRing, type XY } from './geom';

export interface CheckResult {
  valid: boolean;
  reason?: string;
}

/** Rings below this are "no area" (float noise of collinear clicks). */
export const MIN_RING_AREA_M2 = 0.01;

interface Edge {
  a: XY;
  b: XY;
  ring: number;
  i: number;
  n: number;
  minX: number;
  maxX: number;
}

function edgesOf(rings: readonly XY[][]): Edge[] {
  const edges: Edge[] = [];
  rings.forEach((r, ring) => {
    const n = r.length;
    for (let i = 0; i < n; i++) {
      const a = r[i]!;
      const b = r[(i + 1) % n]!;
      edges.push({ a, b, ring, i, n, minX: Math.min(a[0], b[0]), maxX: Math.max(a[0], b[0]) });
    }
  });
  return edges.sort((x, y) => x.minX - y.minX);
}

function adjacent(e: Edge, f: Edge): boolean {
  if (e.ring !== f.ring) return false;
  return (e.i + 1) % e.n === f.i || (f.i + 1) % f.n === e.i;
}

/** The first pair of intersecting non-adjacent edges (sweep over x), or null. */
function firstCrossing(rings: readonly XY[][]): [Edge, Edge] | null {
  const edges = edgesOf(rings);
  for (let i = 0; i < edges.length; i++) {
    const e = edges[i]!;
    for (let j = i + 1; j < edges.length && edges[j]!.minX <= e.maxX; j++) {
      const f = edges[j]!;
      if (Math.max(e.a[1], e.b[1]) < Math.min(f.a[1], f.b[1]) || Math.max(f.a[1], f.b[1]) < Math.min(e.a[1], e.b[1])) continue;
      if (adjacent(e, f)) {
        // Adjacent edges share one vertex; they are wrong only when they fold back onto each other.
        if (e.n === 3) continue;
        const shared = samePt(e.b, f.a) ? e.b : f.b;
        const other1 = samePt(e.a, shared) ? e.b : e.a;
        const other2 = samePt(f.a, shared) ? f.b : f.a;
        const cross = (other1[0] - shared[0]) * (other2[1] - shared[1]) - (other1[1] - shared[1]) * (other2[0] - shared[0]);
        const dot = (other1[0] - shared[0]) * (other2[0] - shared[0]) + (other1[1] - shared[1]) * (other2[1] - shared[1]);
        if (cross === 0 && dot > 0) return [e, f];
        continue;
      }
      if (segmentsIntersect(e.a, e.b, f.a, f.b)) return [e, f];
    }
  }
  return null;
}

function ringProblem(ring: readonly XY[], what: string): string | null {
  if (ring.length < 4) return `${what} has ${Math.max(0, ring.length - 1)} vertices: a polygon needs at least 3`;
  for (const p of ring) if (!Number.isFinite(p[0]) || !Number.isFinite(p[1])) return `${what} has a position that is not a finite number`;
  if (!samePt(ring[0]!, ring[ring.length - 1]!)) return `${what} is not closed`;
  const pts = openRing(ring);
  const distinct = new Set(pts.map((p) => `${p[0]},${p[1]}`)).size;
  if (distinct < 3) return `${what} has ${distinct} distinct vertices: a polygon needs at least 3`;
  for (let i = 0; i < pts.length; i++) if (samePt(pts[i]!, pts[(i + 1) % pts.length]!)) return `${what} repeats a vertex (${i + 1})`;
  return null;
}

/** Null when the polygon is a valid field geometry, else the reason. */
export function polygonProblem(p: EditPolygon): string | null {
  if (!p || p.type !== 'Polygon' || !Array.isArray(p.coordinates) || p.coordinates.length === 0) return 'not a polygon with an exterior ring';
  for (let i = 0; i < p.coordinates.length; i++) {
    const r = ringProblem(p.coordinates[i]!, i === 0 ? 'the boundary' : `hole ${i}`);
    if (r) return r;
  }
  const open = p.coordinates.map(openRing);
  const hit = firstCrossing(open);
  if (hit) {
    const [e, f] = hit;
    if (e.ring === f.ring) return e.ring === 0 ? 'the boundary crosses or touches itself' : `hole ${e.ring} crosses or touches itself`;
    return e.ring === 0 || f.ring === 0 ? `hole ${Math.max(e.ring, f.ring)} crosses or touches the boundary` : `holes ${e.ring} and ${f.ring} cross or touch`;
  }
  for (let i = 0; i < p.coordinates.length; i++) {
    if (Math.abs(ringAreaM2(p.coordinates[i]!)) < MIN_RING_AREA_M2) return `${i === 0 ? 'the boundary' : `hole ${i}`} has no area (its vertices are on one line)`;
  }
  const outer = open[0]!;
  for (let h = 1; h < open.length; h++) {
    if (!pointInRing(open[h]![0]!, outer)) return `hole ${h} lies outside the boundary`;
    for (let k = 1; k < open.length; k++) if (k !== h && pointInRing(open[h]![0]!, open[k]!)) return `hole ${h} lies inside hole ${k}`;
  }
  return null;
}

export function checkPolygon(p: EditPolygon): CheckResult {
  const reason = polygonProblem(p);
  return reason ? { valid: false, reason } : { valid: true };
}

/**
 * While drawing (open list of clicked vertices): does the newest segment cross an earlier one,
 * or (closing = true) does the closing segment? O(n) per call.
 */
export function checkDrawing(pts: readonly XY[], closing = false): CheckResult {
  const n = pts.length;
  if (n >= 2 && samePt(pts[n - 1]!, pts[n - 2]!)) return { valid: false, reason: 'the same vertex twice' };
  const test = (a: XY, b: XY, skipFirst: number, skipLast: number): boolean => {
    for (let i = skipFirst; i < n - 1 - skipLast; i++) if (segmentsIntersect(a, b, pts[i]!, pts[i + 1]!)) return true;
    return false;
  };
  if (n >= 4 && test(pts[n - 2]!, pts[n - 1]!, 0, 2)) return { valid: false, reason: 'the new edge crosses an earlier edge' };
  if (closing) {
    if (n < 3) return { valid: false, reason: `a field needs at least 3 vertices, ${n === 1 ? 'there is 1' : `there are ${n}`}` };
    if (n >= 4 && test(pts[n - 1]!, pts[0]!, 1, 1)) return { valid: false, reason: 'the closing edge crosses an earlier edge' };
    const ring = [...pts, pts[0]!];
    if (Math.abs(ringAreaM2(ring)) < MIN_RING_AREA_M2) return { valid: false, reason: 'the field has no area (its vertices are on one line)' };
  }
  return { valid: true };
}
