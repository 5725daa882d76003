import { describe, expect, it } from 'vitest';
import { edtSquared } from '../raster/edt';
import { rectFeature, cellProjection } from '../quality/local-features';
import type { Polygon } from '../geo/geojson';
import { dilateDisk, roiConfusion, roiReference } from './roi-skill';

describe("skills inside STAPLE's region of interest", () => {
  it('dilateDisk equals thresholding the exact EDT', () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    for (const [w, h, density, r] of [[37, 23, 0.01, 5], [64, 64, 0.002, 3.5], [50, 40, 0, 5], [20, 30, 0.3, 2]] as const) {
      const mask = Uint8Array.from({ length: w * h }, () => (rnd() < density ? 1 : 0));
      const d2 = edtSquared(mask, w, h);
      expect(Array.from(dilateDisk(mask, w, h, r))).toEqual(Array.from(d2, (d) => (d <= r * r ? 1 : 0)));
    }
  });

  it('counts the confusion of a map against the reference in the dilated region only', () => {
    const cell: Polygon = { type: 'Polygon', coordinates: [[[0, 0], [0.005, 0], [0.005, 0.005], [0, 0.005], [0, 0]]] };
    const p = cellProjection(cell);
    const [x0, y0] = p.forward(0, 0);
    const field = rectFeature(p, x0 + 100, y0 + 100, x0 + 300, y0 + 300);
    const same = roiConfusion([field], [field], cell);
    expect(same.fn).toBe(0);
    expect(same.fp).toBe(0);
    expect(same.tp).toBeGreaterThan(4000);
    // a ring of 5 px margin around a ~72 x 72 px square: far less background than the 40,000 px cell
    expect(same.tn).toBeGreaterThan(1000);
    expect(same.tn).toBeLessThan(2000);
    const shifted = roiConfusion(roiReference([field], cell), [rectFeature(p, x0 + 120, y0 + 100, x0 + 320, y0 + 300)], cell);
    expect(shifted.fp).toBeGreaterThan(400);
    expect(shifted.fn).toBeCloseTo(shifted.fp, -1);
    const empty = roiConfusion([], [], cell);
    expect(empty).toEqual({ tp: 0, fn: 0, tn: 0, fp: 0 });
  });
});
