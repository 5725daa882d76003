/**
 * Exact length of a boundary lying within a distance of another boundary (vector, no raster).
 *
 * For a segment P(t) = A + t (B - A), t in [0, 1], and a reference segment [C, E], the set
 * { t : dist(P(t), [C, E]) <= rho } is an interval (dist to a convex set is convex along a
 * line). It is the hull of three pieces of the capsule around [C, E]:
 *   disk at C:  |A - C + t d|^2 <= rho^2   (a quadratic in t),  likewise the disk at E;
 *   the slab:   0 <= (P(t) - C) . e  <= L  and  |(P(t) - C) x e| <= rho,  e = (E - C)/L
 *               (two linear conditions in t).
 * The union of these intervals over all reference segments, clipped to [0, 1], times |B - A|,
 * summed over the segments, is the exact length of the boundary within rho.
 *
 * DOMAIN.md 2, Edge (intended):  edge(r, u) = len(du within tol of dr) / len(du)
 * for each matched pair (r, u), averaged over matched pairs.
 */
import type { Ring } from './planar';

let lo = new Float64Array(64);
let hi = new Float64Array(64);

function pushInterval(n: number, a: number, b: number): number {
  if (n >= lo.length) {
    const l2 = new Float64Array(lo.length * 2);
    l2.set(lo);
    lo = l2;
    const h2 = new Float64Array(hi.length * 2);
    h2.set(hi);
    hi = h2;
  }
  lo[n] = a;
  hi[n] = b;
  return n + 1;
}

/** t-interval of segment A + t d inside the capsule of radius rho around [C, E]; [1, 0] if empty. */
export function capsuleInterval(
  ax: number, ay: number, dx: number, dy: number,
  cx: number, cy: number, ex: number, ey: number, rho: number,
  out: Float64Array,
): void {
  let tLo = Infinity;
  let tHi = -Infinity;
  const dd = dx * dx + dy * dy;
  // Disks at both ends.
  for (let end = 0; end < 2; end++) {
    const px = end === 0 ? cx : ex;
    const py = end === 0 ? cy : ey;
    const wx = ax - px;
    const wy = ay - py;
    const b = 2 * (dx * wx + dy * wy);
    const c = wx * wx + wy * wy - rho * rho;
    const disc = b * b - 4 * dd * c;
    if (disc < 0) continue;
    const sq = Math.sqrt(disc);
    const t1 = (-b - sq) / (2 * dd);
    const t2 = (-b + sq) / (2 * dd);
    if (t1 < tLo) tLo = t1;
    if (t2 > tHi) tHi = t2;
  }
  // Slab around the segment.
  const lx = ex - cx;
  const ly = ey - cy;
  const L = Math.hypot(lx, ly);
  if (L > 0) {
    const ux = lx / L;
    const uy = ly / L;
    const wx = ax - cx;
    const wy = ay - cy;
    const s0 = wx * ux + wy * uy;
    const s1 = dx * ux + dy * uy;
    const n0 = wx * uy - wy * ux;
    const n1 = dx * uy - dy * ux;
    let a = -Infinity;
    let b = Infinity;
    // 0 <= s0 + t s1 <= L
    if (Math.abs(s1) < 1e-15) {
      if (s0 < 0 || s0 > L) a = Infinity;
    } else {
      const t1 = (0 - s0) / s1;
      const t2 = (L - s0) / s1;
      a = Math.max(a, Math.min(t1, t2));
      b = Math.min(b, Math.max(t1, t2));
    }
    // -rho <= n0 + t n1 <= rho
    if (Math.abs(n1) < 1e-15) {
      if (Math.abs(n0) > rho) a = Infinity;
    } else {
      const t1 = (-rho - n0) / n1;
      const t2 = (rho - n0) / n1;
      a = Math.max(a, Math.min(t1, t2));
      b = Math.min(b, Math.max(t1, t2));
    }
    if (a <= b) {
      if (a < tLo) tLo = a;
      if (b > tHi) tHi = b;
    }
  }
  out[0] = tLo < 0 ? 0 : tLo;
  out[1] = tHi > 1 ? 1 : tHi;
}

/**
 * Length of the rings `u` lying within `rho` of the rings `r`, and the total length of `u`.
 */
export function lengthWithin(u: readonly Ring[], r: readonly Ring[], rho: number): { within: number; total: number } {
  // Reference segments with their bounding boxes grown by rho.
  let nR = 0;
  for (const ring of r) nR += ring.length >> 1;
  const seg = new Float64Array(nR * 4);
  let s = 0;
  for (const ring of r) {
    const n = ring.length >> 1;
    for (let k = 0; k < n; k++) {
      const b = 2 * ((k + 1) % n);
      seg[s++] = ring[2 * k]!;
      seg[s++] = ring[2 * k + 1]!;
      seg[s++] = ring[b]!;
      seg[s++] = ring[b + 1]!;
    }
  }
  const iv = new Float64Array(2);
  let within = 0;
  let total = 0;
  for (const ring of u) {
    const n = ring.length >> 1;
    for (let k = 0; k < n; k++) {
      const b = 2 * ((k + 1) % n);
      const ax = ring[2 * k]!;
      const ay = ring[2 * k + 1]!;
      const dx = ring[b]! - ax;
      const dy = ring[b + 1]! - ay;
      const len = Math.hypot(dx, dy);
      if (len === 0) continue;
      total += len;
      const minX = Math.min(ax, ax + dx) - rho;
      const maxX = Math.max(ax, ax + dx) + rho;
      const minY = Math.min(ay, ay + dy) - rho;
      const maxY = Math.max(ay, ay + dy) + rho;
      let m = 0;
      for (let q = 0; q < nR; q++) {
        const o = 4 * q;
        const cx = seg[o]!;
        const cy = seg[o + 1]!;
        const ex = seg[o + 2]!;
        const ey = seg[o + 3]!;
        if ((cx < minX && ex < minX) || (cx > maxX && ex > maxX) || (cy < minY && ey < minY) || (cy > maxY && ey > maxY)) continue;
        capsuleInterval(ax, ay, dx, dy, cx, cy, ex, ey, rho, iv);
        if (iv[0]! < iv[1]!) m = pushInterval(m, iv[0]!, iv[1]!);
        if (iv[0] === 0 && iv[1] === 1) {
          m = pushInterval(0, 0, 1); // the whole segment is within: done
          break;
        }
      }
      if (m === 0) continue;
      // Union length of the intervals (insertion sort by start; m is small).
      for (let a = 1; a < m; a++) {
        const l = lo[a]!;
        const h = hi[a]!;
        let c = a - 1;
        while (c >= 0 && lo[c]! > l) {
          lo[c + 1] = lo[c]!;
          hi[c + 1] = hi[c]!;
          c--;
        }
        lo[c + 1] = l;
        hi[c + 1] = h;
      }
      let covered = 0;
      let curLo = lo[0]!;
      let curHi = hi[0]!;
      for (let a = 1; a < m; a++) {
        if (lo[a]! <= curHi) {
          if (hi[a]! > curHi) curHi = hi[a]!;
        } else {
          covered += curHi - curLo;
          curLo = lo[a]!;
          curHi = hi[a]!;
        }
      }
      covered += curHi - curLo;
      within += covered * len;
    }
  }
  return { within, total };
}
