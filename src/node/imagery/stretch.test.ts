import { describe, expect, it } from 'vitest';
import { buildStretchLut, distributionOf, percentileOf, percentileOfHistogram, percentileOfSorted, statsLevel, stretchValue, validity } from './stretch';

describe('percentiles (numpy linear definition)', () => {
  it('matches numpy.percentile on small arrays', () => {
    const v = Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    // numpy.percentile(range(1, 11), [2, 98, 50, 0, 100]) -> 1.18, 9.82, 5.5, 1, 10
    expect(percentileOfSorted(v, 2)).toBeCloseTo(1.18, 12);
    expect(percentileOfSorted(v, 98)).toBeCloseTo(9.82, 12);
    expect(percentileOfSorted(v, 50)).toBeCloseTo(5.5, 12);
    expect(percentileOfSorted(v, 0)).toBe(1);
    expect(percentileOfSorted(v, 100)).toBe(10);
    expect(percentileOfSorted(new Float64Array(0), 50)).toBeNaN();
  });

  it('the histogram path equals the sorted path on integers', () => {
    let seed = 7;
    const rnd = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const vals = Uint16Array.from({ length: 5001 }, () => Math.floor(rnd() * rnd() * 4000));
    const hist = distributionOf(vals, () => true, 'uint16');
    const sorted = Float64Array.from(vals).sort();
    for (const p of [0, 1, 2, 33.3, 50, 98, 99.9, 100]) expect(percentileOf(hist, p)).toBeCloseTo(percentileOfSorted(sorted, p), 9);
    expect(percentileOfHistogram([0, 2, 0, 2], 10, 4, 50)).toBe(12); // values 11,11,13,13
  });

  it('masks nodata and NaN', () => {
    const isValid = validity(0, 'uint16');
    const d = distributionOf(Uint16Array.from([0, 0, 0, 10, 20, 30]), isValid, 'uint16');
    expect(percentileOf(d, 0)).toBe(10);
    expect(percentileOf(d, 100)).toBe(30);
    const f = distributionOf(Float32Array.from([NaN, -9999, 1, 2, 3]), validity(-9999, 'float32'), 'float32');
    expect(f.kind === 'sorted' && Array.from(f.values)).toEqual([1, 2, 3]);
    // float32 nodata written as a long decimal still matches the stored float
    const big = validity(3.4028234663852886e38, 'float32');
    expect(big(Math.fround(3.4028234663852886e38))).toBe(false);
  });
});

describe('stretch', () => {
  it('maps lo..hi linearly to 0..255, clamped', () => {
    expect(stretchValue(100, 100, 200)).toBe(0);
    expect(stretchValue(200, 100, 200)).toBe(255);
    expect(stretchValue(150, 100, 200)).toBe(128);
    expect(stretchValue(-5, 100, 200)).toBe(0);
    expect(stretchValue(9999, 100, 200)).toBe(255);
    expect(stretchValue(7, 7, 7)).toBe(0); // degenerate range does not divide by zero
  });

  it('the LUT equals the formula', () => {
    const lut = buildStretchLut(321.5, 2807.5, 65536);
    for (const v of [0, 321, 322, 1000, 2807, 2808, 65535]) expect(lut[v]).toBe(stretchValue(v, 321.5, 2807.5));
  });

  it('statistics come from the smallest level with >= 256 px on its short side, else the full image', () => {
    const lv = (w: number, h: number) => ({ width: w, height: h }) as never;
    expect(statsLevel({ levels: [lv(4096, 4096), lv(2048, 2048), lv(1024, 1024), lv(512, 512), lv(256, 256), lv(128, 128)] })).toMatchObject({ width: 256 });
    expect(statsLevel({ levels: [lv(221, 253), lv(111, 127)] })).toMatchObject({ width: 221 });
  });
});
