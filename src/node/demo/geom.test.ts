import { describe, it, expect } from 'vitest';
import proj4 from 'proj4';
import { type EPoly, type Pt, clipHalfPlane, insetConvex, splitByLine, ringArea, isSimpleRing, unionAdjacent, cleanTopology, ringsOverlap, areaInRect } from './geom.js';
import { mercForward, mercInverse, utmForward, utmInverse } from './geo.js';
import { Rng, rngFor } from './rng.js';
import { rasterizeRing } from './raster.js';

const square = (s = 10): EPoly => ({ pts: [[0, 0], [s, 0], [s, s], [0, s]], kinds: [1, 2, 3, 4] });

describe('geom', () => {
  it('clips and splits convex polygons, keeping edge kinds', () => {
    const c = clipHalfPlane(square(), 1, 0, 4, 9) as EPoly;
    expect(ringArea(c.pts)).toBeCloseTo(40);
    expect(c.kinds).toContain(9);
    const [a, b] = splitByLine(square(), 5, 0, 1, 1, 7);
    expect(ringArea((a as EPoly).pts) + ringArea((b as EPoly).pts)).toBeCloseTo(100);
    expect(ringArea((a as EPoly).pts)).toBeGreaterThan(0);
  });

  it('insets edges by kind', () => {
    const p = insetConvex(square(), (k) => (k === 1 ? 2 : 0)) as EPoly;
    expect(ringArea(p.pts)).toBeCloseTo(80);
    expect(insetConvex(square(), () => 6)).toBeNull();
  });

  it('unions two neighbours along their shared border and rejects non-neighbours', () => {
    const a: Pt[] = [[0, 0], [10, 0], [10, 5], [10, 10], [0, 10]];
    const b: Pt[] = [[10, 0], [20, 0], [20, 10], [10, 10], [10, 5]];
    const u = unionAdjacent(a, b) as Pt[];
    expect(ringArea(u)).toBeCloseTo(200);
    expect(isSimpleRing(u)).toBe(true);
    expect(u.length).toBe(4);
    expect(unionAdjacent(a, [[30, 0], [40, 0], [40, 10]])).toBeNull();
  });

  it('cleans T-junctions so neighbours share vertices', () => {
    const big: Pt[] = [[0, 0], [10, 0], [10, 10], [0, 10]];
    const s1: Pt[] = [[10, 0], [20, 0], [20, 5], [10, 5.000001]];
    const s2: Pt[] = [[10, 5], [20, 5], [20, 10], [10, 10]];
    const [b2, t1, t2] = cleanTopology([big, s1, s2]) as [Pt[], Pt[], Pt[]];
    expect(b2.length).toBe(5); // (10,5) inserted
    expect(t1.some((p) => p[0] === 10 && p[1] === t2[0]?.[1])).toBe(true);
    expect(unionAdjacent(b2, t1)).not.toBeNull();
  });

  it('detects self-intersections and overlaps', () => {
    expect(isSimpleRing([[0, 0], [10, 10], [10, 0], [0, 10]])).toBe(false);
    expect(isSimpleRing([[0, 0], [10, 0], [10, 10], [0, 10]])).toBe(true);
    expect(ringsOverlap([[0, 0], [10, 0], [10, 10], [0, 10]], [[10, 0], [20, 0], [20, 10], [10, 10]])).toBe(false);
    expect(ringsOverlap([[0, 0], [10, 0], [10, 10], [0, 10]], [[9, 0], [20, 0], [20, 10], [9, 10]])).toBe(true);
    expect(areaInRect([[0, 0], [10, 0], [10, 10], [0, 10]], [5, 5, 20, 20])).toBeCloseTo(25);
  });

  it('rasterises with exact, anti-aliased coverage', () => {
    const row = new Float32Array(20);
    let sum = 0;
    rasterizeRing([2.25, 12.75, 12.75, 2.25], [3.5, 3.5, 9.1, 9.1], 4, 20, 20, row, (_y, x0, x1, cov) => {
      for (let x = x0; x <= x1; x++) sum += cov[x] as number;
    });
    expect(sum).toBeCloseTo(10.5 * 5.6, 0);
  });
});

describe('projections and randomness', () => {
  it('UTM and web mercator agree with proj4 to the millimetre', () => {
    const rng = new Rng(3);
    for (let i = 0; i < 50; i++) {
      const lon = -3 + rng.next() * 3, lat = 5 + rng.next() * 6;
      const [e, n] = utmForward(32630, lon, lat);
      const [pe, pn] = proj4('EPSG:4326', '+proj=utm +zone=30 +datum=WGS84 +units=m +no_defs', [lon, lat]) as [number, number];
      expect(Math.abs(e - pe)).toBeLessThan(0.001);
      expect(Math.abs(n - pn)).toBeLessThan(0.001);
      const [lon2, lat2] = utmInverse(32630, e, n);
      expect(Math.abs(lon2 - lon)).toBeLessThan(1e-8);
      expect(Math.abs(lat2 - lat)).toBeLessThan(1e-8);
      const [mx, my] = mercForward(lon, lat);
      const [px, py] = proj4('EPSG:4326', 'EPSG:3857', [lon, lat]) as [number, number];
      expect(Math.abs(mx - px)).toBeLessThan(0.001);
      expect(Math.abs(my - py)).toBeLessThan(0.001);
      const [l3, b3] = mercInverse(mx, my);
      expect(Math.abs(l3 - lon) + Math.abs(b3 - lat)).toBeLessThan(1e-9);
    }
  });

  it('named streams are deterministic and independent', () => {
    const a = rngFor(42, 'x'), b = rngFor(42, 'x'), c = rngFor(42, 'y');
    const va = [a.next(), a.next(), a.next()], vb = [b.next(), b.next(), b.next()], vc = [c.next(), c.next(), c.next()];
    expect(va).toEqual(vb);
    expect(va).not.toEqual(vc);
    const r = new Rng(9);
    let m = 0;
    for (let i = 0; i < 4000; i++) m += r.normal();
    expect(Math.abs(m / 4000)).toBeLessThan(0.06);
  });
});
