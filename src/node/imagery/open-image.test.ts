import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeArrayBuffer } from 'geotiff';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../common/api/errors';
import { edgeSamplePixels } from './georef';
import { GDAL_TYPE, gdalInfoJson, gdalPixelsToLonLat, hasGdal, makeGeoTiff, plainTiff, tempDir } from './fixtures.testutil';
import { imageInfo } from './image-info';
import { openImage } from './open-image';
import { readWindow } from './read-window';
import { renderTile } from './render-tile';
import { tileBounds3857 } from './tile-math';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

const unhandled: unknown[] = [];
const onUnhandled = (e: unknown): void => void unhandled.push(e);
beforeAll(() => void process.on('unhandledRejection', onUnhandled));
afterAll(() => void process.off('unhandledRejection', onUnhandled));

/** Expects a one-line ApiError with the code, whose message names the file. */
async function expectInputError(p: Promise<unknown>, code: string, pattern: RegExp, name?: string): Promise<ApiError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ApiError);
  const err = e as ApiError;
  expect(err.code).toBe(code);
  expect(err.message).toMatch(pattern);
  expect(err.message).not.toMatch(/\n|RangeError|TypeError|\bat .*:\d+:\d+/);
  if (name) expect(err.message.startsWith(name)).toBe(true);
  return err;
}

/** A GeoTIFF written by geotiff.js (no GDAL): 256 x 256 uint16, exactly web-mercator tile 10/301/384. */
function tileAlignedTiff(): string {
  const [minx, , maxx, maxy] = tileBounds3857(10, 301, 384);
  const res = (maxx - minx) / 256;
  const vals = new Uint16Array(256 * 256).map((_, i) => i);
  const buf = writeArrayBuffer(vals, {
    width: 256, height: 256, SamplesPerPixel: 1, BitsPerSample: [16], SampleFormat: [1],
    ModelPixelScale: [res, res, 0], ModelTiepoint: [0, 0, 0, minx, maxy, 0],
    GTModelTypeGeoKey: 1, GTRasterTypeGeoKey: 1, ProjectedCSTypeGeoKey: 3857,
  } as never);
  const file = join(tmp.dir, 'tile-aligned-3857.tif');
  writeFileSync(file, Buffer.from(buf));
  return file;
}

describe('openImage without GDAL (geotiff.js-written fixture)', () => {
  it('reads the header and renders the tile it covers pixel for pixel', async () => {
    const file = tileAlignedTiff();
    const info = await imageInfo(file);
    expect(info).toMatchObject({ width: 256, height: 256, bands: 1, dtype: 'uint16', crs: 'EPSG:3857', overviews: 0, tileSize: null, nodata: null });
    const img = await openImage(file);
    try {
      const png = await renderTile(img, 10, 301, 384);
      expect(png).not.toBeNull();
      const { renderTileRgba } = await import('./render-tile');
      const t = (await renderTileRgba(img, 10, 301, 384))!;
      // values 0..65535 uniformly: 2nd / 98th percentiles (numpy linear) are 0.02 and 0.98 of 65535
      expect(t.stretch[0]![0]).toBeCloseTo(0.02 * 65535, 6);
      expect(t.stretch[0]![1]).toBeCloseTo(0.98 * 65535, 6);
      const [lo, hi] = t.stretch[0]!;
      let maxDiff = 0;
      for (let i = 0; i < 256 * 256; i++) {
        const want = Math.max(0, Math.min(255, Math.round(((i - lo) * 255) / (hi - lo))));
        maxDiff = Math.max(maxDiff, Math.abs(t.rgba[i * 4]! - want));
        expect(t.rgba[i * 4 + 3]).toBe(255);
      }
      expect(maxDiff).toBeLessThanOrEqual(1);
      expect(await renderTile(img, 10, 302, 384)).toBeNull(); // the neighbour only touches it
      expect(await renderTile(img, 3, 0, 0)).toBeNull();
    } finally {
      await img.close();
    }
  });

  it('a truncated strip file opens, and the tile names the lost strip', async () => {
    const bytes = readFileSync(tileAlignedTiff());
    const cut = join(tmp.dir, 'cut.tif');
    writeFileSync(cut, bytes.subarray(0, 60000)); // geotiff.js writes the IFD first, pixels after
    const img = await openImage(cut);
    try {
      await expectInputError(renderTile(img, 10, 301, 384), 'BAD_INPUT', /^cut\.tif: truncated: strip \d+ (at byte \d+ is past the end|\(bytes \d+\.\.\d+\) runs past the end) of the 60000-byte file$/);
    } finally {
      await img.close();
    }
  });
});

describe('bad input is a one-line ApiError', () => {
  it('missing file, directory, empty file, random bytes, a PNG, a plain TIFF', async () => {
    await expectInputError(imageInfo(join(tmp.dir, 'nope.tif')), 'NOT_FOUND', /nope\.tif: no such file/);
    await expectInputError(imageInfo(tmp.dir), 'BAD_INPUT', /is a directory/);
    writeFileSync(join(tmp.dir, 'empty.tif'), Buffer.alloc(0));
    await expectInputError(imageInfo(join(tmp.dir, 'empty.tif')), 'BAD_INPUT', /^empty\.tif: empty file/);
    let seed = 5;
    const noise = Buffer.from(Array.from({ length: 5000 }, () => (seed = (seed * 48271) % 2147483647) & 255));
    writeFileSync(join(tmp.dir, 'noise.tif'), noise);
    await expectInputError(imageInfo(join(tmp.dir, 'noise.tif')), 'BAD_INPUT', /^noise\.tif: not a TIFF file \(bad byte-order mark\)$/);
    // random bytes behind a valid TIFF header
    writeFileSync(join(tmp.dir, 'noise2.tif'), Buffer.concat([Buffer.from([0x49, 0x49, 42, 0, 8, 0, 0, 0]), noise]));
    await expectInputError(imageInfo(join(tmp.dir, 'noise2.tif')), 'BAD_INPUT', /^noise2\.tif: /);
    writeFileSync(join(tmp.dir, 'a.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]));
    await expectInputError(imageInfo(join(tmp.dir, 'a.png')), 'BAD_INPUT', /a\.png: not a TIFF file \(it is a PNG\)/);
    writeFileSync(join(tmp.dir, 'plain.tif'), plainTiff(40, 30));
    await expectInputError(imageInfo(join(tmp.dir, 'plain.tif')), 'BAD_INPUT', /^plain\.tif: not georeferenced/);
    writeFileSync(join(tmp.dir, 'short.tif'), Buffer.from([0x49, 0x49, 42]));
    await expectInputError(imageInfo(join(tmp.dir, 'short.tif')), 'BAD_INPUT', /short\.tif: truncated/);
    const plain = plainTiff(40, 30);
    plain.writeUInt32LE(999999, 4); // first IFD beyond the end
    writeFileSync(join(tmp.dir, 'ifd.tif'), plain);
    await expectInputError(imageInfo(join(tmp.dir, 'ifd.tif')), 'BAD_INPUT', /ifd\.tif: truncated: image directory at byte 999999 is past the end of the \d+-byte file/);
  });

  it.skipIf(!hasGdal())('truncated COG: the header opens, reading a lost tile names it', async () => {
    const cog = makeGeoTiff(tmp.dir, 'trunc-src', {
      width: 512, height: 512, bands: 4, srs: 'EPSG:32619', ullr: [267000, 4668000, 268536, 4666464],
      args: ['-of', 'COG', '-co', 'BLOCKSIZE=128', '-co', 'COMPRESS=DEFLATE'],
    });
    const bytes = readFileSync(cog);
    const cut = join(tmp.dir, 'x.tif');
    writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    const img = await openImage(cut);
    try {
      expect(img.overviews).toBeGreaterThan(0);
      await expectInputError(
        readWindow(img, img.levels[0]!, [0, 0, 512, 512], [0, 1, 2]),
        'BAD_INPUT',
        /^x\.tif: truncated: tile \d+ at byte \d+ is past the end of the \d+-byte file$|^x\.tif: truncated: tile \d+ \(bytes \d+\.\.\d+\) runs past the end of the \d+-byte file$/,
      );
      // the same through the renderer, at a zoom that reads full resolution
      const { lonLatToTile } = await import('./tile-math');
      const [, s, e] = img.bounds4326;
      const t = lonLatToTile(e - 1e-4, s + 1e-4, 18);
      await expectInputError(renderTile(img, 18, t.x, t.y), 'BAD_INPUT', /^x\.tif: truncated: tile \d+/);
    } finally {
      await img.close();
    }
    // garbage inside the compressed tiles: the decoder's complaint, on one line
    const bad = Buffer.from(bytes);
    for (let i = Math.floor(bad.length * 0.5); i < bad.length - 64; i++) bad[i] = (i * 7919) & 255;
    writeFileSync(join(tmp.dir, 'garbled.tif'), bad);
    const g = await openImage(join(tmp.dir, 'garbled.tif'));
    try {
      await expectInputError(readWindow(g, g.levels[0]!, [0, 0, 512, 512], [0]), 'BAD_INPUT', /^garbled\.tif: cannot read pixels \[0,0,512,512\]: /);
    } finally {
      await g.close();
    }
    // cut inside the header area: still one line
    writeFileSync(join(tmp.dir, 'y.tif'), bytes.subarray(0, 300));
    await expectInputError(imageInfo(join(tmp.dir, 'y.tif')), 'BAD_INPUT', /^y\.tif: /);
  });

  it.skipIf(!hasGdal())('a CRS this build cannot build offline is a clear error', async () => {
    const f = makeGeoTiff(tmp.dir, 'swiss', { width: 16, height: 16, bands: 1, srs: 'EPSG:2056', ullr: [2600000, 1200016, 2600016, 1200000] });
    await expectInputError(imageInfo(f), 'BAD_INPUT', /^swiss\.tif: CRS EPSG:2056 is not built in/);
  });

  it('left no unhandled rejections behind', async () => {
    await new Promise((r) => setTimeout(r, 20));
    expect(unhandled).toEqual([]);
  });
});

describe.skipIf(!hasGdal())('imageInfo agrees with gdalinfo on GDAL-made fixtures', () => {
  const cases: Array<[string, Parameters<typeof makeGeoTiff>[2]]> = [
    ['utm-cog', { width: 1024, height: 700, bands: 4, srs: 'EPSG:32619', ullr: [267000, 4668000, 270072, 4665900], nodata: 0, args: ['-of', 'COG', '-co', 'BLOCKSIZE=256', '-co', 'COMPRESS=DEFLATE', '-co', 'PREDICTOR=2'] }],
    ['utm-strips', { width: 300, height: 200, bands: 4, srs: 'EPSG:32618', ullr: [763500, 4668600, 764400, 4668000], args: ['-co', 'COMPRESS=LZW'] }],
    ['utm-south-int16', { width: 120, height: 90, bands: 2, dtype: 'int16', srs: 'EPSG:32733', ullr: [300000, 8000000, 301200, 7999100], nodata: -32768, args: ['-co', 'TILED=YES', '-co', 'BLOCKXSIZE=64', '-co', 'BLOCKYSIZE=32'] }],
    ['geo-float', { width: 200, height: 100, bands: 1, dtype: 'float32', srs: 'EPSG:4326', ullr: [-10, 40, -8, 39], nodata: -9999 }],
    ['merc-byte', { width: 256, height: 256, bands: 3, dtype: 'uint8', srs: 'EPSG:3857', ullr: [-8000000, 5200000, -7990000, 5190000], value: (b, x, y) => (x + y + b * 40) & 255, args: ['-co', 'TILED=YES', '-co', 'INTERLEAVE=BAND'] }],
    ['polar', { width: 100, height: 100, bands: 1, srs: 'EPSG:3031', ullr: [2400000, -830000, 2500000, -930000] }],
    ['laea', { width: 64, height: 64, bands: 1, srs: 'EPSG:3035', ullr: [4321000, 3210000, 4385000, 3146000] }],
    ['user-tmerc', { width: 50, height: 40, bands: 1, srs: '+proj=tmerc +lat_0=10 +lon_0=20 +k=0.9995 +x_0=400000 +y_0=100000 +ellps=GRS80 +units=m', ullr: [400000, 110000, 405000, 106000] }],
    ['user-lcc', { width: 50, height: 40, bands: 1, srs: '+proj=lcc +lat_1=33 +lat_2=45 +lat_0=39 +lon_0=-96 +x_0=0 +y_0=0 +datum=WGS84 +units=m', ullr: [100000, 200000, 150000, 160000] }],
  ];

  for (const [name, opts] of cases) {
    it(name, async () => {
      const file = makeGeoTiff(tmp.dir, name, opts);
      const gi = gdalInfoJson(file);
      const info = await imageInfo(file);
      expect([info.width, info.height]).toEqual(gi.size);
      expect(info.bands).toBe(gi.bands.length);
      expect(GDAL_TYPE[info.dtype]).toBe(gi.bands[0]!.type);
      expect(info.overviews).toBe(gi.bands[0]!.overviews?.length ?? 0);
      expect(info.nodata).toBe(gi.bands[0]!.noDataValue ?? null);
      if (info.tileSize) expect(info.tileSize).toEqual(gi.bands[0]!.block);
      else expect(gi.bands[0]!.block[0]).toBe(info.width);
      if (opts.srs.startsWith('EPSG:')) expect(info.crs).toBe(opts.srs);
      // bounds: PROJ (gdaltransform) applied to the same densified outline
      const img = await openImage(file);
      try {
        expect(img.geoTransform.map((v, i) => v - gi.geoTransform[i]!).every((d) => Math.abs(d) < 1e-9)).toBe(true);
      } finally {
        await img.close();
      }
      const ll = gdalPixelsToLonLat(file, edgeSamplePixels(info.width, info.height));
      const want = [Math.min(...ll.map((p) => p[0])), Math.min(...ll.map((p) => p[1])), Math.max(...ll.map((p) => p[0])), Math.max(...ll.map((p) => p[1]))];
      info.bounds4326.forEach((v, i) => expect(Math.abs(v - want[i]!), `bounds[${i}]`).toBeLessThan(1e-6));
    });
  }
});
