/**
 * The old platform's edge score, kept as `legacyEdge` for comparison (DOMAIN.md 2).
 *
 * Reconstruction (agroimpacts/labeller, rmapaccuracy geometric_accuracy): for each matched
 * pair (r, u) the old code built two boundary rings, buffer(P, +w) minus buffer(P, -w):
 *   Ring_r = ring of the reference polygon with w = tol (9 m: an 18 m wide ring),
 *   Ring_u = ring of the labeller polygon with w = 0.1 m (a 0.2 m wide ring),
 * and scored  |Ring_r n Ring_u| / |Ring_r|,  averaged over matched pairs (0 when none).
 * The intended ratio divides by |Ring_u| instead (then it is the share of u's boundary within
 * tol of r's). Dividing by the 18 m ring gives ~0.2/18 = 0.011 for a perfect match.
 *
 * Here, without a buffer engine:
 *   |Ring_u n Ring_r| = |Ring_u| * len(du within tol of dr) / len(du)   (the 0.2 m ring is thin:
 *       exact up to O(0.1^2) m^2 at the two ends of each within-run), with the exact length
 *       from edge.ts;
 *   |Ring_P(w)| = sum over rings of  2 w L + w^2 sum_i (theta_i / 2 - tan(theta_i / 2)),
 *       theta_i = |turning angle| at vertex i: the outer offset adds a sector w^2 theta / 2 at each
 *       vertex, the inner offset loses a kite w^2 tan(theta / 2) (whichever side is convex).
 *       Exact for convex polygons and for polygons whose parts are wider than 2w with corners
 *       whose kites stay on their edges; each kite is capped at w * min(adjacent edge lengths)
 *       and each ring's value at its area + w L + pi w^2 (the whole dilated ring, the case of
 *       parts narrower than 2w), so narrow or spiky shapes are approximated (a few %).
 * For a 100 m square matched perfectly: (0.2*400 - 0.0086) / (18*400 - 69.5) = 0.011218.
 */
import { ringArea, type Ring } from './planar';

/** Area of the band of half-width w around the boundary rings (buffer(+w) minus buffer(-w)). */
export function ringBandArea(rings: readonly Ring[], w: number): number {
  let total = 0;
  for (const r of rings) {
    const n = r.length >> 1;
    if (n < 3) continue;
    let L = 0;
    let corr = 0;
    for (let k = 0; k < n; k++) {
      const a = 2 * ((k + n - 1) % n);
      const b = 2 * k;
      const c = 2 * ((k + 1) % n);
      const e1x = r[b]! - r[a]!;
      const e1y = r[b + 1]! - r[a + 1]!;
      const e2x = r[c]! - r[b]!;
      const e2y = r[c + 1]! - r[b + 1]!;
      const l1 = Math.hypot(e1x, e1y);
      const l2 = Math.hypot(e2x, e2y);
      L += l2;
      if (l1 === 0 || l2 === 0) continue;
      const theta = Math.abs(Math.atan2(e1x * e2y - e1y * e2x, e1x * e2x + e1y * e2y));
      const kite = Math.min(w * Math.tan(theta / 2), Math.min(l1, l2));
      corr += (w * w * theta) / 2 - w * kite;
    }
    const band = 2 * w * L + corr;
    const cap = Math.abs(ringArea(r)) + w * L + Math.PI * w * w;
    total += Math.max(0, Math.min(band, cap));
  }
  return total;
}

/** LEGACY_LABEL_HALF_WIDTH: the old code's 0.1 m buffer around the labeller polygon. */
export const LEGACY_LABEL_HALF_WIDTH = 0.1;

/**
 * legacyEdge of one matched pair: |Ring_u(0.1) n Ring_r(tol)| / |Ring_r(tol)|.
 * `within` / `uLength`: length of u's boundary within tol of r's / u's perimeter (edge.ts).
 */
export function legacyEdgePair(u: readonly Ring[], r: readonly Ring[], tol: number, within: number, uLength: number): number {
  const den = ringBandArea(r, tol);
  if (!(den > 0) || !(uLength > 0)) return 0;
  const num = ringBandArea(u, LEGACY_LABEL_HALF_WIDTH) * (within / uLength);
  return num / den;
}
