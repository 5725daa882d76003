/**
 * The boundary-model engine: window -> preprocess (boundary/preprocess.ts) -> ONNX (boundary +
 * extent maps) -> basins (common/suggest/watershed.ts), cached per window; a click then grows a
 * region over the basins in a few milliseconds (common/suggest/segment.ts). Other dates of the
 * same window (the host's `also`) are run too and their maps averaged (common/suggest/fuse-dates.ts).
 */
import * as ort from 'onnxruntime-node';
import { ApiError } from '../../common/api/errors';
import { fuseDates } from '../../common/suggest/fuse-dates';
import type { BoundaryMap } from '../../common/suggest/watershed';
import { clickRegion, proposalMask, proposeRegions, segmenter, type PixelPrompt, type RegionMask, type Segmenter } from '../../common/suggest/segment';
import { INPUT_CHANNELS, preprocess } from './boundary/preprocess';
import { datesKey, WindowCache, type EngineInfo, type ProcessedWindow, type SuggestionEngine } from './engine';
import type { ImageWindow } from './image-window';
import { readModelFile, type BoundaryManifest, type ModelEntry } from './model-manifest';
import { defaultSessionFactory, selectSession, type ProviderOptions, type SessionLike } from './providers';

interface BoundaryWindow extends ProcessedWindow {
  seg: Segmenter;
}

/** A deterministic 64 x 64 probe with edges and texture. */
export function probeInput(channels: number, size = 64): Float32Array {
  const a = new Float32Array(channels * size * size);
  for (let c = 0; c < channels; c++) {
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const field = (x > 20 && y > 12 && x + y < 90 ? 0.6 : -0.3) + 0.1 * c;
        a[c * size * size + y * size + x] = field + 0.15 * Math.sin(0.7 * x + 1.3 * c) * Math.cos(0.45 * y);
      }
    }
  }
  return a;
}

/** Checks that the session has the manifest's input and output with the expected shapes. */
export function checkBoundarySignature(id: string, s: SessionLike, m: BoundaryManifest): void {
  const want = `input "${m.inputs.name}" float32 [1, ${INPUT_CHANNELS}, H, W] and output "${m.outputs.name}" float32 [1, 2, H, W]`;
  const fail = (what: string): never => {
    throw new ApiError('BAD_INPUT', `model ${id}: wrong signature: expects ${want}; ${what}`);
  };
  const inp = s.inputMetadata.find((v) => v.name === m.inputs.name);
  if (!inp) fail(`the file's inputs are ${s.inputNames.map((n) => `"${n}"`).join(', ') || 'none'}`);
  if (s.inputNames.length !== 1) fail(`the file has ${s.inputNames.length} inputs`);
  if (inp!.isTensor) {
    const shape = inp!.shape;
    if (inp!.type !== 'float32' || shape.length !== 4 || (typeof shape[1] === 'number' && shape[1] !== INPUT_CHANNELS)) fail(`its input is ${inp!.type} [${shape.join(', ')}]`);
  }
  const out = s.outputMetadata.find((v) => v.name === m.outputs.name);
  if (!out) fail(`the file's outputs are ${s.outputNames.map((n) => `"${n}"`).join(', ') || 'none'}`);
  if (out!.isTensor && (out!.type !== 'float32' || out!.shape.length !== 4 || (typeof out!.shape[1] === 'number' && out!.shape[1] !== 2))) fail(`its output is ${out!.type} [${out!.shape.join(', ')}]`);
}

export class BoundaryEngine implements SuggestionEngine {
  private readonly cache = new WindowCache<BoundaryWindow>(8);
  private cpuFallback: SessionLike | null = null;

  private constructor(
    readonly info: EngineInfo,
    private session: SessionLike,
    private readonly manifest: BoundaryManifest,
    private readonly bytes: Uint8Array,
    private readonly opts: ProviderOptions,
  ) {}

  static async create(entry: ModelEntry, opts: ProviderOptions = {}): Promise<BoundaryEngine> {
    const m = entry.manifest;
    if (m.kind !== 'boundary') throw new ApiError('BAD_INPUT', `model ${m.id} is a ${m.kind} model, not a boundary model`);
    const bytes = readModelFile(entry, m);
    const probe = () => ({ [m.inputs.name]: new ort.Tensor('float32', probeInput(INPUT_CHANNELS), [1, INPUT_CHANNELS, 64, 64]) });
    let sel;
    try {
      sel = await selectSession(bytes, probe, [m.outputs.name], opts, (s) => checkBoundarySignature(m.id, s, m));
    } catch (e) {
      if (e instanceof ApiError) throw e;
      const msg = (e instanceof Error ? e.message : String(e)).split('\n')[0]!.slice(0, 200);
      throw new ApiError('BAD_INPUT', `model ${m.id}: ${entry.dir}/${m.file} cannot be loaded (${msg})`);
    }
    checkBoundarySignature(m.id, sel.session, m);
    const info: EngineInfo = {
      model: { id: m.id, version: m.version, kind: 'boundary' },
      executionProvider: sel.provider,
      providers: sel.attempts,
      window: { size: m.window.size, pixelSizeM: m.window.pixelSizeM, ...(m.window.resample ? { resample: m.window.resample } : {}) },
    };
    return new BoundaryEngine(info, sel.session, m, bytes, opts);
  }

  /** Runs the model; a failure on an accelerator falls back to the CPU for good. */
  private async run(input: Float32Array, w: number, h: number): Promise<Float32Array> {
    const feeds = { [this.manifest.inputs.name]: new ort.Tensor('float32', input, [1, INPUT_CHANNELS, h, w]) };
    try {
      const out = await this.session.run(feeds);
      return out[this.manifest.outputs.name]!.data as Float32Array;
    } catch (e) {
      if (this.info.executionProvider === 'cpu') throw e;
      const why = e instanceof Error ? e.message.split('\n')[0]! : String(e);
      this.info.providers.push({ name: this.info.executionProvider, ok: false, note: `failed during a run, switched to CPU: ${why.slice(0, 120)}`, ms: 0 });
      this.cpuFallback ??= await (this.opts.factory ?? defaultSessionFactory)(this.bytes, 'cpu', this.opts.threads ?? 0);
      this.session = this.cpuFallback;
      this.info.executionProvider = 'cpu';
      const out = await this.session.run(feeds);
      return out[this.manifest.outputs.name]!.data as Float32Array;
    }
  }

  /** Preprocess + model: the boundary and extent maps of one window (unusable pixels: boundary 1, extent 0). */
  private async maps(win: ImageWindow): Promise<{ map: BoundaryMap; pre: ReturnType<typeof preprocess> }> {
    const pre = preprocess(win.bands, win.width, win.height, { nodata: win.nodata, cloud: win.cloud, reflectanceScale: this.manifest.normalisation.reflectanceScale });
    const N = win.width * win.height;
    let boundary = new Float32Array(N).fill(1), extent = new Float32Array(N);
    if (pre.validFraction >= 0.02) {
      const maps = await this.run(pre.input, win.width, win.height);
      boundary = maps.slice(0, N);
      extent = maps.slice(N, 2 * N);
      for (let i = 0; i < N; i++) if (!pre.valid[i]) { boundary[i] = 1; extent[i] = 0; }
    }
    return { map: { width: win.width, height: win.height, boundary, extent, valid: pre.valid, channels: pre.input }, pre };
  }

  async processWindow(win: ImageWindow, others: ImageWindow[] = []): Promise<BoundaryWindow> {
    const key = datesKey([win.key, ...others.map((o) => o.key)]);
    const hit = this.cache.get(key);
    if (hit) return hit;
    const t0 = performance.now();
    const main = await this.maps(win);
    const all = [main.map];
    for (const o of others) all.push((await this.maps(o)).map);
    const map = fuseDates(all);
    let usable = 0;
    for (let i = 0; i < map.valid.length; i++) usable += map.valid[i]!;
    const validFraction = usable / map.valid.length;
    if (validFraction < 0.02) {
      const pre = main.pre;
      const why = pre.nodataFraction >= pre.cloudFraction ? `${Math.round(pre.nodataFraction * 100)}% no-data` : `${Math.round(pre.cloudFraction * 100)}% cloud`;
      throw new ApiError('BAD_INPUT', `no usable pixels in the window around the click (${why}): nothing to trace there`);
    }
    const pp = this.manifest.postprocess;
    const seg = segmenter(map, pp.merge, pp);
    const pw: BoundaryWindow = {
      key,
      width: win.width,
      height: win.height,
      validFraction,
      cloudFraction: main.pre.cloudFraction,
      nodataFraction: main.pre.nodataFraction,
      ms: performance.now() - t0,
      seg,
    };
    this.cache.set(key, pw);
    return pw;
  }

  cached(key: string): ProcessedWindow | undefined {
    return this.cache.get(key);
  }

  async click(win: ProcessedWindow, prompt: PixelPrompt): Promise<RegionMask> {
    return clickRegion((win as BoundaryWindow).seg, prompt);
  }

  async propose(win: ProcessedWindow, minAreaPx: number): Promise<RegionMask[]> {
    const seg = (win as BoundaryWindow).seg;
    return proposeRegions(seg, minAreaPx).map((p) => proposalMask(seg, p));
  }

  async dispose(): Promise<void> {
    this.cache.clear();
    await this.session.release().catch(() => undefined);
    if (this.cpuFallback && this.cpuFallback !== this.session) await this.cpuFallback.release().catch(() => undefined);
  }
}
