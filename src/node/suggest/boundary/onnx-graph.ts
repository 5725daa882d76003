/**
 * The boundary model as an ONNX graph: the same computation as filter-bank.ts + mlp.ts (stage 1)
 * and context.ts + mlp.ts (stage 2), in float32.
 *
 *   input [1, 5, H, W] -> per sigma: Pad(reflect) -> Conv 1xk (group 5: g, g', g'') -> Conv kx1
 *   (group 15: g, g', g'') -> Slice (step 9) s, dy, dyy, dx, dxy, dxx -> s, |grad|, Hessian
 *   eigenvalues -> Concat -> 1x1 Convs (the MLP, standardisation folded into the first) -> hidden,
 *   Sigmoid -> stage-1 maps -> line Convs, Gaussian smoothing -> Concat -> 1x1 Convs -> Sigmoid
 *   -> output "maps" [1, 2, H, W] (0: boundary, 1: field extent).
 */
import { GraphBuilder, int, str } from '../onnx/onnx-model';
import { EPS, kernels1d, type BankSpec } from './filter-bank';
import { lineKernels, type ContextSpec } from './context';
import type { MlpWeights } from './mlp';

export const INPUT_NAME = 'input';
export const OUTPUT_NAME = 'maps';

export interface BoundaryWeights {
  bank: BankSpec;
  stage1: MlpWeights;
  context: ContextSpec;
  stage2: MlpWeights;
}

function pad(g: GraphBuilder, x: string, r: number, vertical = true, horizontal = true): string {
  const v = vertical ? r : 0, h = horizontal ? r : 0;
  return g.op('Pad', [x, g.constI64([0, 0, v, h, 0, 0, v, h])], { mode: str('reflect') });
}

/** The MLP as 1x1 convolutions; returns [last hidden (after ReLU), output logits]. */
function mlp(g: GraphBuilder, x: string, m: MlpWeights): [string, string] {
  let cur = x, hidden = x;
  const L = m.sizes.length - 1;
  for (let l = 0; l < L; l++) {
    const nin = m.sizes[l]!, nout = m.sizes[l + 1]!;
    const w = new Float64Array(nin * nout), b = new Float64Array(nout);
    for (let o = 0; o < nout; o++) {
      let bo = m.b[l]![o]!;
      for (let i = 0; i < nin; i++) {
        let wi = m.W[l]![o * nin + i]!;
        if (l === 0) {
          wi /= m.std[i]!;
          bo -= wi * m.mean[i]!;
        }
        w[o * nin + i] = wi;
      }
      b[o] = bo;
    }
    cur = g.op('Conv', [cur, g.const([nout, nin, 1, 1], w), g.const([nout], b, 'b')]);
    if (l + 1 < L) {
      cur = g.op('Relu', [cur]);
      hidden = cur;
    }
  }
  return [hidden, cur];
}

function sliceStep(g: GraphBuilder, x: string, start: number, end: number, step: number): string {
  return g.op('Slice', [x, g.constI64([start]), g.constI64([end]), g.constI64([1]), g.constI64([step])]);
}

function separableSmooth(g: GraphBuilder, x: string, sigma: number): string {
  const { r, g: k } = kernels1d(sigma);
  const p = pad(g, x, r);
  const h = g.op('Conv', [p, g.const([1, 1, 1, k.length], k)]);
  return g.op('Conv', [h, g.const([1, 1, k.length, 1], k)]);
}

/** Stage 1 on `x`: [last hidden layer, stage-1 maps (sigmoid)]. */
function stage1(g: GraphBuilder, x: string, bank: BankSpec, m: MlpWeights): [string, string] {
  const C = bank.channels;
  const eps = g.const([], [EPS], 'eps');
  const half = g.const([], [0.5], 'half');
  const feats: string[] = [x];
  for (const sigma of bank.sigmas) {
    const { r, g: k0, d1, d2 } = kernels1d(sigma);
    const n = k0.length;
    const kh = new Float64Array(3 * C * n), kv = new Float64Array(9 * C * n);
    const ks = [k0, d1, d2];
    for (let c = 0; c < C; c++) for (let j = 0; j < 3; j++) kh.set(ks[j]!, (3 * c + j) * n);
    for (let q = 0; q < 3 * C; q++) for (let v = 0; v < 3; v++) kv.set(ks[v]!, (3 * q + v) * n);
    const p = pad(g, x, r);
    const hc = g.op('Conv', [p, g.const([3 * C, 1, 1, n], kh)], { group: int(C) });
    const vc = g.op('Conv', [hc, g.const([9 * C, 1, n, 1], kv)], { group: int(3 * C) });
    const part = (jv: number) => sliceStep(g, vc, jv, 9 * C, 9);
    const s = part(0), dy = part(1), dyy = part(2), dx = part(3), dxy = part(4), dxx = part(6);
    const sq = (a: string) => g.op('Mul', [a, a]);
    const gm = g.op('Sqrt', [g.op('Add', [g.op('Add', [sq(dx), sq(dy)]), eps])]);
    const h = g.op('Mul', [g.op('Add', [dxx, dyy]), half]);
    const d = g.op('Mul', [g.op('Sub', [dxx, dyy]), half]);
    const q = g.op('Sqrt', [g.op('Add', [g.op('Add', [sq(d), sq(dxy)]), eps])]);
    feats.push(s, gm, g.op('Add', [h, q]), g.op('Sub', [h, q]));
  }
  const f1 = g.op('Concat', feats, { axis: int(1) });
  const [hidden, logits] = mlp(g, f1, m);
  return [hidden, g.op('Sigmoid', [logits])];
}

/** Stage-2 features from stage 1's hidden units and maps (context.ts order). */
function contextGraph(g: GraphBuilder, hidden: string, out1: string, cs: ContextSpec): string {
  const b1 = g.op('Slice', [out1, g.constI64([0]), g.constI64([1]), g.constI64([1])]);
  const e1 = g.op('Slice', [out1, g.constI64([1]), g.constI64([2]), g.constI64([1])]);
  const kl = lineKernels(cs);
  const n = 2 * cs.lineRadius + 1;
  const lw = new Float64Array(kl.length * n * n);
  kl.forEach((k, i) => lw.set(k, i * n * n));
  const lines = g.op('Conv', [pad(g, b1, cs.lineRadius), g.const([kl.length, 1, n, n], lw)]);
  const sb = separableSmooth(g, b1, cs.smoothBoundary);
  const se = separableSmooth(g, e1, cs.smoothExtent);
  return g.op('Concat', [hidden, out1, lines, sb, se], { axis: int(1) });
}

export const STAGE2_FEATURES = 'features2';

/** The whole model; with `featuresOnly`, the graph stops at the stage-2 features (training). */
export function buildBoundaryGraph(wts: Omit<BoundaryWeights, 'stage2'> & { stage2?: MlpWeights }, featuresOnly = false): GraphBuilder {
  const g = new GraphBuilder('fieldmark-boundary');
  const x = g.input({ name: INPUT_NAME, type: 'float', shape: [1, wts.bank.channels, 'height', 'width'] });
  const [hidden, out1] = stage1(g, x, wts.bank, wts.stage1);
  if (featuresOnly || !wts.stage2) {
    const f2 = contextGraph(g, hidden, out1, wts.context);
    g.op('Identity', [f2], {}, STAGE2_FEATURES);
    g.output({ name: STAGE2_FEATURES, type: 'float', shape: [1, 'features', 'height', 'width'] });
    return g;
  }
  const f2 = contextGraph(g, hidden, out1, wts.context);
  const [, logits2] = mlp(g, f2, wts.stage2);
  g.op('Sigmoid', [logits2], {}, OUTPUT_NAME);
  g.output({ name: OUTPUT_NAME, type: 'float', shape: [1, 2, 'height', 'width'] });
  return g;
}
