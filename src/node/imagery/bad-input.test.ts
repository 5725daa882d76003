/**
 * Sources and bad input for the imagery engine: BigTIFF, uint8 / float32, other codecs, a header
 * that claims gigabytes, unsupported compression, corrupt blocks; the CLI answers exit 2.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../common/api/errors';
import { writeCog } from './cog-writer';
import { InlineExecutor } from './executor';
import { compareWithGdal, gdal, hasGdal, tempDir } from './fixtures.testutil';
import { imageInfo } from './image-info';
import { openImage } from './open-image';
import { renderTile, type RenderOptions } from './render-tile';
import { TileEngine } from './tile-engine';
import { lonLatToTile } from './tile-math';

const tmp = tempDir();
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BUILT = (() => {
  try {
    readFileSync(join(ROOT, 'dist/cli.js'));
    return true;
  } catch {
    return false;
  }
})();
let base: string;

const geo = { epsg: 32619, originX: 266000, originY: 4669000, pixelSizeX: 3, pixelSizeY: 3 };
const pattern = (b: number, x: number, y: number): number => 1500 + 600 * Math.sin(x / 9 + b) + 500 * Math.cos(y / 13 - b) + 200 * b;

beforeAll(async () => {
  const n = 512;
  const bands = [0, 1, 2, 3].map((b) => Uint16Array.from({ length: n * n }, (_, i) => Math.round(pattern(b, i % n, Math.floor(i / n)))));
  base = join(tmp.dir, 'base.tif');
  await writeCog(base, { width: n, height: n, dtype: 'uint16', bands, nodata: 0, geo });
});
afterAll(() => tmp.cleanup());

async function tilesOf(file: string, opts: RenderOptions = {}): Promise<Array<Buffer | null>> {
  const img = await openImage(file);
  const eng = new TileEngine({ executor: new InlineExecutor() });
  try {
    const [w, s, e, n] = img.bounds4326;
    const out: Array<Buffer | null> = [];
    for (const z of [14, 15, 16, 17]) {
      const t = lonLatToTile((w + e) / 2, (s + n) / 2, z);
      const plain = await renderTile(img, z, t.x, t.y, opts);
      const viaEngine = await eng.render(img, { image: file, z, x: t.x, y: t.y, options: opts });
      expect(viaEngine?.equals(plain!) ?? plain === null).toBe(true);
      out.push(plain);
    }
    return out;
  } finally {
    await eng.close();
    await img.close();
  }
}

async function errorOf(p: Promise<unknown>): Promise<ApiError> {
  const e = await p.then(
    () => null,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(ApiError);
  expect((e as ApiError).message).not.toMatch(/\n/);
  return e as ApiError;
}

/** A classic little-endian TIFF with the given IFD entries ([tag, type, count, value]) and `extra` bytes after it. */
function craftTiff(entries: Array<[number, number, number, number]>, extra = 64): Buffer {
  const ifdSize = 2 + entries.length * 12 + 4;
  const buf = Buffer.alloc(8 + ifdSize + extra);
  buf.write('II', 0, 'latin1');
  buf.writeUInt16LE(42, 2);
  buf.writeUInt32LE(8, 4);
  buf.writeUInt16LE(entries.length, 8);
  entries
    .sort((a, b) => a[0] - b[0])
    .forEach(([tag, type, count, value], i) => {
      const o = 10 + i * 12;
      buf.writeUInt16LE(tag, o);
      buf.writeUInt16LE(type, o + 2);
      buf.writeUInt32LE(count, o + 4);
      if (type === 3 && count === 1) buf.writeUInt16LE(value, o + 8);
      else buf.writeUInt32LE(value, o + 8);
    });
  return buf;
}

describe('sources', () => {
  it.skipIf(!hasGdal())('BigTIFF (GDAL -co BIGTIFF=YES) opens and renders what the classic TIFF does', async () => {
    const big = join(tmp.dir, 'big.tif');
    gdal('gdal_translate', ['-q', '-of', 'COG', '-co', 'BIGTIFF=YES', '-co', 'COMPRESS=DEFLATE', '-co', 'BLOCKSIZE=256', base, big]);
    const classic = join(tmp.dir, 'classic.tif');
    gdal('gdal_translate', ['-q', '-of', 'COG', '-co', 'BIGTIFF=NO', '-co', 'COMPRESS=DEFLATE', '-co', 'BLOCKSIZE=256', base, classic]);
    expect(readFileSync(big).readUInt16LE(2)).toBe(43);
    expect(await imageInfo(big)).toEqual(await imageInfo(classic));
    const [a, b] = [await tilesOf(big), await tilesOf(classic)];
    a.forEach((t, i) => expect(t!.equals(b[i]!)).toBe(true));
  });

  it.skipIf(!hasGdal())('uint8 and float32 tiles (with nodata) match GDAL', async () => {
    const n = 512;
    const u8 = join(tmp.dir, 'u8.tif');
    await writeCog(u8, { width: n, height: n, dtype: 'uint8', nodata: 0, geo, bands: [0, 1, 2].map((b) => Uint8Array.from({ length: n * n }, (_, i) => (i % n) + Math.floor(i / n) < 60 ? 0 : 20 + ((pattern(b, i % n, Math.floor(i / n)) / 15) | 0))) });
    const f32 = join(tmp.dir, 'f32.tif');
    await writeCog(f32, { width: n, height: n, dtype: 'float32', nodata: -9999, geo, bands: [0, 1, 2].map((b) => Float32Array.from({ length: n * n }, (_, i) => ((i % n) > 480 ? -9999 : pattern(b, i % n, Math.floor(i / n)) / 1000 - 1.2))) });
    for (const file of [u8, f32]) {
      await tilesOf(file);
      const img = await openImage(file);
      try {
        const [w, s, e, nn] = img.bounds4326;
        for (const z of [15, 16]) {
          const t = lonLatToTile((w + e) / 2, (s + nn) / 2, z);
          const r = await compareWithGdal(img, file, z, t.x, t.y, {}, tmp.dir);
          expect(r.both).toBeGreaterThan(1000);
          for (const m of r.mad) expect(m, `${file} z${z}`).toBeLessThan(1.5);
        }
      } finally {
        await img.close();
      }
    }
  });

  it.skipIf(!hasGdal())('ZSTD, LERC, PackBits, LZW, uncompressed, band-interleaved and strip files render what the deflate COG does; JPEG opens', async () => {
    const want = await tilesOf(base);
    for (const c of ['ZSTD', 'LERC', 'PACKBITS', 'LZW', 'NONE']) {
      const f = join(tmp.dir, `c-${c}.tif`);
      gdal('gdal_translate', ['-q', '-of', 'COG', '-co', `COMPRESS=${c}`, '-co', 'BLOCKSIZE=256', base, f]);
      const got = await tilesOf(f);
      got.forEach((t, i) => expect(t!.equals(want[i]!), `${c} tile ${i}`).toBe(true));
    }
    // band-interleaved (planar 2) tiles and plain strips (deflate + predictor), through the block cache
    for (const [name, args] of [['planar2', ['-co', 'TILED=YES', '-co', 'INTERLEAVE=BAND', '-co', 'COMPRESS=DEFLATE', '-co', 'COPY_SRC_OVERVIEWS=YES']], ['strips', ['-co', 'COMPRESS=DEFLATE', '-co', 'PREDICTOR=2', '-co', 'BLOCKYSIZE=7', '-co', 'COPY_SRC_OVERVIEWS=YES']]] as const) {
      const f = join(tmp.dir, `${name}.tif`);
      gdal('gdal_translate', ['-q', ...args, base, f]);
      const img = await openImage(f);
      expect(img.levels[0]!.tiled).toBe(name === 'planar2');
      expect(img.levels[0]!.image.planarConfiguration).toBe(name === 'planar2' ? 2 : 1);
      await img.close();
      const got = await tilesOf(f);
      got.forEach((t, i) => expect(t!.equals(want[i]!), `${name} tile ${i}`).toBe(true));
    }
    const jpg = join(tmp.dir, 'c-JPEG.tif');
    gdal('gdal_translate', ['-q', '-ot', 'Byte', '-scale', '0', '4000', '0', '255', '-b', '1', '-b', '2', '-b', '3', '-co', 'TILED=YES', '-co', 'COMPRESS=JPEG', '-co', 'PHOTOMETRIC=RGB', base, jpg]);
    expect((await tilesOf(jpg)).filter(Boolean).length).toBe(4);
  });
});

describe('bad input is a clear one-line error, and nothing huge is allocated', () => {
  it('a small file whose header claims 20 GB of pixels is refused', async () => {
    const file = join(tmp.dir, 'claims-20gb.tif');
    const W = 50000;
    writeFileSync(
      file,
      craftTiff([
        [256, 4, 1, W], [257, 4, 1, W], [258, 3, 1, 16], [259, 3, 1, 1], [262, 3, 1, 1], [273, 4, 1, 200],
        [277, 3, 1, 1], [278, 4, 1, W], [279, 4, 1, 0xffffffff], [284, 3, 1, 1],
      ]),
    );
    const rss = process.memoryUsage().rss;
    const e = await errorOf(openImage(file));
    expect(e.code).toBe('BAD_INPUT');
    expect(e.message).toMatch(/^claims-20gb\.tif: one strip of 50000 x 50000 px would take 5\.0 GB decoded, more than the 268\.4 MB this reader allows/);
    // an IFD entry that claims a billion values past the end of a 200-byte file
    const file2 = join(tmp.dir, 'claims-offsets.tif');
    writeFileSync(file2, craftTiff([[256, 4, 1, W], [257, 4, 1, W], [258, 3, 1, 16], [259, 3, 1, 8], [273, 4, 1_000_000_000, 100], [277, 3, 1, 1], [278, 4, 1, 1], [279, 4, 1_000_000_000, 100]]));
    const e2 = await errorOf(openImage(file2));
    expect(e2.code).toBe('BAD_INPUT');
    expect(e2.message).toMatch(/^claims-offsets\.tif: corrupt: image directory 0, tag 27[39] claims 1000000000 values/);
    expect(process.memoryUsage().rss - rss).toBeLessThan(200 * 1024 * 1024);
  });

  it.skipIf(!hasGdal())('unsupported compression names the compression', async () => {
    const f = join(tmp.dir, 'lzma.tif');
    gdal('gdal_translate', ['-q', '-co', 'COMPRESS=LZMA', '-co', 'TILED=YES', base, f]);
    const e = await errorOf(openImage(f));
    expect(e.code).toBe('BAD_INPUT');
    expect(e.message).toMatch(/^lzma\.tif: compression LZMA \(34925\) is not supported \(this reader decodes none, LZW, deflate, PackBits, JPEG, LERC, ZSTD\)/);
  });

  it('a corrupt compressed tile is BAD_INPUT naming the tile; other tiles still render', async () => {
    const bytes = readFileSync(base);
    const img0 = await openImage(base);
    const fd = img0.levels[0]!.image.getFileDirectory();
    const off = Number(await fd.loadValueIndexed('TileOffsets', 3));
    const cnt = Number(await fd.loadValueIndexed('TileByteCounts', 3));
    await img0.close();
    for (let i = off; i < off + cnt; i += 7) bytes[i] = 0xa5; // scramble tile 3's deflate stream
    const bad = join(tmp.dir, 'corrupt.tif');
    writeFileSync(bad, bytes);
    const img = await openImage(bad);
    const eng = new TileEngine({ executor: new InlineExecutor() });
    try {
      const gt = img.levels[0]!.geoTransform;
      const { toLonLat } = (await import('./crs')).lonLatTransform(img.crs);
      const lonlat = (px: number, py: number) => toLonLat(gt[0] + px * gt[1], gt[3] + py * gt[5]);
      const [l3, b3] = lonlat(256 + 128, 256 + 128); // the image is 2 tiles wide: tile 3 is (1, 1)
      const t = lonLatToTile(l3, b3, 17);
      const e = await errorOf(eng.render(img, { image: bad, z: 17, x: t.x, y: t.y, options: {} }));
      expect(e.code).toBe('BAD_INPUT');
      expect(e.message).toMatch(/^corrupt\.tif: corrupt tile 3: cannot decode deflate \(8\) data/);
      const [l0, b0] = lonlat(100, 100);
      const ok = lonLatToTile(l0, b0, 17);
      expect(await eng.render(img, { image: bad, z: 17, x: ok.x, y: ok.y, options: {} })).not.toBeNull();
    } finally {
      await eng.close();
      await img.close();
    }
  });

  it.skipIf(!BUILT || !hasGdal())('the CLI answers exit 2 with one line for an unsupported or lying file', () => {
    const f = join(tmp.dir, 'cli-lzma.tif');
    gdal('gdal_translate', ['-q', '-co', 'COMPRESS=LZMA', base, f]);
    const lying = join(tmp.dir, 'cli-lying.tif');
    writeFileSync(lying, craftTiff([[256, 4, 1, 9], [257, 4, 1, 9], [258, 3, 1, 8], [259, 3, 1, 1], [273, 4, 500_000_000, 100], [277, 3, 1, 1], [278, 4, 1, 1], [279, 4, 500_000_000, 100]]));
    for (const file of [f, lying]) {
      const r = spawnSync(process.execPath, [resolve(ROOT, 'bin/fieldmark.js'), 'info', '--image', file], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});

