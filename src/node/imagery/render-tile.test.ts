import { afterAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../common/api/errors';
import { compareWithGdal as compareIn, hasGdal, makeGeoTiff, tempDir } from './fixtures.testutil';
import { openImage } from './open-image';
import { chooseLevel, renderTile, renderTileRgba, resolveRenderOptions, type RenderOptions } from './render-tile';
import type { OpenedImage } from './open-image';
import { sourcePixelsPerTilePixel, tilePixelMap } from './reproject';
import { lonLatToTile } from './tile-math';
import { lonLatTransform } from './crs';

const tmp = tempDir();
afterAll(() => tmp.cleanup());
const compareWithGdal = (img: OpenedImage, file: string, z: number, x: number, y: number, opts: RenderOptions = {}) => compareIn(img, file, z, x, y, opts, tmp.dir);

describe('render options', () => {
  const img = { bands: 4, name: 'a.tif' };
  it('defaults to true colour 3,2,1, 2-98 %, 256 px', () => {
    expect(resolveRenderOptions(img)).toEqual({ bands: [3, 2, 1], stretch: [2, 98], size: 256 });
    expect(resolveRenderOptions({ bands: 1, name: 'g.tif' }).bands).toEqual([1, 1, 1]);
  });
  it('rejects bands out of range and bad percentiles as BAD_ARGUMENTS', () => {
    expect(() => resolveRenderOptions(img, { bands: [5, 2, 1] })).toThrow(/bands 5,2,1: a\.tif has 4 bands/);
    expect(() => resolveRenderOptions(img, { bands: [0, 2, 1] })).toThrow(ApiError);
    expect(() => resolveRenderOptions(img, { stretch: [98, 2] })).toThrow(/stretch 98,2/);
    expect(() => resolveRenderOptions(img, { size: 300 as never })).toThrow(/size 300/);
    try {
      resolveRenderOptions(img, { bands: [5, 2, 1] });
    } catch (e) {
      expect((e as ApiError).code).toBe('BAD_ARGUMENTS');
    }
  });
  it('picks the coarsest level still at least as fine as the tile', () => {
    const lv = (f: number) => ({ factor: [f, f] }) as never;
    const levels = [lv(1), lv(2), lv(4), lv(8)];
    expect(chooseLevel(levels, 0.5)).toBe(levels[0]);
    expect(chooseLevel(levels, 1.9)).toBe(levels[0]);
    expect(chooseLevel(levels, 2)).toBe(levels[1]);
    expect(chooseLevel(levels, 7.9)).toBe(levels[2]);
    expect(chooseLevel(levels, 100)).toBe(levels[3]);
  });
});

describe.skipIf(!hasGdal())('tiles match an independent GDAL rendering', () => {
  // 1536 x 1024 px of 3 m, 4 bands, UTM 19N near Whittier MA; nodata 0 in a corner triangle.
  const value = (b: number, x: number, y: number): number => (x + y < 200 ? 0 : 1500 + 600 * Math.sin(x / 9 + b) + 500 * Math.cos(y / 13 - b) + 250 * Math.sin((x + 2 * y) / 23) + 200 * b);
  let utm: string;
  const utmFile = (): string =>
    (utm ??= makeGeoTiff(tmp.dir, 'utm-cog', {
      width: 1536, height: 1024, bands: 4, srs: 'EPSG:32619', ullr: [266000, 4669000, 270608, 4665928], nodata: 0, value,
      args: ['-of', 'COG', '-co', 'BLOCKSIZE=256', '-co', 'COMPRESS=DEFLATE', '-co', 'OVERVIEW_RESAMPLING=AVERAGE'],
    }));

  it('UTM COG at zooms that read full resolution and each overview', async () => {
    const file = utmFile();
    const img = await openImage(file);
    try {
      expect(img.overviews).toBe(3);
      const [w, s, e, n] = img.bounds4326;
      const centre: [number, number] = [(w + e) / 2, (s + n) / 2];
      const seen = new Set<number>();
      for (const z of [17, 16, 15, 14, 13, 12]) {
        const t = lonLatToTile(centre[0], centre[1], z);
        const r = await compareWithGdal(img, file, z, t.x, t.y);
        seen.add(r.level);
        if (process.env.FIELDMARK_SHOW_MAD) console.log(`z${z} level ${r.level} MAD ${r.mad.map((v) => v.toFixed(3))} alpha mismatch ${r.alphaMismatch}`);
        expect(r.both, `z${z}`).toBeGreaterThan(1000);
        expect(r.alphaMismatch, `z${z} transparency`).toBeLessThan(0.01);
        for (const m of r.mad) expect(m, `z${z} level ${r.level} MAD ${r.mad.map((v) => v.toFixed(2))}`).toBeLessThan(z >= 15 ? 1.5 : 3);
      }
      expect([...seen].sort()).toEqual([0, 1, 2, 3]);
    } finally {
      await img.close();
    }
  });

  it('nodata and the outside of the image are transparent; a tile outside is null', async () => {
    const img = await openImage(utmFile());
    try {
      const [w, , , n] = img.bounds4326;
      const gt = img.geoTransform;
      const [clon, clat] = lonLatTransform(img.crs).toLonLat(gt[0] + 50 * gt[1], gt[3] + 50 * gt[5]); // in the nodata corner
      const t = lonLatToTile(clon, clat, 17);
      const r = (await renderTileRgba(img, 17, t.x, t.y))!;
      let transparent = 0;
      for (let i = 3; i < r.rgba.length; i += 4) if (r.rgba[i] === 0) transparent++;
      expect(transparent).toBeGreaterThan(256 * 256 * 0.2);
      const far = lonLatToTile(w - 1, n, 17);
      expect(await renderTile(img, 17, far.x, far.y)).toBeNull();
      await expect(renderTile(img, 5, 40, 0)).rejects.toMatchObject({ code: 'BAD_ARGUMENTS' });
      await expect(renderTile(img, 17, t.x, t.y, { bands: [1, 2, 9] })).rejects.toMatchObject({ code: 'BAD_ARGUMENTS' });
    } finally {
      await img.close();
    }
  });

  it('tiles rendered concurrently on a fresh image equal tiles rendered one by one', async () => {
    const file = utmFile();
    const [a, b] = [await openImage(file), await openImage(file)];
    try {
      const [w, s, e, n] = a.bounds4326;
      const c = lonLatToTile((w + e) / 2, (s + n) / 2, 16);
      const xy = [0, 1, 2, 3, 4, 5].map((i) => [c.x - 1 + (i % 3), c.y - 1 + Math.floor(i / 3)] as const);
      const together = await Promise.all(xy.map(([x, y]) => renderTile(a, 16, x, y)));
      for (let i = 0; i < xy.length; i++) expect(together[i]!.equals((await renderTile(b, 16, xy[i]![0], xy[i]![1]))!)).toBe(true);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('false colour, another stretch and 512 px tiles', async () => {
    const file = utmFile();
    const img = await openImage(file);
    try {
      const [w, s, e, n] = img.bounds4326;
      const t = lonLatToTile((w + e) / 2, (s + n) / 2, 16);
      const r = await compareWithGdal(img, file, 16, t.x, t.y, { bands: [4, 3, 2], stretch: [1, 99], size: 512 });
      for (const m of r.mad) expect(m).toBeLessThan(1.5);
      const png = await renderTile(img, 16, t.x, t.y, { size: 512 });
      expect(png!.readUInt32BE(16)).toBe(512);
    } finally {
      await img.close();
    }
  });

  it('geographic float32 (nodata -9999) and web-mercator byte rasters', async () => {
    const geo = makeGeoTiff(tmp.dir, 'geo', {
      width: 400, height: 300, bands: 1, dtype: 'float32', srs: 'EPSG:4326', ullr: [-72.2, 42.3, -71.8, 42.0], nodata: -9999,
      value: (_b, x, y) => (x > 350 ? -9999 : Math.sin(x / 15) * 100 + y * 0.5),
    });
    const merc = makeGeoTiff(tmp.dir, 'merc', {
      width: 512, height: 512, bands: 3, dtype: 'uint8', srs: 'EPSG:3857', ullr: [-8000000, 5200000, -7990000, 5190000],
      value: (b, x, y) => Math.round(128 + 100 * Math.sin((x + b * 20) / 17) * Math.cos(y / 23)), args: ['-co', 'TILED=YES'],
    });
    for (const [file, z] of [[geo, 12], [geo, 10], [merc, 13], [merc, 14]] as const) {
      const img = await openImage(file);
      try {
        const [w, s, e, n] = img.bounds4326;
        const t = lonLatToTile((w + e) / 2, (s + n) / 2, z);
        const r = await compareWithGdal(img, file, z, t.x, t.y);
        expect(r.alphaMismatch, `${file} z${z}`).toBeLessThan(0.01);
        for (const m of r.mad) expect(m, `${file} z${z} MAD`).toBeLessThan(1.5);
      } finally {
        await img.close();
      }
    }
  });
});

describe('inverse mapping', () => {
  it('the interpolated grid stays within 0.01 px of the exact per-pixel mapping', async () => {
    const src = {
      crs: { id: 'EPSG:32619', epsg: 32619, proj4: '+proj=utm +zone=19 +datum=WGS84 +units=m +no_defs', geographic: false },
      geoTransform: [266000, 3, 0, 4669000, 0, -3] as [number, number, number, number, number, number],
      bounds4326: [-72, 42, -71, 43] as [number, number, number, number],
    };
    for (const z of [8, 12, 16]) {
      const t = lonLatToTile(-71.82, 42.13, z);
      const fast = tilePixelMap(src, z, t.x, t.y, 256, 16);
      const exact = tilePixelMap(src, z, t.x, t.y, 256, 1);
      let max = 0;
      for (let i = 0; i < fast.u.length; i++) max = Math.max(max, Math.abs(fast.u[i]! - exact.u[i]!), Math.abs(fast.v[i]! - exact.v[i]!));
      const scale = sourcePixelsPerTilePixel(exact, 1e9, 1e9)!;
      expect(max / scale, `z${z}`).toBeLessThan(0.01); // in tile pixels
    }
  });
});
