import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fromArrayBuffer } from 'geotiff';
import { encodeCog, encodeCogAsync, writeCog, downsample2x, cogOverviewCount, type CogInput, type CogDtype } from './cog-writer.js';

// ------------------------------------------------------------------ fixtures

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 4294967296; };
}

function makeInput(dtype: CogDtype, width: number, height: number, nBands: number, extra: Partial<CogInput> = {}): CogInput {
  const rnd = lcg(width * 31 + height * 7 + nBands);
  const bands = Array.from({ length: nBands }, (_, b) => {
    const a = dtype === 'uint8' ? new Uint8Array(width * height) : dtype === 'uint16' ? new Uint16Array(width * height) : new Float32Array(width * height);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const smooth = Math.sin(x / 17 + b) * Math.cos(y / 23);
        const v = dtype === 'uint8' ? 128 + smooth * 100 + rnd() * 20
          : dtype === 'uint16' ? 3000 + smooth * 2500 + rnd() * 400 + b * 100
            : smooth * 0.7 + rnd() * 0.05 - 1e-3 * b;
        a[y * width + x] = dtype === 'float32' ? v : Math.max(1, Math.round(v));
      }
    }
    return a;
  });
  return {
    width, height, dtype, bands,
    geo: { epsg: 3857, originX: -100_184.5, originY: 1_051_270.25, pixelSizeX: 4.777314267, pixelSizeY: 4.777314267 },
    ...extra,
  };
}

// minimal independent TIFF reader for layout checks
interface Ifd { offset: number; tags: Map<number, number[]> }
function parseIfds(buf: Buffer): Ifd[] {
  expect(buf.toString('latin1', 0, 2)).toBe('II');
  expect(buf.readUInt16LE(2)).toBe(42);
  const size: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 4, 12: 8 };
  const out: Ifd[] = [];
  let off = buf.readUInt32LE(4);
  while (off) {
    const n = buf.readUInt16LE(off);
    const tags = new Map<number, number[]>();
    let prev = -1;
    for (let i = 0; i < n; i++) {
      const e = off + 2 + 12 * i;
      const tag = buf.readUInt16LE(e), type = buf.readUInt16LE(e + 2), count = buf.readUInt32LE(e + 4);
      expect(tag).toBeGreaterThan(prev); // tags sorted
      prev = tag;
      const bytes = (size[type] ?? 1) * count;
      const at = bytes <= 4 ? e + 8 : buf.readUInt32LE(e + 8);
      const vals: number[] = [];
      for (let k = 0; k < count && type !== 2; k++) {
        vals.push(type === 3 ? buf.readUInt16LE(at + 2 * k) : type === 4 ? buf.readUInt32LE(at + 4 * k) : buf.readDoubleLE(at + 8 * k));
      }
      tags.set(tag, vals);
    }
    out.push({ offset: off, tags });
    off = buf.readUInt32LE(off + 2 + 12 * n);
  }
  return out;
}

// ------------------------------------------------------------------ GDAL helpers (optional)

function has(cmd: string, args: string[]): boolean {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return r.status === 0;
}
const GDALINFO = has('gdalinfo', ['--version']);
const GDAL_TRANSLATE = has('gdal_translate', ['--version']);
function findValidator(): { python: string; args: string[] } | null {
  const pythons = ['python3', '/usr/bin/python3'].filter((p) => has(p, ['-c', 'from osgeo import gdal']));
  const scripts = [
    '/usr/share/doc/python3-gdal/examples/validate_cloud_optimized_geotiff.py',
    '/usr/share/doc/gdal-bin/examples/validate_cloud_optimized_geotiff.py',
    '/usr/share/gdal/validate_cloud_optimized_geotiff.py',
  ];
  for (const py of pythons) {
    for (const s of scripts) if (existsSync(s)) return { python: py, args: [s] };
    if (has(py, ['-c', 'from osgeo_utils.samples import validate_cloud_optimized_geotiff'])) {
      return { python: py, args: ['-m', 'osgeo_utils.samples.validate_cloud_optimized_geotiff'] };
    }
  }
  return null;
}
const VALIDATOR = findValidator();

// ------------------------------------------------------------------ tests

let dir = '';
beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'cog-writer-')); });
afterAll(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

async function readBack(buf: Buffer) {
  const ab = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer;
  return fromArrayBuffer(ab);
}

describe('encodeCog round-trips through geotiff.js', () => {
  const cases: { dtype: CogDtype; w: number; h: number; bands: number; extra?: Partial<CogInput> }[] = [
    { dtype: 'uint8', w: 300, h: 517, bands: 3 },
    { dtype: 'uint16', w: 517, h: 300, bands: 4, extra: { nodata: 0 } },
    { dtype: 'uint16', w: 100, h: 70, bands: 1, extra: { compression: 'none' } },
    { dtype: 'uint16', w: 260, h: 97, bands: 2, extra: { predictor: false, tileSize: 64 } },
    { dtype: 'float32', w: 333, h: 290, bands: 2, extra: { nodata: -9999 } },
    { dtype: 'float32', w: 129, h: 130, bands: 1, extra: { predictor: false, tileSize: 32 } },
    { dtype: 'uint8', w: 1, h: 1, bands: 1 },
  ];
  for (const c of cases) {
    it(`${c.dtype} ${c.w}x${c.h}x${c.bands} ${JSON.stringify(c.extra ?? {})}`, async () => {
      const input = makeInput(c.dtype, c.w, c.h, c.bands, c.extra);
      if (input.nodata !== undefined) {
        for (const b of input.bands) (b as Uint16Array).fill(input.nodata, 0, 50); // some nodata pixels
      }
      const buf = encodeCog(input);
      const tiff = await readBack(buf);
      const ts = input.tileSize ?? 256;
      expect(await tiff.getImageCount()).toBe(1 + cogOverviewCount(c.w, c.h, ts));
      const img = await tiff.getImage(0);
      expect(img.getWidth()).toBe(c.w);
      expect(img.getHeight()).toBe(c.h);
      expect(img.getSamplesPerPixel()).toBe(c.bands);
      expect(img.getTileWidth()).toBe(ts);
      expect(img.getGDALNoData()).toBe(input.nodata ?? null);
      expect(img.getOrigin().slice(0, 2)).toEqual([input.geo.originX, input.geo.originY]);
      expect(img.getResolution().slice(0, 2)).toEqual([input.geo.pixelSizeX, -input.geo.pixelSizeY]);
      expect(img.getGeoKeys()?.ProjectedCSTypeGeoKey).toBe(3857);
      const rasters = await img.readRasters({ interleave: false });
      for (let b = 0; b < c.bands; b++) {
        const got = rasters[b] as ArrayLike<number>;
        const want = input.bands[b] as ArrayLike<number>;
        expect(got.length).toBe(want.length);
        let mism = 0;
        for (let i = 0; i < want.length; i++) if (got[i] !== want[i]) mism++;
        expect(mism).toBe(0);
      }
      // smallest overview is readable and sized by ceil halving
      const n = await tiff.getImageCount();
      if (n > 1) {
        const ov = await tiff.getImage(n - 1);
        expect(ov.getWidth()).toBeLessThanOrEqual(ts);
        expect(ov.getHeight()).toBeLessThanOrEqual(ts);
        const r = await ov.readRasters({ interleave: false });
        expect((r[0] as ArrayLike<number>).length).toBe(ov.getWidth() * ov.getHeight());
      }
    });
  }

  it('geographic CRS uses GeographicTypeGeoKey', async () => {
    const input = makeInput('uint8', 40, 30, 1, { geo: { epsg: 4326, originX: -0.95, originY: 9.45, pixelSizeX: 0.0001, pixelSizeY: 0.0001 } });
    const img = await (await readBack(encodeCog(input))).getImage(0);
    const keys = img.getGeoKeys();
    expect(keys?.GTModelTypeGeoKey).toBe(2);
    expect(keys?.GTRasterTypeGeoKey).toBe(1);
    expect(keys?.GeographicTypeGeoKey).toBe(4326);
  });

  it('rejects bad input', () => {
    expect(() => encodeCog(makeInput('uint8', 10, 10, 1, { tileSize: 100 }))).toThrow(/multiple of 16/);
    const bad = makeInput('uint8', 10, 10, 1);
    bad.bands = [new Uint8Array(99)];
    expect(() => encodeCog(bad)).toThrow(/band 1 has 99/);
  });
});

describe('COG layout', () => {
  it('IFDs first (main, then overviews), then tiles from the smallest overview to full resolution, increasing offsets', () => {
    const input = makeInput('uint16', 700, 600, 4, { nodata: 0, tileSize: 128 });
    const buf = encodeCog(input);
    const ifds = parseIfds(buf);
    expect(ifds.length).toBe(1 + cogOverviewCount(700, 600, 128));
    expect(buf.toString('latin1', 8, 38)).toBe('GDAL_STRUCTURAL_METADATA_SIZE=');
    const widths = ifds.map((d) => d.tags.get(256)?.[0] ?? 0);
    expect(widths).toEqual([700, 350, 175, 88]);
    expect(ifds.map((d) => d.tags.get(254)?.[0] ?? 0)).toEqual([0, 1, 1, 1]);
    for (let i = 1; i < ifds.length; i++) expect((ifds[i] as Ifd).offset).toBeGreaterThan((ifds[i - 1] as Ifd).offset);
    const lastIfdEnd = Math.max(...ifds.map((d) => d.offset));
    let prevEnd = lastIfdEnd;
    for (let i = ifds.length - 1; i >= 0; i--) {
      const offs = (ifds[i] as Ifd).tags.get(324) ?? [];
      const counts = (ifds[i] as Ifd).tags.get(325) ?? [];
      for (let k = 0; k < offs.length; k++) {
        const o = offs[k] as number, n = counts[k] as number;
        expect(o).toBeGreaterThan(prevEnd);
        expect(buf.readUInt32LE(o - 4)).toBe(n); // leader
        expect(buf.subarray(o + n - 4, o + n).equals(buf.subarray(o + n, o + n + 4))).toBe(true); // trailer
        prevEnd = o + n;
      }
    }
    expect(prevEnd + 4).toBe(buf.length);
    const main = ifds[0] as Ifd;
    expect(main.tags.get(317)).toEqual([2]);
    expect(main.tags.get(338)).toEqual([0, 0, 0]);
    expect(main.tags.get(339)).toEqual([1, 1, 1, 1]);
    expect(main.tags.get(284)).toEqual([1]);
    expect(main.tags.get(262)).toEqual([1]);
  });

  it('writeCog, encodeCogAsync and encodeCog give identical bytes', async () => {
    const input = makeInput('uint16', 600, 520, 4, { nodata: 0, description: 'x', bandDescriptions: ['b', 'g', 'r', 'n'] });
    const a = encodeCog(input);
    const b = await encodeCogAsync(input);
    const path = join(dir, 'same.tif');
    const res = await writeCog(path, input);
    expect(a.equals(b)).toBe(true);
    expect(readFileSync(path).equals(a)).toBe(true);
    expect(res).toEqual({ bytes: a.length, overviews: 2 });
  });
});

describe('downsample2x', () => {
  it('averages 2x2 blocks, excludes nodata, handles odd edges', () => {
    // 3x3 single band, nodata 0
    const data = new Uint16Array([10, 20, 30, 0, 0, 40, 50, 60, 70]);
    const r = downsample2x({ width: 3, height: 3, data }, 1, 'uint16', 'average', 0);
    expect([r.width, r.height]).toEqual([2, 2]);
    expect(Array.from(r.data)).toEqual([15, 35, 55, 70]);
    const all = downsample2x({ width: 2, height: 2, data: new Uint16Array([0, 0, 0, 0]) }, 1, 'uint16', 'average', 0);
    expect(Array.from(all.data)).toEqual([0]);
    const f = downsample2x({ width: 2, height: 1, data: new Float32Array([NaN, 2]) }, 1, 'float32', 'average', NaN);
    expect(Array.from(f.data)).toEqual([2]);
    const near = downsample2x({ width: 2, height: 2, data: new Uint8Array([1, 2, 3, 4]) }, 1, 'uint8', 'nearest');
    expect(Array.from(near.data)).toEqual([1]);
    // interleaved 2 bands
    const two = downsample2x({ width: 2, height: 2, data: new Uint8Array([1, 10, 3, 30, 5, 50, 7, 70]) }, 2, 'uint8', 'average');
    expect(Array.from(two.data)).toEqual([4, 40]);
  });

  it('overview pixels in the file are nodata-aware averages', async () => {
    const input = makeInput('uint16', 300, 300, 1, { nodata: 0 });
    const b = input.bands[0] as Uint16Array;
    b[0] = 0; b[1] = 100; b[300] = 0; b[301] = 300;
    const img = await (await readBack(encodeCog(input))).getImage(1);
    const r = await img.readRasters({ interleave: false, window: [0, 0, 1, 1] });
    expect((r[0] as Uint16Array)[0]).toBe(200);
  });
});

describe('speed', () => {
  it('encodes a 2048x2048x4 uint16 COG in a few seconds', async () => {
    const W = 2048;
    const rnd = lcg(7);
    const bands = [0, 1, 2, 3].map((b) => {
      const a = new Uint16Array(W * W);
      for (let i = 0; i < a.length; i++) a[i] = 800 + b * 400 + ((Math.sin((i % W) / 30) * 300) | 0) + ((rnd() * 64) | 0);
      return a;
    });
    const t0 = performance.now();
    const buf = await encodeCogAsync({ width: W, height: W, dtype: 'uint16', bands, nodata: 0, geo: { epsg: 3857, originX: 0, originY: 0, pixelSizeX: 4.77, pixelSizeY: 4.77 } });
    const ms = performance.now() - t0;
    console.log(`cog-writer: 2048x2048x4 uint16 deflate+predictor in ${ms.toFixed(0)} ms, ${(buf.length / 1e6).toFixed(1)} MB`);
    expect(ms).toBeLessThan(8000); // generous for loaded CI machines; ~0.7 s on 2 cores
  });
});

describe.skipIf(!GDALINFO)('GDAL agrees', () => {
  it('gdalinfo -json: size, bands, type, geotransform, CRS, nodata, overviews, band descriptions', async () => {
    for (const [dtype, gdalType, epsg] of [['uint16', 'UInt16', 32630], ['uint8', 'Byte', 3857], ['float32', 'Float32', 4326]] as const) {
      const geo = epsg === 4326
        ? { epsg, originX: -0.95, originY: 9.45, pixelSizeX: 0.0001, pixelSizeY: 0.00009 }
        : { epsg, originX: 712_345.5, originY: 1_045_678.25, pixelSizeX: 3, pixelSizeY: 3 };
      const input = makeInput(dtype, 613, 541, 4, { nodata: dtype === 'float32' ? -9999 : 0, geo, bandDescriptions: ['blue', 'green', 'red', 'nir'], description: 'fieldmark test' });
      const path = join(dir, `g-${dtype}.tif`);
      const res = await writeCog(path, input);
      const r = spawnSync('gdalinfo', ['-json', path], { encoding: 'utf8' });
      expect(r.status).toBe(0);
      const info = JSON.parse(r.stdout);
      expect(info.size).toEqual([613, 541]);
      expect(info.bands.length).toBe(4);
      expect(info.bands.map((b: { type: string }) => b.type)).toEqual([gdalType, gdalType, gdalType, gdalType]);
      expect(info.bands.map((b: { description?: string }) => b.description)).toEqual(['blue', 'green', 'red', 'nir']);
      expect(info.geoTransform).toEqual([geo.originX, geo.pixelSizeX, 0, geo.originY, 0, -geo.pixelSizeY]);
      expect(info.coordinateSystem.wkt).toContain(`ID["EPSG",${epsg}]`);
      expect(info.bands[0].noDataValue).toBe(input.nodata);
      expect(info.bands[0].overviews.length).toBe(res.overviews);
      expect(info.metadata.IMAGE_STRUCTURE.LAYOUT).toBe('COG');
      expect(info.metadata.IMAGE_STRUCTURE.INTERLEAVE).toBe('PIXEL');
      expect(info.metadata.IMAGE_STRUCTURE.COMPRESSION).toBe('DEFLATE');
      expect(info.metadata.IMAGE_STRUCTURE.PREDICTOR).toBe(dtype === 'float32' ? '3' : '2');
      expect(info.metadata[''].AREA_OR_POINT).toBe('Area');
    }
  });

  it.skipIf(!VALIDATOR)('validate_cloud_optimized_geotiff.py passes (full check)', async () => {
    const v = VALIDATOR as { python: string; args: string[] };
    const files: [string, CogInput][] = [
      ['v-u16.tif', makeInput('uint16', 2100, 1300, 4, { nodata: 0 })],
      ['v-u8.tif', makeInput('uint8', 513, 257, 8, { overviewResampling: 'nearest' })],
      ['v-f32.tif', makeInput('float32', 700, 900, 1, { nodata: -9999, tileSize: 512 })],
      ['v-raw.tif', makeInput('uint16', 600, 600, 3, { compression: 'none' })],
    ];
    for (const [name, input] of files) {
      const path = join(dir, name);
      await writeCog(path, input);
      const r = spawnSync(v.python, [...v.args, '--full-check=yes', path], { encoding: 'utf8' });
      expect(r.stdout + r.stderr).toContain('is a valid cloud optimized GeoTIFF');
      expect(r.status).toBe(0);
    }
  });

  it.skipIf(!GDAL_TRANSLATE)('gdal_translate reads pixels back exactly (every dtype and predictor)', async () => {
    const inputs: CogInput[] = [
      makeInput('uint16', 700, 530, 4, { nodata: 0 }),
      makeInput('uint8', 300, 301, 3),
      makeInput('float32', 520, 270, 2, { nodata: -9999 }),
    ];
    for (const [i, input] of inputs.entries()) {
      const path = join(dir, `t-${i}.tif`);
      await writeCog(path, input);
      for (const [x, y] of [[0, 0], [257, 263], [input.width - 1, input.height - 1], [511 % input.width, 5]] as const) {
        for (let b = 0; b < input.bands.length; b++) {
          const r = spawnSync('gdal_translate', ['-q', '-b', String(b + 1), '-srcwin', String(x), String(y), '1', '1', '-of', 'XYZ', path, '/vsistdout/'], { encoding: 'utf8' });
          expect(r.status).toBe(0);
          const v = Number(r.stdout.trim().split(/\s+/)[2]);
          const want = (input.bands[b] as ArrayLike<number>)[y * input.width + x] as number;
          if (input.dtype === 'float32') expect(v).toBeCloseTo(want, 5);
          else expect(v).toBe(want);
        }
      }
    }
  });

  it.skipIf(!GDAL_TRANSLATE)('gdal_translate reads float32 predictor-3 data bit-exactly', async () => {
    const input = makeInput('float32', 300, 200, 3, { nodata: -9999 });
    const path = join(dir, 'f3.tif');
    const raw = join(dir, 'f3.bin');
    await writeCog(path, input);
    const r = spawnSync('gdal_translate', ['-q', '-of', 'ENVI', '-co', 'INTERLEAVE=BSQ', path, raw], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    const bytes = readFileSync(raw);
    const got = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
    const n = 300 * 200;
    for (let b = 0; b < 3; b++) {
      expect(Buffer.from(got.slice(b * n, (b + 1) * n).buffer).equals(Buffer.from((input.bands[b] as Float32Array).buffer))).toBe(true);
    }
  });
});
