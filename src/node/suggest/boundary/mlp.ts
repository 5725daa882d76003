/**
 * The per-pixel MLP of the boundary model with hand-written backprop: standardised features ->
 * (dense + ReLU) x hidden -> dense -> sigmoid, trained with Adam on a binary cross-entropy per
 * output (outputs: 0 = boundary, 1 = field extent). Float64 throughout and a seeded PRNG, so the
 * same data and seed give bit-identical weights on every run.
 */
import { Rng } from '../../demo/rng';

export interface MlpWeights {
  /** layer sizes, input first, e.g. [65, 32, 16, 2] */
  sizes: number[];
  /** per layer: out x in, row-major */
  W: Float64Array[];
  b: Float64Array[];
  /** feature standardisation (folded into the first layer in ONNX) */
  mean: Float64Array;
  std: Float64Array;
}

export interface TrainOptions {
  epochs: number;
  batch: number;
  lr: number;
  seed: number;
  /** loss weight of each output */
  outputWeights: number[];
  onEpoch?: (epoch: number, loss: number) => void;
}

export function initMlp(sizes: number[], seed: number): MlpWeights {
  const rng = new Rng(seed);
  const W: Float64Array[] = [], b: Float64Array[] = [];
  for (let l = 0; l + 1 < sizes.length; l++) {
    const nin = sizes[l]!, nout = sizes[l + 1]!;
    const w = new Float64Array(nin * nout);
    const s = Math.sqrt(2 / nin);
    for (let i = 0; i < w.length; i++) w[i] = rng.normal() * s;
    W.push(w);
    b.push(new Float64Array(nout));
  }
  return { sizes, W, b, mean: new Float64Array(sizes[0]!), std: new Float64Array(sizes[0]!).fill(1) };
}

/** Mean and standard deviation of each feature over the samples (P x F, pixel-major). */
export function standardise(m: MlpWeights, X: Float32Array, P: number): void {
  const F = m.sizes[0]!;
  const mean = new Float64Array(F), sq = new Float64Array(F);
  for (let p = 0; p < P; p++) for (let f = 0; f < F; f++) { const v = X[p * F + f]!; mean[f] = mean[f]! + v; sq[f] = sq[f]! + v * v; }
  for (let f = 0; f < F; f++) {
    mean[f] = mean[f]! / P;
    m.std[f] = Math.sqrt(Math.max(sq[f]! / P - mean[f]! * mean[f]!, 1e-12));
  }
  m.mean = mean;
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** Forward pass of one sample; acts[l] receives the activations of layer l (acts[0] = standardised input). */
function forward(m: MlpWeights, x: ArrayLike<number>, xOff: number, acts: Float64Array[]): void {
  const F = m.sizes[0]!, a0 = acts[0]!;
  for (let f = 0; f < F; f++) a0[f] = (x[xOff + f]! - m.mean[f]!) / m.std[f]!;
  const L = m.sizes.length - 1;
  for (let l = 0; l < L; l++) {
    const nin = m.sizes[l]!, nout = m.sizes[l + 1]!, w = m.W[l]!, bb = m.b[l]!, ain = acts[l]!, aout = acts[l + 1]!;
    for (let o = 0; o < nout; o++) {
      let s = bb[o]!;
      const row = o * nin;
      for (let i = 0; i < nin; i++) s += w[row + i]! * ain[i]!;
      aout[o] = l + 1 < L ? (s > 0 ? s : 0) : sigmoid(s);
    }
  }
}

function makeActs(sizes: number[]): Float64Array[] {
  return sizes.map((n) => new Float64Array(n));
}

/** Outputs for P samples (P x F) -> P x out. */
export function predictSamples(m: MlpWeights, X: Float32Array, P: number): Float32Array {
  const F = m.sizes[0]!, O = m.sizes[m.sizes.length - 1]!;
  const acts = makeActs(m.sizes), out = new Float32Array(P * O), last = acts[acts.length - 1]!;
  for (let p = 0; p < P; p++) {
    forward(m, X, p * F, acts);
    for (let o = 0; o < O; o++) out[p * O + o] = last[o]!;
  }
  return out;
}

/** Outputs over a full feature map (F x N, channel-major) -> out x N, and the last hidden layer (Hd x N). */
export function predictMap(m: MlpWeights, feats: Float32Array, N: number): { out: Float32Array; hidden: Float32Array } {
  const F = m.sizes[0]!, O = m.sizes[m.sizes.length - 1]!, Hd = m.sizes[m.sizes.length - 2]!;
  const acts = makeActs(m.sizes), out = new Float32Array(O * N), last = acts[acts.length - 1]!, hl = acts[acts.length - 2]!;
  const hidden = new Float32Array(Hd * N);
  const x = new Float64Array(F);
  for (let i = 0; i < N; i++) {
    for (let f = 0; f < F; f++) x[f] = feats[f * N + i]!;
    forward(m, x, 0, acts);
    for (let o = 0; o < O; o++) out[o * N + i] = last[o]!;
    for (let h = 0; h < Hd; h++) hidden[h * N + i] = hl[h]!;
  }
  return { out, hidden };
}

/** Trains in place on X (P x F) with targets Y (P x out, in [0, 1]); returns the last epoch's mean loss. */
export function train(m: MlpWeights, X: Float32Array, Y: Float32Array, P: number, opts: TrainOptions): number {
  const sizes = m.sizes, L = sizes.length - 1, O = sizes[L]!, F = sizes[0]!;
  const rng = new Rng(opts.seed);
  const acts = makeActs(sizes), deltas = makeActs(sizes);
  const gW = m.W.map((w) => new Float64Array(w.length)), gb = m.b.map((b) => new Float64Array(b.length));
  const mW = m.W.map((w) => new Float64Array(w.length)), vW = m.W.map((w) => new Float64Array(w.length));
  const mb = m.b.map((b) => new Float64Array(b.length)), vb = m.b.map((b) => new Float64Array(b.length));
  const order = new Int32Array(P);
  for (let i = 0; i < P; i++) order[i] = i;
  const b1 = 0.9, b2 = 0.999;
  let t = 0, lastLoss = 0;
  const steps = opts.epochs * Math.ceil(P / opts.batch);
  for (let epoch = 0; epoch < opts.epochs; epoch++) {
    for (let i = P - 1; i > 0; i--) { const j = rng.int(i + 1); const tmp = order[i]!; order[i] = order[j]!; order[j] = tmp; }
    let lossSum = 0;
    for (let start = 0; start < P; start += opts.batch) {
      const end = Math.min(P, start + opts.batch);
      for (const g of gW) g.fill(0);
      for (const g of gb) g.fill(0);
      for (let k = start; k < end; k++) {
        const p = order[k]!;
        forward(m, X, p * F, acts);
        // output deltas: d(BCE)/dz = y_hat - y (per output weight)
        const out = acts[L]!, dOut = deltas[L]!;
        for (let o = 0; o < O; o++) {
          const y = Y[p * O + o]!, yh = out[o]!, w = opts.outputWeights[o] ?? 1;
          dOut[o] = w * (yh - y);
          lossSum -= w * (y * Math.log(yh + 1e-12) + (1 - y) * Math.log(1 - yh + 1e-12));
        }
        for (let l = L - 1; l >= 0; l--) {
          const nin = sizes[l]!, nout = sizes[l + 1]!, w = m.W[l]!, d = deltas[l + 1]!, ain = acts[l]!, g = gW[l]!, gbl = gb[l]!;
          for (let o = 0; o < nout; o++) {
            const dv = d[o]!;
            if (dv === 0) continue;
            gbl[o] = gbl[o]! + dv;
            const row = o * nin;
            for (let i = 0; i < nin; i++) g[row + i] = g[row + i]! + dv * ain[i]!;
          }
          if (l > 0) {
            const dPrev = deltas[l]!;
            for (let i = 0; i < nin; i++) {
              if (ain[i]! <= 0) { dPrev[i] = 0; continue; }
              let s = 0;
              for (let o = 0; o < nout; o++) s += w[o * nin + i]! * d[o]!;
              dPrev[i] = s;
            }
          }
        }
      }
      // Adam with cosine decay
      t++;
      const lr = opts.lr * (0.05 + 0.95 * 0.5 * (1 + Math.cos((Math.PI * t) / steps)));
      const n = end - start, c1 = 1 - b1 ** t, c2 = 1 - b2 ** t;
      const upd = (p: Float64Array, g: Float64Array, mm: Float64Array, vv: Float64Array) => {
        for (let i = 0; i < p.length; i++) {
          const gi = g[i]! / n;
          mm[i] = b1 * mm[i]! + (1 - b1) * gi;
          vv[i] = b2 * vv[i]! + (1 - b2) * gi * gi;
          p[i] = p[i]! - (lr * (mm[i]! / c1)) / (Math.sqrt(vv[i]! / c2) + 1e-8);
        }
      };
      for (let l = 0; l < L; l++) { upd(m.W[l]!, gW[l]!, mW[l]!, vW[l]!); upd(m.b[l]!, gb[l]!, mb[l]!, vb[l]!); }
    }
    lastLoss = lossSum / P;
    opts.onEpoch?.(epoch, lastLoss);
  }
  return lastLoss;
}
