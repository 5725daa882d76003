import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32, inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { gdal, hasGdal, readEnviBands, tempDir } from './fixtures.testutil';
import { emptyPng, encodePng, filterRows } from './png';

/** An independent PNG reader for 8-bit RGB/RGBA, all five filter types. */
function decodePng(png: Buffer): { width: number; height: number; channels: number; pixels: Uint8Array; filters: number[] } {
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  let o = 8;
  let width = 0;
  let height = 0;
  let channels = 0;
  const idat: Buffer[] = [];
  while (o < png.length) {
    const len = png.readUInt32BE(o);
    const type = png.toString('latin1', o + 4, o + 8);
    const data = png.subarray(o + 8, o + 8 + len);
    expect(png.readUInt32BE(o + 8 + len)).toBe(crc32(png.subarray(o + 4, o + 8 + len)) >>> 0);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      expect(data[8]).toBe(8);
      channels = data[9] === 6 ? 4 : 3;
    } else if (type === 'IDAT') idat.push(Buffer.from(data));
    o += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const pixels = new Uint8Array(stride * height);
  const filters: number[] = [];
  for (let y = 0; y < height; y++) {
    const f = raw[y * (stride + 1)]!;
    filters.push(f);
    for (let i = 0; i < stride; i++) {
      const x = raw[y * (stride + 1) + 1 + i]!;
      const a = i >= channels ? pixels[y * stride + i - channels]! : 0;
      const b = y > 0 ? pixels[(y - 1) * stride + i]! : 0;
      const c = i >= channels && y > 0 ? pixels[(y - 1) * stride + i - channels]! : 0;
      const p = a + b - c;
      const pa = Math.abs(p - a);
      const pb = Math.abs(p - b);
      const pc = Math.abs(p - c);
      const paeth = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      const pred = [0, a, b, (a + b) >> 1, paeth][f]!;
      pixels[y * stride + i] = (x + pred) & 255;
    }
  }
  return { width, height, channels, pixels, filters };
}

function testImage(w: number, h: number): Uint8Array {
  const px = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const o = (y * w + x) * 4;
      px[o] = (x * 3 + y) & 255;
      px[o + 1] = y < h / 2 ? (x * 17) & 255 : 40; // noisy top half, flat bottom half
      px[o + 2] = (x ^ y) & 255;
      px[o + 3] = x < 5 ? 0 : 255;
    }
  return px;
}

describe('png encoder', () => {
  it('round-trips RGBA pixels exactly, using Sub and Up filters', () => {
    const px = testImage(256, 256);
    const dec = decodePng(encodePng(px, 256, 256));
    expect(dec.width).toBe(256);
    expect(dec.channels).toBe(4);
    expect(Buffer.from(dec.pixels).equals(Buffer.from(px))).toBe(true);
    expect(new Set(dec.filters)).toEqual(new Set([1, 2]));
  });

  it('round-trips RGB, odd sizes and every zlib level', () => {
    const w = 37;
    const h = 11;
    const px = new Uint8Array(w * h * 3).map((_, i) => (i * 31) & 255);
    for (const level of [0, 1, 6, 9]) {
      const dec = decodePng(encodePng(px, w, h, { channels: 3, level }));
      expect(dec.channels).toBe(3);
      expect(Buffer.from(dec.pixels).equals(Buffer.from(px))).toBe(true);
    }
    expect(() => encodePng(px, w + 1, h, { channels: 3 })).toThrow(/expected/);
  });

  it('filterRows picks Up for a row equal to the one above', () => {
    const px = new Uint8Array(4 * 4 * 4).map((_, i) => ((i % 16) * 37) & 255);
    const f = filterRows(px, 4, 4, 4);
    expect(f[17]).toBe(2); // row 1 repeats row 0
  });

  it('an empty tile is fully transparent and small', () => {
    const png = emptyPng(256);
    const dec = decodePng(png);
    expect(dec.pixels.every((v) => v === 0)).toBe(true);
    expect(png.length).toBeLessThan(1000);
  });

  it.skipIf(!hasGdal())('GDAL reads our PNG back to the same pixels', () => {
    const { dir, cleanup } = tempDir();
    try {
      const px = testImage(64, 48);
      writeFileSync(join(dir, 't.png'), encodePng(px, 64, 48));
      gdal('gdal_translate', ['-q', '-of', 'ENVI', join(dir, 't.png'), join(dir, 't.bin')]);
      const { bands } = readEnviBands(join(dir, 't.bin'));
      expect(bands).toHaveLength(4);
      for (let i = 0; i < 64 * 48; i++) for (let c = 0; c < 4; c++) expect(bands[c]![i]).toBe(px[i * 4 + c]);
    } finally {
      cleanup();
    }
  });

  it('encodes a 256 px RGBA tile in a few ms', () => {
    const px = testImage(256, 256);
    for (let i = 0; i < 5; i++) encodePng(px, 256, 256);
    const t0 = performance.now();
    for (let i = 0; i < 20; i++) encodePng(px, 256, 256);
    const ms = (performance.now() - t0) / 20;
    expect(ms).toBeLessThan(20); // ~1.5 ms here; generous for slow CI
  });
});

describe('map tile PNGs', () => {
  it('opaque tiles are RGB, others RGBA; async and sync encoders give the same bytes', async () => {
    const { encodeTilePng, encodeTilePngSync } = await import('./png');
    const px = testImage(64, 32);
    const withAlpha = await encodeTilePng(px, 64, 32);
    expect(withAlpha.equals(encodeTilePngSync(px, 64, 32))).toBe(true);
    const a = decodePng(withAlpha);
    expect(a.channels).toBe(4);
    expect(Buffer.from(a.pixels).equals(Buffer.from(px))).toBe(true);
    expect(new Set(a.filters)).toEqual(new Set([2]));
    const opaque = px.map((v, i) => (i % 4 === 3 ? 255 : v));
    const b = decodePng(await encodeTilePng(opaque, 64, 32));
    expect(b.channels).toBe(3);
    for (let i = 0; i < 64 * 32; i++) for (let c = 0; c < 3; c++) expect(b.pixels[i * 3 + c]).toBe(opaque[i * 4 + c]);
  });
});
