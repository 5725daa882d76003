/**
 * Stage 2 of the boundary model ("auto-context"): features computed from stage 1's outputs.
 * Field borders are long straight lines, so line filters (elongated Gaussians at 8 orientations)
 * over the stage-1 boundary map bridge the gaps where one border is faint for a few pixels; the
 * stage-1 hidden units, its outputs and isotropically smoothed outputs complete the set.
 *   features = [hidden (H), boundary, extent, line_0..line_7, smooth(boundary, s1), smooth(extent, s2)]
 * Reflect padding, as everywhere in the model.
 */
import { kernels1d } from './filter-bank';

export interface ContextSpec {
  orientations: number;
  /** half size of the line kernels, px */
  lineRadius: number;
  /** sigma along and across the line, px */
  lineAlong: number;
  lineAcross: number;
  smoothBoundary: number;
  smoothExtent: number;
}

export function contextFeatureCount(hidden: number, spec: ContextSpec): number {
  return hidden + 2 + spec.orientations + 2;
}

/** Line kernels, orientations x (2R+1)^2, each summing to 1. */
export function lineKernels(spec: ContextSpec): Float64Array[] {
  const R = spec.lineRadius, n = 2 * R + 1;
  const out: Float64Array[] = [];
  for (let k = 0; k < spec.orientations; k++) {
    const a = (Math.PI * k) / spec.orientations, c = Math.cos(a), s = Math.sin(a);
    const w = new Float64Array(n * n);
    let sum = 0;
    for (let y = -R; y <= R; y++) {
      for (let x = -R; x <= R; x++) {
        const u = x * c + y * s, v = -x * s + y * c;
        const g = Math.exp(-(u * u) / (2 * spec.lineAlong ** 2) - (v * v) / (2 * spec.lineAcross ** 2));
        w[(y + R) * n + x + R] = g;
        sum += g;
      }
    }
    for (let i = 0; i < w.length; i++) w[i] = w[i]! / sum;
    out.push(w);
  }
  return out;
}

function reflect(i: number, n: number): number {
  return i < 0 ? -i : i >= n ? 2 * n - 2 - i : i;
}

/** Dense 2-D correlation of one channel with reflect padding. */
export function conv2d(src: ArrayLike<number>, W: number, H: number, k: Float64Array, R: number, out: Float64Array): void {
  const n = 2 * R + 1;
  const pw = W + 2 * R;
  const pad = new Float64Array(pw * (H + 2 * R));
  for (let y = -R; y < H + R; y++) {
    const sy = reflect(y, H) * W, o = (y + R) * pw;
    for (let x = -R; x < W + R; x++) pad[o + x + R] = src[sy + reflect(x, W)]!;
  }
  out.fill(0);
  for (let ky = 0; ky < n; ky++) {
    for (let kx = 0; kx < n; kx++) {
      const w = k[ky * n + kx]!;
      if (w === 0) continue;
      for (let y = 0; y < H; y++) {
        const o = y * W, s = (y + ky) * pw + kx;
        for (let x = 0; x < W; x++) out[o + x] = out[o + x]! + w * pad[s + x]!;
      }
    }
  }
}

/** Separable Gaussian smoothing with reflect padding (the filter bank's kernel). */
export function gaussSmooth(src: ArrayLike<number>, W: number, H: number, sigma: number, out: Float64Array): void {
  const { r, g } = kernels1d(sigma);
  const tmp = new Float64Array(W * H);
  const n = g.length;
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += g[j]! * src[y * W + reflect(x + j - r, W)]!;
      tmp[y * W + x] = s;
    }
  }
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += g[j]! * tmp[reflect(y + j - r, H) * W + x]!;
      out[y * W + x] = s;
    }
  }
}

/**
 * Stage-2 features of a whole window from stage 1's hidden units (Hd x N) and outputs (2 x N):
 * F2 x N channel-major, or only the pixels of `pick` (pixel-major) for training.
 */
export function contextFeatures(hidden: Float32Array, Hd: number, out1: Float32Array, W: number, H: number, spec: ContextSpec, pick?: Int32Array): Float32Array {
  const N = W * H, F = contextFeatureCount(Hd, spec);
  const P = pick ? pick.length : N;
  const res = new Float32Array(P * F);
  const put = (f: number, get: (i: number) => number) => {
    if (pick) for (let p = 0; p < P; p++) res[p * F + f] = get(pick[p]!);
    else for (let i = 0; i < N; i++) res[f * N + i] = get(i);
  };
  for (let h = 0; h < Hd; h++) put(h, (i) => hidden[h * N + i]!);
  const b = out1.subarray(0, N), e = out1.subarray(N, 2 * N);
  put(Hd, (i) => b[i]!);
  put(Hd + 1, (i) => e[i]!);
  const tmp = new Float64Array(N);
  const kernels = lineKernels(spec);
  for (let k = 0; k < kernels.length; k++) {
    conv2d(b, W, H, kernels[k]!, spec.lineRadius, tmp);
    put(Hd + 2 + k, (i) => tmp[i]!);
  }
  gaussSmooth(b, W, H, spec.smoothBoundary, tmp);
  put(Hd + 2 + kernels.length, (i) => tmp[i]!);
  gaussSmooth(e, W, H, spec.smoothExtent, tmp);
  put(Hd + 3 + kernels.length, (i) => tmp[i]!);
  return res;
}
