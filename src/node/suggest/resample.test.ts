import { describe, expect, it } from 'vitest';
import { bilinear, nearest, resampleAxis, sourceRange } from './resample';

describe('resampling to a finer grid', () => {
  it('keeps a ramp linear and places pixel centres on the same ground', () => {
    const SW = 10, SH = 4, scale = 1.6;
    const src = new Float32Array(SW * SH);
    for (let y = 0; y < SH; y++) for (let x = 0; x < SW; x++) src[y * SW + x] = 10 * x;
    const W = Math.floor(SW * scale), H = Math.floor(SH * scale);
    const out = bilinear(src, SW, resampleAxis(W, 0, 0, SW, scale), resampleAxis(H, 0, 0, SH, scale), null);
    // target centre x + 0.5 is source coordinate (x + 0.5) / scale; the ramp's value there is 10 * ((x + 0.5) / scale - 0.5)
    for (let x = 2; x < W - 2; x++) expect(out[W + x]).toBeCloseTo(10 * ((x + 0.5) / scale - 0.5), 4);
  });

  it('takes the nearest pixel next to no-data and for masks, and reads only the source range it needs', () => {
    const src = Uint16Array.from([0, 100, 100, 100]);
    const ax = resampleAxis(6, 0, 0, 4, 1.5), ay = resampleAxis(1, 0, 0, 1, 1.5);
    const out = bilinear(src, 4, ax, ay, 0);
    expect(out[0]).toBe(0);
    expect([...out.slice(2)]).toEqual([100, 100, 100, 100]);
    expect([...nearest(Uint8Array.from([1, 0, 0, 1]), 4, ax, ay)]).toEqual([1, 0, 0, 0, 1, 1]);
    const [s0, s1] = sourceRange(100, 200, 1.6, 1000);
    expect(s0).toBeLessThanOrEqual(Math.floor(100.5 / 1.6 - 0.5));
    expect(s1).toBeGreaterThan(Math.ceil(199.5 / 1.6 - 0.5));
    expect(s1 - s0).toBeLessThan(66);
  });
});
