/**
 * The reproducible training pipeline of the boundary model (`npm run build:models`):
 *
 *   1. synthetic scenes of the demo generator for the training seeds (never the validation seed);
 *      scenes coarser than `resample.aboveM` on the `resample.toM` grid, as the host sees them
 *   2. stage 1: seeded pixel samples (40% near a true boundary) -> filter bank (TypeScript) -> MLP
 *   3. stage 2: stage-2 features of whole windows from the exported stage-1 graph (onnxruntime,
 *      one thread: deterministic) -> seeded samples -> MLP
 *   4. the region-merging model from click-like growth over the true fields' basins
 *   5. post-processing (watershed interior, neck, merge threshold) tuned on the merge seeds
 *   (4 and 5 see each window alone and, where a grid has several dates, the dates' maps fused
 *   as the host fuses a request's `also` images: common/suggest/fuse-dates.ts)
 * The default config draws each stage's scenes from its own seeds (stage 1: 1-7, stage 2: 8-11,
 * merging and tuning: 12-14): stage 2 and the merging model learn from maps as imperfect as on
 * unseen scenes (stage-1 maps of its own training scenes are cleaner than the held-out ones,
 * most of all on the 4.8 m dry-season quads), and the tuning figures are not those of training
 * scenes.
 * Everything is seeded; the same config gives the same weights (fingerprints recorded).
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import type { DenseNet } from '../../../common/suggest/merge-model';
import { fuseDates } from '../../../common/suggest/fuse-dates';
import { DEFAULT_SEGMENT_PARAMS, type SegmentParams } from '../../../common/suggest/segment';
import { generateDemoWithInternals } from '../../demo/generate-demo';
import { Rng } from '../../demo/rng';
import { contextFeatureCount, type ContextSpec } from './context';
import { featureCount, type BankSpec } from './filter-bank';
import { initMlp, standardise, train, type MlpWeights } from './mlp';
import { mergePairs, pixelScores, type TuningWindow } from './merge-training';
import { buildBoundaryGraph, INPUT_NAME, OUTPUT_NAME, STAGE2_FEATURES, type BoundaryWeights } from './onnx-graph';
import { preprocessWindow, resampleScene, sceneWindows, windowSamples, windowTruth, boundaryTarget, type SceneWindow, type WindowTruth } from './training-data';
import type { Preprocessed } from './preprocess';

export interface BuildConfig {
  trainSeeds: number[];
  contextSeeds: number[];
  mergeSeeds: number[];
  validationSeed: number;
  quadSize: number;
  window: number;
  samplesPerWindow: number;
  bank: BankSpec;
  hidden1: number[];
  context: ContextSpec;
  hidden2: number[];
  mergeHidden: number[];
  epochs1: number;
  epochs2: number;
  epochsMerge: number;
  seed: number;
  tuning: { core: number[]; neck: number[]; threshold: number[] };
  /** imagery coarser than aboveM is resampled to toM, in training as in the host (model.json window.resample) */
  resample?: { aboveM: number; toM: number };
}

export const DEFAULT_BUILD: BuildConfig = {
  trainSeeds: [1, 2, 3, 4, 5, 6, 7],
  contextSeeds: [8, 9, 10, 11],
  mergeSeeds: [12, 13, 14],
  validationSeed: 777,
  quadSize: 1024,
  window: 512,
  samplesPerWindow: 8000,
  bank: { channels: 5, sigmas: [0.7, 1, 2, 4] },
  hidden1: [96, 48],
  context: { orientations: 8, lineRadius: 7, lineAlong: 4, lineAcross: 0.8, smoothBoundary: 2, smoothExtent: 3 },
  hidden2: [32],
  mergeHidden: [16],
  epochs1: 10,
  epochs2: 6,
  epochsMerge: 20,
  seed: 20240815,
  tuning: { core: [0.1, 0.15], neck: [3], threshold: [0.4, 0.5, 0.6] },
  resample: { aboveM: 4, toM: 3 },
};

export interface BuildResult {
  weights: BoundaryWeights;
  merge: DenseNet;
  post: SegmentParams;
  tuning: ReturnType<typeof pixelScores>;
  fingerprints: Record<string, string>;
  samples: { stage1: number; stage2: number; merge: number };
  seconds: number;
}

export type Log = (line: string) => void;

function digest(...arrays: ArrayBufferView[]): string {
  const h = createHash('sha256');
  for (const a of arrays) h.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  return h.digest('hex');
}

export function weightsDigest(m: MlpWeights): string {
  return digest(...m.W, ...m.b, m.mean, m.std);
}

export function toDense(m: MlpWeights): DenseNet {
  return { sizes: [...m.sizes], W: m.W.map((a) => [...a]), b: m.b.map((a) => [...a]), mean: [...m.mean], std: [...m.std] };
}

interface SceneWin { win: SceneWindow; truth: WindowTruth; pre: Preprocessed; scale: number; grid: string }

/** The windows of every scene of one seed's synthetic world, with their truth. */
async function* seedWindows(seed: number, cfg: BuildConfig, work: string): AsyncGenerator<SceneWin> {
  const d = await generateDemoWithInternals({ outDir: join(work, `seed-${seed}`), seed, sites: 1, labellers: 1, quadSize: cfg.quadSize }, true);
  await rm(join(work, `seed-${seed}`), { recursive: true, force: true });
  for (const [id, r0] of d.internals.rasters) {
    const { spec, r, scale } = resampleScene(d.internals.specs.get(id)!, r0, cfg.resample);
    for (const win of sceneWindows(id, spec, r, cfg.window)) {
      const pre = preprocessWindow(win);
      if (pre.validFraction < 0.3) continue;
      const grid = [spec.epsg, spec.originX, spec.originY, spec.pixelSize, spec.width, spec.height, win.x0, win.y0].join();
      yield { win, truth: windowTruth(d.internals.world, spec, win), pre, scale, grid };
    }
  }
}

function concat(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

function pickNearFar(truth: WindowTruth, pre: Preprocessed, n: number, rng: Rng): Int32Array {
  const near: number[] = [], far: number[] = [];
  for (let i = 0; i < pre.valid.length; i++) if (pre.valid[i]) (truth.bdist[i]! < 2 ? near : far).push(i);
  const take = (pool: number[], k: number) => {
    const out: number[] = [];
    const m = Math.min(Math.round(k), pool.length);
    for (let j = 0; j < m; j++) {
      const q = j + rng.int(pool.length - j);
      const t = pool[j]!; pool[j] = pool[q]!; pool[q] = t;
      out.push(pool[j]!);
    }
    return out;
  };
  return Int32Array.from([...take(near, n * 0.4), ...take(far, n * 0.6)].sort((a, b) => a - b));
}

async function session(bytes: Uint8Array): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(bytes, { executionProviders: ['cpu'], intraOpNumThreads: 1, interOpNumThreads: 1, logSeverityLevel: 3 });
}

const ENCODE_META = { producer: 'fieldmark', version: 'build', doc: 'training graph', modelVersion: 1 };

export async function buildBoundaryModel(cfg: BuildConfig = DEFAULT_BUILD, log: Log = () => undefined): Promise<BuildResult> {
  const t0 = Date.now();
  const say = (s: string) => log(`${((Date.now() - t0) / 1000).toFixed(1)}s ${s}`);
  if ([...cfg.trainSeeds, ...cfg.contextSeeds, ...cfg.mergeSeeds].includes(cfg.validationSeed)) throw new Error('build: the validation seed must not be used for training');
  const work = await mkdtemp(join(tmpdir(), 'fieldmark-models-'));
  const fingerprints: Record<string, string> = {};
  try {
    // stage 1
    const F1 = featureCount(cfg.bank);
    const rng1 = new Rng(cfg.seed ^ 0x51);
    const X1: Float32Array[] = [], Y1: Float32Array[] = [];
    for (const seed of cfg.trainSeeds) {
      for await (const { win, truth, pre, scale } of seedWindows(seed, cfg, work)) {
        // as many samples per scene area as without resampling
        const s = windowSamples(win, truth, pre, cfg.bank, Math.round(cfg.samplesPerWindow / scale ** 2), rng1);
        X1.push(s.X);
        Y1.push(s.Y);
      }
      say(`stage 1: seed ${seed} sampled`);
    }
    const x1 = concat(X1), y1 = concat(Y1), P1 = y1.length / 2;
    fingerprints['stage1Samples'] = digest(x1, y1);
    const stage1 = initMlp([F1, ...cfg.hidden1, 2], cfg.seed ^ 0x11);
    standardise(stage1, x1, P1);
    train(stage1, x1, y1, P1, { epochs: cfg.epochs1, batch: 128, lr: 3e-3, seed: cfg.seed ^ 0x12, outputWeights: [1, 0.5], onEpoch: (e, l) => say(`stage 1: epoch ${e + 1}/${cfg.epochs1} loss ${l.toFixed(4)}`) });
    fingerprints['stage1'] = weightsDigest(stage1);
    X1.length = Y1.length = 0;

    // stage 2 on features from the exported stage-1 graph
    const Hd = cfg.hidden1[cfg.hidden1.length - 1]!;
    const F2 = contextFeatureCount(Hd, cfg.context);
    const featSession = await session(buildBoundaryGraph({ bank: cfg.bank, stage1, context: cfg.context }, true).encode(ENCODE_META));
    const rng2 = new Rng(cfg.seed ^ 0x52);
    const X2: Float32Array[] = [], Y2: Float32Array[] = [];
    for (const seed of cfg.contextSeeds) {
      for await (const { win, truth, pre, scale } of seedWindows(seed, cfg, work)) {
        const N = win.width * win.height;
        const out = await featSession.run({ [INPUT_NAME]: new ort.Tensor('float32', pre.input, [1, cfg.bank.channels, win.height, win.width]) });
        const f = out[STAGE2_FEATURES]!.data as Float32Array;
        const pick = pickNearFar(truth, pre, cfg.samplesPerWindow / scale ** 2, rng2);
        const X = new Float32Array(pick.length * F2), Y = new Float32Array(pick.length * 2);
        for (let p = 0; p < pick.length; p++) {
          const i = pick[p]!;
          for (let k = 0; k < F2; k++) X[p * F2 + k] = f[k * N + i]!;
          Y[2 * p] = boundaryTarget(truth.bdist[i]!);
          Y[2 * p + 1] = truth.fieldId[i]! > 0 ? 1 : 0;
        }
        X2.push(X);
        Y2.push(Y);
      }
      say(`stage 2: seed ${seed} sampled`);
    }
    await featSession.release();
    const x2 = concat(X2), y2 = concat(Y2), P2 = y2.length / 2;
    fingerprints['stage2Samples'] = digest(x2, y2);
    const stage2 = initMlp([F2, ...cfg.hidden2, 2], cfg.seed ^ 0x21);
    standardise(stage2, x2, P2);
    train(stage2, x2, y2, P2, { epochs: cfg.epochs2, batch: 128, lr: 3e-3, seed: cfg.seed ^ 0x22, outputWeights: [1, 0.5], onEpoch: (e, l) => say(`stage 2: epoch ${e + 1}/${cfg.epochs2} loss ${l.toFixed(4)}`) });
    fingerprints['stage2'] = weightsDigest(stage2);
    X2.length = Y2.length = 0;

    // region merging + post-processing
    const weights: BoundaryWeights = { bank: cfg.bank, stage1, context: cfg.context, stage2 };
    const full = await session(buildBoundaryGraph(weights).encode(ENCODE_META));
    const wins: TuningWindow[] = [];
    for (const seed of cfg.mergeSeeds) {
      // the same window in every date of a grid (the two NICFI quads), fused as the host fuses them
      const byGrid = new Map<string, TuningWindow[]>();
      for await (const { win, truth, pre, grid } of seedWindows(seed, cfg, work)) {
        const N = win.width * win.height;
        const out = await full.run({ [INPUT_NAME]: new ort.Tensor('float32', pre.input, [1, cfg.bank.channels, win.height, win.width]) });
        const maps = out[OUTPUT_NAME]!.data as Float32Array;
        const boundary = maps.slice(0, N), extent = maps.slice(N, 2 * N);
        for (let i = 0; i < N; i++) if (!pre.valid[i]) { boundary[i] = 1; extent[i] = 0; }
        const tw: TuningWindow = { sceneId: win.sceneId, truth, map: { width: win.width, height: win.height, boundary, extent, valid: pre.valid, channels: pre.input } };
        wins.push(tw);
        byGrid.set(grid, [...(byGrid.get(grid) ?? []), tw]);
      }
      for (const same of byGrid.values()) {
        if (same.length < 2) continue;
        wins.push({ sceneId: `dates:${same.map((w) => w.sceneId).join('+')}`, truth: same[0]!.truth, map: fuseDates(same.map((w) => w.map)) });
      }
      say(`merge: seed ${seed} mapped`);
    }
    await full.release();
    const base = { ...DEFAULT_SEGMENT_PARAMS };
    const xs: number[] = [], ys: number[] = [];
    const rng3 = new Rng(cfg.seed ^ 0x53);
    for (const w of wins) mergePairs(w, base, rng3, xs, ys);
    const x3 = Float32Array.from(xs), y3 = Float32Array.from(ys), P3 = ys.length;
    const mergeNet = initMlp([x3.length / P3, ...cfg.mergeHidden, 1], cfg.seed ^ 0x31);
    standardise(mergeNet, x3, P3);
    train(mergeNet, x3, y3, P3, { epochs: cfg.epochsMerge, batch: 64, lr: 3e-3, seed: cfg.seed ^ 0x32, outputWeights: [1] });
    fingerprints['merge'] = weightsDigest(mergeNet);
    const merge = toDense(mergeNet);
    say(`merge: ${P3} pairs trained`);
    let best: { post: SegmentParams; scores: ReturnType<typeof pixelScores> } | null = null;
    for (const core of cfg.tuning.core) {
      for (const neck of cfg.tuning.neck) {
        for (const threshold of cfg.tuning.threshold) {
          const post = { ...base, core, neck, threshold };
          const scores = pixelScores(wins, merge, post);
          if (!best || scores.objective > best.scores.objective + 1e-9) best = { post, scores };
        }
      }
    }
    say(`tuned: core ${best!.post.core}, neck ${best!.post.neck}, threshold ${best!.post.threshold}: ${JSON.stringify(best!.scores.scenes)}`);
    return { weights, merge, post: best!.post, tuning: best!.scores, fingerprints, samples: { stage1: P1, stage2: P2, merge: P3 }, seconds: Math.round((Date.now() - t0) / 1000) };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
