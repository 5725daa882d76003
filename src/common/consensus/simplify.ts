/**
 * Topology-preserving simplification of traced rings.
 *
 * Rings are cut at nodes into arcs (trace.ts). An arc is shared by the two regions on its
 * sides (each walks it in its own direction), so each arc is simplified once, in a canonical
 * direction, and reused reversed: adjacent regions keep exactly the same vertices along their
 * common border, and cannot overlap there.
 *  - The outline is first smoothed the marching-squares way: every vertex of the pixel-edge path
 *    is replaced by the midpoints of its edges (for a binary image, the 0.5 iso-line through
 *    linearly interpolated pixel centres), except the arc's end nodes, kept as they are so that
 *    arcs still meet there. Points are in doubled lattice units (integers: midpoint = a + b).
 *  - Douglas-Peucker with the arc's end nodes fixed: keep the vertex farthest from the chord
 *    when it is farther than `tolerance` (pixel units), recurse on both halves. A closed arc
 *    (a ring without nodes) is anchored at its smallest vertex id and at the vertex farthest
 *    from it.
 *  - DP keeps a subset of those points (integer coordinates), so the checks below are exact. Simplified arcs may still cross or touch each other (or themselves)
 *    where the pixel outline is narrow: every pair of simplified segments is tested (sweep on
 *    x), and the arcs of any pair that meets anywhere except at a common endpoint fall back
 *    to their unsimplified outline (collinear vertices removed only); repeated until clean.
 *    Unsimplified outlines meet only at nodes; after a few rounds every arc is unsimplified.
 */
export interface ArcKey {
  key: string;
  /** true when the ring walks the arc against its canonical direction */
  reversed: boolean;
  /** the arc's vertices in canonical direction (open for a closed arc) */
  verts: Int32Array;
  closed: boolean;
}

/** Canonical form of an arc given as vertex ids along a ring (open path from node to node). */
export function canonicalArc(path: Int32Array): ArcKey {
  const n = path.length;
  const a0 = path[0]!;
  const a1 = path[1]!;
  const b0 = path[n - 1]!;
  const b1 = path[n - 2]!;
  const forward = a0 < b0 || (a0 === b0 && a1 <= b1);
  const verts = forward ? path : path.slice().reverse();
  return { key: `${verts[0]}:${verts[1]}`, reversed: !forward, verts, closed: false };
}

/** Canonical form of a closed ring without nodes: starts at its smallest vertex id. */
export function canonicalLoop(ring: Int32Array): ArcKey {
  const n = ring.length;
  let m = 0;
  for (let k = 1; k < n; k++) if (ring[k]! < ring[m]!) m = k;
  const next = ring[(m + 1) % n]!;
  const prev = ring[(m + n - 1) % n]!;
  const forward = next <= prev;
  const verts = new Int32Array(n);
  for (let k = 0; k < n; k++) verts[k] = forward ? ring[(m + k) % n]! : ring[(m - k + n) % n]!;
  return { key: `L${verts[0]}:${verts[1]}`, reversed: !forward, verts, closed: true };
}

function dp(xs: Float64Array, ys: Float64Array, i0: number, i1: number, tol2: number, keep: Uint8Array): void {
  // Iterative DP on [i0, i1] with both ends kept.
  const stack = [i0, i1];
  while (stack.length > 0) {
    const b = stack.pop()!;
    const a = stack.pop()!;
    if (b - a < 2) continue;
    const ax = xs[a]!;
    const ay = ys[a]!;
    const dx = xs[b]! - ax;
    const dy = ys[b]! - ay;
    const L2 = dx * dx + dy * dy;
    let best = -1;
    let bestD = -1;
    for (let k = a + 1; k < b; k++) {
      const px = xs[k]! - ax;
      const py = ys[k]! - ay;
      let d2: number;
      if (L2 === 0) d2 = px * px + py * py;
      else {
        const c = px * dy - py * dx;
        d2 = (c * c) / L2;
      }
      if (d2 > bestD) {
        bestD = d2;
        best = k;
      }
    }
    if (bestD > tol2) {
      keep[best] = 1;
      stack.push(a, best, best, b);
    }
  }
}

/**
 * The simplified outline of an arc: flat [x2, y2, ...] in doubled lattice units (x2 = 2x).
 * tolerance 0 removes only collinear points. A closed arc returns an open list (its closing
 * edge implied), an open arc starts and ends at its end nodes.
 */
export function simplifyArc(arc: ArcKey, latticeWidth: number, tolerance: number): Int32Array {
  const v = arc.verts;
  const n = v.length;
  const W = latticeWidth;
  const X = (k: number): number => v[k]! % W;
  const Y = (k: number): number => Math.floor(v[k]! / W);
  // Midpoint outline (doubled units); an open arc keeps its end nodes.
  const m = arc.closed ? n : n + 1;
  const xs = new Float64Array(m + 1);
  const ys = new Float64Array(m + 1);
  if (arc.closed) {
    for (let k = 0; k < n; k++) {
      xs[k] = X(k) + X((k + 1) % n);
      ys[k] = Y(k) + Y((k + 1) % n);
    }
  } else {
    xs[0] = 2 * X(0);
    ys[0] = 2 * Y(0);
    for (let k = 0; k + 1 < n; k++) {
      xs[k + 1] = X(k) + X(k + 1);
      ys[k + 1] = Y(k) + Y(k + 1);
    }
    xs[n] = 2 * X(n - 1);
    ys[n] = 2 * Y(n - 1);
  }
  const keep = new Uint8Array(m + 1);
  const tol2 = tolerance > 0 ? 4 * tolerance * tolerance : 1e-18; // doubled units
  const last = m - 1;
  if (arc.closed) {
    // Close the loop (point m = point 0), anchor 0 and the farthest point from it.
    xs[m] = xs[0]!;
    ys[m] = ys[0]!;
    let far = 1;
    let fd = -1;
    for (let k = 1; k < m; k++) {
      const d = (xs[k]! - xs[0]!) ** 2 + (ys[k]! - ys[0]!) ** 2;
      if (d > fd) (fd = d), (far = k);
    }
    keep[0] = keep[far] = 1;
    dp(xs, ys, 0, far, tol2, keep);
    dp(xs, ys, far, m, tol2, keep);
  } else {
    keep[0] = keep[last] = 1;
    dp(xs, ys, 0, last, tol2, keep);
  }
  const out: number[] = [];
  for (let k = 0; k <= last; k++) if (keep[k]) out.push(xs[k]!, ys[k]!);
  return Int32Array.from(out);
}

/**
 * Indices of arcs involved in a conflict: two segments (of the same or different arcs) that
 * meet anywhere other than at one common endpoint, or a closed arc reduced below 3 vertices.
 */
export function conflictingArcs(arcs: readonly { kept: Int32Array; closed: boolean }[]): Set<number> {
  const bad = new Set<number>();
  const sx0: number[] = [];
  const sy0: number[] = [];
  const sx1: number[] = [];
  const sy1: number[] = [];
  const arcOf: number[] = [];
  arcs.forEach((a, i) => {
    const k = a.kept;
    const np = k.length >> 1;
    if (a.closed && np < 3) bad.add(i);
    const m = a.closed ? np : np - 1;
    for (let s = 0; s < m; s++) {
      const q = (s + 1) % np;
      sx0.push(k[2 * s]!);
      sy0.push(k[2 * s + 1]!);
      sx1.push(k[2 * q]!);
      sy1.push(k[2 * q + 1]!);
      arcOf.push(i);
    }
  });
  const n = arcOf.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => Math.min(sx0[i]!, sx1[i]!) - Math.min(sx0[j]!, sx1[j]!));
  for (let s = 0; s < n; s++) {
    const i = order[s]!;
    const maxX = Math.max(sx0[i]!, sx1[i]!);
    const minY = Math.min(sy0[i]!, sy1[i]!);
    const maxY = Math.max(sy0[i]!, sy1[i]!);
    for (let t = s + 1; t < n; t++) {
      const j = order[t]!;
      if (Math.min(sx0[j]!, sx1[j]!) > maxX) break;
      if (Math.max(sy0[j]!, sy1[j]!) < minY || Math.min(sy0[j]!, sy1[j]!) > maxY) continue;
      if (segmentsConflict(sx0[i]!, sy0[i]!, sx1[i]!, sy1[i]!, sx0[j]!, sy0[j]!, sx1[j]!, sy1[j]!)) {
        bad.add(arcOf[i]!);
        bad.add(arcOf[j]!);
      }
    }
  }
  return bad;
}

const orient = (ax: number, ay: number, bx: number, by: number, cx: number, cy: number): number => Math.sign((bx - ax) * (cy - ay) - (by - ay) * (cx - ax));
const within = (a: number, b: number, c: number): boolean => Math.min(a, b) <= c && c <= Math.max(a, b);
const onSeg = (ax: number, ay: number, bx: number, by: number, cx: number, cy: number): boolean => within(ax, bx, cx) && within(ay, by, cy);

/** Segments ab and cd share a point other than exactly one common endpoint (exact on integers). */
export function segmentsConflict(ax: number, ay: number, bx: number, by: number, cx: number, cy: number, dx: number, dy: number): boolean {
  const shared = (ax === cx && ay === cy) || (ax === dx && ay === dy) || (bx === cx && by === cy) || (bx === dx && by === dy);
  const o1 = orient(ax, ay, bx, by, cx, cy);
  const o2 = orient(ax, ay, bx, by, dx, dy);
  const o3 = orient(cx, cy, dx, dy, ax, ay);
  const o4 = orient(cx, cy, dx, dy, bx, by);
  if (o1 === 0 && o2 === 0) {
    // Collinear: conflict when they overlap in more than one shared endpoint.
    const len = (px: number, py: number, qx: number, qy: number): number => Math.abs(qx - px) + Math.abs(qy - py);
    const lo1 = Math.min(ax * 1e6 + ay, bx * 1e6 + by);
    const hi1 = Math.max(ax * 1e6 + ay, bx * 1e6 + by);
    const lo2 = Math.min(cx * 1e6 + cy, dx * 1e6 + dy);
    const hi2 = Math.max(cx * 1e6 + cy, dx * 1e6 + dy);
    const overlap = Math.min(hi1, hi2) - Math.max(lo1, lo2);
    if (overlap < 0) return false;
    if (overlap === 0) return !shared || len(ax, ay, bx, by) === 0;
    return true;
  }
  if (shared) return false; // non-collinear segments from a common endpoint meet only there
  if (o1 !== o2 && o3 !== o4 && o1 !== 0 && o2 !== 0 && o3 !== 0 && o4 !== 0) return true;
  if (o1 === 0 && onSeg(ax, ay, bx, by, cx, cy)) return true;
  if (o2 === 0 && onSeg(ax, ay, bx, by, dx, dy)) return true;
  if (o3 === 0 && onSeg(cx, cy, dx, dy, ax, ay)) return true;
  if (o4 === 0 && onSeg(cx, cy, dx, dy, bx, by)) return true;
  return false;
}
