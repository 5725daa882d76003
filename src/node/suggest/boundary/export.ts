/**
 * Writes a trained boundary model as a model folder: model.onnx (onnx-graph.ts) and model.json
 * (model-manifest.ts schema: inputs and bands, normalisation, sha256, how it was made, validation).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import type { DenseNet } from '../../../common/suggest/merge-model';
import type { SegmentParams } from '../../../common/suggest/segment';
import { sha256, type BoundaryManifest } from '../model-manifest';
import { probeInput } from '../boundary-engine';
import { CLOUD_REFLECTANCE, INPUT_CHANNELS } from './preprocess';
import { buildBoundaryGraph, INPUT_NAME, OUTPUT_NAME, type BoundaryWeights } from './onnx-graph';
import { toDense } from './build';
import type { BankSpec } from './filter-bank';
import type { ContextSpec } from './context';
import type { MlpWeights } from './mlp';

export interface ModelMeta {
  id: string;
  version: string;
  description: string;
  made: Record<string, unknown>;
  validation?: Record<string, unknown> | null;
}

export function encodeBoundaryModel(weights: BoundaryWeights, meta: { id: string; version: string; description: string }): Uint8Array {
  return buildBoundaryGraph(weights).encode({ producer: 'fieldmark', version: meta.version, doc: `${meta.id}: ${meta.description}`, modelVersion: 1 });
}

/** Output of the model on the standard probe: a few numbers that identify what the model computes. */
export async function probeSignature(bytes: Uint8Array): Promise<{ mean: number[]; samples: number[] }> {
  const s = await ort.InferenceSession.create(bytes, { executionProviders: ['cpu'], intraOpNumThreads: 1, logSeverityLevel: 3 });
  try {
    const out = await s.run({ [INPUT_NAME]: new ort.Tensor('float32', probeInput(INPUT_CHANNELS), [1, INPUT_CHANNELS, 64, 64]) });
    const d = out[OUTPUT_NAME]!.data as Float32Array;
    const N = 64 * 64;
    const mean = [0, 1].map((c) => d.subarray(c * N, (c + 1) * N).reduce((a, v) => a + v, 0) / N);
    const samples = [0, 517, 1333, 2050, 3001, 4095].flatMap((i) => [d[i]!, d[N + i]!]);
    return { mean: mean.map((v) => +v.toFixed(6)), samples: samples.map((v) => +v.toFixed(6)) };
  } finally {
    await s.release();
  }
}

export function boundaryManifest(meta: ModelMeta, hash: string, merge: DenseNet | null, post: SegmentParams, resample?: { aboveM: number; toM: number }): BoundaryManifest {
  return {
    id: meta.id,
    version: meta.version,
    kind: 'boundary',
    description: meta.description,
    license: 'Apache-2.0',
    file: 'model.onnx',
    sha256: hash,
    inputs: { name: INPUT_NAME, bands: ['blue', 'green', 'red', 'nir'], channels: ['blue', 'green', 'red', 'nir', 'ndvi'] },
    outputs: { name: OUTPUT_NAME, channels: ['boundary', 'extent'] },
    normalisation: {
      method: 'window-robust',
      reflectanceScale: 1e-4,
      cloudReflectance: CLOUD_REFLECTANCE,
      description:
        'per window and band over usable pixels: (x - p50) / (p98 - p2); channel 5 = NDVI of the raw values; unusable pixels (no-data, UDM2 cloud / shadow / heavy haze, or without a mask blue, green and red all above cloudReflectance) take the median',
    },
    window: { size: 512, pixelSizeM: [3, 4.8], ...(resample ? { resample } : {}) },
    postprocess: { core: post.core, neck: post.neck, minCore: post.minCore, threshold: post.threshold, maxArea: post.maxArea, merge },
    made: meta.made,
    ...(meta.validation ? { validation: meta.validation } : {}),
  };
}

/** weights.json: what retraining starts from. */
export interface WeightsFile {
  bank: BankSpec;
  stage1: DenseNet;
  context: ContextSpec;
  stage2: DenseNet;
}

export function weightsFile(w: BoundaryWeights): WeightsFile {
  return { bank: w.bank, stage1: toDense(w.stage1), context: w.context, stage2: toDense(w.stage2) };
}

export function fromDense(d: DenseNet): MlpWeights {
  return { sizes: [...d.sizes], W: d.W.map((a) => Float64Array.from(a)), b: d.b.map((a) => Float64Array.from(a)), mean: Float64Array.from(d.mean), std: Float64Array.from(d.std) };
}

export function readWeightsFile(w: WeightsFile): BoundaryWeights {
  return { bank: w.bank, stage1: fromDense(w.stage1), context: w.context, stage2: fromDense(w.stage2) };
}

export async function writeModelFolder(dir: string, bytes: Uint8Array, manifest: BoundaryManifest, weights?: BoundaryWeights): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'model.onnx'), bytes);
  let ref: { file: string; sha256: string } | undefined;
  if (weights) {
    const text = new TextEncoder().encode(`${JSON.stringify(weightsFile(weights))}\n`);
    await writeFile(join(dir, 'weights.json'), text);
    ref = { file: 'weights.json', sha256: sha256(text) };
  }
  await writeFile(join(dir, 'model.json'), `${JSON.stringify({ ...manifest, sha256: sha256(bytes), ...(ref ? { weights: ref } : {}) }, null, 1)}\n`);
}
