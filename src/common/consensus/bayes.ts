/**
 * The lab's Bayesian merge (DOMAIN.md 3), with unsure pixels kept in the denominator.
 *
 *   w_i(x) = Q_i * (L_i(x) = 1 ? fieldSkill_i : noFieldSkill_i)
 *   C(x)   = sum_i w_i(x) L_i(x) / sum_i w_i(x)
 * For an unsure pixel (L_i(x) = 0.5) the labeller is taken as equally likely to be right either
 * way: w_i(x) = Q_i * (fieldSkill_i + noFieldSkill_i) / 2, and it contributes 0.5 w_i(x) to the
 * numerator and w_i(x) to the denominator (the old code left unsure rows out of the
 * denominator, which pushed such pixels towards field).
 * A pixel whose weights are all zero (every Q_i = 0) gets the unweighted mean of the L_i.
 */
export interface RaterWeight {
  q: number;
  fieldSkill: number;
  noFieldSkill: number;
}

/** C per pixel; `layers` hold half-units (0, 1 = unsure, 2 = field). */
export function bayesMerge(layers: readonly Uint8Array[], weights: readonly RaterWeight[], n: number): Float64Array {
  const C = new Float64Array(n);
  const m = layers.length;
  if (m === 0) return C;
  // Per rater, weight and numerator contribution for L = 0, 0.5, 1.
  const w = new Float64Array(3 * m);
  const num = new Float64Array(3 * m);
  for (let i = 0; i < m; i++) {
    const { q, fieldSkill: fs, noFieldSkill: nfs } = weights[i]!;
    w[3 * i] = q * nfs;
    w[3 * i + 1] = (q * (fs + nfs)) / 2;
    w[3 * i + 2] = q * fs;
    num[3 * i + 1] = 0.5 * w[3 * i + 1]!;
    num[3 * i + 2] = w[3 * i + 2]!;
  }
  for (let k = 0; k < n; k++) {
    let s = 0;
    let d = 0;
    let plain = 0;
    for (let i = 0; i < m; i++) {
      const v = layers[i]![k]!;
      s += num[3 * i + v]!;
      d += w[3 * i + v]!;
      plain += v;
    }
    C[k] = d > 0 ? s / d : plain / (2 * m);
  }
  return C;
}

/** Majority vote: C = the unweighted mean of the L_i (unsure = 0.5); D = C > 0.5 (ties: no field). */
export function majorityMerge(layers: readonly Uint8Array[], n: number): Float64Array {
  const C = new Float64Array(n);
  const m = layers.length;
  if (m === 0) return C;
  for (let k = 0; k < n; k++) {
    let s = 0;
    for (let i = 0; i < m; i++) s += layers[i]![k]!;
    C[k] = s / (2 * m);
  }
  return C;
}
