/**
 * Should two touching regions be one field? A small learned model over the boundary between
 * them (ridge strength, how much of it is strong, its length) and how alike they are (mean of
 * each model input channel, extent, size). Trained with the boundary model (its weights ship in
 * model.json "postprocess.merge"); without weights, the ridge strength alone decides.
 */

export interface RegionSums {
  area: number;
  ext: number;
  bnd: number;
  /** per channel sums */
  ch: Float64Array;
}

/** [sum of ridge strength, pixel pairs, strong pairs] */
export type EdgeSums = [number, number, number];

/** A dense network, JSON-safe: sizes [in, ..., 1], W per layer out x in row-major, ReLU between, sigmoid out. */
export interface DenseNet {
  sizes: number[];
  W: number[][];
  b: number[][];
  mean: number[];
  std: number[];
}

export const MERGE_FEATURES = 10;

export function mergeFeatureCount(channels: number): number {
  return MERGE_FEATURES + channels;
}

/** Features of a candidate merge; `out` has mergeFeatureCount(channels) entries. */
export function mergeFeatures(a: RegionSums, b: RegionSums, e: EdgeSums, out: Float64Array): Float64Array {
  const ea = a.ext / a.area, eb = b.ext / b.area;
  const small = Math.min(a.area, b.area), large = Math.max(a.area, b.area);
  out[0] = e[0] / e[1];
  out[1] = e[2] / e[1];
  out[2] = Math.log1p(e[1]);
  out[3] = e[1] / (4 * Math.sqrt(small));
  out[4] = Math.abs(ea - eb);
  out[5] = Math.min(ea, eb);
  out[6] = Math.max(ea, eb);
  out[7] = Math.log1p(small);
  out[8] = Math.log1p(large);
  out[9] = Math.max(a.bnd / a.area, b.bnd / b.area);
  for (let c = 0; c < a.ch.length; c++) out[MERGE_FEATURES + c] = Math.abs(a.ch[c]! / a.area - b.ch[c]! / b.area);
  return out;
}

export function denseForward(net: DenseNet, x: ArrayLike<number>): number {
  let act = Array.from({ length: net.sizes[0]! }, (_, i) => (x[i]! - net.mean[i]!) / net.std[i]!);
  const L = net.sizes.length - 1;
  for (let l = 0; l < L; l++) {
    const nin = net.sizes[l]!, nout = net.sizes[l + 1]!, w = net.W[l]!, bb = net.b[l]!;
    const next = new Array<number>(nout);
    for (let o = 0; o < nout; o++) {
      let s = bb[o]!;
      for (let i = 0; i < nin; i++) s += w[o * nin + i]! * act[i]!;
      next[o] = l + 1 < L ? Math.max(0, s) : 1 / (1 + Math.exp(-s));
    }
    act = next;
  }
  return act[0]!;
}

export type MergeScorer = (a: RegionSums, b: RegionSums, e: EdgeSums) => number;

/** Probability that two regions are one field. */
export function mergeScorer(net: DenseNet | null, channels: number, fieldExtent = 0.5): MergeScorer {
  const buf = new Float64Array(mergeFeatureCount(channels));
  if (!net) {
    return (a, b, e) => {
      if (a.ext / a.area >= fieldExtent !== b.ext / b.area >= fieldExtent) return 0;
      return 1 - e[0] / e[1];
    };
  }
  if (net.sizes[0] !== buf.length) throw new Error(`merge model expects ${net.sizes[0]} features, the map gives ${buf.length}`);
  return (a, b, e) => denseForward(net, mergeFeatures(a, b, e, buf));
}
