/**
 * Scanline polygon rasterisation (pixel-centre sampling, even-odd rule).
 *
 * A pixel belongs to a polygon when its centre lies inside it. Rings are flat arrays
 * [x0, y0, x1, y1, ...] in the grid's world coordinates, open or closed (a closing vertex
 * equal to the first adds a zero-length edge, which is ignored), any orientation. Holes are
 * simply more rings of the same call: with the even-odd rule a hole's pixels are crossed twice.
 * Overlapping parts of one call would cancel (even-odd), so callers pass repaired polygons
 * (see quality/repair.ts) and paint separate polygons with separate calls (overlaps then add).
 *
 * Edge/row rule: an edge from (xa, ya) to (xb, yb) (pixel units, y down) crosses row j when the
 * row centre yc = j + 0.5 lies in [min(ya, yb), max(ya, yb)): half-open, so a vertex shared by
 * two edges is counted once and every row has an even number of crossings. Between two sorted
 * crossings xl <= xr the pixels i with i + 0.5 in [xl, xr) are inside:
 *   i from ceil(xl - 0.5) to ceil(xr - 0.5) - 1.
 * Cost: O(E + C log C) for E edges and C row crossings (crossings are bucketed by row with a
 * counting sort, then each row's few crossings are insertion-sorted).
 */
import type { GridSpec, PaintTarget } from './grid';

export type SpanSink = (row: number, start: number, end: number) => void;

// Scratch buffers, grown on demand and reused between calls (the functions are synchronous).
let px: Float64Array = new Float64Array(256);
let rowCount: Int32Array = new Int32Array(256);
let rowCursor: Int32Array = new Int32Array(256);
let xs: Float64Array = new Float64Array(1024);

function grow(a: Float64Array, n: number): Float64Array {
  return a.length >= n ? a : new Float64Array(Math.max(n, a.length * 2));
}
function growI(a: Int32Array, n: number): Int32Array {
  return a.length >= n ? a : new Int32Array(Math.max(n, a.length * 2));
}

/** Calls `sink(row, start, end)` for every run of pixels [start, end) of `row` inside the rings. */
export function rasterizeRings(rings: readonly ArrayLike<number>[], grid: GridSpec, sink: SpanSink): void {
  const { originX, originY, pixelX, pixelY, width, height } = grid;
  let nCoords = 0;
  for (const r of rings) nCoords += r.length;
  px = grow(px, nCoords);
  // World -> pixel units (x right, y down), and the vertical extent.
  let ymin = Infinity;
  let ymax = -Infinity;
  let o = 0;
  for (const r of rings) {
    for (let k = 0; k + 1 < r.length; k += 2) {
      const x = (r[k]! - originX) / pixelX;
      const y = (originY - r[k + 1]!) / pixelY;
      px[o++] = x;
      px[o++] = y;
      if (y < ymin) ymin = y;
      if (y > ymax) ymax = y;
    }
  }
  if (!(ymax > ymin)) return;
  const r0 = Math.max(0, Math.ceil(ymin - 0.5));
  const r1 = Math.min(height, Math.ceil(ymax - 0.5));
  if (r1 <= r0) return;
  const nRows = r1 - r0;
  rowCount = growI(rowCount, nRows + 1);
  rowCount.fill(0, 0, nRows + 1);

  // Pass 1: number of crossings per row (difference array over each edge's row range).
  let total = 0;
  o = 0;
  for (const r of rings) {
    const n = r.length >> 1;
    for (let k = 0; k < n; k++) {
      const a = o + 2 * k;
      const b = o + 2 * ((k + 1) % n);
      const ya = px[a + 1]!;
      const yb = px[b + 1]!;
      if (ya === yb || !Number.isFinite(ya + yb)) continue;
      const lo = ya < yb ? ya : yb;
      const hi = ya < yb ? yb : ya;
      const j0 = Math.max(r0, Math.ceil(lo - 0.5));
      const j1 = Math.min(r1, Math.ceil(hi - 0.5));
      if (j1 <= j0) continue;
      rowCount[j0 - r0]! += 1;
      rowCount[j1 - r0]! -= 1;
      total += j1 - j0;
    }
    o += 2 * n;
  }
  if (total === 0) return;
  // Prefix sums -> per-row start offsets.
  rowCursor = growI(rowCursor, nRows + 1);
  let run = 0;
  let acc = 0;
  for (let j = 0; j < nRows; j++) {
    run += rowCount[j]!;
    rowCursor[j] = acc;
    rowCount[j] = acc; // start offset of row j
    acc += run;
  }
  rowCount[nRows] = acc;
  xs = grow(xs, acc);

  // Pass 2: the crossing abscissae.
  o = 0;
  for (const r of rings) {
    const n = r.length >> 1;
    for (let k = 0; k < n; k++) {
      const a = o + 2 * k;
      const b = o + 2 * ((k + 1) % n);
      const xa = px[a]!;
      const ya = px[a + 1]!;
      const xb = px[b]!;
      const yb = px[b + 1]!;
      if (ya === yb || !Number.isFinite(ya + yb)) continue;
      const lo = ya < yb ? ya : yb;
      const hi = ya < yb ? yb : ya;
      const j0 = Math.max(r0, Math.ceil(lo - 0.5));
      const j1 = Math.min(r1, Math.ceil(hi - 0.5));
      const slope = (xb - xa) / (yb - ya);
      for (let j = j0; j < j1; j++) {
        xs[rowCursor[j - r0]!++] = xa + (j + 0.5 - ya) * slope;
      }
    }
    o += 2 * n;
  }

  // Per row: sort the crossings, emit the inside runs.
  for (let j = 0; j < nRows; j++) {
    const s = rowCount[j]!;
    const e = rowCount[j + 1]!;
    for (let a = s + 1; a < e; a++) {
      const v = xs[a]!;
      let b = a - 1;
      while (b >= s && xs[b]! > v) {
        xs[b + 1] = xs[b]!;
        b--;
      }
      xs[b + 1] = v;
    }
    for (let a = s; a + 1 < e; a += 2) {
      const start = Math.max(0, Math.ceil(xs[a]! - 0.5));
      const end = Math.min(width, Math.ceil(xs[a + 1]! - 0.5));
      if (end > start) sink(j + r0, start, end);
    }
  }
}

/** Paints `value` into every pixel inside the rings; returns the number of pixels painted. */
export function fillRings(target: PaintTarget, grid: GridSpec, rings: readonly ArrayLike<number>[], value: number): number {
  let count = 0;
  const w = grid.width;
  rasterizeRings(rings, grid, (row, start, end) => {
    target.fill(value, row * w + start, row * w + end);
    count += end - start;
  });
  return count;
}

/** Raises every pixel inside the rings to at least `value` (used for "field beats unsure"). */
export function maxRings(target: PaintTarget, grid: GridSpec, rings: readonly ArrayLike<number>[], value: number): void {
  const w = grid.width;
  rasterizeRings(rings, grid, (row, start, end) => {
    for (let k = row * w + start, e = row * w + end; k < e; k++) if (target[k]! < value) target[k] = value;
  });
}

/**
 * Per-row [start, end) of the pixels inside the rings, for a convex region such as a site cell
 * (one run per row; for a non-convex one the hull of the runs of the row). Empty rows: start = end = 0.
 */
export function rowExtents(grid: GridSpec, rings: readonly ArrayLike<number>[]): { start: Int32Array; end: Int32Array; count: number } {
  const start = new Int32Array(grid.height);
  const end = new Int32Array(grid.height);
  let count = 0;
  rasterizeRings(rings, grid, (row, s, e) => {
    if (end[row]! === 0 && start[row]! === 0) {
      start[row] = s;
      end[row] = e;
    } else {
      if (s < start[row]!) start[row] = s;
      if (e > end[row]!) end[row] = e;
    }
  });
  for (let j = 0; j < grid.height; j++) count += end[j]! - start[j]!;
  return { start, end, count };
}
