/**
 * Planar geometry on flat rings [x0, y0, x1, y1, ...] (open: the closing edge is implied).
 * A polygon is a list of rings: outer rings counter-clockwise (positive signed area), holes
 * clockwise, parts not overlapping (what repair.ts produces), so its area is the plain sum of
 * the signed ring areas.
 */
export type Ring = Float64Array;

/** Shoelace: A = 1/2 sum_i (x_i y_{i+1} - x_{i+1} y_i); > 0 for counter-clockwise rings. */
export function ringArea(r: ArrayLike<number>): number {
  const n = r.length >> 1;
  if (n < 3) return 0;
  // Centred on the first vertex to keep the products small (less cancellation).
  const x0 = r[0]!;
  const y0 = r[1]!;
  let s = 0;
  let px = 0;
  let py = 0;
  for (let k = 1; k <= n; k++) {
    const j = (k % n) * 2;
    const x = r[j]! - x0;
    const y = r[j + 1]! - y0;
    s += px * y - x * py;
    px = x;
    py = y;
  }
  return s / 2;
}

export function polygonArea(rings: readonly Ring[]): number {
  let a = 0;
  for (const r of rings) a += ringArea(r);
  return a;
}

export function ringLength(r: ArrayLike<number>): number {
  const n = r.length >> 1;
  let s = 0;
  for (let k = 0; k < n; k++) {
    const a = 2 * k;
    const b = 2 * ((k + 1) % n);
    s += Math.hypot(r[b]! - r[a]!, r[b + 1]! - r[a + 1]!);
  }
  return s;
}

export function polygonPerimeter(rings: readonly Ring[]): number {
  let s = 0;
  for (const r of rings) s += ringLength(r);
  return s;
}

/** Even-odd point-in-ring test (boundary points: either answer). */
export function pointInRing(x: number, y: number, r: ArrayLike<number>): boolean {
  const n = r.length >> 1;
  let inside = false;
  for (let k = 0, j = n - 1; k < n; j = k++) {
    const xi = r[2 * k]!;
    const yi = r[2 * k + 1]!;
    const xj = r[2 * j]!;
    const yj = r[2 * j + 1]!;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

export function reverseRing(r: Ring): Ring {
  const n = r.length >> 1;
  const out = new Float64Array(r.length);
  for (let k = 0; k < n; k++) {
    out[2 * k] = r[2 * (n - 1 - k)]!;
    out[2 * k + 1] = r[2 * (n - 1 - k) + 1]!;
  }
  return out;
}

export interface BBoxXY {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

export function ringsBBox(rings: readonly ArrayLike<number>[], into?: BBoxXY): BBoxXY {
  const b = into ?? { minX: Infinity, minY: Infinity, maxX: -Infinity, maxY: -Infinity };
  for (const r of rings) {
    for (let k = 0; k + 1 < r.length; k += 2) {
      const x = r[k]!;
      const y = r[k + 1]!;
      if (x < b.minX) b.minX = x;
      if (x > b.maxX) b.maxX = x;
      if (y < b.minY) b.minY = y;
      if (y > b.maxY) b.maxY = y;
    }
  }
  return b;
}

/**
 * Whether any two non-adjacent edges of the rings cross properly (each segment's endpoints
 * strictly on both sides of the other's line). Sweep over edges sorted by min x: O(E log E + K).
 * Touching at a vertex and collinear overlaps are not reported (they rasterise correctly).
 */
export function hasProperCrossing(rings: readonly ArrayLike<number>[]): boolean {
  let nE = 0;
  for (const r of rings) nE += r.length >> 1;
  if (nE < 4) return false;
  const ax = new Float64Array(nE);
  const ay = new Float64Array(nE);
  const bx = new Float64Array(nE);
  const by = new Float64Array(nE);
  const ringOf = new Int32Array(nE);
  const idx = new Int32Array(nE);
  const nInRing = new Int32Array(nE);
  const pos = new Int32Array(nE);
  let e = 0;
  rings.forEach((r, ri) => {
    const n = r.length >> 1;
    for (let k = 0; k < n; k++) {
      const a = 2 * k;
      const b = 2 * ((k + 1) % n);
      ax[e] = r[a]!;
      ay[e] = r[a + 1]!;
      bx[e] = r[b]!;
      by[e] = r[b + 1]!;
      ringOf[e] = ri;
      nInRing[e] = n;
      pos[e] = k;
      idx[e] = e;
      e++;
    }
  });
  const minX = (i: number): number => (ax[i]! < bx[i]! ? ax[i]! : bx[i]!);
  const sorted = Array.from(idx).sort((i, j) => minX(i) - minX(j));
  for (let s = 0; s < sorted.length; s++) {
    const i = sorted[s]!;
    const iMaxX = ax[i]! > bx[i]! ? ax[i]! : bx[i]!;
    const iMinY = Math.min(ay[i]!, by[i]!);
    const iMaxY = Math.max(ay[i]!, by[i]!);
    for (let t = s + 1; t < sorted.length; t++) {
      const j = sorted[t]!;
      if (minX(j) > iMaxX) break;
      if (Math.max(ay[j]!, by[j]!) < iMinY || Math.min(ay[j]!, by[j]!) > iMaxY) continue;
      if (ringOf[i] === ringOf[j]) {
        const n = nInRing[i]!;
        const d = Math.abs(pos[i]! - pos[j]!);
        if (d === 1 || d === n - 1) continue; // adjacent edges share a vertex
      }
      if (segmentsCross(ax[i]!, ay[i]!, bx[i]!, by[i]!, ax[j]!, ay[j]!, bx[j]!, by[j]!)) return true;
    }
  }
  return false;
}

function orient(ax: number, ay: number, bx: number, by: number, cx: number, cy: number): number {
  return (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
}

/** Proper crossing of segments ab and cd (interiors cross at one point). */
export function segmentsCross(ax: number, ay: number, bx: number, by: number, cx: number, cy: number, dx: number, dy: number): boolean {
  const o1 = orient(ax, ay, bx, by, cx, cy);
  const o2 = orient(ax, ay, bx, by, dx, dy);
  if (!((o1 > 0 && o2 < 0) || (o1 < 0 && o2 > 0))) return false;
  const o3 = orient(cx, cy, dx, dy, ax, ay);
  const o4 = orient(cx, cy, dx, dy, bx, by);
  return (o3 > 0 && o4 < 0) || (o3 < 0 && o4 > 0);
}
