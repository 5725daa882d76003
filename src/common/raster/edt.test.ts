import { describe, expect, it } from 'vitest';
import { edtSquared, sparseEdtSquared } from './edt';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

function brute(mask: Uint8Array, w: number, h: number): Float64Array {
  const out = new Float64Array(w * h).fill(Infinity);
  for (let k = 0; k < w * h; k++) {
    const x = k % w;
    const y = Math.floor(k / w);
    for (let f = 0; f < w * h; f++) {
      if (!mask[f]) continue;
      const d = (x - (f % w)) ** 2 + (y - Math.floor(f / w)) ** 2;
      if (d < out[k]!) out[k] = d;
    }
  }
  return out;
}

describe('exact Euclidean distance transform', () => {
  it('matches brute force on random small grids (dense and sparse features)', () => {
    const r = rng(42);
    for (let trial = 0; trial < 60; trial++) {
      const w = 1 + Math.floor(r() * 23);
      const h = 1 + Math.floor(r() * 19);
      const density = [0, 0.01, 0.05, 0.3, 0.9][trial % 5]!;
      const mask = new Uint8Array(w * h);
      for (let k = 0; k < w * h; k++) mask[k] = r() < density ? 1 : 0;
      const want = brute(mask, w, h);
      expect(Array.from(edtSquared(mask, w, h))).toEqual(Array.from(want));
      // The sparse form at every pixel as a query.
      const feats = Int32Array.from(Array.from(mask.keys()).filter((k) => mask[k]));
      const queries = Int32Array.from(Array.from(mask.keys()));
      const out = new Float64Array(w * h);
      sparseEdtSquared(feats, feats.length, queries, queries.length, w, out);
      expect(Array.from(out)).toEqual(Array.from(want));
    }
  });

  it('a single feature gives squared distances', () => {
    const mask = new Uint8Array(7 * 5);
    mask[2 * 7 + 3] = 1;
    const d = edtSquared(mask, 7, 5);
    expect(d[0]).toBe(9 + 4);
    expect(d[2 * 7 + 3]).toBe(0);
    expect(d[4 * 7 + 6]).toBe(9 + 4);
  });

  it('only the requested rows are computed', () => {
    const mask = new Uint8Array(4 * 4);
    mask[0] = 1;
    const rows = Uint8Array.from([0, 0, 1, 0]);
    const out = new Float64Array(16).fill(-1);
    edtSquared(mask, 4, 4, out, rows);
    expect(Array.from(out.subarray(8, 12))).toEqual([4, 5, 8, 13]);
    expect(out[0]).toBe(-1);
  });
});
