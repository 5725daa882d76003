import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { levelLayout } from './block-reader';
import { writeCog } from './cog-writer';
import { InlineExecutor, WorkerPool, type Executor } from './executor';
import { gdal, hasGdal, tempDir } from './fixtures.testutil';
import { openImage, type OpenedImage } from './open-image';
import { renderTile, type RenderOptions } from './render-tile';
import { TileEngine, tileKey } from './tile-engine';
import { lonLatToTile } from './tile-math';

const tmp = tempDir();
const WORKER = fileURLToPath(new URL('../../../dist/tile-worker.js', import.meta.url));
const haveWorker = existsSync(WORKER);
let utm: string;
let udm: string;
let img: OpenedImage;

/** 1024 x 1024 px, 4 bands uint16 (B,G,R,NIR), 3 m UTM 19N, nodata 0 in one corner: a COG with 2 overviews. */
beforeAll(async () => {
  const n = 1024;
  const bands = [0, 1, 2, 3].map((b) => {
    const a = new Uint16Array(n * n);
    for (let y = 0; y < n; y++)
      for (let x = 0; x < n; x++) a[y * n + x] = x + y < 150 ? 0 : Math.round(1500 + 600 * Math.sin(x / 9 + b) + 500 * Math.cos(y / 13 - b) + 250 * Math.sin((x + 2 * y) / 23) + 300 * b);
    return a;
  });
  utm = join(tmp.dir, 'utm.tif');
  await writeCog(utm, { width: n, height: n, dtype: 'uint16', bands, nodata: 0, geo: { epsg: 32619, originX: 266000, originY: 4669000, pixelSizeX: 3, pixelSizeY: 3 } });
  const masks = Array.from({ length: 8 }, (_, b) => {
    const a = new Uint8Array(n * n);
    for (let y = 0; y < n; y++) for (let x = 0; x < n; x++) a[y * n + x] = b === 5 ? Number((x - 500) ** 2 + (y - 500) ** 2 < 150 ** 2) : b === 2 ? Number(x > 700 && y > 700) : b === 0 ? 1 : 0;
    return a;
  });
  udm = join(tmp.dir, 'udm2.tif');
  await writeCog(udm, { width: n, height: n, dtype: 'uint8', bands: masks, overviewResampling: 'nearest', geo: { epsg: 32619, originX: 266000, originY: 4669000, pixelSizeX: 3, pixelSizeY: 3 } });
  img = await openImage(utm);
});

afterAll(async () => {
  await img?.close();
  tmp.cleanup();
});

/** Tiles around the centre at zooms that read full resolution and both overviews. */
function someTiles(im: OpenedImage): Array<[number, number, number]> {
  const [w, s, e, n] = im.bounds4326;
  const out: Array<[number, number, number]> = [];
  for (const z of [13, 14, 15, 16, 17]) {
    const c = lonLatToTile((w + e) / 2, (s + n) / 2, z);
    out.push([z, c.x, c.y], [z, c.x - 1, c.y - 1]);
  }
  const corner = lonLatToTile(w, n, 17);
  out.push([17, corner.x, corner.y]);
  return out;
}

function engineOf(executor: Executor = new InlineExecutor(), more: ConstructorParameters<typeof TileEngine>[0] = {}): TileEngine {
  return new TileEngine({ executor, ...more });
}

const parts = (file: string, z: number, x: number, y: number, options: RenderOptions = {}) => ({ image: file, z, x, y, options });

describe('tile engine', () => {
  it('renders the same bytes as the plain path for every mode and option', async () => {
    const eng = engineOf();
    try {
      const roles = ['blue', 'green', 'red', 'nir'];
      const variants: RenderOptions[] = [{}, { bands: [4, 3, 2], stretch: [1, 99] }, { size: 512 }, { gamma: 1.6, brightness: -0.1, contrast: 1.3 }, { mode: 'ndvi', bandRoles: roles }];
      let drawn = 0;
      for (const o of variants)
        for (const [z, x, y] of someTiles(img)) {
          const want = await renderTile(img, z, x, y, o);
          const got = await eng.render(img, parts(utm, z, x, y, o));
          if (want === null) expect(got).toBeNull();
          else {
            expect(got!.equals(want), `${z}/${x}/${y} ${JSON.stringify(o)}`).toBe(true);
            drawn++;
          }
        }
      expect(drawn).toBeGreaterThan(40);
      const m = await openImage(udm);
      try {
        for (const [z, x, y] of someTiles(m)) {
          const want = await renderTile(m, z, x, y, { mode: 'mask' });
          expect((await eng.render(m, parts(udm, z, x, y, { mode: 'mask' })))?.equals(want!) ?? want === null).toBe(true);
        }
      } finally {
        await m.close();
      }
    } finally {
      await eng.close();
    }
  });

  it('serves repeats from the tile cache and another stretch from the decoded-block cache', async () => {
    const eng = engineOf();
    try {
      const tiles = someTiles(img);
      for (const [z, x, y] of tiles) await eng.render(img, parts(utm, z, x, y));
      const first = eng.stats();
      expect(first.blocks.misses).toBeGreaterThan(0);
      for (const [z, x, y] of tiles) await eng.render(img, parts(utm, z, x, y));
      const again = eng.stats();
      expect(again.tiles.hits - first.tiles.hits).toBe(tiles.length);
      expect(again.rendered).toBe(first.rendered);
      for (const [z, x, y] of tiles) await eng.render(img, parts(utm, z, x, y, { stretch: [5, 95] }));
      const other = eng.stats();
      expect(other.rendered).toBeGreaterThan(first.rendered);
      expect(other.blocks.misses).toBe(first.blocks.misses); // nothing decoded again
      expect(other.decodedBytes).toBe(first.decodedBytes);
      expect(other.blocks.hits).toBeGreaterThan(first.blocks.hits);
    } finally {
      await eng.close();
    }
  });

  it('keeps both caches within their byte bounds (evicting), with unchanged tiles', async () => {
    const blockCacheBytes = 1_200_000; // two 256 px 4-band uint16 blocks
    const tileCacheBytes = 300_000;
    const eng = engineOf(new InlineExecutor(), { blockCacheBytes, tileCacheBytes });
    try {
      for (const o of [{}, { bands: [4, 3, 2] as [number, number, number] }])
        for (const [z, x, y] of someTiles(img)) {
          const got = await eng.render(img, parts(utm, z, x, y, o));
          const want = await renderTile(img, z, x, y, o);
          expect(got?.equals(want!) ?? want === null).toBe(true);
          const s = eng.stats();
          expect(s.blocks.bytes).toBeLessThanOrEqual(blockCacheBytes);
          expect(s.tiles.bytes).toBeLessThanOrEqual(tileCacheBytes);
        }
      const s = eng.stats();
      expect(s.blocks.evictions).toBeGreaterThan(0);
      expect(s.tiles.evictions).toBeGreaterThan(0);
    } finally {
      await eng.close();
    }
  });

  it('a cancelled request is dropped: no rendering, nothing cached, other requests unharmed', async () => {
    const eng = engineOf(new InlineExecutor(1));
    try {
      const tiles = someTiles(img).filter(([z]) => z >= 15);
      const controllers = tiles.map(() => new AbortController());
      const runs = tiles.map(([z, x, y], i) => eng.render(img, parts(utm, z, x, y, { stretch: [3, 97] }), { signal: controllers[i]!.signal }));
      for (let i = 1; i < tiles.length; i++) controllers[i]!.abort(); // the user panned away: all but the first
      const settled = await Promise.allSettled(runs);
      expect(settled[0]!.status).toBe('fulfilled');
      for (let i = 1; i < tiles.length; i++) {
        expect(settled[i]!.status).toBe('rejected');
        expect(((settled[i] as PromiseRejectedResult).reason as Error).name).toBe('AbortError');
        const [z, x, y] = tiles[i]!;
        expect(eng.tiles.has(tileKey(parts(utm, z, x, y, { stretch: [3, 97] })))).toBe(false);
      }
      await new Promise((r) => setTimeout(r, 50));
      expect(eng.stats().rendered).toBe(1);
      expect(eng.stats().cancelled).toBe(tiles.length - 1);
      // cancelled tiles render normally when asked again
      const [z, x, y] = tiles[1]!;
      expect((await eng.render(img, parts(utm, z, x, y, { stretch: [3, 97] })))!.equals((await renderTile(img, z, x, y, { stretch: [3, 97] }))!)).toBe(true);
    } finally {
      await eng.close();
    }
  });

  it('two requests for one tile share the work; cancelling one does not cancel the other', async () => {
    const eng = engineOf();
    try {
      const [z, x, y] = someTiles(img)[4]!;
      const gone = new AbortController();
      const a = eng.render(img, parts(utm, z, x, y), { signal: gone.signal });
      const b = eng.render(img, parts(utm, z, x, y));
      gone.abort();
      await expect(a).rejects.toMatchObject({ name: 'AbortError' });
      expect((await b)!.equals((await renderTile(img, z, x, y))!)).toBe(true);
      expect(eng.stats().rendered).toBe(1);
    } finally {
      await eng.close();
    }
  });

  it('the queue drops a job whose request is cancelled before it runs', async () => {
    const ex = new InlineExecutor(1);
    const job = { spec: { compression: 1, params: { tileWidth: 1, tileHeight: 1, planarConfiguration: 1, bitsPerSample: [8], predictor: 1 }, rowBytes: 1 }, blocks: [{ raw: new ArrayBuffer(1), rows: 1 }], fill: null };
    const gone = new AbortController();
    const first = ex.run('decode', job);
    const second = ex.run('decode', job, { signal: gone.signal });
    const third = ex.run('decode', job, { priority: { high: false } });
    gone.abort();
    await expect(second).rejects.toMatchObject({ name: 'AbortError' });
    await Promise.all([first, third]);
    expect(ex.stats()).toMatchObject({ completed: 2, dropped: 1, queued: 0 });
    await ex.close();
  });

  it('prefetch renders tiles into the cache at low priority', async () => {
    const eng = engineOf();
    try {
      const [z, x, y] = someTiles(img)[4]!;
      const around = [-1, 0, 1].flatMap((dx) => [-1, 0, 1].map((dy) => [x + dx, y + dy] as const));
      eng.prefetch(around.map(([px, py]) => ({ parts: parts(utm, z, px, py), use: (fn) => fn(img) })));
      await eng.prefetchIdle();
      const s = eng.stats();
      expect(s.prefetch.done).toBe(9);
      for (const [px, py] of around) expect(eng.tiles.has(tileKey(parts(utm, z, px, py)))).toBe(true);
      const got = await eng.render(img, parts(utm, z, x + 1, y));
      expect(eng.stats().rendered).toBe(s.rendered); // a cache hit
      expect(got!.equals((await renderTile(img, z, x + 1, y))!)).toBe(true);
      // a full queue drops the oldest requests
      const small = engineOf(new InlineExecutor(), { prefetchQueue: 2 });
      small.prefetch(around.slice(0, 5).map(([px, py]) => ({ parts: parts(utm, z, px, py), use: (fn) => fn(img) })));
      await small.prefetchIdle();
      expect(small.stats().prefetch.dropped).toBeGreaterThan(0);
      await small.close();
    } finally {
      await eng.close();
    }
  });

  it.skipIf(!haveWorker)('the worker pool renders byte for byte what in-thread rendering does (dist/tile-worker.js)', async () => {
    const inThread = engineOf();
    const pool = engineOf(new WorkerPool(2, WORKER));
    try {
      const m = await openImage(udm);
      const jobs: Array<[OpenedImage, string, RenderOptions]> = [
        [img, utm, {}],
        [img, utm, { bands: [4, 3, 2], gamma: 0.7, contrast: 1.4 }],
        [img, utm, { mode: 'ndvi', bandRoles: ['blue', 'green', 'red', 'nir'], size: 512 }],
        [m, udm, { mode: 'mask' }],
      ];
      for (const [im, file, o] of jobs) {
        const tiles = someTiles(im);
        // concurrently, as a map asks
        const [a, b] = await Promise.all([
          Promise.all(tiles.map(([z, x, y]) => inThread.render(im, parts(file, z, x, y, o)))),
          Promise.all(tiles.map(([z, x, y]) => pool.render(im, parts(file, z, x, y, o)))),
        ]);
        for (let i = 0; i < tiles.length; i++) expect(b[i]?.equals(a[i]!) ?? a[i] === null, `${file} ${tiles[i]} ${JSON.stringify(o)}`).toBe(true);
      }
      expect(pool.stats().executor).toMatchObject({ kind: 'workers', workers: 2 });
      expect(pool.stats().executor.completed).toBeGreaterThan(20);
      await m.close();
    } finally {
      await inThread.close();
      await pool.close();
    }
  });

  it('a pool whose workers cannot start renders in-thread instead', async () => {
    const eng = engineOf(new WorkerPool(1, join(tmp.dir, 'no-such-worker.js')));
    try {
      const [z, x, y] = someTiles(img)[4]!;
      expect((await eng.render(img, parts(utm, z, x, y)))!.equals((await renderTile(img, z, x, y))!)).toBe(true);
    } finally {
      await eng.close();
    }
  });

  it.skipIf(!hasGdal())('big-endian and odd layouts go through geotiff.js, same bytes', async () => {
    const be = join(tmp.dir, 'be.tif');
    gdal('gdal_translate', ['-q', '-co', 'ENDIANNESS=BIG', '-co', 'TILED=YES', '-co', 'COMPRESS=DEFLATE', '-co', 'COPY_SRC_OVERVIEWS=YES', utm, be]);
    const b = await openImage(be);
    const eng = engineOf();
    try {
      expect((await levelLayout(b, b.levels[0]!)).fast).toBe(false);
      expect((await levelLayout(img, img.levels[0]!)).fast).toBe(true);
      for (const [z, x, y] of someTiles(b).slice(4, 8)) {
        const want = await renderTile(b, z, x, y);
        expect((await eng.render(b, parts(be, z, x, y)))?.equals(want!) ?? want === null).toBe(true);
        // and the big-endian file shows what the little-endian one does
        expect(want?.equals((await renderTile(img, z, x, y))!) ?? true).toBe(true);
      }
    } finally {
      await b.close();
      await eng.close();
    }
  });
});
