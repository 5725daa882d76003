/**
 * The app's tile path: caches, a worker pool (or in-thread execution), cancellation, prefetch.
 *
 * Life of a tile: encoded-tile cache (hit: done) -> a request already rendering the same tile is
 * joined -> `planTile` (pixel map, level, window, stretch from the per-image statistics) -> for
 * every block of the window: decoded-block cache, or a decode already in flight, or fetch (nearby
 * ranges coalesced) + a `decode` job -> a `render` job (assemble window, resample, stretch, PNG)
 * -> encoded-tile cache. Every step takes the request's AbortSignal: a tile nobody waits for any
 * more is dropped from the queues and its reads are aborted. Prefetch (neighbours, other dates)
 * runs at low priority only while no foreground tile is in flight.
 */
import { ApiError } from '../../common/api/errors';
import { abortError, blockPosition, fetchRawBlocks, isAbortError, levelLayout, windowBlocks, type LevelLayout } from './block-reader';
import { createExecutor, type Executor, type ExecutorStats, type Priority } from './executor';
import { ByteLru, type LruStats } from './lru';
import type { ImageLevel, OpenedImage } from './open-image';
import { readWindow } from './read-window';
import { planTile, resolveRecipe, type RenderOptions, type TilePlan } from './render-tile';
import type { DecodedBlock } from './block-window';
import type { RenderJob } from './tile-job';
import { toImageryError } from './imagery-errors';

export interface TileEngineOptions {
  /** Bound of the decoded-block cache, bytes (default 256 MiB). */
  blockCacheBytes?: number;
  /** Bound of the encoded-tile cache, bytes (default 64 MiB). */
  tileCacheBytes?: number;
  /** Worker threads: a number (0 = in-thread) or 'auto' (see createExecutor). Default 'auto'. */
  workers?: number | 'auto';
  /** The bundled worker file (default: found next to the running bundle). */
  workerPath?: string | null;
  /** Prefetch requests waiting at most (older ones are dropped). Default 64. */
  prefetchQueue?: number;
  /** An executor to use instead of creating one (tests). */
  executor?: Executor;
}

export interface TileKeyParts {
  /** Identifies the image file: its path or URL. */
  image: string;
  z: number;
  x: number;
  y: number;
  options: RenderOptions;
}

export interface EngineStats {
  blocks: LruStats;
  tiles: LruStats;
  executor: ExecutorStats;
  decodedBytes: number;
  decodeMs: number;
  renderMs: number;
  rendered: number;
  cancelled: number;
  prefetch: { queued: number; started: number; dropped: number; done: number };
}

/** Tile cache entries for tiles that miss the image (a PNG of null). */
const EMPTY = Symbol('empty tile');
type CachedTile = Buffer | typeof EMPTY;

export function tileKey(k: TileKeyParts): string {
  const o = k.options;
  const mode = o.mode ?? 'rgb';
  const parts = [k.image, `${k.z}/${k.x}/${k.y}`, mode, String(o.size ?? 256)];
  if (mode === 'rgb') parts.push((o.bands ?? [3, 2, 1]).join(','), (o.stretch ?? [2, 98]).join(','));
  if (mode === 'ndvi') parts.push((o.bandRoles ?? []).join(','));
  if (mode !== 'mask') parts.push(`g${o.gamma ?? 1}b${o.brightness ?? 0}c${o.contrast ?? 1}`);
  return parts.join('|');
}

/** A unit of work several requests can wait on; aborted when the last of them stops waiting. */
class SharedTask<T> {
  readonly controller = new AbortController();
  readonly priority: Priority;
  private waiters = 0;
  promise!: Promise<T>;

  constructor(high: boolean) {
    this.priority = { high };
  }

  start(fn: (signal: AbortSignal, priority: Priority) => Promise<T>): this {
    this.promise = fn(this.controller.signal, this.priority);
    this.promise.catch(() => undefined);
    return this;
  }

  /** Waits for the result unless `signal` fires first (then this waiter leaves; the last one aborts the task). */
  join(signal: AbortSignal | undefined, high: boolean): Promise<T> {
    if (high) this.priority.high = true;
    if (signal?.aborted) return Promise.reject(abortError());
    this.waiters++;
    if (!signal) return this.promise;
    return new Promise<T>((resolve, reject) => {
      const leave = (): void => {
        this.waiters--;
        if (this.waiters <= 0) this.controller.abort();
        reject(abortError());
      };
      signal.addEventListener('abort', leave, { once: true });
      this.promise.then(
        (v) => {
          signal.removeEventListener('abort', leave);
          resolve(v);
        },
        (e) => {
          signal.removeEventListener('abort', leave);
          reject(e);
        },
      );
    });
  }
}

/** Runs `fn` with the image open (and kept open until it settles). */
export type WithImage = <T>(fn: (img: OpenedImage) => Promise<T>) => Promise<T>;

interface PrefetchItem {
  key: string;
  parts: TileKeyParts;
  use: WithImage;
}

export class TileEngine {
  readonly blocks: ByteLru<string, ArrayBufferLike>;
  readonly tiles: ByteLru<string, CachedTile>;
  readonly executor: Executor;
  private readonly blockInflight = new Map<string, Promise<ArrayBufferLike>>();
  private readonly tileInflight = new Map<string, SharedTask<Buffer | null>>();
  private readonly prefetchQueue: PrefetchItem[] = [];
  private readonly prefetchMax: number;
  private foreground = 0;
  private prefetching = false;
  private closed = false;
  private counters = { decodedBytes: 0, decodeMs: 0, renderMs: 0, rendered: 0, cancelled: 0 };
  private pf = { started: 0, dropped: 0, done: 0 };

  constructor(opts: TileEngineOptions = {}) {
    this.blocks = new ByteLru(opts.blockCacheBytes ?? 256 * 1024 * 1024);
    this.tiles = new ByteLru(opts.tileCacheBytes ?? 64 * 1024 * 1024);
    this.executor = opts.executor ?? createExecutor(opts.workers ?? 'auto', opts.workerPath === undefined ? undefined : opts.workerPath);
    this.prefetchMax = opts.prefetchQueue ?? 64;
  }

  /**
   * A PNG of the tile, or null when it misses the image. Rejects with an AbortError when `signal`
   * fires first; with ApiError for bad input.
   */
  async render(img: OpenedImage, parts: TileKeyParts, opts: { signal?: AbortSignal; priority?: 'high' | 'low' } = {}): Promise<Buffer | null> {
    if (this.closed) throw new ApiError('UNAVAILABLE', 'the tile engine is closed');
    resolveRecipe(img, parts.options); // bad options fail fast, before any cache
    const key = tileKey(parts);
    const hit = this.tiles.get(key);
    if (hit !== undefined) return hit === EMPTY ? null : hit;
    const high = (opts.priority ?? 'high') === 'high';
    let task = this.tileInflight.get(key);
    if (!task) {
      task = new SharedTask<Buffer | null>(high).start((signal, priority) => this.produce(img, parts, key, signal, priority));
      const t = task;
      this.tileInflight.set(key, t);
      void t.promise.then(
        () => this.tileInflight.get(key) === t && this.tileInflight.delete(key),
        () => this.tileInflight.get(key) === t && this.tileInflight.delete(key),
      );
    }
    if (high) this.foreground++;
    try {
      return await task.join(opts.signal, high);
    } catch (e) {
      if (isAbortError(e)) this.counters.cancelled++;
      throw e;
    } finally {
      if (high) {
        this.foreground--;
        if (this.foreground === 0) this.pumpPrefetch();
      }
    }
  }

  private async produce(img: OpenedImage, parts: TileKeyParts, key: string, signal: AbortSignal, priority: Priority): Promise<Buffer | null> {
    const plan = await planTile(img, parts.z, parts.x, parts.y, parts.options);
    if (signal.aborted) throw abortError();
    if (!plan) {
      this.tiles.set(key, EMPTY, 64);
      return null;
    }
    const job = await this.renderJob(img, parts.image, plan, signal, priority);
    const r = await this.executor.run('render', job, { signal, priority });
    this.counters.renderMs += r.ms;
    this.counters.rendered++;
    const png = Buffer.from(r.png.buffer, r.png.byteOffset, r.png.byteLength);
    this.tiles.set(key, png, png.byteLength + 64);
    return png;
  }

  /** The render job of a plan: decoded blocks from the cache (decoding what is missing), or a geotiff.js window. */
  private async renderJob(img: OpenedImage, imageKey: string, plan: TilePlan, signal: AbortSignal, priority: Priority): Promise<RenderJob> {
    const { level, win, recipe } = plan;
    const layout = await levelLayout(img, level);
    if (!layout.fast) {
      const chan = await readWindow(img, level, win, recipe.samples);
      return { compose: plan.compose, chanIndex: recipe.chanIndex, source: { kind: 'window', chan } };
    }
    const blocks = await this.decodedBlocks(img, imageKey, level, layout, windowBlocks(img, level, layout, win, recipe.samples), signal, priority);
    return {
      compose: plan.compose,
      chanIndex: recipe.chanIndex,
      source: { kind: 'blocks', geometry: layout.geometry, blocks, samples: recipe.samples, fill: 0 },
    };
  }

  /** The decoded blocks (by index), from the cache, from a decode in flight, or fetched and decoded now. */
  private async decodedBlocks(img: OpenedImage, imageKey: string, level: ImageLevel, layout: LevelLayout, indices: number[], signal: AbortSignal, priority: Priority): Promise<DecodedBlock[]> {
    const data = new Map<number, ArrayBufferLike>();
    for (let attempt = 0; ; attempt++) {
      const waits: Array<Promise<void>> = [];
      const missing: number[] = [];
      for (const i of indices) {
        if (data.has(i)) continue;
        const key = `${imageKey}#${level.index}#${i}`;
        const hit = this.blocks.get(key);
        if (hit) {
          data.set(i, hit);
          continue;
        }
        const pending = this.blockInflight.get(key);
        if (pending) waits.push(pending.then((d) => void data.set(i, d)));
        else missing.push(i);
      }
      if (missing.length > 0) waits.push(this.decodeMissing(img, imageKey, level, layout, missing, signal, priority, data));
      const settled = await Promise.allSettled(waits);
      if (signal.aborted) throw abortError();
      const failed = settled.find((s) => s.status === 'rejected') as PromiseRejectedResult | undefined;
      if (!failed) break;
      // A decode started by a request that was cancelled since: ours is alive, so try again.
      if (!isAbortError(failed.reason) || attempt >= 3) throw failed.reason;
    }
    return indices.map((i) => ({ ...blockPosition(layout, i), data: data.get(i)! }));
  }

  private decodeMissing(
    img: OpenedImage,
    imageKey: string,
    level: ImageLevel,
    layout: LevelLayout,
    missing: number[],
    signal: AbortSignal,
    priority: Priority,
    into: Map<number, ArrayBufferLike>,
  ): Promise<void> {
    const keys = missing.map((i) => `${imageKey}#${level.index}#${i}`);
    const work = (async () => {
      const raws = await fetchRawBlocks(img, level, layout, missing, signal);
      try {
        // The compressed bytes are copied to a worker, not moved: a job whose worker dies is rerun in-thread.
        const res = await this.executor.run('decode', { spec: layout.spec, blocks: raws, fill: layout.fill }, { signal, priority });
        this.counters.decodedBytes += res.decodedBytes;
        this.counters.decodeMs += res.ms;
        return res.data;
      } catch (e) {
        if (isAbortError(e)) throw e;
        if ((e as Error)?.name === 'BlockDecodeError') {
          const kind = layout.tiled ? 'tile' : 'strip';
          const where = level.index === 0 ? '' : ` of overview ${level.index}`;
          throw new ApiError('BAD_INPUT', `${img.name}: corrupt ${kind} ${missing[0]}${where}: ${(e as Error).message}`);
        }
        throw toImageryError(img.name, 'pixels', e);
      }
    })();
    keys.forEach((key, k) => {
      const p = work.then((d) => d[k]!);
      p.catch(() => undefined);
      this.blockInflight.set(key, p);
    });
    return work.then(
      (decoded) => {
        keys.forEach((key, k) => {
          const d = decoded[k]!;
          this.blocks.set(key, d, d.byteLength);
          this.blockInflight.delete(key);
          into.set(missing[k]!, d);
        });
      },
      (e) => {
        for (const key of keys) this.blockInflight.delete(key);
        throw e;
      },
    );
  }

  /**
   * Queues tiles to render into the tile cache at low priority (already cached or rendering ones
   * are skipped; when the queue is full the oldest waiting ones are dropped).
   */
  prefetch(items: Array<{ parts: TileKeyParts; use: WithImage }>): void {
    if (this.closed) return;
    for (const it of items) {
      const key = tileKey(it.parts);
      if (this.tiles.has(key) || this.tileInflight.has(key) || this.prefetchQueue.some((q) => q.key === key)) continue;
      this.prefetchQueue.push({ key, parts: it.parts, use: it.use });
      while (this.prefetchQueue.length > this.prefetchMax) {
        this.prefetchQueue.shift();
        this.pf.dropped++;
      }
    }
    this.pumpPrefetch();
  }

  /** Drops queued prefetches (e.g. the user moved to another site). */
  clearPrefetch(): void {
    this.pf.dropped += this.prefetchQueue.length;
    this.prefetchQueue.length = 0;
  }

  private pumpPrefetch(): void {
    if (this.prefetching || this.closed || this.foreground > 0) return;
    const next = this.prefetchQueue.pop(); // newest first: the view the user is on now
    if (!next) return;
    this.prefetching = true;
    this.pf.started++;
    void (async () => {
      try {
        await next.use((img) => this.render(img, next.parts, { priority: 'low' }));
        this.pf.done++;
      } catch {
        // a failed prefetch is not an error anybody sees; the foreground request reports it
      } finally {
        this.prefetching = false;
        setImmediate(() => this.pumpPrefetch());
      }
    })();
  }

  /** Waits until no prefetch is queued or running (tests, benchmarks). */
  async prefetchIdle(): Promise<void> {
    while (this.prefetching || (this.prefetchQueue.length > 0 && this.foreground === 0)) await new Promise((r) => setTimeout(r, 5));
  }

  /** Forgets every block and tile of an image (e.g. the file changed). */
  dropImage(image: string): void {
    this.blocks.deleteWhere((k) => k.startsWith(`${image}#`));
    this.tiles.deleteWhere((k) => k.startsWith(`${image}|`));
  }

  stats(): EngineStats {
    return {
      blocks: this.blocks.stats(),
      tiles: this.tiles.stats(),
      executor: this.executor.stats(),
      ...this.counters,
      prefetch: { queued: this.prefetchQueue.length, ...this.pf },
    };
  }

  clearCaches(): void {
    this.blocks.clear();
    this.tiles.clear();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.clearPrefetch();
    await this.executor.close();
    this.clearCaches();
  }
}
