/**
 * STAPLE (Warfield, Zou & Wells 2004): expectation-maximisation of a hidden true segmentation
 * T from raters' decisions D_j, with per-rater sensitivity p_j and specificity q_j.
 *
 *   E-step: a(x) = g  prod_j p_j^D_j(x) (1 - p_j)^(1 - D_j(x))
 *           b(x) = (1 - g) prod_j q_j^(1 - D_j(x)) (1 - q_j)^D_j(x)
 *           W(x) = a / (a + b)                       (posterior P(T(x) = 1); in log space)
 *   M-step: p_j = sum_x W D_j / sum_x W,   q_j = sum_x (1 - W)(1 - D_j) / sum_x (1 - W)
 * MAP M-step with Beta priors (the labeller's Class 1 history as "catch trials"): with the
 * prior mean m (fieldSkill for p, noFieldSkill for q) and strength s pseudo-pixels,
 *   p_j = (sum_x W D_j + s m_p) / (sum_x W + s),   q_j = (sum_x (1-W)(1-D_j) + s m_q) / (sum_x (1-W) + s)
 * (Beta(1 + s m, 1 + s (1 - m)), whose mode is m). Raters without a prior get the plain M-step.
 * p and q are clamped to [clamp[0], clamp[1]] after each M-step (default [0.01, 0.99]; [0, 1]
 * is plain STAPLE). g, the prior probability of field, is fixed to the mean decision over the
 * pixels considered. Unsure decisions (D = 0.5) enter every formula as the fraction 0.5.
 * Pixels with the same decision vector have the same W, so EM runs over the distinct vectors
 * with their counts (at most 3^raters of them): exact, and fast.
 * Start: p_j, q_j = the prior means, or `init` (0.9) for raters without a prior.
 * Stops when no p_j, q_j moves more than `tolerance`, or after `maxIterations`.
 */
export interface StaplePrior {
  fieldSkill: number;
  noFieldSkill: number;
}

export interface StapleOptions {
  priors?: readonly (StaplePrior | null | undefined)[];
  /** prior strength in pseudo-pixels (default: the number of pixels considered) */
  priorStrength?: number;
  clamp?: readonly [number, number];
  init?: number;
  maxIterations?: number;
  tolerance?: number;
}

export interface StapleResult {
  /** posterior P(field) per pixel (0 outside the region of interest) */
  W: Float64Array;
  sensitivity: number[];
  specificity: number[];
  iterations: number;
  converged: boolean;
  g: number;
}

/**
 * `decisions[j][x]` in {0, 0.5, 1} (or half-units 0/1/2 with `halfUnits`), `n` pixels; only the
 * pixels with roi[x] != 0 are considered when `roi` is given.
 */
export function staple(decisions: readonly ArrayLike<number>[], n: number, roi: Uint8Array | null, opts: StapleOptions = {}, halfUnits = false): StapleResult {
  const m = decisions.length;
  const [lo, hi] = opts.clamp ?? [0.01, 0.99];
  const clamp = (v: number): number => Math.min(hi, Math.max(lo, v));
  const W = new Float64Array(n);
  if (m === 0) return { W, sensitivity: [], specificity: [], iterations: 0, converged: true, g: 0 };
  // Distinct decision vectors (digits 0/1/2 in base 3) and their pixel counts.
  const index = new Map<number | string, number>();
  const pixPattern = new Int32Array(n).fill(-1);
  const patterns: number[][] = [];
  const counts: number[] = [];
  const scale = halfUnits ? 1 : 2;
  const useString = m > 30;
  let total = 0;
  let sumD = 0;
  for (let x = 0; x < n; x++) {
    if (roi && !roi[x]) continue;
    let key: number | string = useString ? '' : 0;
    for (let j = 0; j < m; j++) {
      const d = Math.min(2, Math.max(0, Math.round(decisions[j]![x]! * scale)));
      key = useString ? `${key}${d}` : (key as number) * 3 + d;
    }
    let p = index.get(key);
    if (p === undefined) {
      p = patterns.length;
      index.set(key, p);
      patterns.push(Array.from({ length: m }, (_, j) => Math.min(2, Math.max(0, Math.round(decisions[j]![x]! * scale))) / 2));
      counts.push(0);
    }
    counts[p]!++;
    pixPattern[x] = p;
    total++;
    for (let j = 0; j < m; j++) sumD += patterns[p]![j]!;
  }
  const priors = opts.priors ?? [];
  const init = opts.init ?? 0.9;
  const p = Array.from({ length: m }, (_, j) => clamp(priors[j] ? priors[j]!.fieldSkill : init));
  const q = Array.from({ length: m }, (_, j) => clamp(priors[j] ? priors[j]!.noFieldSkill : init));
  const g = Math.min(1 - 1e-9, Math.max(1e-9, m > 0 && total > 0 ? sumD / (m * total) : 0.5));
  const s = opts.priorStrength ?? total;
  const K = patterns.length;
  const Wk = new Float64Array(K);
  const logT = (v: number, e: number): number => (e === 0 ? 0 : e * Math.log(v)); // e * log v with 0 * log 0 = 0
  const eStep = (): void => {
    for (let k = 0; k < K; k++) {
      const D = patterns[k]!;
      let la = Math.log(g);
      let lb = Math.log(1 - g);
      for (let j = 0; j < m; j++) {
        const d = D[j]!;
        la += logT(p[j]!, d) + logT(1 - p[j]!, 1 - d);
        lb += logT(q[j]!, 1 - d) + logT(1 - q[j]!, d);
      }
      Wk[k] = la === -Infinity && lb === -Infinity ? g : la === -Infinity ? 0 : lb === -Infinity ? 1 : 1 / (1 + Math.exp(lb - la));
    }
  };
  let iterations = 0;
  let converged = K === 0 || m === 0;
  const maxIt = opts.maxIterations ?? 200;
  const tol = opts.tolerance ?? 1e-10;
  while (!converged && iterations < maxIt) {
    iterations++;
    eStep();
    let change = 0;
    let sW = 0;
    let sV = 0;
    for (let k = 0; k < K; k++) {
      sW += counts[k]! * Wk[k]!;
      sV += counts[k]! * (1 - Wk[k]!);
    }
    for (let j = 0; j < m; j++) {
      let a = 0;
      let b = 0;
      for (let k = 0; k < K; k++) {
        const d = patterns[k]![j]!;
        a += counts[k]! * Wk[k]! * d;
        b += counts[k]! * (1 - Wk[k]!) * (1 - d);
      }
      const pr = priors[j];
      let np = p[j]!;
      let nq = q[j]!;
      if (pr) {
        if (sW + s > 0) np = (a + s * clamp(pr.fieldSkill)) / (sW + s);
        if (sV + s > 0) nq = (b + s * clamp(pr.noFieldSkill)) / (sV + s);
      } else {
        if (sW > 0) np = a / sW;
        if (sV > 0) nq = b / sV;
      }
      np = clamp(np);
      nq = clamp(nq);
      change = Math.max(change, Math.abs(np - p[j]!), Math.abs(nq - q[j]!));
      p[j] = np;
      q[j] = nq;
    }
    if (change <= tol) converged = true;
  }
  eStep(); // W consistent with the reported p, q
  for (let x = 0; x < n; x++) if (pixPattern[x]! >= 0) W[x] = Wk[pixPattern[x]!]!;
  return { W, sensitivity: p, specificity: q, iterations, converged, g };
}
