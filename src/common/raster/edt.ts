/**
 * Exact Euclidean distance transform of a binary grid (Felzenszwalb & Huttenlocher 2012,
 * "Distance Transforms of Sampled Functions").
 *
 * For a feature set F the squared distance of pixel p is  D(p) = min_{f in F} |p - f|^2
 * (pixel units, between pixel centres). Separable: D(x, y) = min_x' [ (x - x')^2 + G(x', y) ]
 * with G(x', y) = min_y' (y - y')^2 over features of column x'.
 * - Column pass (binary input): G is the squared distance to the nearest feature of the same
 *   column, found by one downward and one upward linear scan carried across all columns at
 *   once (row-major, cache friendly).
 * - Row pass: the 1D transform of a sampled function f,  d(q) = min_v (q - v)^2 + f(v),  is the
 *   lower envelope of parabolas rooted at (v, f(v)); consecutive parabolas v_k < q intersect at
 *     s = ((f(q) + q^2) - (f(v_k) + v_k^2)) / (2q - 2v_k),
 *   and the envelope is built left to right in O(n), then read off in O(n).
 * Pixels with no feature anywhere get +Infinity.
 */

let g: Float64Array = new Float64Array(0);
let vBuf = new Int32Array(0);
let zBuf = new Float64Array(0);
let fBuf = new Float64Array(0);
let dBuf = new Float64Array(0);
let upBuf = new Int32Array(0);

/**
 * 1D transform: d[q] = min_v (q - v)^2 + f[v] for q in [0, n); infinite f are not features.
 * Uses caller-provided scratch v (n Int32) and z (n + 1 Float64).
 */
export function edt1d(f: Float64Array, n: number, d: Float64Array, v: Int32Array, z: Float64Array): void {
  let k = -1;
  for (let q = 0; q < n; q++) {
    const fq = f[q]!;
    if (fq === Infinity) continue;
    if (k < 0) {
      k = 0;
      v[0] = q;
      z[0] = -Infinity;
      z[1] = Infinity;
      continue;
    }
    const base = fq + q * q;
    let vk = v[k]!;
    let s = (base - (f[vk]! + vk * vk)) / (2 * (q - vk));
    while (s <= z[k]!) {
      k--;
      vk = v[k]!;
      s = (base - (f[vk]! + vk * vk)) / (2 * (q - vk));
    }
    k++;
    v[k] = q;
    z[k] = s;
    z[k + 1] = Infinity;
  }
  if (k < 0) {
    d.fill(Infinity, 0, n);
    return;
  }
  k = 0;
  for (let q = 0; q < n; q++) {
    while (z[k + 1]! < q) k++;
    const vk = v[k]!;
    d[q] = (q - vk) * (q - vk) + f[vk]!;
  }
}

/**
 * Squared EDT of a binary mask (non-zero = feature), width x height, row-major.
 * `rows` (optional, one byte per row): compute the row pass only where rows[j] != 0; other
 * rows of the result are left undefined (callers that only sample some rows save time).
 * Returns `out` (allocated when not given, length >= width*height).
 */
export function edtSquared(mask: ArrayLike<number>, width: number, height: number, out?: Float64Array, rows?: Uint8Array): Float64Array {
  const n = width * height;
  const res = out ?? new Float64Array(n);
  if (g.length < n) g = new Float64Array(Math.max(n, g.length * 2));
  if (upBuf.length < width) upBuf = new Int32Array(width);
  const m = Math.max(width, height);
  if (vBuf.length < m) {
    vBuf = new Int32Array(m);
    zBuf = new Float64Array(m + 1);
    fBuf = new Float64Array(m);
    dBuf = new Float64Array(m);
  }
  // Column pass, downward: distance (in rows) to the last feature above, or "none" (-1).
  const last = upBuf;
  last.fill(-1, 0, width);
  for (let j = 0; j < height; j++) {
    const o = j * width;
    for (let i = 0; i < width; i++) {
      if (mask[o + i]) last[i] = j;
      const l = last[i]!;
      g[o + i] = l < 0 ? Infinity : j - l;
    }
  }
  // Upward: the nearest feature below; keep the smaller distance, squared.
  last.fill(-1, 0, width);
  for (let j = height - 1; j >= 0; j--) {
    const o = j * width;
    for (let i = 0; i < width; i++) {
      if (mask[o + i]) last[i] = j;
      const l = last[i]!;
      const down = l < 0 ? Infinity : l - j;
      const a = g[o + i]!;
      const dd = down < a ? down : a;
      g[o + i] = dd * dd;
    }
  }
  // Row pass.
  const f = fBuf;
  const d = dBuf;
  for (let j = 0; j < height; j++) {
    if (rows && !rows[j]) continue;
    const o = j * width;
    for (let i = 0; i < width; i++) f[i] = g[o + i]!;
    edt1d(f, width, d, vBuf, zBuf);
    for (let i = 0; i < width; i++) res[o + i] = d[i]!;
  }
  return res;
}

let colStart = new Int32Array(0);
let colPtr = new Int32Array(0);
let colRows = new Int32Array(0);

/**
 * The same exact squared distances, evaluated only at query pixels, for sparse feature sets
 * (boundaries). Features and queries are pixel indices (j * width + i) in increasing order.
 * Stage 1 of the separable transform, G(x', y) = squared distance from row y to the nearest
 * feature of column x', is read from per-column sorted feature rows with a cursor per column
 * that only moves forward (queries come row by row): O(1) amortised. Stage 2,
 * D(x, y) = min_x' (x - x')^2 + G(x', y), is minimised directly, scanning x' = x, x +- 1, ...
 * and stopping once (x - x')^2 alone reaches the best value: O(distance) per query.
 * Total O(#features + width + sum of query distances in pixels), independent of the grid area.
 * `out[k]` receives the squared distance of query k (Infinity when there are no features).
 */
export function sparseEdtSquared(
  features: Int32Array, nFeatures: number, queries: Int32Array, nQueries: number, width: number, out: Float64Array,
): void {
  if (nFeatures === 0) {
    out.fill(Infinity, 0, nQueries);
    return;
  }
  if (colStart.length < width + 1) {
    colStart = new Int32Array(width + 1);
    colPtr = new Int32Array(width + 1);
  }
  if (colRows.length < nFeatures) colRows = new Int32Array(Math.max(nFeatures, colRows.length * 2));
  // Column-sorted feature rows (counting sort by column; rows stay ascending).
  colStart.fill(0, 0, width + 1);
  for (let k = 0; k < nFeatures; k++) colStart[(features[k]! % width) + 1]!++;
  for (let i = 0; i < width; i++) colStart[i + 1]! += colStart[i]!;
  for (let i = 0; i <= width; i++) colPtr[i] = colStart[i]!;
  for (let k = 0; k < nFeatures; k++) {
    const f = features[k]!;
    colRows[colPtr[f % width]!++] = (f / width) | 0;
  }
  for (let i = 0; i < width; i++) colPtr[i] = colStart[i]!;
  // G(x', y): advance the column cursor to the first feature row >= y.
  const G = (x: number, y: number): number => {
    const s = colStart[x]!;
    const e = colStart[x + 1]!;
    if (s === e) return Infinity;
    let p = colPtr[x]!;
    while (p < e && colRows[p]! < y) p++;
    colPtr[x] = p;
    let best = Infinity;
    if (p < e) best = colRows[p]! - y;
    if (p > s) {
      const up = y - colRows[p - 1]!;
      if (up < best) best = up;
    }
    return best * best;
  };
  for (let k = 0; k < nQueries; k++) {
    const q = queries[k]!;
    const y = (q / width) | 0;
    const x = q - y * width;
    let best = G(x, y);
    for (let d = 1; d * d < best; d++) {
      const d2 = d * d;
      if (x - d >= 0) {
        const v = d2 + G(x - d, y);
        if (v < best) best = v;
      }
      if (x + d < width) {
        const v = d2 + G(x + d, y);
        if (v < best) best = v;
      }
      if (x - d < 0 && x + d >= width) break;
    }
    out[k] = best;
  }
}
