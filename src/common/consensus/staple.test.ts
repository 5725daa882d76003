import { describe, expect, it } from 'vitest';
import { staple } from './staple';

describe('STAPLE (EM)', () => {
  it('reproduces the DOMAIN.md known vector exactly (plain STAPLE, no clamping)', () => {
    const raters = [
      [0, 0, 0, 0, 0, 1, 1, 0],
      [0, 0, 0, 0, 1, 1, 1, 1],
      [1, 1, 1, 0, 1, 1, 1, 1],
      [0, 0, 0, 0, 1, 1, 1, 0],
      [0, 1, 0, 0, 0, 1, 1, 1],
      [0, 0, 1, 1, 0, 0, 1, 1],
    ];
    // tolerance 0: iterate to the exact floating-point fixed point (54 iterations)
    const r = staple(raters, 8, null, { clamp: [0, 1], tolerance: 0 });
    expect(r.converged).toBe(true);
    expect(Array.from(r.W)).toEqual([0, 0, 0, 0, 1, 1, 1, 1]);
    expect(r.sensitivity).toEqual([0.5, 1, 1, 0.75, 0.75, 0.5]);
    expect(r.specificity).toEqual([1, 1, 0.25, 1, 0.75, 0.5]);
    // Clamped to [0.01, 0.99]: the same consensus, p and q within 0.01.
    const c = staple(raters, 8, null);
    expect(Array.from(c.W).map((w) => (w > 0.5 ? 1 : 0))).toEqual([0, 0, 0, 0, 1, 1, 1, 1]);
    c.sensitivity.forEach((v, j) => expect(Math.abs(v - r.sensitivity[j]!)).toBeLessThanOrEqual(0.01 + 1e-12));
    c.specificity.forEach((v, j) => expect(Math.abs(v - r.specificity[j]!)).toBeLessThanOrEqual(0.01 + 1e-12));
  });

  it('handles no rater, one rater, and an empty region without NaN', () => {
    expect(staple([], 4, null).W).toEqual(new Float64Array(4));
    const one = staple([[0, 1, 1, 0]], 4, null);
    expect(Array.from(one.W).map((w) => (w > 0.5 ? 1 : 0))).toEqual([0, 1, 1, 0]);
    const none = staple([[0, 1]], 2, new Uint8Array(2));
    expect(Array.from(none.W)).toEqual([0, 0]);
    for (const r of [one, none]) for (const v of [...r.sensitivity, ...r.specificity, r.g]) expect(Number.isFinite(v)).toBe(true);
  });

  it('unsure decisions count as 0.5 (half-units input)', () => {
    const r = staple([Uint8Array.of(2, 1, 0), Uint8Array.of(2, 1, 0), Uint8Array.of(2, 2, 0)], 3, null, {}, true);
    expect(r.W[0]!).toBeGreaterThan(0.9);
    expect(r.W[2]!).toBeLessThan(0.1);
    expect(r.W[1]!).toBeGreaterThan(0);
    expect(r.W[1]!).toBeLessThan(1);
  });
});
