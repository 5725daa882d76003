/**
 * An optional SAM-family encoder + decoder pair (DOMAIN.md 4), added by manifest (kind 'sam').
 * processWindow: the window's red, green, blue (2-98% stretch to 0-255), longest side resized to
 * 1024 and padded, normalised by the manifest's mean / std, through the encoder: the image
 * embedding [1, 256, 64, 64], cached per window. click: the decoder with the click (label 1),
 * negative clicks (0), box corners (2, 3) or a padding point (-1), coordinates scaled by
 * 1024 / max(H, W); the mask with the best predicted IoU, thresholded at 0, minus unusable pixels.
 */
import * as ort from 'onnxruntime-node';
import { ApiError } from '../../common/api/errors';
import { PromptError, type PixelPrompt, type RegionMask } from '../../common/suggest/segment';
import { preprocess } from './boundary/preprocess';
import { WindowCache, type EngineInfo, type ProcessedWindow, type SuggestionEngine } from './engine';
import type { ImageWindow } from './image-window';
import { readModelFile, type ModelEntry, type SamManifest } from './model-manifest';
import { defaultSessionFactory, defaultThreads, selectSession, type ProviderOptions, type SessionLike } from './providers';

export const SAM_DECODER_INPUTS = ['image_embeddings', 'point_coords', 'point_labels', 'mask_input', 'has_mask_input', 'orig_im_size'] as const;
export const SAM_DECODER_OUTPUTS = ['masks', 'iou_predictions'] as const;

interface SamWindow extends ProcessedWindow {
  embedding: ort.Tensor;
  valid: Uint8Array;
}

function stretch(band: Float32Array, valid: Uint8Array): (v: number) => number {
  const vals: number[] = [];
  const step = Math.max(1, Math.floor(band.length / 20000));
  for (let i = 0; i < band.length; i += step) if (valid[i]) vals.push(band[i]!);
  vals.sort((a, b) => a - b);
  const lo = vals[Math.floor(vals.length * 0.02)] ?? 0, hi = vals[Math.floor(vals.length * 0.98)] ?? 1;
  const k = 255 / Math.max(hi - lo, 1e-9);
  return (v) => Math.max(0, Math.min(255, (v - lo) * k));
}

/** Bilinear sample of band at (x, y) in pixel-centre coordinates. */
function sample(a: Float32Array, W: number, H: number, x: number, y: number): number {
  const fx = Math.max(0, Math.min(W - 1, x)), fy = Math.max(0, Math.min(H - 1, y));
  const x0 = Math.floor(fx), y0 = Math.floor(fy), x1 = Math.min(W - 1, x0 + 1), y1 = Math.min(H - 1, y0 + 1);
  const tx = fx - x0, ty = fy - y0;
  return (a[y0 * W + x0]! * (1 - tx) + a[y0 * W + x1]! * tx) * (1 - ty) + (a[y1 * W + x0]! * (1 - tx) + a[y1 * W + x1]! * tx) * ty;
}

function checkNames(id: string, what: string, have: readonly string[], want: readonly string[]): void {
  const missing = want.filter((n) => !have.includes(n));
  if (missing.length) throw new ApiError('BAD_INPUT', `model ${id}: wrong signature: the ${what} lacks ${missing.map((m) => `"${m}"`).join(', ')} (it has ${have.map((m) => `"${m}"`).join(', ') || 'none'})`);
}

export class SamEngine implements SuggestionEngine {
  private readonly cache = new WindowCache<SamWindow>(4);

  private constructor(
    readonly info: EngineInfo,
    private readonly encoder: SessionLike,
    private readonly decoder: SessionLike,
    private readonly m: SamManifest,
  ) {}

  static async create(entry: ModelEntry, opts: ProviderOptions = {}): Promise<SamEngine> {
    const m = entry.manifest;
    if (m.kind !== 'sam') throw new ApiError('BAD_INPUT', `model ${m.id} is not a SAM pair`);
    const enc = readModelFile(entry, m.encoder), dec = readModelFile(entry, m.decoder);
    const probe = () => ({
      image_embeddings: new ort.Tensor('float32', new Float32Array(256 * 64 * 64).map((_, i) => Math.sin(i * 0.01)), [1, 256, 64, 64]),
      point_coords: new ort.Tensor('float32', new Float32Array([300, 400, 0, 0]), [1, 2, 2]),
      point_labels: new ort.Tensor('float32', new Float32Array([1, -1]), [1, 2]),
      mask_input: new ort.Tensor('float32', new Float32Array(256 * 256), [1, 1, 256, 256]),
      has_mask_input: new ort.Tensor('float32', new Float32Array([0]), [1]),
      orig_im_size: new ort.Tensor('float32', new Float32Array([64, 64]), [2]),
    });
    let decoder: SessionLike, encoder: SessionLike, provider: string, attempts;
    try {
      const sel = await selectSession(dec, probe, ['masks'], opts, (s) => {
        checkNames(m.id, 'decoder', s.inputNames, SAM_DECODER_INPUTS);
        checkNames(m.id, 'decoder', s.outputNames, SAM_DECODER_OUTPUTS);
      });
      decoder = sel.session;
      provider = sel.provider;
      attempts = sel.attempts;
      const factory = opts.factory ?? defaultSessionFactory, threads = opts.threads ?? defaultThreads();
      encoder = await factory(enc, provider, threads).catch(async () => {
        attempts.push({ name: provider, ok: false, note: 'the encoder failed to load: encoder on CPU', ms: 0 });
        return factory(enc, 'cpu', threads);
      });
    } catch (e) {
      if (e instanceof ApiError) throw e;
      throw new ApiError('BAD_INPUT', `model ${m.id}: cannot be loaded (${(e instanceof Error ? e.message : String(e)).split('\n')[0]!.slice(0, 200)})`);
    }
    checkNames(m.id, 'decoder', decoder.inputNames, SAM_DECODER_INPUTS);
    checkNames(m.id, 'decoder', decoder.outputNames, SAM_DECODER_OUTPUTS);
    checkNames(m.id, 'encoder', encoder.inputNames, [m.encoder.input]);
    checkNames(m.id, 'encoder', encoder.outputNames, [m.encoder.output]);
    const info: EngineInfo = { model: { id: m.id, version: m.version, kind: 'sam' }, executionProvider: provider, providers: attempts, window: { size: 512, pixelSizeM: [0.5, 5] } };
    return new SamEngine(info, encoder, decoder, m);
  }

  cached(key: string): ProcessedWindow | undefined {
    return this.cache.get(key);
  }

  async processWindow(win: ImageWindow): Promise<SamWindow> {
    const hit = this.cache.get(win.key);
    if (hit) return hit;
    const t0 = performance.now();
    const pre = preprocess(win.bands, win.width, win.height, { nodata: win.nodata, cloud: win.cloud, reflectanceScale: 1e-4 });
    if (pre.validFraction < 0.02) throw new ApiError('BAD_INPUT', 'no usable pixels in the window around the click (no-data or clouds): nothing to trace there');
    const S = this.m.imageSize, W = win.width, H = win.height;
    const scale = S / Math.max(W, H);
    const byRole: Record<string, Float32Array> = { blue: win.bands[0]!, green: win.bands[1]!, red: win.bands[2]!, nir: win.bands[3]! };
    const rgb = this.m.bands.map((b) => byRole[b] ?? win.bands[2]!);
    const img = new Float32Array(3 * S * S);
    const hwc = this.m.encoder.layout === 'HWC';
    for (let c = 0; c < 3; c++) {
      const st = stretch(rgb[c]!, pre.valid);
      const mean = this.m.normalisation.mean[c]!, std = this.m.normalisation.std[c]!;
      for (let y = 0; y < S; y++) {
        for (let x = 0; x < S; x++) {
          const inside = x < W * scale && y < H * scale;
          const v = inside ? st(sample(rgb[c]!, W, H, (x + 0.5) / scale - 0.5, (y + 0.5) / scale - 0.5)) : 0;
          img[hwc ? (y * S + x) * 3 + c : c * S * S + y * S + x] = inside ? (v - mean) / std : 0;
        }
      }
    }
    const out = await this.encoder.run({ [this.m.encoder.input]: new ort.Tensor('float32', img, hwc ? [S, S, 3] : [1, 3, S, S]) });
    const embedding = out[this.m.encoder.output]!;
    const pw: SamWindow = { key: win.key, width: W, height: H, validFraction: pre.validFraction, cloudFraction: pre.cloudFraction, nodataFraction: pre.nodataFraction, ms: performance.now() - t0, embedding, valid: pre.valid };
    this.cache.set(win.key, pw);
    return pw;
  }

  async click(win: ProcessedWindow, prompt: PixelPrompt): Promise<RegionMask> {
    const w = win as SamWindow, W = w.width, H = w.height;
    const k = this.m.imageSize / Math.max(W, H);
    const coords: number[] = [], labels: number[] = [];
    if (prompt.point) {
      const [x, y] = prompt.point;
      if (x < 0 || y < 0 || x >= W || y >= H) throw new PromptError('the click lies outside the processed window');
      if (!w.valid[Math.floor(y) * W + Math.floor(x)]) throw new PromptError('the click falls on no-data or cloud pixels');
      coords.push(x * k, y * k);
      labels.push(1);
    }
    for (const [x, y] of prompt.negatives ?? []) { coords.push(x * k, y * k); labels.push(0); }
    if (prompt.box) {
      coords.push(prompt.box[0] * k, prompt.box[1] * k, prompt.box[2] * k, prompt.box[3] * k);
      labels.push(2, 3);
    } else {
      coords.push(0, 0);
      labels.push(-1);
    }
    const n = labels.length;
    const out = await this.decoder.run({
      image_embeddings: w.embedding,
      point_coords: new ort.Tensor('float32', Float32Array.from(coords), [1, n, 2]),
      point_labels: new ort.Tensor('float32', Float32Array.from(labels), [1, n]),
      mask_input: new ort.Tensor('float32', new Float32Array(256 * 256), [1, 1, 256, 256]),
      has_mask_input: new ort.Tensor('float32', new Float32Array([0]), [1]),
      orig_im_size: new ort.Tensor('float32', new Float32Array([H, W]), [2]),
    });
    const masks = out['masks']!, ious = out['iou_predictions']!.data as Float32Array;
    const K = masks.dims[1] ?? 1;
    if (masks.dims.length !== 4 || masks.dims[2] !== H || masks.dims[3] !== W) throw new ApiError('BAD_INPUT', `model ${this.m.id}: the decoder's masks are [${masks.dims.join(', ')}], expected [1, K, ${H}, ${W}]`);
    let best = 0;
    for (let j = 1; j < K; j++) if (ious[j]! > ious[best]!) best = j;
    const logits = (masks.data as Float32Array).subarray(best * W * H, (best + 1) * W * H);
    const mask = new Uint8Array(W * H);
    let area = 0;
    const edges = { left: false, top: false, right: false, bottom: false };
    for (let i = 0; i < W * H; i++) {
      if (!(logits[i]! > 0) || !w.valid[i]) continue;
      mask[i] = 1;
      area++;
      const x = i % W, y = (i - x) / W;
      if (x === 0) edges.left = true;
      if (y === 0) edges.top = true;
      if (x === W - 1) edges.right = true;
      if (y === H - 1) edges.bottom = true;
    }
    if (area === 0) throw new PromptError('the model found no field');
    const seed = prompt.point ? Math.floor(prompt.point[1]) * W + Math.floor(prompt.point[0]) : mask.indexOf(1);
    const score = Math.max(0, Math.min(1, ious[best] ?? 0));
    return { mask, seed, score, edges, stats: { area, meanExtent: 1, meanBoundary: 0, outline: Number.NaN, strongOutline: 0 } };
  }

  async propose(): Promise<RegionMask[]> {
    throw new ApiError('BAD_INPUT', `whole-view proposals need a boundary model; ${this.m.id} is a SAM pair (use --model boundary-v1)`);
  }

  async dispose(): Promise<void> {
    this.cache.clear();
    await this.encoder.release().catch(() => undefined);
    await this.decoder.release().catch(() => undefined);
  }
}
