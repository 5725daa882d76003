/**
 * Learning from the campaign (`fieldmark suggest --retrain --db FILE`, API `retrainSuggestionModel`):
 * the stage-2 network of the current boundary model is fine-tuned on the campaign's accepted
 * labels (campaign-data.ts; the filter bank and stage 1 stay), written as a new model folder in
 * `<db folder>/models/`, and both models are measured on the held-out sites by clicking every
 * labelled field there through the real host. The new model becomes the campaign's active model
 * (`models/active.json`) only when its mean IoU beats the current one's by 0.005; both are kept.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { ApiError } from '../../common/api/errors';
import { iou } from '../../common/suggest/geo';
import { Rng } from '../demo/rng';
import { openDatabase } from '../store/database';
import { contextFeatureCount } from './boundary/context';
import { boundaryTarget } from './boundary/training-data';
import { boundaryManifest, encodeBoundaryModel, readWeightsFile, writeModelFolder, type WeightsFile } from './boundary/export';
import { train } from './boundary/mlp';
import { buildBoundaryGraph, INPUT_NAME, STAGE2_FEATURES } from './boundary/onnx-graph';
import { INPUT_CHANNELS, preprocess } from './boundary/preprocess';
import { campaignSites, siteWindow, type SiteWindow } from './campaign-data';
import { levelToLonLat } from './image-window';
import { openImage } from '../imagery/open-image';
import { findModel, listModels, modelDirs, readModelFile, sha256, type BoundaryManifest } from './model-manifest';
import type { HostOptions } from './protocol';
import { DEFAULT_MODEL, SuggestHost } from './suggest-host';

export interface RetrainOptions {
  dbPath: string;
  baseModel?: string;
  hostOptions?: HostOptions;
  log?: (line: string) => void;
  epochs?: number;
  samplesPerWindow?: number;
  seed?: number;
}

export interface ModelScore {
  id: string;
  medianIoU: number;
  meanIoU: number;
}

export interface RetrainReport {
  campaign: string;
  sites: number;
  trainSites: number;
  heldOutSites: number;
  heldOutFields: number;
  samples: number;
  current: ModelScore;
  candidate: ModelScore & { dir: string };
  adopted: boolean;
  reason: string;
  activeModel: string;
  seconds: number;
}

async function heldOutScores(host: SuggestHost, model: string, wins: SiteWindow[]): Promise<number[]> {
  const out: number[] = [];
  for (const w of wins) {
    const { truth, win } = w;
    const [x0, y0] = win.placement.box;
    const img = await openImage(w.scene.path);
    const toLL = levelToLonLat(img, win.placement.level);
    await img.close();
    for (const f of truth.fields) {
      let best = -1, bd = 0;
      for (let i = 0; i < truth.fieldId.length; i++) if (truth.fieldId[i] === f.idx + 1 && w.known[i] && truth.bdist[i]! > bd) { bd = truth.bdist[i]!; best = i; }
      if (best < 0 || bd < 1.5) continue;
      const [lon, lat] = toLL(x0 + (best % win.width) + 0.5, y0 + Math.floor(best / win.width) + 0.5);
      try {
        const r = await host.suggest({ image: w.scene.path, mask: w.scene.mask, lon, lat, model });
        out.push(iou(r.polygon, w.labels[f.idx]!));
      } catch {
        out.push(0);
      }
    }
  }
  return out;
}

const median = (a: number[]) => {
  const s = [...a].sort((x, y) => x - y);
  return s.length ? s[Math.floor(s.length / 2)]! : 0;
};
const mean = (a: number[]) => (a.length ? a.reduce((s, v) => s + v, 0) / a.length : 0);

export async function retrainFromCampaign(o: RetrainOptions): Promise<RetrainReport> {
  const t0 = Date.now();
  const log = o.log ?? (() => undefined);
  const db = openDatabase(o.dbPath, { readonly: true, create: false });
  const { campaign, sites } = (() => {
    try {
      return campaignSites(db);
    } finally {
      db.close();
    }
  })();
  if (sites.length < 2) throw new ApiError('BAD_INPUT', `${o.dbPath}: retraining needs accepted labels (reference or approved) on at least 2 sites with 4-band imagery; found ${sites.length}`);
  const campaignDir = join(dirname(o.dbPath), 'models');
  await mkdir(campaignDir, { recursive: true });
  const dirs = modelDirs([campaignDir, ...(o.hostOptions?.modelDirs ?? [])]);
  const host = new SuggestHost({ ...o.hostOptions, modelDirs: [campaignDir, ...(o.hostOptions?.modelDirs ?? [])] });
  try {
    const currentId = o.baseModel ?? host.defaultModel() ?? DEFAULT_MODEL;
    const entry = findModel(listModels(dirs), currentId);
    if (entry.manifest.kind !== 'boundary') throw new ApiError('BAD_INPUT', `model ${currentId} is a ${entry.manifest.kind} model: only boundary models are retrained`);
    const m = entry.manifest as BoundaryManifest;
    if (!m.weights) throw new ApiError('BAD_INPUT', `model ${currentId} has no weights.json: it cannot be retrained`);
    const weights = readWeightsFile(JSON.parse(new TextDecoder().decode(readModelFile(entry, m.weights))) as WeightsFile);
    // windows of every site and scene
    const wins: SiteWindow[] = [];
    for (const s of sites) for (const sc of s.scenes) {
      const w = await siteWindow(s, sc, m.window.size, m.window.pixelSizeM[1] * 1.25, m.window.resample).catch(() => null);
      if (w) wins.push(w);
    }
    const train_ = wins.filter((w) => !w.site.heldOut), held = wins.filter((w) => w.site.heldOut);
    log(`${sites.length} sites with accepted labels: ${train_.length} training windows, ${held.length} held out`);
    // stage-2 samples from the fixed stage 1
    const Hd = weights.stage1.sizes[weights.stage1.sizes.length - 2]!;
    const F2 = contextFeatureCount(Hd, weights.context);
    const feat = await ort.InferenceSession.create(buildBoundaryGraph(weights, true).encode({ producer: 'fieldmark', version: 'retrain', doc: 'features', modelVersion: 1 }), { executionProviders: ['cpu'], intraOpNumThreads: 1, logSeverityLevel: 3 });
    const rng = new Rng(o.seed ?? 0xc0ffee);
    const xs: Float32Array[] = [], ys: Float32Array[] = [];
    const per = o.samplesPerWindow ?? 6000;
    for (const w of train_) {
      const { win } = w;
      const pre = preprocess(win.bands, win.width, win.height, { nodata: win.nodata, cloud: win.cloud, reflectanceScale: m.normalisation.reflectanceScale });
      if (pre.validFraction < 0.05) continue;
      const N = win.width * win.height;
      const out = await feat.run({ [INPUT_NAME]: new ort.Tensor('float32', pre.input, [1, INPUT_CHANNELS, win.height, win.width]) });
      const f = out[STAGE2_FEATURES]!.data as Float32Array;
      const pool: number[] = [];
      for (let i = 0; i < N; i++) if (pre.valid[i] && w.known[i]) pool.push(i);
      const n = Math.min(per, pool.length);
      const X = new Float32Array(n * F2), Y = new Float32Array(n * 2);
      for (let p = 0; p < n; p++) {
        const q = p + rng.int(pool.length - p);
        const t = pool[p]!; pool[p] = pool[q]!; pool[q] = t;
        const i = pool[p]!;
        for (let k = 0; k < F2; k++) X[p * F2 + k] = f[k * N + i]!;
        Y[2 * p] = boundaryTarget(w.truth.bdist[i]!);
        Y[2 * p + 1] = w.truth.fieldId[i]! > 0 ? 1 : 0;
      }
      xs.push(X);
      ys.push(Y);
    }
    await feat.release();
    const P = ys.reduce((s, y) => s + y.length / 2, 0);
    if (P < 500) throw new ApiError('BAD_INPUT', `${o.dbPath}: too few labelled pixels to retrain on (${P})`);
    const X = new Float32Array(P * F2), Y = new Float32Array(P * 2);
    let ox = 0, oy = 0;
    for (let k = 0; k < xs.length; k++) { X.set(xs[k]!, ox); ox += xs[k]!.length; Y.set(ys[k]!, oy); oy += ys[k]!.length; }
    const stage2 = { ...weights.stage2, W: weights.stage2.W.map((a) => a.slice()), b: weights.stage2.b.map((a) => a.slice()) };
    // fine-tuned from the base weights, with the base model's feature standardisation
    train(stage2, X, Y, P, { epochs: o.epochs ?? 4, batch: 128, lr: 1e-3, seed: (o.seed ?? 7) ^ 0x77, outputWeights: [1, 0.5], onEpoch: (e, l) => log(`epoch ${e + 1}: loss ${l.toFixed(4)}`) });
    const candWeights = { ...weights, stage2 };
    const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');
    const candId = `${currentId.replace(/-c\d{8}-\d{6}$/, '')}-c${stamp}`;
    const bytes = encodeBoundaryModel(candWeights, { id: candId, version: m.version, description: `${m.id} fine-tuned on campaign ${campaign}` });
    const made = { by: 'fieldmark suggest --retrain', from: `${m.id} ${m.version}`, campaign, trainSites: sites.filter((s) => !s.heldOut).map((s) => s.id), samples: P, epochs: o.epochs ?? 4 };
    const candDir = join(campaignDir, candId);
    const manifest = boundaryManifest({ id: candId, version: m.version, description: `${m.id} fine-tuned on the accepted labels of campaign ${campaign}`, made }, sha256(bytes), m.postprocess.merge, m.postprocess, m.window.resample);
    await writeModelFolder(candDir, bytes, manifest, candWeights);
    log(`wrote ${candDir}`);
    const cur = await heldOutScores(host, currentId, held);
    const cand = await heldOutScores(host, candId, held);
    const current: ModelScore = { id: currentId, medianIoU: median(cur), meanIoU: mean(cur) };
    const candidate = { id: candId, dir: candDir, medianIoU: median(cand), meanIoU: mean(cand) };
    const adopted = cand.length > 0 && candidate.meanIoU > current.meanIoU + 0.005;
    const reason = cand.length === 0 ? 'no held-out fields to compare on' : adopted ? 'beats the current model on the held-out sites' : 'does not beat the current model on the held-out sites';
    const validation = { heldOutSites: sites.filter((s) => s.heldOut).map((s) => s.id), fields: cand.length, candidate: { medianIoU: candidate.medianIoU, meanIoU: candidate.meanIoU }, current };
    await writeModelFolder(candDir, bytes, { ...manifest, validation }, candWeights);
    if (adopted) await writeFile(join(campaignDir, 'active.json'), `${JSON.stringify({ boundary: candId, adoptedAt: new Date().toISOString(), replaced: currentId, validation }, null, 1)}\n`);
    return {
      campaign,
      sites: sites.length,
      trainSites: sites.filter((s) => !s.heldOut).length,
      heldOutSites: sites.filter((s) => s.heldOut).length,
      heldOutFields: cand.length,
      samples: P,
      current,
      candidate,
      adopted,
      reason,
      activeModel: adopted ? candId : currentId,
      seconds: Math.round((Date.now() - t0) / 1000),
    };
  } finally {
    await host.close();
  }
}
