/**
 * Per-pixel risk and entropy of a consensus probability C, and the per-site figures
 * (DOMAIN.md 3):
 *   D(x) = C(x) > 0.5,   r(x) = min(C, 1 - C) in [0, 0.5],
 *   H(x) = -C log2 C - (1 - C) log2(1 - C) in [0, 1] bits (0 log 0 = 0),
 *   meanRisk = mean of r over the cell, riskyFraction = share of cell pixels with r > threshold.
 */
export const DEFAULT_RISK_THRESHOLD = 0.34;

/** For the UI: why a 2-1 split of three labellers is never "risky" at the paper's threshold. */
export const RISK_THRESHOLD_CAVEAT =
  'With three equally weighted labellers the risk min(C, 1 - C) can only be 0 or 1/3, so the threshold 0.34 never flags a pixel where two labellers outvote the third. Look at the entropy map, or use a threshold below 1/3, to see those pixels.';

export interface RiskGrids {
  consensus: Uint8Array;
  risk: Float32Array;
  entropy: Float32Array;
  meanRisk: number;
  riskyFraction: number;
  meanEntropy: number;
}

export function binaryEntropy(c: number): number {
  if (!(c > 0) || !(c < 1)) return 0;
  return -(c * Math.log2(c) + (1 - c) * Math.log2(1 - c));
}

/** Pixels outside `mask` get consensus 0, risk 0 and entropy 0 and do not count in the figures. */
export function riskGrids(C: Float64Array, mask: Uint8Array, threshold: number): RiskGrids {
  const n = C.length;
  const consensus = new Uint8Array(n);
  const risk = new Float32Array(n);
  const entropy = new Float32Array(n);
  let sumR = 0;
  let sumH = 0;
  let risky = 0;
  let count = 0;
  for (let k = 0; k < n; k++) {
    if (!mask[k]) continue;
    const c = Math.min(1, Math.max(0, Number.isFinite(C[k]!) ? C[k]! : 0));
    const r = Math.min(c, 1 - c);
    const h = binaryEntropy(c);
    consensus[k] = c > 0.5 ? 1 : 0;
    risk[k] = r;
    entropy[k] = h;
    sumR += r;
    sumH += h;
    if (r > threshold) risky++;
    count++;
  }
  return {
    consensus,
    risk,
    entropy,
    meanRisk: count > 0 ? sumR / count : 0,
    riskyFraction: count > 0 ? risky / count : 0,
    meanEntropy: count > 0 ? sumH / count : 0,
  };
}
