import { describe, expect, it } from 'vitest';
import { assembleWindow } from './block-window';
import { composeRgba, IDENTITY_TONE, MASK_CLASSES, ndviRampLut, toneLut, type ComposeParams } from './tile-compose';

/** A tile whose pixel centres map 1:1 onto a w x h window (u = x + 0.5). */
function identity(size: number, style: ComposeParams['style'], nodata: number | null = null): ComposeParams {
  const u = new Float64Array(size * size);
  const v = new Float64Array(size * size);
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) [u[y * size + x], v[y * size + x]] = [x + 0.5, y + 0.5];
  return { size, map: { u, v }, fx: 1, fy: 1, win: [0, 0, size, size], imgW: size, imgH: size, nodata, dtype: 'uint16', style };
}

describe('tile composition', () => {
  it('rgb: linear stretch per channel, nodata transparent', () => {
    const n = 4;
    const a = new Uint16Array(n * n).map((_, i) => 1000 + i * 100);
    a[5] = 0;
    const p = identity(n, { mode: 'rgb', stretch: [[1000, 2500], [1000, 2500], [1000, 2500]], tone: IDENTITY_TONE }, 0);
    const rgba = composeRgba(p, [a, a, a]);
    expect(rgba[0]).toBe(0);
    expect(rgba[15 * 4]).toBe(255);
    expect(rgba[3 * 4]).toBe(Math.round(((1300 - 1000) * 255) / 1500));
    expect(rgba[5 * 4 + 3]).toBe(0); // nodata
    expect(rgba[6 * 4 + 3]).toBe(255);
  });

  it('tone: identity changes nothing, gamma brightens mid-tones, contrast spreads them, brightness shifts', () => {
    const id = toneLut(IDENTITY_TONE);
    for (let i = 0; i <= 4080; i += 16) expect(id[i]).toBe(i / 16);
    const g = toneLut({ gamma: 2, brightness: 0, contrast: 1 });
    expect(g[2040]).toBeGreaterThan(160); // 0.5^(1/2) = 0.71
    const c = toneLut({ gamma: 1, brightness: 0, contrast: 2 });
    expect(c[1020]).toBe(0); // 0.25 -> 0
    expect(c[3060]).toBe(255);
    const b = toneLut({ gamma: 1, brightness: 0.2, contrast: 1 });
    expect(b[0]).toBe(51);
    for (const lut of [g, c, b]) for (let i = 1; i < lut.length; i++) expect(lut[i]!).toBeGreaterThanOrEqual(lut[i - 1]!);
  });

  it('ndvi: (NIR - R) / (NIR + R) through the ramp; undefined NDVI is transparent', () => {
    const nir = new Uint16Array([4000, 1000, 0, 3000]);
    const red = new Uint16Array([1000, 4000, 0, 3000]);
    const rgba = composeRgba(identity(2, { mode: 'ndvi', tone: IDENTITY_TONE }), [nir, red]);
    const ramp = ndviRampLut();
    const at = (ndvi: number) => Array.from(ramp.subarray(Math.round((ndvi + 1) * 127.5) * 3, Math.round((ndvi + 1) * 127.5) * 3 + 3));
    expect(Array.from(rgba.subarray(0, 3))).toEqual(at(0.6));
    expect(Array.from(rgba.subarray(4, 7))).toEqual(at(-0.6));
    expect(rgba[2 * 4 + 3]).toBe(0);
    expect(Array.from(rgba.subarray(12, 15))).toEqual(at(0));
    expect(rgba[0 + 1]!).toBeGreaterThan(rgba[0]!); // vegetation is green
  });

  it('mask: UDM2 classes coloured semi-transparent by priority, clear pixels transparent', () => {
    // samples in maskSamples("udm2") order: cloud, heavy haze, shadow, light haze, snow
    const bands = MASK_CLASSES.map(() => new Uint8Array(4));
    bands[0]![0] = 1; // cloud
    bands[2]![1] = 1; // shadow
    bands[3]![1] = 1; // and light haze: shadow wins
    bands[3]![2] = 1; // light haze only
    const rgba = composeRgba(identity(2, { mode: 'mask', kind: 'udm2' }), bands);
    expect(Array.from(rgba.subarray(0, 4))).toEqual([...MASK_CLASSES[0]!.rgba]);
    expect(Array.from(rgba.subarray(4, 8))).toEqual([...MASK_CLASSES[2]!.rgba]);
    expect(Array.from(rgba.subarray(8, 12))).toEqual([...MASK_CLASSES[3]!.rgba]);
    expect(rgba[15]).toBe(0);
    for (const c of MASK_CLASSES) expect(c.rgba[3]).toBeLessThan(255);
  });

  it('a separable mapping (per column / per row) composes exactly what the per-pixel map does', () => {
    const n = 64;
    const win: [number, number, number, number] = [3, 5, 3 + 40, 5 + 40];
    const a = Uint16Array.from({ length: 40 * 40 }, (_, i) => (i * 37) % 4000);
    const b = Uint16Array.from({ length: 40 * 40 }, (_, i) => (i * 11) % 3000);
    const ucol = Float64Array.from({ length: n }, (_, i) => 2 + i * 0.61);
    const vrow = Float64Array.from({ length: n }, (_, i) => 4 + i * 0.59);
    const u = new Float64Array(n * n);
    const v = new Float64Array(n * n);
    for (let y = 0; y < n; y++) for (let x = 0; x < n; x++) [u[y * n + x], v[y * n + x]] = [ucol[x]!, vrow[y]!];
    for (const style of [
      { mode: 'rgb', stretch: [[0, 4000], [0, 3000], [0, 4000]], tone: { gamma: 1.3, brightness: 0, contrast: 1 } },
      { mode: 'ndvi', tone: IDENTITY_TONE },
    ] as ComposeParams['style'][]) {
      const base = { size: n, fx: 1, fy: 1, win, imgW: 42, imgH: 44, nodata: 0, dtype: 'uint16' as const, style };
      const per = composeRgba({ ...base, map: { u, v } }, [a, b, a]);
      const sep = composeRgba({ ...base, map: { ucol, vrow } }, [a, b, a]);
      expect(Buffer.from(sep).equals(Buffer.from(per))).toBe(true);
      expect(per.some((x, i) => i % 4 === 3 && x === 0)).toBe(true); // some pixels map outside
    }
  });

  it('assembles a window from interleaved tiles, separate planes and short strips', () => {
    const W = 10;
    const H = 7;
    const value = (b: number, x: number, y: number) => b * 1000 + y * 10 + x;
    // planar 1, 4x4 tiles, 2 bands
    const blocks1 = [];
    for (let by = 0; by < 2; by++)
      for (let bx = 0; bx < 3; bx++) {
        const d = new Uint16Array(4 * 4 * 2);
        for (let y = 0; y < 4; y++) for (let x = 0; x < 4; x++) for (let b = 0; b < 2; b++) d[(y * 4 + x) * 2 + b] = value(b, bx * 4 + x, by * 4 + y);
        blocks1.push({ bx, by, plane: 0, data: d.buffer });
      }
    const g1 = { width: W, height: H, blockWidth: 4, blockHeight: 4, samplesPerBlock: 2, planar: 1 as const, dtype: 'uint16' as const };
    const [b1, b0] = assembleWindow(g1, blocks1, [2, 1, 9, 7], [1, 0]);
    expect(b0![0]).toBe(value(0, 2, 1));
    expect(b1![7 * 5 + 6]).toBe(value(1, 8, 6));
    // planar 2, strips of 3 rows (the last one 1 row)
    const blocks2 = [];
    for (let plane = 0; plane < 2; plane++)
      for (let by = 0; by < 3; by++) {
        const rows = Math.min(3, H - by * 3);
        const d = new Uint16Array(W * rows);
        for (let y = 0; y < rows; y++) for (let x = 0; x < W; x++) d[y * W + x] = value(plane, x, by * 3 + y);
        blocks2.push({ bx: 0, by, plane, data: d.buffer });
      }
    const g2 = { width: W, height: H, blockWidth: W, blockHeight: 3, samplesPerBlock: 1, planar: 2 as const, dtype: 'uint16' as const };
    const [p1] = assembleWindow(g2, blocks2, [0, 0, W, H], [1]);
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) expect(p1![y * W + x]).toBe(value(1, x, y));
  });
});
