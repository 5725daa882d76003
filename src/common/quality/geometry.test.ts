import proj4 from 'proj4';
import { describe, expect, it } from 'vitest';
import { lengthWithin } from './edge';
import { LEGACY_LABEL_HALF_WIDTH, legacyEdgePair, ringBandArea } from './legacy-edge';
import { ringArea } from './planar';
import { laea } from './project';
import { repairPolygon } from './repair';
import { emptyRepairStats } from './types';
import { selectKth } from './boundary';

const ring = (...xy: number[]): Float64Array => Float64Array.from(xy);
const id = (x: number, y: number, out: Float64Array | number[], o: number): void => {
  out[o] = x;
  out[o + 1] = y;
};

describe('Lambert azimuthal equal-area (ellipsoidal)', () => {
  it('agrees with proj4 to the millimetre and inverts', () => {
    for (const [lon0, lat0] of [[-1.5, 7.5], [36.8, -1.3], [10, 60], [-71.8, 42.1]] as const) {
      const p = laea(lon0, lat0);
      const def = `+proj=laea +lat_0=${lat0} +lon_0=${lon0} +x_0=0 +y_0=0 +ellps=WGS84 +units=m +no_defs`;
      for (const [dl, dp] of [[0.003, 0.002], [-0.01, 0.007], [0.02, -0.015], [0, 0]] as const) {
        const [x, y] = p.forward(lon0 + dl, lat0 + dp);
        const [ex, ey] = proj4('EPSG:4326', def, [lon0 + dl, lat0 + dp]);
        expect(Math.abs(x - ex)).toBeLessThan(1e-3);
        expect(Math.abs(y - ey)).toBeLessThan(1e-3);
        const [lon, lat] = p.inverse(x, y);
        expect(lon).toBeCloseTo(lon0 + dl, 10);
        expect(lat).toBeCloseTo(lat0 + dp, 10);
      }
    }
  });
});

describe('exact boundary length within a tolerance', () => {
  it('parallel, perpendicular and partial cases', () => {
    const sq = ring(0, 0, 100, 0, 100, 100, 0, 100);
    expect(lengthWithin([sq], [sq], 9)).toEqual({ within: 400, total: 400 });
    const far = ring(0, 200, 100, 200, 100, 300, 0, 300);
    expect(lengthWithin([far], [sq], 9).within).toBe(0);
    // a thin 0.001 x 80 m sliver crossing the square's top edge at right angles: each long side
    // is within 9 m of the edge for 9 m either side of the crossing
    const cross = ring(50, 60, 50.001, 60, 50.001, 140, 50, 140);
    const w = lengthWithin([cross], [sq], 9);
    expect(w.within).toBeCloseTo(36, 9);
    expect(w.total).toBeCloseTo(160.002, 9);
  });
});

describe('legacy edge (the old ring-area ratio)', () => {
  it('band area of a convex polygon: 2wL + w^2 sum(theta/2 - tan(theta/2))', () => {
    const sq = ring(0, 0, 100, 0, 100, 100, 0, 100);
    expect(ringBandArea([sq], 9)).toBeCloseTo(7200 + 81 * (Math.PI - 4), 9);
    expect(legacyEdgePair([sq], [sq], 9, 400, 400)).toBeCloseTo((80 + 0.01 * (Math.PI - 4)) / (7200 + 81 * (Math.PI - 4)), 12);
    expect(LEGACY_LABEL_HALF_WIDTH).toBe(0.1);
    // narrow: a 10 x 100 rectangle has no inner offset at 9 m, the band is the whole dilation
    const thin = ring(0, 0, 10, 0, 10, 100, 0, 100);
    expect(ringBandArea([thin], 9)).toBeCloseTo(1000 + 9 * 220 + Math.PI * 81, 6);
  });

  it('band area of an L-shaped field agrees with a brute-force count', () => {
    const L = ring(0, 0, 120, 0, 120, 40, 50, 40, 50, 110, 0, 110);
    const w = 9;
    const segs: number[][] = [];
    const n = L.length / 2;
    for (let k = 0; k < n; k++) segs.push([L[2 * k]!, L[2 * k + 1]!, L[(2 * k + 2) % L.length]!, L[(2 * k + 3) % L.length]!]);
    const dist = (x: number, y: number): number =>
      Math.min(
        ...segs.map(([ax, ay, bx, by]) => {
          const dx = bx! - ax!;
          const dy = by! - ay!;
          const t = Math.max(0, Math.min(1, ((x - ax!) * dx + (y - ay!) * dy) / (dx * dx + dy * dy)));
          return Math.hypot(x - ax! - t * dx, y - ay! - t * dy);
        }),
      );
    const h = 0.25;
    let count = 0;
    for (let x = -w + h / 2; x < 120 + w; x += h) for (let y = -w + h / 2; y < 110 + w; y += h) if (dist(x, y) <= w) count++;
    const brute = count * h * h;
    expect(Math.abs(ringBandArea([L], w) - brute) / brute).toBeLessThan(0.003);
  });
});

describe('repair', () => {
  const opts = { epsLength: 1e-9, epsArea: 1e-9 };
  it('keeps both lobes of a bow-tie, orients rings, drops degenerate ones', () => {
    const s = emptyRepairStats();
    const bow = repairPolygon([[[0, 0], [2, 2], [2, 0], [0, 2], [0, 0]]], id, opts, s)!;
    expect(s.unioned).toBe(1);
    expect(bow.reduce((a, r) => a + ringArea(r), 0)).toBeCloseTo(2, 12);
    const s2 = emptyRepairStats();
    const cw = repairPolygon([[[0, 0], [0, 4], [4, 4], [4, 0]], [[1, 1], [2, 1], [2, 2], [1, 2]], [[3, 3], [3, 3], [3, 3]]], id, opts, s2)!;
    expect(ringArea(cw[0]!)).toBe(16);
    expect(ringArea(cw[1]!)).toBe(-1);
    expect(cw).toHaveLength(2);
    expect(s2.reoriented).toBe(2);
    expect(s2.droppedRings).toBe(1);
    const spike = repairPolygon([[[0, 0], [4, 0], [4, 4], [6, 4], [4, 4], [0, 4], [0, 0]]], id, opts, emptyRepairStats())!;
    expect(spike[0]!.length / 2).toBe(4);
    expect(repairPolygon([[[0, 0], [1, 1], [2, 2]]], id, opts, emptyRepairStats())).toBeNull();
  });

  it('a hole outside its outer ring is dropped by the union', () => {
    const s = emptyRepairStats();
    const r = repairPolygon([[[0, 0], [4, 0], [4, 4], [0, 4]], [[10, 10], [11, 10], [11, 11], [10, 11]]], id, opts, s)!;
    expect(s.unioned).toBe(1);
    expect(r.reduce((a, x) => a + ringArea(x), 0)).toBeCloseTo(16, 12);
  });
});

describe('selectKth', () => {
  it('finds order statistics', () => {
    const v = [5, 1, 9, 3, 3, 7, 2, 8, 0, 6];
    for (let k = 0; k < v.length; k++) expect(selectKth(Float64Array.from(v), k)).toBe([...v].sort((a, b) => a - b)[k]);
  });
});
