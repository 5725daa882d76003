/**
 * `fieldmark bench suggest [--image FILE] [--n N] [--out DIR]`: the suggestion engine's speed and
 * quality in one run (`--n`: fresh windows timed, default 8; quality clicks per scene: 25 n).
 * - speed on CPU: window processing (512 x 512 x 4: read, preprocess, model, basins) on fresh
 *   windows, and per-click time after it (region growing + polygon); targets < 500 ms / window
 *   and < 50 ms / click on 2 cores. Baseline: the same network computed in TypeScript
 *   (filter-bank.ts + mlp.ts + context.ts) on one window, in this run.
 *   With the synthetic quad, also fresh windows with the off-season quad averaged in (two dates).
 * - quality on a held-out synthetic world (seed 9001: never used in training or tuning): median
 *   click IoU (target >= 0.9) and whole-view recall at IoU > 0.5 (target >= 85%) per scene, by
 *   field size (under / from 1 ha), and for each NICFI quad with the other season averaged in;
 *   and on the real PlanetScope chips of ../shared/realdata when present (reported).
 * - the GPU: WebGPU / CUDA tried; when one works its window and click times are printed too,
 *   otherwise `gpu.available: false` with why, and which provider the figures used.
 * - a SAM pair in the model folders, when there is one: its window (encoder) and click
 *   (decoder) times and the ratios against the boundary model.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { CliContext } from '../cli/command';
import { computeFeatures } from '../suggest/boundary/filter-bank';
import { contextFeatures } from '../suggest/boundary/context';
import { readWeightsFile, type WeightsFile } from '../suggest/boundary/export';
import { predictMap } from '../suggest/boundary/mlp';
import { preprocess } from '../suggest/boundary/preprocess';
import { evaluateSynthetic, type SceneEval } from '../suggest/eval/synthetic-eval';
import { evaluateWhittier, realDataDir } from '../suggest/eval/real-eval';
import { chooseLevel, placeWindow, readImageWindow, levelToLonLat } from '../suggest/image-window';
import { findModel, listModels, modelDirs, readModelFile, type BoundaryManifest } from '../suggest/model-manifest';
import { SuggestHost, DEFAULT_MODEL } from '../suggest/suggest-host';
import { openImage } from '../imagery/open-image';
import { summarize } from './stats';

const HELD_OUT_SEED = 9001;

interface Timings {
  provider: string;
  window: ReturnType<typeof summarize>;
  read: ReturnType<typeof summarize>;
  click: ReturnType<typeof summarize>;
}

/** Points spread over the image, away from its edges. */
function points(w: number, h: number, n: number): [number, number][] {
  const out: [number, number][] = [];
  const k = Math.ceil(Math.sqrt(n));
  for (let j = 0; j < k && out.length < n; j++) for (let i = 0; i < k && out.length < n; i++) out.push([((i + 0.5) / k) * w, ((j + 0.5) / k) * h]);
  return out;
}

/** Fresh windows of an image with other dates averaged in (the app's NICFI sites: both seasons). */
async function timeWithDates(host: SuggestHost, image: string, also: string[], n: number): Promise<{ dates: number; window: ReturnType<typeof summarize>; read: ReturnType<typeof summarize> }> {
  const img = await openImage(image);
  const level = chooseLevel(img, 6);
  const ll = levelToLonLat(img, level);
  await img.close();
  const windows: number[] = [], reads: number[] = [];
  let dates = 1;
  for (const [x, y] of points(level.width, level.height, n)) {
    const [lon, lat] = ll(x, y);
    const t = await host.timeWindow({ image, lon, lat, also: also.map((a) => ({ image: a })) });
    dates = t.dates;
    windows.push(t.processMs);
    reads.push(t.readMs);
  }
  return { dates, window: summarize(windows), read: summarize(reads) };
}

async function timeHost(host: SuggestHost, image: string, n: number, model?: string): Promise<Timings> {
  const img = await openImage(image);
  const level = chooseLevel(img, 6);
  const ll = levelToLonLat(img, level);
  await img.close();
  const windows: number[] = [], reads: number[] = [], clicks: number[] = [];
  let provider = 'cpu';
  for (const [x, y] of points(level.width, level.height, n)) {
    const [lon, lat] = ll(x, y);
    const t = await host.timeWindow({ image, lon, lat, model });
    provider = t.executionProvider;
    windows.push(t.processMs);
    reads.push(t.readMs);
  }
  // clicks on cached windows: a grid of clicks inside one window
  const [cx, cy] = [level.width / 2, level.height / 2];
  for (let k = 0; k < 4 * n; k++) {
    const [lon, lat] = ll(cx - 150 + ((k * 37) % 300), cy - 150 + ((k * 61) % 300));
    try {
      const r = await host.suggest({ image, lon, lat, model });
      if (r.window.cached) clicks.push(r.ms.click + r.ms.polygon);
    } catch {
      // a click on nothing traceable: not timed
    }
  }
  return { provider, window: summarize(windows), read: summarize(reads), click: summarize(clicks) };
}

async function typescriptBaseline(image: string): Promise<{ name: string; n: number; median_ms: number } | null> {
  const listing = listModels(modelDirs());
  let entry;
  try {
    entry = findModel(listing, DEFAULT_MODEL);
  } catch {
    return null;
  }
  const m = entry.manifest as BoundaryManifest;
  if (!m.weights) return null;
  const w = readWeightsFile(JSON.parse(new TextDecoder().decode(readModelFile(entry, m.weights))) as WeightsFile);
  const img = await openImage(image);
  try {
    const level = chooseLevel(img, 6);
    const win = await readImageWindow(img, placeWindow(level, level.width / 2, level.height / 2, 512), null);
    const t0 = performance.now();
    const pre = preprocess(win.bands, win.width, win.height, { nodata: win.nodata, cloud: null, reflectanceScale: 1e-4 });
    const N = win.width * win.height;
    const r1 = predictMap(w.stage1, computeFeatures(pre.input, win.width, win.height, w.bank), N);
    const Hd = w.stage1.sizes[w.stage1.sizes.length - 2]!;
    predictMap(w.stage2, contextFeatures(r1.hidden, Hd, r1.out, win.width, win.height, w.context), N);
    return { name: 'the same network in TypeScript (no onnxruntime), one 512x512 window', n: 1, median_ms: Math.round(performance.now() - t0) };
  } finally {
    await img.close();
  }
}

const pick = (s: SceneEval) => ({
  scene: s.scene,
  pixelSizeM: s.pixelSizeM,
  clicks: s.clicks,
  medianIoU: +s.medianIoU.toFixed(3),
  q25IoU: +s.q25IoU.toFixed(3),
  atLeast90: +s.atLeast90.toFixed(3),
  fieldsInViews: s.fieldsInViews,
  recall50: +s.recall50.toFixed(3),
  proposals: s.proposals,
  bySize: s.bySize.map((b) => ({ ...b, medianIoU: +b.medianIoU.toFixed(3), recall50: +b.recall50.toFixed(3) })),
});

/** The registry's Benchmark shape (not imported: the registry imports this file). */
type BenchOptions = Record<string, string | boolean | undefined>;

export const suggestBench: { name: string; summary: string; run(opts: BenchOptions, ctx: CliContext): Promise<Record<string, unknown>> } = {
  name: 'suggest',
  summary: 'suggestion engine: window and click times (CPU, and GPU when there is one), click IoU and whole-view recall on held-out synthetic scenes and real PlanetScope chips, SAM ratio',
  async run(opts, ctx: CliContext) {
    const n = opts['n'] !== undefined ? Math.max(2, Math.min(200, Number(opts['n']) || 8)) : 8;
    const work = typeof opts['out'] === 'string' ? resolve(opts['out']) : mkdtempSync(join(tmpdir(), 'fieldmark-bench-suggest-'));
    const cpu = new SuggestHost({ forceCpu: true });
    try {
      ctx.say(`bench suggest: held-out synthetic world (seed ${HELD_OUT_SEED}) ...`);
      const quality = await evaluateSynthetic({ seed: HELD_OUT_SEED, host: cpu, workDir: join(work, 'synthetic'), maxClicks: 25 * n });
      ctx.say('bench suggest: the NICFI quads with their other season ...');
      const withOtherDate = await evaluateSynthetic({ seed: HELD_OUT_SEED, host: cpu, workDir: join(work, 'synthetic-dates'), maxClicks: 25 * n, scenes: ['nicfi_'], otherDates: true });
      const image = typeof opts['image'] === 'string' ? resolve(opts['image']) : join(work, 'synthetic', 'imagery', 'quad_2024-08-15.tif');
      ctx.say('bench suggest: CPU timings ...');
      const cpuT = await timeHost(cpu, image, n);
      const baseline = await typescriptBaseline(image);
      const offSeason = join(work, 'synthetic', 'imagery', 'quad_2024-12-15.tif');
      const twoDates = typeof opts['image'] === 'string' ? null : await timeWithDates(cpu, image, [offSeason], n);
      ctx.say('bench suggest: real PlanetScope chips ...');
      const real = realDataDir();
      const realEval = real ? await evaluateWhittier(cpu, real) : null;
      const realDates = real ? await evaluateWhittier(cpu, real, undefined, true) : null;
      // GPU providers
      const gpu: Record<string, unknown> = { available: false };
      const tried: unknown[] = [];
      for (const p of ['cuda', 'webgpu']) {
        const host = new SuggestHost({ providers: [p] });
        try {
          const info = await host.load();
          tried.push(...info.providers.filter((a) => a.name !== 'cpu'));
          if (info.executionProvider === p) {
            ctx.say(`bench suggest: ${p} timings ...`);
            Object.assign(gpu, { available: true, ...(await timeHost(host, image, n)) });
            break;
          }
        } finally {
          await host.close();
        }
      }
      gpu['tried'] = tried;
      if (!gpu['available']) gpu['note'] = `no GPU execution provider works here; every figure above is ${cpuT.provider}`;
      // SAM pair
      let sam: Record<string, unknown> | null = null;
      const samEntry = listModels(modelDirs()).models.find((e) => e.manifest.kind === 'sam');
      if (samEntry) {
        const t = await timeHost(cpu, image, Math.min(n, 4), samEntry.manifest.id);
        sam = { model: samEntry.manifest.id, ...t, windowRatio: +(t.window.median_ms / cpuT.window.median_ms).toFixed(2), clickRatio: +(t.click.median_ms / cpuT.click.median_ms).toFixed(2) };
      }
      const scenes = quality.scenes.map(pick);
      const ps = quality.scenes.filter((s) => s.scene.startsWith('ps_'));
      return {
        name: 'suggest',
        n: cpuT.click.n,
        median_ms: cpuT.click.median_ms,
        p95_ms: cpuT.click.p95_ms,
        executionProvider: cpuT.provider,
        cores: availableParallelism(),
        window: { ...cpuT.window, read: cpuT.read, size: [512, 512, 4], target_ms: 500 },
        ...(twoDates ? { windowWithOtherDate: { ...twoDates.window, read: twoDates.read, dates: twoDates.dates } } : {}),
        click: { ...cpuT.click, target_ms: 50 },
        baseline,
        quality: {
          heldOutSeed: HELD_OUT_SEED,
          scenes,
          planetscopeLike: { medianIoU: ps[0]?.medianIoU ?? null, recall50: ps[0]?.recall50 ?? null, targets: { medianIoU: 0.9, recall50: 0.85 } },
          // each NICFI quad proposed with the other season of its quad averaged in, as the app does for a site with both
          nicfiWithOtherDate: withOtherDate.scenes.map(pick),
        },
        realdata: realEval ? { medianIoU: +realEval.medianIoU.toFixed(3), meanIoU: +realEval.meanIoU.toFixed(3), recall50: +realEval.recall50.toFixed(3), chips: realEval.chips, fields: realEval.fields, byDate: realEval.byDate, ...(realDates ? { withOtherDates: { medianIoU: +realDates.medianIoU.toFixed(3), meanIoU: +realDates.meanIoU.toFixed(3), recall50: +realDates.recall50.toFixed(3) } } : {}) } : { note: 'no ../shared/realdata here' },
        gpu,
        sam: sam ?? { note: 'no SAM-family pair in the model folders' },
        image,
      };
    } finally {
      await cpu.close();
      if (typeof opts['out'] !== 'string') rmSync(work, { recursive: true, force: true });
    }
  },
};
