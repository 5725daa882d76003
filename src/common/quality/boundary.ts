/**
 * Raster boundary metrics from two instance-id grids (DOMAIN.md 2, modern metrics).
 *
 * Boundary pixels of a map: pixels of an instance (id > 0) with a 4-neighbour of another id
 * (or the grid edge): the inner contour of every field, so a border shared by two adjacent
 * fields is marked on both sides, as each field's own outline.
 * With dR(p) the distance from pixel p to the nearest reference boundary pixel and dU(p) to the
 * nearest labeller boundary pixel (exact Euclidean distance transform, raster/edt.ts: the
 * Felzenszwalb-Huttenlocher separable decomposition evaluated at the boundary pixels only, the
 * same values as the full transform at a fraction of the cost; times the pixel size):
 *   boundary precision P = #{p in dU-set : dR(p) <= tol} / #dU-set     (labeller boundary near the reference)
 *   boundary recall    R = #{q in dR-set : dU(q) <= tol} / #dR-set
 *   boundaryF = 2PR / (P + R)
 *   mean symmetric boundary distance = (sum_p dR(p) + sum_q dU(q)) / (#dU-set + #dR-set)
 *   p95 = 95th percentile (linear interpolation between ranks) of the pooled distances.
 * Empty boundaries: both empty -> P = R = F = 1, distances 0; one empty -> P or R = 0 (the
 * other 1, vacuous), F = 0, distances null (undefined: nothing to measure to).
 */
import { sparseEdtSquared } from '../raster/edt';

export interface BoundaryStats {
  precision: number;
  recall: number;
  f: number;
  mean: number | null;
  p95: number | null;
  refPixels: number;
  labPixels: number;
}

let refList = new Int32Array(0);
let labList = new Int32Array(0);

/**
 * Lists the inner-boundary pixels of `ids` (increasing index) into `out`; returns how many.
 * `occupied`: per row, the [lo, hi) columns outside which every id is 0 (scanned only there).
 */
export function boundaryPixels(ids: Int32Array, width: number, height: number, out: Int32Array, occupied?: { lo: Int32Array; hi: Int32Array }): number {
  let n = 0;
  for (let j = 0; j < height; j++) {
    const o = j * width;
    const edgeRow = j === 0 || j === height - 1;
    const lo = occupied ? occupied.lo[j]! : 0;
    const hi = occupied ? occupied.hi[j]! : width;
    for (let i = lo; i < hi; i++) {
      const k = o + i;
      const a = ids[k]!;
      if (a === 0) continue;
      if (edgeRow || i === 0 || i === width - 1 || ids[k - 1] !== a || ids[k + 1] !== a || ids[k - width] !== a || ids[k + width] !== a) {
        out[n++] = k;
      }
    }
  }
  return n;
}

export function boundaryStats(
  ref: Int32Array, lab: Int32Array, width: number, height: number, pixel: number, tol: number, occupied?: { lo: Int32Array; hi: Int32Array },
): BoundaryStats {
  const n = width * height;
  if (refList.length < n) {
    refList = new Int32Array(n);
    labList = new Int32Array(n);
  }
  const nR = boundaryPixels(ref, width, height, refList, occupied);
  const nU = boundaryPixels(lab, width, height, labList, occupied);
  if (nR === 0 || nU === 0) {
    const both = nR === 0 && nU === 0;
    return {
      precision: nU === 0 ? 1 : 0,
      recall: nR === 0 ? 1 : 0,
      f: both ? 1 : 0,
      mean: both ? 0 : null,
      p95: both ? 0 : null,
      refPixels: nR,
      labPixels: nU,
    };
  }
  const d2 = new Float64Array(nR + nU);
  sparseEdtSquared(refList, nR, labList, nU, width, d2); // labeller boundary -> reference boundary
  sparseEdtSquared(labList, nU, refList, nR, width, d2.subarray(nU)); // reference -> labeller
  const tol2 = (tol / pixel) * (tol / pixel) * (1 + 1e-12);
  let inU = 0;
  let inR = 0;
  let sum = 0;
  for (let k = 0; k < nU; k++) {
    if (d2[k]! <= tol2) inU++;
    sum += Math.sqrt(d2[k]!);
  }
  for (let k = nU; k < nU + nR; k++) {
    if (d2[k]! <= tol2) inR++;
    sum += Math.sqrt(d2[k]!);
  }
  const precision = inU / nU;
  const recall = inR / nR;
  const f = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  const pos = 0.95 * (d2.length - 1);
  const lo = Math.floor(pos);
  const vLo = Math.sqrt(selectKth(d2, lo));
  // after selection every value right of lo is >= d2[lo]: the next order statistic is their minimum
  let next = Infinity;
  for (let k = lo + 1; k < d2.length; k++) if (d2[k]! < next) next = d2[k]!;
  const vHi = lo + 1 < d2.length ? Math.sqrt(next) : vLo;
  const p95 = vLo + (pos - lo) * (vHi - vLo);
  return { precision, recall, f, mean: (sum / (nR + nU)) * pixel, p95: p95 * pixel, refPixels: nR, labPixels: nU };
}

/** Hoare quickselect: rearranges a so that a[k] is the k-th smallest value; returns it. O(n) expected. */
export function selectKth(a: Float64Array, k: number): number {
  let l = 0;
  let r = a.length - 1;
  while (r > l) {
    const pivot = a[(l + r) >> 1]!;
    let i = l;
    let j = r;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i] = a[j]!;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) r = j;
    else if (k >= i) l = i;
    else break;
  }
  return a[k]!;
}
