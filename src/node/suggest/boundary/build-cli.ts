/**
 * `node scripts/build-models.mjs [--out models] [--quick] [--no-eval] [--eval-only]`: trains the boundary model
 * with the default (or the quick) config, writes `<out>/boundary-v1/`, and measures it on the
 * held-out validation seed through the real suggestion host. The quick config is a small subset
 * whose fingerprints the full build records, so that a test can re-run it in seconds.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { buildBoundaryModel, DEFAULT_BUILD, type BuildConfig, type BuildResult, type Log } from './build';
import { boundaryManifest, encodeBoundaryModel, probeSignature, writeModelFolder } from './export';
import { evaluateSynthetic } from '../eval/synthetic-eval';
import { SuggestHost } from '../suggest-host';
import { sha256 } from '../model-manifest';

export const MODEL_ID = 'boundary-v1';
export const MODEL_VERSION = '1.3.0';
const DESCRIPTION = 'Field boundary + extent maps from PlanetScope-like 4-band imagery (filter bank + 2-stage MLP), region merging model; other dates of the same grid averaged in';

export const QUICK_BUILD: BuildConfig = {
  ...DEFAULT_BUILD,
  trainSeeds: [11],
  contextSeeds: [11],
  mergeSeeds: [12],
  quadSize: 512,
  window: 256,
  samplesPerWindow: 2000,
  hidden1: [16, 8],
  hidden2: [8],
  epochs1: 2,
  epochs2: 2,
  epochsMerge: 4,
  tuning: { core: [0.1], neck: [3], threshold: [0.5] },
};

export interface QuickFingerprint {
  config: BuildConfig;
  fingerprints: Record<string, string>;
  probe: { mean: number[]; samples: number[] };
}

/** The quick subset build: fingerprints of every stage and the probe output of its model. */
export async function quickFingerprint(log: Log = () => undefined): Promise<QuickFingerprint> {
  const r = await buildBoundaryModel(QUICK_BUILD, log);
  const bytes = encodeBoundaryModel(r.weights, { id: 'quick', version: '0', description: 'quick' });
  return { config: QUICK_BUILD, fingerprints: { ...r.fingerprints, onnx: sha256(bytes) }, probe: await probeSignature(bytes) };
}

function made(r: BuildResult, quick: QuickFingerprint | null): Record<string, unknown> {
  return {
    by: 'npm run build:models (scripts/build-models.mjs -> src/node/suggest/boundary/build-cli.ts)',
    pipeline: 'synthetic scenes of src/node/demo (seeded) -> filter bank + MLP (stage 1) -> line / context filters + MLP (stage 2) -> region-merging MLP -> post-processing tuned (on single-date windows and on the two NICFI dates of a quad fused); hand-written backprop, Adam; ONNX written from TypeScript',
    config: DEFAULT_BUILD,
    samples: r.samples,
    seconds: r.seconds,
    fingerprints: r.fingerprints,
    tuning: r.tuning.scenes,
    ...(quick ? { quick: { fingerprints: quick.fingerprints, probe: quick.probe } } : {}),
  };
}

export async function main(argv: string[]): Promise<void> {
  const arg = (name: string) => argv.includes(`--${name}`);
  const outIdx = argv.indexOf('--out');
  const out = resolve(outIdx >= 0 ? argv[outIdx + 1]! : 'models');
  const log: Log = (s) => process.stderr.write(`${s}\n`);
  if (arg('quick')) {
    process.stdout.write(`${JSON.stringify(await quickFingerprint(log), null, 1)}\n`);
    return;
  }
  if (arg('eval-only')) {
    // re-measure the model already in <out>/boundary-v1 (e.g. after a change to the evaluation)
    const dir = join(out, MODEL_ID);
    const file = join(dir, 'model.json');
    const manifest = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
    await validate(dir, log, (validation) => writeFile(file, `${JSON.stringify({ ...manifest, validation }, null, 1)}\n`));
    return;
  }
  const r = await buildBoundaryModel(DEFAULT_BUILD, log);
  log('quick subset (fingerprints for the rebuild test)');
  const quick = await quickFingerprint();
  const bytes = encodeBoundaryModel(r.weights, { id: MODEL_ID, version: MODEL_VERSION, description: DESCRIPTION });
  const probe = await probeSignature(bytes);
  const meta = { id: MODEL_ID, version: MODEL_VERSION, description: DESCRIPTION, made: { ...made(r, quick), probe } };
  const dir = join(out, MODEL_ID);
  await writeModelFolder(dir, bytes, boundaryManifest(meta, sha256(bytes), r.merge, r.post, DEFAULT_BUILD.resample), r.weights);
  log(`wrote ${dir} (${bytes.length} bytes)`);
  if (arg('no-eval')) return;
  await validate(dir, log, (validation) => writeModelFolder(dir, bytes, boundaryManifest({ ...meta, validation }, sha256(bytes), r.merge, r.post, DEFAULT_BUILD.resample), r.weights));
}

/**
 * Measures the model in `dir` on the held-out validation seed through the real host: every scene
 * alone, and each NICFI quad with the other season of its quad (as the app proposes on a site
 * with both); `save` records the figures in the manifest.
 */
async function validate(dir: string, log: Log, save: (validation: Record<string, unknown>) => Promise<void>): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), 'fieldmark-eval-'));
  const host = new SuggestHost({ modelDirs: [dirname(dir)], forceCpu: true });
  try {
    const t0 = Date.now();
    const ev = await evaluateSynthetic({ seed: DEFAULT_BUILD.validationSeed, host, workDir: join(work, 'one'), model: MODEL_ID, quadSize: DEFAULT_BUILD.quadSize });
    // the two NICFI quads of a site, as the app proposes on them: each with the other date
    const both = await evaluateSynthetic({ seed: DEFAULT_BUILD.validationSeed, host, workDir: join(work, 'dates'), model: MODEL_ID, quadSize: DEFAULT_BUILD.quadSize, scenes: ['nicfi_'], otherDates: true });
    await save({
      heldOutSeed: ev.seed,
      note: 'never used in training; every true field inside a 512-px tile and >= 95% cloud-free, clicked at its most interior pixel through the suggestion host; recall: fields matched by a whole-view proposal (each tile a view, no proposal cap) with IoU > 0.5; bySize: fields under / from 1 ha',
      scenes: ev.scenes,
      withOtherDate: {
        note: 'the same, each NICFI quad with the other season of the same quad given as `also` (boundary and extent maps averaged), as the app does for a site with both seasons',
        scenes: both.scenes,
      },
      seconds: Math.round((Date.now() - t0) / 1000),
    });
    for (const s of ev.scenes) log(`${s.scene}: ${s.clicks} clicks, median IoU ${s.medianIoU.toFixed(3)}, recall ${s.recall50.toFixed(3)}`);
    for (const s of both.scenes) log(`${s.scene} + other date: ${s.clicks} clicks, median IoU ${s.medianIoU.toFixed(3)}, recall ${s.recall50.toFixed(3)}`);
  } finally {
    await host.close();
    await rm(work, { recursive: true, force: true });
  }
}
