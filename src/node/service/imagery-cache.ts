/**
 * The service's imagery: recently used images kept open (header, overview list and stretch
 * statistics are read once per image; an evicted image is closed when no tile uses it any more)
 * and the tile engine (decoded-block and encoded-tile caches, worker pool, cancellation,
 * prefetch) that renders their tiles.
 */
import type { ImageInfo } from '../../common/api/contract';
import { imageInfoOf, openImage, type OpenedImage } from '../imagery/open-image';
import type { RenderOptions } from '../imagery/render-tile';
import type { SourceOptions } from '../imagery/source';
import { TileEngine, type EngineStats, type TileEngineOptions } from '../imagery/tile-engine';

export interface ImageryOptions extends TileEngineOptions, SourceOptions {
  /** Images kept open (default 32). */
  maxOpen?: number;
}

interface OpenEntry {
  image: Promise<OpenedImage>;
  refs: number;
  evicted: boolean;
}

export interface TileAt {
  path: string;
  z: number;
  x: number;
  y: number;
  options: RenderOptions;
}

export class ImageryCache {
  readonly engine: TileEngine;
  private readonly open = new Map<string, OpenEntry>();
  private readonly maxOpen: number;

  constructor(private readonly opts: ImageryOptions = {}) {
    this.maxOpen = opts.maxOpen ?? 32;
    this.engine = new TileEngine(opts);
  }

  private entry(path: string): OpenEntry {
    const hit = this.open.get(path);
    if (hit) {
      // refresh LRU order
      this.open.delete(path);
      this.open.set(path, hit);
      return hit;
    }
    const e: OpenEntry = { image: openImage(path, this.opts), refs: 0, evicted: false };
    this.open.set(path, e);
    e.image.catch(() => this.open.get(path) === e && this.open.delete(path));
    while (this.open.size > this.maxOpen) {
      const [oldest, old] = this.open.entries().next().value as [string, OpenEntry];
      this.open.delete(oldest);
      old.evicted = true;
      if (old.refs === 0) void old.image.then((img) => img.close()).catch(() => undefined);
    }
    return e;
  }

  /** Runs `fn` with the open image, keeping it open meanwhile. */
  async use<T>(path: string, fn: (img: OpenedImage) => Promise<T>): Promise<T> {
    const e = this.entry(path);
    e.refs++;
    try {
      return await fn(await e.image);
    } finally {
      e.refs--;
      if (e.evicted && e.refs === 0) void e.image.then((img) => img.close()).catch(() => undefined);
    }
  }

  get(path: string): Promise<OpenedImage> {
    return this.entry(path).image;
  }

  async info(path: string): Promise<ImageInfo> {
    return this.use(path, async (img) => imageInfoOf(img));
  }

  /** A PNG of the tile, or null when it misses the image; rejects with an AbortError when `signal` fires first. */
  tile(t: TileAt, opts: { signal?: AbortSignal } = {}): Promise<Buffer | null> {
    return this.use(t.path, (img) => this.engine.render(img, { image: t.path, z: t.z, x: t.x, y: t.y, options: t.options }, opts));
  }

  /** Renders these tiles into the tile cache at low priority, when nothing else is being rendered. */
  prefetch(tiles: TileAt[]): void {
    this.engine.prefetch(tiles.map((t) => ({ parts: { image: t.path, z: t.z, x: t.x, y: t.y, options: t.options }, use: (fn) => this.use(t.path, fn) })));
  }

  /** Forgets one image (its file was rewritten): closed once unused, its blocks and tiles dropped. */
  forget(path: string): void {
    const e = this.open.get(path);
    if (e) {
      this.open.delete(path);
      e.evicted = true;
      if (e.refs === 0) void e.image.then((img) => img.close()).catch(() => undefined);
    }
    this.engine.dropImage(path);
  }

  stats(): EngineStats & { openImages: number } {
    return { ...this.engine.stats(), openImages: this.open.size };
  }

  clear(): void {
    for (const e of this.open.values()) if (e.refs === 0) void e.image.then((img) => img.close()).catch(() => undefined);
    this.open.clear();
    this.engine.clearCaches();
  }

  async close(): Promise<void> {
    this.clear();
    await this.engine.close();
  }
}

/**
 * Cache and pool sizes from the environment: FIELDMARK_BLOCK_CACHE_MB (decoded blocks, default
 * 256), FIELDMARK_TILE_CACHE_MB (encoded tiles, default 64), FIELDMARK_TILE_WORKERS (a number, 0 =
 * in-thread, or 'auto').
 */
export function imageryOptionsFromEnv(env: Record<string, string | undefined> = process.env): ImageryOptions {
  const mb = (name: string): number | undefined => {
    const v = env[name];
    if (v === undefined || v.trim() === '') return undefined;
    const n = Number(v);
    return Number.isFinite(n) && n >= 0 ? Math.round(n * 1024 * 1024) : undefined;
  };
  const o: ImageryOptions = {};
  const blocks = mb('FIELDMARK_BLOCK_CACHE_MB');
  const tiles = mb('FIELDMARK_TILE_CACHE_MB');
  if (blocks !== undefined) o.blockCacheBytes = blocks;
  if (tiles !== undefined) o.tileCacheBytes = tiles;
  const w = env['FIELDMARK_TILE_WORKERS']?.trim();
  if (w === 'auto') o.workers = 'auto';
  else if (w && /^\d+$/.test(w)) o.workers = Number(w);
  return o;
}
