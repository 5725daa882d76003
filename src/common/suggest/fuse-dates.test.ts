import { describe, expect, it } from 'vitest';
import { fuseDates } from './fuse-dates';
import type { BoundaryMap } from './watershed';

const map = (boundary: number[], extent: number[], valid: number[]): BoundaryMap => ({
  width: boundary.length,
  height: 1,
  boundary: Float32Array.from(boundary),
  extent: Float32Array.from(extent),
  valid: Uint8Array.from(valid),
  channels: Float32Array.from(boundary.map((_, i) => i)),
});

describe('fuseDates', () => {
  it('averages the dates where each pixel is usable, fills a cloud from the other date, keeps the first channels', () => {
    const a = map([0.9, 0.1, 1, 1], [0.2, 0.8, 0, 0], [1, 1, 0, 0]);
    const b = map([0.1, 0.3, 0.6, 1], [0.6, 0.4, 0.9, 0], [1, 1, 1, 0]);
    const f = fuseDates([a, b]);
    expect([...f.boundary].map((v) => +v.toFixed(3))).toEqual([0.5, 0.2, 0.6, 1]);
    expect([...f.extent].map((v) => +v.toFixed(3))).toEqual([0.4, 0.6, 0.9, 0]);
    expect([...f.valid]).toEqual([1, 1, 1, 0]);
    expect(f.channels).toBe(a.channels);
  });

  it('one date is itself; no dates or maps of other sizes are refused', () => {
    const a = map([0.5], [0.5], [1]);
    expect(fuseDates([a])).toBe(a);
    expect(() => fuseDates([])).toThrow(/no maps/);
    expect(() => fuseDates([a, map([0.1, 0.2], [0, 0], [1, 1])])).toThrow(/2x1 map among 1x1/);
  });
});
