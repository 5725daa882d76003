import { describe, expect, it } from 'vitest';
import type { GridSpec } from './grid';
import { fillRings, maxRings, rowExtents } from './rasterize';

const grid: GridSpec = { originX: 0, originY: 10, pixelX: 1, pixelY: 1, width: 10, height: 10 };

describe('scanline rasterisation (pixel centres, even-odd)', () => {
  it('an axis-aligned square on pixel edges fills exactly its pixels', () => {
    const a = new Uint8Array(100);
    const n = fillRings(a, grid, [Float64Array.of(2, 2, 6, 2, 6, 5, 2, 5)], 1);
    expect(n).toBe(12);
    // rows 5..7 (y from 5 down to 2), columns 2..5
    for (let j = 0; j < 10; j++) for (let i = 0; i < 10; i++) expect(a[j * 10 + i]).toBe(j >= 5 && j <= 7 && i >= 2 && i <= 5 ? 1 : 0);
  });

  it('holes, closing vertices and orientation do not matter', () => {
    const a = new Int32Array(100);
    const outer = Float64Array.of(0, 0, 10, 0, 10, 10, 0, 10, 0, 0);
    const hole = Float64Array.of(3, 3, 3, 7, 7, 7, 7, 3);
    expect(fillRings(a, grid, [outer, hole], 5)).toBe(100 - 16);
  });

  it('a triangle covers the pixels whose centres are inside', () => {
    const a = new Uint8Array(100);
    const n = fillRings(a, grid, [Float64Array.of(0, 0, 10, 0, 0, 10)], 1);
    // centres (i + .5, 9.5 - j) with x + y < 10: per column i, rows with y > ... -> 45 + 0 on the diagonal
    let brute = 0;
    for (let j = 0; j < 10; j++) for (let i = 0; i < 10; i++) if (i + 0.5 + (10 - j - 0.5) < 10) brute++;
    expect(n).toBe(brute);
  });

  it('maxRings raises values, rowExtents gives per-row runs', () => {
    const a = new Uint8Array(100);
    fillRings(a, grid, [Float64Array.of(0, 0, 4, 0, 4, 4, 0, 4)], 1);
    maxRings(a, grid, [Float64Array.of(2, 0, 6, 0, 6, 4, 2, 4)], 2);
    expect(Array.from(a.subarray(90, 100))).toEqual([1, 1, 2, 2, 2, 2, 0, 0, 0, 0]);
    const r = rowExtents(grid, [Float64Array.of(1, 1, 9, 1, 9, 9, 1, 9)]);
    expect(r.count).toBe(64);
    expect([r.start[0], r.end[0], r.start[1], r.end[1]]).toEqual([0, 0, 1, 9]);
  });
});
