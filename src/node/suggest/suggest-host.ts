/**
 * The suggestion host: everything between a request in lon/lat and an engine. It lives in the
 * suggestion worker (worker.ts), or in the caller's thread when there is no worker. It finds
 * models (model-manifest.ts), loads engines lazily (one per model, provider chosen once), opens
 * images, works on the model's grid (model.json `window.resample`: imagery coarser than 4 m is
 * resampled to 3 m, image-window.ts `workLevel`), places windows (re-centring once when a field runs into a window edge, so fields are
 * not cut at window edges), traces masks to polygons within a vertex budget, and tiles a view
 * for whole-view proposals (fields cut by a tile edge are taken from the overlapping tile).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApiError } from '../../common/api/errors';
import type { Polygon } from '../../common/geo/geojson';
import { areaM2, iou } from '../../common/suggest/geo';
import { maskToPolygon } from '../../common/suggest/mask-polygon';
import { PromptError, type PixelPrompt, type RegionMask } from '../../common/suggest/segment';
import { openImage, type OpenedImage } from '../imagery/open-image';
import { BoundaryEngine } from './boundary-engine';
import { datesKey, type EngineInfo, type ProcessedWindow, type SuggestionEngine } from './engine';
import { chooseLevel, levelToLonLat, lonLatToLevel, pixelSizeM, placeWindow, readImageWindow, windowKey, workLevel, type ImageWindow, type WindowPlacement, type WorkLevel } from './image-window';
import { findModel, listModels, modelDirs, type ModelEntry } from './model-manifest';
import { MAX_OTHER_DATES, type HostInfo, type HostOptions, type OtherDate, type ProposeRequest, type ProposeResponse, type Proposal, type SuggestRequest, type SuggestResponse, type WindowTiming } from './protocol';
import type { ProviderOptions } from './providers';
import { SamEngine } from './sam-engine';

export const DEFAULT_MODEL = 'boundary-v1';
const OVERLAP = 128;
const MAX_VIEW_WINDOWS = 9;
/** open images kept: enough that one request's images (itself, its mask, its other dates and masks) are never closed under it */
const OPEN_IMAGES = 2 * (1 + MAX_OTHER_DATES) + 6;

const round = (v: number) => Math.round(v * 1e9) / 1e9;

/** An other date of the request, opened, on the image's working grid. */
interface Dated {
  /** as the request named it */
  image: string;
  img: OpenedImage;
  mask: OpenedImage | null;
  level: WorkLevel;
}

export class SuggestHost {
  private readonly dirs: string[];
  private readonly engines = new Map<string, Promise<SuggestionEngine>>();
  private readonly images = new Map<string, Promise<OpenedImage>>();

  constructor(private readonly opts: HostOptions = {}) {
    this.dirs = modelDirs(opts.modelDirs ?? []);
  }

  defaultModel(): string {
    if (this.opts.defaultModel) return this.opts.defaultModel;
    const env = process.env['FIELDMARK_SUGGEST_MODEL'];
    if (env) return env;
    for (const d of this.opts.modelDirs ?? []) {
      const f = join(d, 'active.json');
      if (!existsSync(f)) continue;
      try {
        const a = JSON.parse(readFileSync(f, 'utf8')) as { boundary?: string };
        // a pointer to a model folder that was removed: the built-in model
        if (a.boundary && existsSync(join(d, a.boundary, 'model.json'))) return a.boundary;
      } catch {
        // an unreadable pointer: the built-in model
      }
    }
    return DEFAULT_MODEL;
  }

  private providerOptions(): ProviderOptions {
    return { forceCpu: this.opts.forceCpu, order: this.opts.providers, threads: this.opts.threads };
  }

  async engine(id?: string): Promise<SuggestionEngine> {
    const key = id ?? this.defaultModel();
    let p = this.engines.get(key);
    if (!p) {
      p = (async () => {
        const entry: ModelEntry = findModel(listModels(this.dirs), key);
        return entry.manifest.kind === 'sam' ? SamEngine.create(entry, this.providerOptions()) : BoundaryEngine.create(entry, this.providerOptions());
      })();
      this.engines.set(key, p);
      p.catch(() => this.engines.delete(key));
    }
    return p;
  }

  async load(id?: string): Promise<EngineInfo> {
    return (await this.engine(id)).info;
  }

  private image(path: string): Promise<OpenedImage> {
    let p = this.images.get(path);
    if (!p) {
      p = openImage(path);
      this.images.set(path, p);
      p.catch(() => this.images.delete(path));
      if (this.images.size > OPEN_IMAGES) {
        const [k, old] = this.images.entries().next().value as [string, Promise<OpenedImage>];
        this.images.delete(k);
        void old.then((i) => i.close()).catch(() => undefined);
      }
    }
    return p;
  }

  async info(): Promise<HostInfo> {
    const listing = listModels(this.dirs);
    const engines = [];
    for (const p of this.engines.values()) {
      try {
        engines.push((await p).info);
      } catch {
        // failed loads are reported by the call that made them
      }
    }
    return {
      defaultModel: this.defaultModel(),
      models: listing.models.map((e) => ({ id: e.manifest.id, version: e.manifest.version, kind: e.manifest.kind, dir: e.dir, description: e.manifest.description ?? null, validation: (e.manifest.validation as Record<string, unknown>) ?? null })),
      broken: listing.broken,
      engines,
    };
  }

  /** The grid the engine works on for this image (resampled when the model asks for it). */
  private level(engine: SuggestionEngine, img: OpenedImage): WorkLevel {
    const w = engine.info.window;
    return workLevel(img, chooseLevel(img, w.pixelSizeM[1] * 1.25), w.resample);
  }

  /**
   * The other dates of a request that lie on the image's working grid (same CRS, geotransform and
   * size: e.g. the monthly quads of one NICFI quad id); the others are named in a warning.
   */
  private async otherDates(engine: SuggestionEngine, img: OpenedImage, level: WorkLevel, also: OtherDate[] | undefined, warnings: string[]): Promise<Dated[]> {
    const out: Dated[] = [];
    if (engine.info.model.kind !== 'boundary') return out; // SAM sees one image
    const list = also ?? [];
    if (list.length > MAX_OTHER_DATES) warnings.push(`${list.length} other dates given: the first ${MAX_OTHER_DATES} are used`);
    for (const o of list.slice(0, MAX_OTHER_DATES)) {
      if (o.image === img.location) continue;
      let other: OpenedImage;
      try {
        other = await this.image(o.image);
      } catch (e) {
        warnings.push(`${o.image} is not used: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]}`);
        continue;
      }
      const ol = this.level(engine, other);
      const same = other.crs.id === img.crs.id && ol.width === level.width && ol.height === level.height && ol.geoTransform.every((v, i) => Math.abs(v - level.geoTransform[i]!) <= 1e-9 * Math.max(1, Math.abs(v)));
      if (!same) {
        warnings.push(`${other.name} is on another pixel grid than ${img.name}: not used`);
        continue;
      }
      out.push({ image: o.image, img: other, mask: o.mask ? await this.image(o.mask) : null, level: ol });
    }
    return out;
  }

  /** The window of the image and the same box in each other date (read together). */
  private async readWindows(img: OpenedImage, mask: OpenedImage | null, p: WindowPlacement, dates: Dated[]): Promise<[ImageWindow, ImageWindow[]]> {
    const [win, ...others] = await Promise.all([readImageWindow(img, p, mask), ...dates.map((d) => readImageWindow(d.img, { level: d.level, box: p.box }, d.mask))]);
    return [win!, others];
  }

  private async window(engine: SuggestionEngine, img: OpenedImage, mask: OpenedImage | null, p: WindowPlacement, dates: Dated[] = []): Promise<{ pw: ProcessedWindow; ms: number; cached: boolean }> {
    const hit = engine.cached(datesKey([windowKey(img, p, mask), ...dates.map((d) => windowKey(d.img, { level: d.level, box: p.box }, d.mask))]));
    if (hit) return { pw: hit, ms: 0, cached: true };
    const t0 = performance.now();
    const [win, others] = await this.readWindows(img, mask, p, dates);
    const pw = await engine.processWindow(win, others);
    return { pw, ms: performance.now() - t0, cached: false };
  }

  async suggest(req: SuggestRequest): Promise<SuggestResponse> {
    const t0 = performance.now();
    const engine = await this.engine(req.model);
    const img = await this.image(req.image);
    const mask = req.mask ? await this.image(req.mask) : null;
    const level = this.level(engine, img);
    const toPx = lonLatToLevel(img, level), toLL = levelToLonLat(img, level);
    const hasPoint = req.lon !== undefined && req.lat !== undefined;
    if (!hasPoint && !req.box) throw new ApiError('BAD_ARGUMENTS', 'suggest: a click (lon, lat) or a box is needed');
    const where = hasPoint ? `(${req.lon}, ${req.lat})` : `box [${req.box!.join(', ')}]`;
    const point = hasPoint ? toPx(req.lon!, req.lat!) : null;
    let boxPx: [number, number, number, number] | undefined;
    if (req.box) {
      const [a, b, c, d] = req.box;
      const cs = [toPx(a, b), toPx(c, b), toPx(c, d), toPx(a, d)];
      boxPx = [Math.min(...cs.map((q) => q[0])), Math.min(...cs.map((q) => q[1])), Math.max(...cs.map((q) => q[0])), Math.max(...cs.map((q) => q[1]))];
    }
    const ref = point ?? [(boxPx![0] + boxPx![2]) / 2, (boxPx![1] + boxPx![3]) / 2];
    if (!(ref[0] >= 0 && ref[1] >= 0 && ref[0] < level.width && ref[1] < level.height)) {
      throw new ApiError('BAD_INPUT', `${where} lies outside ${img.name} (lon/lat bounds ${img.bounds4326.map((v) => v.toFixed(5)).join(', ')})`);
    }
    const size = engine.info.window.size;
    const warnings: string[] = [];
    const dates = await this.otherDates(engine, img, level, req.also, warnings);
    let placement = placeWindow(level, ref[0], ref[1], size);
    let { pw, ms: windowMs, cached } = await this.window(engine, img, mask, placement, dates);
    const promptFor = (pl: WindowPlacement): PixelPrompt => {
      const [x0, y0] = pl.box;
      const rel = (q: [number, number]): [number, number] => [q[0] - x0, q[1] - y0];
      return {
        ...(point ? { point: rel(point) } : {}),
        negatives: (req.negatives ?? []).map(([lon, lat]) => rel(toPx(lon, lat))),
        ...(boxPx ? { box: [boxPx[0] - x0, boxPx[1] - y0, boxPx[2] - x0, boxPx[3] - y0] as [number, number, number, number] } : {}),
      };
    };
    const clickAt = async (pl: WindowPlacement, w: ProcessedWindow): Promise<RegionMask> => {
      try {
        return await engine.click(w, promptFor(pl));
      } catch (e) {
        if (e instanceof PromptError) throw new ApiError('BAD_INPUT', `${e.message} at ${where}`);
        throw e;
      }
    };
    const t1 = performance.now();
    let region = await clickAt(placement, pw);
    let clickMs = performance.now() - t1;
    const inner = (pl: WindowPlacement, r: RegionMask) => {
      const [x0, y0, x1, y1] = pl.box;
      return (r.edges.left && x0 > 0) || (r.edges.top && y0 > 0) || (r.edges.right && x1 < level.width) || (r.edges.bottom && y1 < level.height);
    };
    if (inner(placement, region)) {
      // the field runs into a window edge: centre a window on it and trace again
      const bb = maskBox(region.mask, pw.width);
      const next = placeWindow(level, placement.box[0] + (bb[0] + bb[2]) / 2, placement.box[1] + (bb[1] + bb[3]) / 2, size);
      if (next.box.join() !== placement.box.join()) {
        placement = next;
        const w2 = await this.window(engine, img, mask, placement, dates);
        pw = w2.pw;
        windowMs += w2.ms;
        cached = cached && w2.cached;
        const t2 = performance.now();
        region = await clickAt(placement, pw);
        clickMs += performance.now() - t2;
      }
      if (inner(placement, region)) warnings.push(`the field continues beyond the ${size}-px window: its polygon is cut at the window edge`);
    }
    const t3 = performance.now();
    const [x0, y0] = placement.box;
    const traced = maskToPolygon(region.mask, pw.width, pw.height, region.seed, {
      vertexBudget: req.vertexBudget ?? 60,
      minHolePx: 12,
      toWorld: (x, y) => {
        const [lon, lat] = toLL(x0 + x, y0 + y);
        return [round(lon), round(lat)];
      },
    });
    if (!traced) throw new ApiError('BAD_INPUT', `no field could be traced at ${where}`);
    const polygon: Polygon = { type: 'Polygon', coordinates: traced.rings };
    if (region.stats.meanExtent < 0.5) warnings.push('this does not look like a field (low cropland probability)');
    return {
      polygon,
      score: Math.round(region.score * 1000) / 1000,
      areaM2: Math.round(areaM2(polygon)),
      vertices: traced.vertices,
      model: engine.info.model,
      executionProvider: engine.info.executionProvider,
      ms: { total: performance.now() - t0, window: cached ? 0 : windowMs, click: clickMs, polygon: performance.now() - t3 },
      window: { level: level.index, box: placement.box, pixelSizeM: Math.round(pixelSizeM(img, level) * 1000) / 1000, validFraction: pw.validFraction, cached },
      otherDates: dates.map((d) => d.image),
      warnings,
    };
  }

  async propose(req: ProposeRequest): Promise<ProposeResponse> {
    const t0 = performance.now();
    const engine = await this.engine(req.model);
    const img = await this.image(req.image);
    const mask = req.mask ? await this.image(req.mask) : null;
    const level = this.level(engine, img);
    const toPx = lonLatToLevel(img, level), toLL = levelToLonLat(img, level);
    const [a, b, c, d] = req.bbox;
    const cs = [toPx(a, b), toPx(c, b), toPx(c, d), toPx(a, d)];
    const vx0 = Math.max(0, Math.floor(Math.min(...cs.map((q) => q[0])))), vy0 = Math.max(0, Math.floor(Math.min(...cs.map((q) => q[1]))));
    const vx1 = Math.min(level.width, Math.ceil(Math.max(...cs.map((q) => q[0])))), vy1 = Math.min(level.height, Math.ceil(Math.max(...cs.map((q) => q[1]))));
    if (vx1 <= vx0 || vy1 <= vy0) throw new ApiError('BAD_INPUT', `the view [${req.bbox.join(', ')}] does not meet ${img.name}`);
    const size = engine.info.window.size, stride = size - OVERLAP;
    const starts = (lo: number, hi: number, n: number) => {
      const out: number[] = [];
      for (let s = lo; ; s += stride) {
        const s0 = Math.max(0, Math.min(n - Math.min(size, n), s));
        if (!out.includes(s0)) out.push(s0);
        if (s0 + size >= hi || s0 + size >= n) break;
      }
      return out;
    };
    const xs = starts(vx0, vx1, level.width), ys = starts(vy0, vy1, level.height);
    // on a resampled grid a window covers less ground: as large a view as without resampling is allowed
    const maxWindows = Math.ceil(MAX_VIEW_WINDOWS * (level.resampled ? level.resampled.scale ** 2 : 1));
    if (xs.length * ys.length > maxWindows) {
      throw new ApiError('BAD_INPUT', `the view is too large for proposals: ${xs.length * ys.length} windows of ${size} px (at most ${maxWindows}); zoom in`);
    }
    const minArea = req.minAreaM2 ?? 0;
    const warnings: string[] = [];
    const dates = await this.otherDates(engine, img, level, req.also, warnings);
    const found: (Proposal & { bbox: [number, number, number, number] })[] = [];
    for (const y0 of ys) {
      for (const x0 of xs) {
        const pl: WindowPlacement = { level, box: [x0, y0, Math.min(level.width, x0 + size), Math.min(level.height, y0 + size)] };
        let pw: ProcessedWindow;
        try {
          pw = (await this.window(engine, img, mask, pl, dates)).pw;
        } catch (e) {
          if (e instanceof ApiError && e.code === 'BAD_INPUT' && xs.length * ys.length > 1) continue; // a cloudy tile among others
          throw e;
        }
        const pxArea = pixelSizeM(img, level) ** 2;
        for (const r of await engine.propose(pw, Math.max(4, minArea / pxArea))) {
          const [bx0, by0, bx1, by1] = pl.box;
          if ((r.edges.left && bx0 > 0) || (r.edges.top && by0 > 0) || (r.edges.right && bx1 < level.width) || (r.edges.bottom && by1 < level.height)) continue;
          const mb = maskBox(r.mask, pw.width);
          const cx = bx0 + (mb[0] + mb[2]) / 2, cy = by0 + (mb[1] + mb[3]) / 2;
          if (cx < vx0 || cy < vy0 || cx > vx1 || cy > vy1) continue;
          const traced = maskToPolygon(r.mask, pw.width, pw.height, r.seed, {
            vertexBudget: req.vertexBudget ?? 60,
            minHolePx: 12,
            toWorld: (x, y) => {
              const [lon, lat] = toLL(bx0 + x, by0 + y);
              return [round(lon), round(lat)];
            },
          });
          if (!traced) continue;
          const polygon: Polygon = { type: 'Polygon', coordinates: traced.rings };
          const area = areaM2(polygon);
          if (area < minArea) continue;
          const lons = traced.rings[0]!.map((q) => q[0]), lats = traced.rings[0]!.map((q) => q[1]);
          const bbox: [number, number, number, number] = [Math.min(...lons), Math.min(...lats), Math.max(...lons), Math.max(...lats)];
          const dup = found.findIndex((f) => f.bbox[0] <= bbox[2] && bbox[0] <= f.bbox[2] && f.bbox[1] <= bbox[3] && bbox[1] <= f.bbox[3] && iou(f.polygon, polygon) > 0.5);
          const item = { polygon, score: Math.round(r.score * 1000) / 1000, areaM2: Math.round(area), vertices: traced.vertices, bbox };
          if (dup < 0) found.push(item);
          else if (item.score > found[dup]!.score) found[dup] = item;
        }
      }
    }
    found.sort((p, q) => q.score - p.score || q.areaM2 - p.areaM2);
    return {
      proposals: found.slice(0, req.max ?? 300).map(({ bbox: _b, ...p }) => p),
      windows: xs.length * ys.length,
      otherDates: dates.map((d) => d.image),
      warnings,
      model: engine.info.model,
      executionProvider: engine.info.executionProvider,
      ms: performance.now() - t0,
    };
  }

  /** Bench: one fresh window (never cached) around a point, read and processed (with its other dates, if given). */
  async timeWindow(req: { image: string; lon: number; lat: number; model?: string; also?: OtherDate[] }): Promise<WindowTiming> {
    const engine = await this.engine(req.model);
    const img = await this.image(req.image);
    const level = this.level(engine, img);
    const dates = await this.otherDates(engine, img, level, req.also, []);
    const [px, py] = lonLatToLevel(img, level)(req.lon, req.lat);
    const pl = placeWindow(level, px, py, engine.info.window.size);
    const t0 = performance.now();
    const [win, others] = await this.readWindows(img, null, pl, dates.map((d) => ({ ...d, mask: null })));
    const t1 = performance.now();
    for (const w of [win, ...others]) w.key = `${w.key}|bench-${t1}`;
    await engine.processWindow(win, others);
    return { model: engine.info.model, executionProvider: engine.info.executionProvider, width: win.width, height: win.height, dates: 1 + dates.length, readMs: t1 - t0, processMs: performance.now() - t1 };
  }

  /** Drops loaded engines (after a model was retrained or a setting changed). */
  async reset(): Promise<void> {
    const all = [...this.engines.values()];
    this.engines.clear();
    for (const p of all) await p.then((e) => e.dispose()).catch(() => undefined);
  }

  async close(): Promise<void> {
    await this.reset();
    for (const p of this.images.values()) await p.then((i) => i.close()).catch(() => undefined);
    this.images.clear();
  }
}

function maskBox(mask: Uint8Array, W: number): [number, number, number, number] {
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (let i = 0; i < mask.length; i++) {
    if (!mask[i]) continue;
    const x = i % W, y = (i - x) / W;
    if (x < x0) x0 = x;
    if (x + 1 > x1) x1 = x + 1;
    if (y < y0) y0 = y;
    if (y + 1 > y1) y1 = y + 1;
  }
  return [x0, y0, x1, y1];
}
