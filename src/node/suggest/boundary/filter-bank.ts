/**
 * The fixed filter bank of the boundary model, in TypeScript (training, and the reference the
 * ONNX graph is checked against; onnx-graph.ts builds the same computation as ONNX nodes).
 *
 * Input: C channels (preprocess.ts: 4 robust-normalised bands + NDVI), H x W, channel-major.
 * Per scale sigma, separable Gaussian derivative filters (reflect padding, radius ceil(3 sigma)):
 *   horizontal pass kernels g, g', g'' (per channel), then vertical g, g', g'' on each of them:
 *   s = g*g, dx = g'*g, dy = g*g', dxx = g''*g, dyy = g*g'', dxy = g'*g' (scale-normalised:
 *   sigma * first and sigma^2 * second derivatives).
 * Features per scale and channel: s, gradient magnitude sqrt(dx^2 + dy^2 + eps) and the two
 * Hessian eigenvalues (dxx + dyy) / 2 +- sqrt(((dxx - dyy) / 2)^2 + dxy^2 + eps) (ridges: thin
 * margins between fields). Plus the input channels themselves.
 * Output: F x H x W float32, F = C * (1 + 4 * scales), in the order
 *   [input c..., then per sigma: s c..., gm c..., l1 c..., l2 c...].
 */

export interface BankSpec {
  channels: number;
  sigmas: number[];
}

export const EPS = 1e-6;

export function featureCount(spec: BankSpec): number {
  return spec.channels * (1 + 4 * spec.sigmas.length);
}

export function radiusOf(sigma: number): number {
  return Math.ceil(3 * sigma);
}

/** 1-D kernels of length 2r+1: Gaussian (sum 1), sigma * first derivative, sigma^2 * second (zero mean). */
export function kernels1d(sigma: number): { r: number; g: Float64Array; d1: Float64Array; d2: Float64Array } {
  const r = radiusOf(sigma);
  const n = 2 * r + 1;
  const g = new Float64Array(n), d1 = new Float64Array(n), d2 = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const t = i - r;
    g[i] = Math.exp((-t * t) / (2 * sigma * sigma));
    sum += g[i]!;
  }
  for (let i = 0; i < n; i++) g[i] = g[i]! / sum;
  // first derivative: t g, scaled to a unit response to a unit ramp, times sigma
  let m1 = 0, mean = 0, m2 = 0;
  for (let i = 0; i < n; i++) {
    const t = i - r;
    d1[i] = t * g[i]!;
    m1 += t * d1[i]!;
    d2[i] = (t * t - sigma * sigma) * g[i]!;
    mean += d2[i]!;
  }
  mean /= n;
  for (let i = 0; i < n; i++) {
    const t = i - r;
    d1[i] = (d1[i]! / m1) * sigma;
    d2[i] = d2[i]! - mean;
    m2 += ((t * t) / 2) * d2[i]!;
  }
  // second derivative: zero mean, response 2 to x^2 (i.e. the second derivative), times sigma^2
  for (let i = 0; i < n; i++) d2[i] = (d2[i]! / m2) * sigma * sigma;
  return { r, g, d1, d2 };
}

function reflect(i: number, n: number): number {
  if (i < 0) return -i;
  if (i >= n) return 2 * n - 2 - i;
  return i;
}

/** Horizontal correlation with reflect padding: out[y, x] = sum_k k[j] in[y, x + j - r]. */
function convH(src: Float32Array, off: number, W: number, H: number, k: Float64Array, r: number, out: Float64Array): void {
  const n = k.length;
  const row = new Float64Array(W + 2 * r);
  for (let y = 0; y < H; y++) {
    const base = off + y * W;
    for (let x = -r; x < W + r; x++) row[x + r] = src[base + reflect(x, W)]!;
    const o = y * W;
    for (let x = 0; x < W; x++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += k[j]! * row[x + j]!;
      out[o + x] = s;
    }
  }
}

/** Vertical correlation with reflect padding. */
function convV(src: Float64Array, W: number, H: number, k: Float64Array, r: number, out: Float64Array): void {
  const n = k.length;
  out.fill(0);
  for (let y = 0; y < H; y++) {
    const o = y * W;
    for (let j = 0; j < n; j++) {
      const w = k[j]!;
      const s = reflect(y + j - r, H) * W;
      for (let x = 0; x < W; x++) out[o + x] = out[o + x]! + w * src[s + x]!;
    }
  }
}

/**
 * All features of a C x H x W input (or only the pixels listed in `rows`: when `pick` is given,
 * returns pick.length x F values, pixel-major, for training samples).
 */
export function computeFeatures(input: Float32Array, W: number, H: number, spec: BankSpec, pick?: Int32Array): Float32Array {
  const C = spec.channels, N = W * H, F = featureCount(spec);
  const P = pick ? pick.length : N;
  const out = new Float32Array(P * F);
  // layout: pick -> [P][F]; full -> [F][N]
  const put = (f: number, vals: (i: number) => number) => {
    if (pick) for (let p = 0; p < P; p++) out[p * F + f] = vals(pick[p]!);
    else for (let i = 0; i < N; i++) out[f * N + i] = vals(i);
  };
  for (let c = 0; c < C; c++) put(c, (i) => input[c * N + i]!);
  const S = spec.sigmas.length;
  const hg = new Float64Array(N), h1 = new Float64Array(N), h2 = new Float64Array(N);
  const s = new Float64Array(N), dx = new Float64Array(N), dy = new Float64Array(N), dxx = new Float64Array(N), dyy = new Float64Array(N), dxy = new Float64Array(N);
  for (let si = 0; si < S; si++) {
    const { r, g, d1, d2 } = kernels1d(spec.sigmas[si]!);
    const base = C + si * 4 * C;
    for (let c = 0; c < C; c++) {
      convH(input, c * N, W, H, g, r, hg);
      convH(input, c * N, W, H, d1, r, h1);
      convH(input, c * N, W, H, d2, r, h2);
      convV(hg, W, H, g, r, s);
      convV(hg, W, H, d1, r, dy);
      convV(hg, W, H, d2, r, dyy);
      convV(h1, W, H, g, r, dx);
      convV(h1, W, H, d1, r, dxy);
      convV(h2, W, H, g, r, dxx);
      put(base + c, (i) => s[i]!);
      put(base + C + c, (i) => Math.sqrt(dx[i]! * dx[i]! + dy[i]! * dy[i]! + EPS));
      put(base + 2 * C + c, (i) => {
        const h = (dxx[i]! + dyy[i]!) * 0.5, d = (dxx[i]! - dyy[i]!) * 0.5;
        return h + Math.sqrt(d * d + dxy[i]! * dxy[i]! + EPS);
      });
      put(base + 3 * C + c, (i) => {
        const h = (dxx[i]! + dyy[i]!) * 0.5, d = (dxx[i]! - dyy[i]!) * 0.5;
        return h - Math.sqrt(d * d + dxy[i]! * dxy[i]! + EPS);
      });
    }
  }
  return out;
}
