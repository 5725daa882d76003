/**
 * `fieldmark bench tiles [--image FILE|URL] [--out DIR]`: a realistic viewing session over imagery,
 * through the tile engine and its baselines, in one run.
 *
 * Session: a 1280 x 800 px map on a 4096 x 4096 NICFI-like quad (EPSG:3857, 4 bands uint16, two
 * dates, generated with the demo generator's scene code and our COG writer when no --image is
 * given): zoom 13 -> 17 with pans, date flips and a band-combination change; only tiles the map
 * has not fetched before are requested (what MapLibre asks a server for).
 * Figures: per-tile median/p95 of our engine cold (fresh caches and images), warm (the session
 * again: the encoded-tile cache) and warm-blocks (again with another stretch: decoded blocks
 * cached, tiles re-rendered); the same tiles through a naive geotiff.js path (readRasters per
 * tile + stretch + PNG, no caches; header parsed once per file) and through GDAL (one
 * gdal_translate per tile, spawned, when installed); cache bytes against their bounds and RSS;
 * decoded MB/s against zlib's inflate on the same blocks; whole views rendered concurrently
 * in-thread and with the worker pool.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { inflateSync } from 'node:zlib';
import { fromFile, fromUrl, type GeoTIFF } from 'geotiff';
import { ApiError } from '../../common/api/errors';
import type { CliContext } from '../cli/command';
import { buildFeatures } from '../demo/features';
import { buildLayout } from '../demo/fields';
import { NICFI_RES, quadExtent } from '../demo/generate-demo';
import { makeWorldNoise, renderScene, type SceneSpec } from '../demo/scene-render';
import { decodeBlock } from '../imagery/block-codec';
import { fetchRawBlocks, levelLayout } from '../imagery/block-reader';
import { writeCog } from '../imagery/cog-writer';
import { lonLatTransform } from '../imagery/crs';
import { createExecutor, cpuCount, findWorkerFile, InlineExecutor, WorkerPool, type Executor } from '../imagery/executor';
import { openImage, type OpenedImage } from '../imagery/open-image';
import { encodeTilePngSync } from '../imagery/png';
import { resolveRenderOptions, type RenderOptions } from '../imagery/render-tile';
import { isUrl } from '../imagery/source';
import { bandStretch } from '../imagery/stretch';
import { TileEngine } from '../imagery/tile-engine';
import { lonLatBoxIntersectsTile, lonLatToMerc, MERC_MAX, tileBounds3857 } from '../imagery/tile-math';
import { summarize } from './stats';

interface SessionTile {
  /** index into the images (dates) */
  date: number;
  z: number;
  x: number;
  y: number;
  bands: [number, number, number];
  /** the view (batch of requests) it belongs to */
  view: number;
}

const VIEW_W = 1280;
const VIEW_H = 800;

/** Tiles of a VIEW_W x VIEW_H map centred on mercator (mx, my) at zoom z. */
function viewTiles(z: number, mx: number, my: number): Array<[number, number]> {
  const n = 2 ** z;
  const span = (2 * MERC_MAX) / n;
  const cx = (mx + MERC_MAX) / span;
  const cy = (MERC_MAX - my) / span;
  const hw = VIEW_W / 512;
  const hh = VIEW_H / 512;
  const out: Array<[number, number]> = [];
  for (let y = Math.floor(cy - hh); y <= Math.floor(cy + hh); y++)
    for (let x = Math.floor(cx - hw); x <= Math.floor(cx + hw); x++) if (x >= 0 && y >= 0 && x < n && y < n) out.push([x, y]);
  return out;
}

/**
 * The viewing session over `dates` images sharing a footprint: zoom in from 13 to 17 with pans,
 * flip dates, change the band combination. Only tiles not fetched before are requested.
 */
export function viewingSession(bounds: [number, number, number, number], dates: number, fourBands: boolean): SessionTile[] {
  const [w, s, e, n] = bounds;
  const [mx0, my0] = lonLatToMerc((w + e) / 2, (s + n) / 2);
  const seen = new Set<string>();
  const out: SessionTile[] = [];
  let view = 0;
  const tc: [number, number, number] = [3, 2, 1];
  const fc: [number, number, number] = fourBands ? [4, 3, 2] : [3, 2, 1];
  const show = (z: number, mx: number, my: number, date: number, bands: [number, number, number]): void => {
    view++;
    for (const [x, y] of viewTiles(z, mx, my)) {
      if (!lonLatBoxIntersectsTile(bounds, z, x, y)) continue;
      const key = `${date}/${bands.join(',')}/${z}/${x}/${y}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ date, z, x, y, bands, view });
    }
  };
  const other = dates > 1 ? 1 : 0;
  const t = (z: number): number => (2 * MERC_MAX) / 2 ** z; // one tile in metres
  let mx = mx0;
  let my = my0;
  show(13, mx, my, 0, tc);
  show(14, mx, my, 0, tc);
  show(15, mx, my, 0, tc);
  mx += 2 * t(15);
  show(15, mx, my, 0, tc);
  my -= 2 * t(15);
  show(15, mx, my, 0, tc);
  show(15, mx, my, other, tc); // date flip
  show(15, mx, my, 0, tc); // and back (already fetched)
  show(15, mx, my, 0, fc); // false colour
  show(16, mx, my, 0, tc);
  mx -= 3 * t(16);
  show(16, mx, my, 0, tc);
  show(17, mx, my, 0, tc);
  my += 3 * t(17);
  show(17, mx, my, 0, tc);
  show(17, mx, my, other, tc); // date flip at full zoom
  show(16, mx, my, other, tc);
  mx += 4 * t(16);
  show(16, mx, my, other, tc);
  show(14, mx, my, other, tc);
  show(13, mx, my, other, tc);
  return out;
}

/** Two NICFI-like 4-band uint16 quads (growing and off season) of `size` px, from the demo scene code. */
export async function generateQuads(dir: string, size: number, seed = 11): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const files = [join(dir, `quad${size}_2024-08-15.tif`), join(dir, `quad${size}_2024-12-15.tif`)];
  if (files.every((f) => existsSync(f))) return files;
  const world = buildLayout(seed, quadExtent(seed, size));
  const features = buildFeatures(world);
  const [e0, e1, e2, e3] = world.extent;
  const c = world.center;
  const noise = makeWorldNoise(seed, [e0 - c[0], e1 - c[1], e2 - c[0], e3 - c[1]], world.k);
  const specs: SceneSpec[] = [
    { id: 'growing', epsg: 3857, width: size, height: size, originX: e0, originY: e3, pixelSize: NICFI_RES, phase: 'peak', clouds: 2, haze: 0.08, blur: 0.18, gains: [1, 1, 1, 1] },
    { id: 'off', epsg: 3857, width: size, height: size, originX: e0, originY: e3, pixelSize: NICFI_RES, phase: 'dry', clouds: 0, haze: 0.3, blur: 0.18, gains: [1, 0.99, 1, 1.01] },
  ];
  for (let i = 0; i < specs.length; i++) {
    const sp = specs[i]!;
    const r = renderScene(world, features, noise, sp);
    await writeCog(files[i]!, {
      width: size, height: size, dtype: 'uint16', bands: r.bands, nodata: 0,
      geo: { epsg: 3857, originX: sp.originX, originY: sp.originY, pixelSizeX: NICFI_RES, pixelSizeY: NICFI_RES },
      bandDescriptions: ['blue', 'green', 'red', 'nir'],
    });
  }
  return files;
}

function ms(t0: number): number {
  return performance.now() - t0;
}

/** A full garbage collection (so memory figures show what is retained, not what awaits collection). */
function collectGarbage(): boolean {
  try {
    setFlagsFromString('--expose-gc');
    (runInNewContext('gc') as () => void)();
    return true;
  } catch {
    return false;
  }
}

function memMb(): { rss_mb: number; heap_mb: number; external_mb: number } {
  collectGarbage();
  const m = process.memoryUsage();
  const r = (v: number): number => Math.round((v / 1048576) * 10) / 10;
  return { rss_mb: r(m.rss), heap_mb: r(m.heapUsed), external_mb: r(m.external + m.arrayBuffers) };
}

/** The bbox of a web-mercator tile in the image's CRS (the corners transformed). */
function tileBboxInImageCrs(img: OpenedImage, z: number, x: number, y: number): [number, number, number, number] {
  const [minx, miny, maxx, maxy] = tileBounds3857(z, x, y);
  if (img.crs.epsg === 3857) return [minx, miny, maxx, maxy];
  const t = lonLatTransform(img.crs);
  const R = 6378137;
  const toLonLat = (mx: number, my: number): [number, number] => [(mx / R) * (180 / Math.PI), (2 * Math.atan(Math.exp(my / R)) - Math.PI / 2) * (180 / Math.PI)];
  const pts = [[minx, miny], [maxx, miny], [maxx, maxy], [minx, maxy]].map(([a, b]) => t.fromLonLat(...toLonLat(a!, b!)));
  const xs = pts.map((p) => p[0]);
  const ys = pts.map((p) => p[1]);
  return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
}

/** The naive path: geotiff.js readRasters of the tile's bbox at 256 x 256 (bilinear), stretch, PNG. */
async function naiveTile(tiff: GeoTIFF, img: OpenedImage, t: SessionTile, stretch: Array<[number, number]>): Promise<Buffer> {
  const bbox = tileBboxInImageCrs(img, t.z, t.x, t.y);
  const r = (await tiff.readRasters({ bbox, width: 256, height: 256, samples: t.bands.map((b) => b - 1), interleave: false, resampleMethod: 'bilinear', fillValue: 0 } as never)) as unknown as ArrayLike<number>[];
  const rgba = new Uint8Array(256 * 256 * 4);
  for (let i = 0; i < 256 * 256; i++) {
    let any = false;
    for (let c = 0; c < 3; c++) {
      const v = r[c]![i]!;
      if (v !== 0) any = true;
      const [lo, hi] = stretch[c]!;
      const s = ((v - lo) * 255) / (hi > lo ? hi - lo : 1);
      rgba[i * 4 + c] = s <= 0 ? 0 : s >= 255 ? 255 : Math.round(s);
    }
    rgba[i * 4 + 3] = any ? 255 : 0;
  }
  return encodeTilePngSync(rgba, 256, 256);
}

function gdalAvailable(): boolean {
  return spawnSync('gdal_translate', ['--version'], { encoding: 'utf8' }).status === 0;
}

/** One tile with GDAL: gdal_translate (EPSG:3857 sources) or gdalwarp (others, no stretch: a lower bound), spawned. */
function gdalTile(file: string, img: OpenedImage, t: SessionTile, stretch: Array<[number, number]>, out: string): number {
  const [minx, miny, maxx, maxy] = tileBounds3857(t.z, t.x, t.y);
  const t0 = performance.now();
  const r =
    img.crs.epsg === 3857
      ? spawnSync('gdal_translate', [
          '-q', '-of', 'PNG', '-ot', 'Byte', '-r', 'bilinear', '-outsize', '256', '256',
          '-projwin', String(minx), String(maxy), String(maxx), String(miny),
          ...t.bands.flatMap((b) => ['-b', String(b)]),
          ...stretch.flatMap(([lo, hi], i) => [`-scale_${i + 1}`, String(lo), String(hi), '0', '255']),
          file, out,
        ])
      : spawnSync('gdalwarp', ['-q', '-overwrite', '-t_srs', 'EPSG:3857', '-te', String(minx), String(miny), String(maxx), String(maxy), '-ts', '256', '256', '-r', 'bilinear', file, out]);
  const took = ms(t0);
  if (r.status !== 0) throw new Error(`GDAL failed on tile ${t.z}/${t.x}/${t.y}: ${String(r.stderr).trim().split('\n')[0]}`);
  return took;
}

/** Decoding speed of our block decoder against zlib's inflate on the same compressed blocks. */
async function decodeSpeed(img: OpenedImage, maxBlocks: number): Promise<Record<string, unknown>> {
  const level = img.levels[0]!;
  const layout = await levelLayout(img, level);
  const total = layout.across * layout.down;
  const idx = Array.from({ length: Math.min(maxBlocks, total) }, (_, i) => Math.floor((i * total) / Math.min(maxBlocks, total)));
  const raws = await fetchRawBlocks(img, level, layout, idx);
  const compressed = raws.reduce((s, r) => s + (r.raw?.byteLength ?? 0), 0);
  const run = async (fn: () => Promise<number>): Promise<{ ms: number; bytes: number }> => {
    let best = Infinity;
    let bytes = 0;
    for (let rep = 0; rep < 3; rep++) {
      const t0 = performance.now();
      bytes = await fn();
      best = Math.min(best, ms(t0));
    }
    return { ms: best, bytes };
  };
  const ours = await run(async () => {
    let n = 0;
    for (const r of raws) n += (await decodeBlock(layout.spec, r, layout.fill)).byteLength;
    return n;
  });
  const oursParallel = await run(async () => {
    const out = await Promise.all(raws.map((r) => decodeBlock(layout.spec, r, layout.fill)));
    return out.reduce((n, b) => n + b.byteLength, 0);
  });
  const compression = layout.spec.compression;
  const zlib =
    compression === 8 || compression === 32946
      ? await run(async () => {
          let n = 0;
          for (const r of raws) if (r.raw) n += inflateSync(new Uint8Array(r.raw)).byteLength;
          return n;
        })
      : null;
  const mbps = (x: { ms: number; bytes: number }): number => Math.round((x.bytes / 1e6 / (x.ms / 1000)) * 10) / 10;
  return {
    blocks: raws.length,
    compression,
    compressed_mb: Math.round(compressed / 1e5) / 10,
    decoded_mb: Math.round(ours.bytes / 1e5) / 10,
    ours_MBps: mbps(ours),
    ours_all_at_once_MBps: mbps(oursParallel),
    zlib_inflate_MBps: zlib ? mbps(zlib) : null,
    ours_vs_zlib: zlib ? Math.round((mbps(ours) / mbps(zlib)) * 100) / 100 : null,
    note: 'ours = the engine\'s block decode (zlib inflate on libuv\'s thread pool + predictor), one block at a time and all blocks at once; zlib = inflateSync alone on one thread, one block at a time (the floor of any deflate reader)',
  };
}

interface Opts {
  image?: string;
  out?: string;
  quadSize: number;
  gdal: boolean;
  naive: boolean;
  pool: boolean;
  workerPath: string | null;
}

/** Free-form options (registry.ts BenchOptions; not imported: the registry imports this file). */
type BenchOptions = Record<string, string | boolean | undefined>;

function parseOpts(o: BenchOptions, ctx: CliContext): Opts {
  const str = (k: string): string | undefined => (typeof o[k] === 'string' ? (o[k] as string) : undefined);
  const quad = Number(str('quad') ?? 4096);
  if (!Number.isInteger(quad) || quad < 512 || quad > 8192 || quad % 256 !== 0) throw new ApiError('BAD_ARGUMENTS', `bench tiles: quad size must be a multiple of 256 in 512..8192, got ${str('quad')}`);
  const image = str('image');
  const out = str('out');
  return {
    ...(image ? { image: isUrl(image) ? image : resolve(ctx.cwd, image) } : {}),
    ...(out ? { out: resolve(ctx.cwd, out) } : {}),
    quadSize: quad,
    gdal: o['gdal'] !== false && o['gdal'] !== 'false',
    naive: o['naive'] !== false && o['naive'] !== 'false',
    pool: o['pool'] !== false && o['pool'] !== 'false',
    workerPath: str('workerPath') ?? findWorkerFile(),
  };
}

async function runTilesBench(options: BenchOptions, ctx: CliContext): Promise<Record<string, unknown>> {
  const o = parseOpts(options, ctx);
  const work = o.out ?? mkdtempSync(join(tmpdir(), 'fieldmark-bench-tiles-'));
  try {
    let files: string[];
    if (o.image) files = [o.image];
    else {
      const p = ctx.progress(`generating two ${o.quadSize} px quads`, 1);
      files = await generateQuads(join(work, 'imagery'), o.quadSize);
      p.done();
    }
    const probe = await openImage(files[0]!);
    const session = viewingSession(probe.bounds4326, files.length, probe.bands >= 4);
    const imageFacts = { files: files.map((f) => f.split('/').pop()), width: probe.width, height: probe.height, bands: probe.bands, dtype: probe.dtype, crs: probe.crs.id, overviews: probe.overviews, tileSize: probe.tileSize };
    await probe.close();
    if (session.length === 0) throw new ApiError('BAD_INPUT', 'bench tiles: the image shows nothing at zooms 13-17');
    const phases = 3 + (o.naive ? 1 : 0) + (o.gdal ? 1 : 0) + (o.pool ? 2 : 0);
    const bar = ctx.progress('bench tiles', session.length * phases);
    const opts = (t: SessionTile, stretch: [number, number] = [2, 98]): RenderOptions => ({ bands: t.bands, stretch });

    // Our engine, cold then warm then warm-blocks, tile by tile.
    const blockCacheBytes = 256 * 1024 * 1024;
    const tileCacheBytes = 64 * 1024 * 1024;
    const engine = new TileEngine({ blockCacheBytes, tileCacheBytes, executor: new InlineExecutor() });
    const images = await Promise.all(files.map((f) => openImage(f)));
    const mem0 = memMb();
    let peakRss = 0;
    const replay = async (stretch: [number, number]): Promise<number[]> => {
      const times: number[] = [];
      for (const t of session) {
        const t0 = performance.now();
        await engine.render(images[t.date]!, { image: files[t.date]!, z: t.z, x: t.x, y: t.y, options: opts(t, stretch) });
        times.push(ms(t0));
        peakRss = Math.max(peakRss, process.memoryUsage.rss());
        bar.tick();
      }
      return times;
    };
    const cold = await replay([2, 98]);
    const warm = await replay([2, 98]);
    const warmBlocks = await replay([1, 99]);
    const stats = engine.stats();
    const mem1 = memMb();

    // Naive geotiff.js baseline (header parsed once per file; stretch values from our statistics).
    let naive: ReturnType<typeof summarize> | null = null;
    if (o.naive) {
      const tiffs = await Promise.all(files.map((f) => (isUrl(f) ? fromUrl(f) : fromFile(f))));
      const stretches = new Map<string, Array<[number, number]>>();
      const times: number[] = [];
      for (const t of session) {
        const key = `${t.date}/${t.bands.join(',')}`;
        let st = stretches.get(key);
        if (!st) {
          st = await bandStretch(images[t.date]!, t.bands, resolveRenderOptions(images[t.date]!, opts(t)).stretch);
          stretches.set(key, st);
        }
        const t0 = performance.now();
        await naiveTile(tiffs[t.date]!, images[t.date]!, t, st);
        times.push(ms(t0));
        bar.tick();
      }
      for (const tf of tiffs) tf.close();
      naive = summarize(times);
    }

    // GDAL, one process per tile.
    let gdal: (ReturnType<typeof summarize> & { tool: string; spawn_floor_ms: number }) | null = null;
    if (o.gdal && gdalAvailable()) {
      const gdir = join(work, 'gdal');
      mkdirSync(gdir, { recursive: true });
      const times: number[] = [];
      const floor: number[] = [];
      for (let i = 0; i < 5; i++) {
        const t0 = performance.now();
        spawnSync('gdal_translate', ['--version']);
        floor.push(ms(t0));
      }
      for (const [i, t] of session.entries()) {
        const st = await bandStretch(images[t.date]!, t.bands, [2, 98]);
        times.push(gdalTile(files[t.date]!, images[t.date]!, t, st, join(gdir, `t${i % 8}.png`)));
        bar.tick();
      }
      gdal = { ...summarize(times), tool: images[0]!.crs.epsg === 3857 ? 'gdal_translate -projwin -outsize 256 256 -r bilinear -scale (PNG)' : 'gdalwarp -t_srs EPSG:3857 -ts 256 256 -r bilinear (GTiff, no stretch)', spawn_floor_ms: summarize(floor).median_ms };
    }

    // Whole views requested at once (how a map asks), in-thread and with the worker pool, twice each.
    let pool: Record<string, unknown> | null = null;
    if (o.pool) {
      const views = [...new Set(session.map((t) => t.view))].map((v) => session.filter((t) => t.view === v));
      const sessionWall = async (executor: Executor): Promise<number> => {
        const eng = new TileEngine({ blockCacheBytes, tileCacheBytes, executor });
        const imgs = await Promise.all(files.map((f) => openImage(f)));
        const t0 = performance.now();
        for (const v of views) {
          await Promise.all(v.map((t) => eng.render(imgs[t.date]!, { image: files[t.date]!, z: t.z, x: t.x, y: t.y, options: opts(t) })));
          bar.tick(v.length);
        }
        const took = ms(t0);
        await eng.close();
        await Promise.all(imgs.map((i) => i.close()));
        return took;
      };
      const workers = Math.max(1, cpuCount() - 1);
      const canPool = o.workerPath !== null;
      const inline: number[] = [];
      const pooled: number[] = [];
      for (let rep = 0; rep < 2; rep++) {
        inline.push(await sessionWall(new InlineExecutor()));
        if (canPool) pooled.push(await sessionWall(new WorkerPool(workers, o.workerPath!)));
        else bar.tick(session.length);
      }
      const bestInline = Math.min(...inline);
      const bestPool = canPool ? Math.min(...pooled) : null;
      const auto = createExecutor('auto', o.workerPath);
      pool = {
        cores: cpuCount(),
        cpu: cpus()[0]?.model ?? 'unknown',
        workers: canPool ? workers : 0,
        views: views.length,
        inline_session_ms: Math.round(bestInline),
        workers_session_ms: bestPool === null ? null : Math.round(bestPool),
        workers_speedup: bestPool === null ? null : Math.round((bestInline / bestPool) * 100) / 100,
        default_executor: auto.kind,
        note: canPool ? 'whole views rendered concurrently; best of 2 runs each' : 'no bundled worker file (dist/tile-worker.js): run `node scripts/build.mjs` and `fieldmark bench tiles`',
      };
      await auto.close();
    }
    bar.done();

    const decode = await decodeSpeed(images[0]!, 64);
    await engine.close();
    await Promise.all(images.map((i) => i.close()));

    const c = summarize(cold);
    const w = summarize(warm);
    const wb = summarize(warmBlocks);
    const ratio = (a: number | undefined, b: number | undefined): number | null => (a && b ? Math.round((a / b) * 10) / 10 : null);
    return {
      name: 'tiles',
      n: session.length,
      median_ms: c.median_ms,
      p95_ms: c.p95_ms,
      image: imageFacts,
      session: {
        tiles: session.length,
        views: new Set(session.map((t) => t.view)).size,
        zooms: [...new Set(session.map((t) => t.z))].sort(),
        dates: files.length,
        viewport: `${VIEW_W}x${VIEW_H}`,
      },
      ours: { cold: c, warm: w, warm_blocks: wb, cold_total_s: Math.round(cold.reduce((a, b) => a + b, 0)) / 1000 },
      baseline: {
        naive: naive ? { ...naive, what: 'geotiff.js readRasters(bbox, 256x256, bilinear) + stretch + the same PNG encoder, per tile; fast decoders registered' } : null,
        gdal,
      },
      ratios: {
        warm_vs_naive: ratio(naive?.median_ms, w.median_ms),
        warm_blocks_vs_naive: ratio(naive?.median_ms, wb.median_ms),
        cold_vs_naive: ratio(naive?.median_ms, c.median_ms),
        cold_vs_gdal: ratio(gdal?.median_ms, c.median_ms),
      },
      targets: {
        warm_10x_faster_than_naive: naive ? naive.median_ms / w.median_ms >= 10 : null,
        cold_not_slower_than_gdal: gdal ? c.median_ms <= gdal.median_ms : null,
        caches_within_bounds: stats.blocks.bytes <= stats.blocks.maxBytes && stats.tiles.bytes <= stats.tiles.maxBytes,
      },
      memory: {
        block_cache: { bytes: stats.blocks.bytes, max_bytes: stats.blocks.maxBytes, entries: stats.blocks.entries, evictions: stats.blocks.evictions, hits: stats.blocks.hits, misses: stats.blocks.misses },
        tile_cache: { bytes: stats.tiles.bytes, max_bytes: stats.tiles.maxBytes, entries: stats.tiles.entries, evictions: stats.tiles.evictions, hits: stats.tiles.hits, misses: stats.tiles.misses },
        before_session: mem0,
        session_peak_rss_mb: Math.round((peakRss / 1048576) * 10) / 10,
        after_session: mem1,
        note: 'before/after figures follow a forced garbage collection: what the caches retain; the peak includes garbage not yet collected',
      },
      decode,
      pool,
      baseline_note: 'per-tile times are sequential requests; GDAL times include starting the process (spawn_floor_ms alone)',
    };
  } finally {
    if (!o.out) rmSync(work, { recursive: true, force: true });
  }
}

export const tilesBench = {
  name: 'tiles',
  summary: 'A viewing session (zooms 13-17, pans, date flips) through the tile engine cold and warm, against naive geotiff.js and GDAL per tile.',
  run: runTilesBench,
};

