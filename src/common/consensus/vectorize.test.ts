import polygonClipping from 'polygon-clipping';
import { describe, expect, it } from 'vitest';
import { hasProperCrossing, ringArea } from '../quality/planar';
import type { GridSpec } from '../raster/grid';
import { fillRings } from '../raster/rasterize';
import { vectorizeLabels, type Region } from './vectorize';

const flat = (ring: [number, number][]): Float64Array => Float64Array.from(ring.slice(0, -1).flat());
const area = (r: Region): number => r.rings.reduce((s, ring) => s + ringArea(flat(ring)), 0);
// Lattice (x right, y down) -> world (x right, y up) for a grid of height h.
const yUp = (h: number) => (x: number, y: number): [number, number] => [x, h - y];

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

describe('vectorisation (pixel-edge tracing, shared arcs, Douglas-Peucker)', () => {
  it('a square with a hole: outer counter-clockwise, hole clockwise; the marching-squares line at tolerance 0', () => {
    const w = 8;
    const h = 8;
    const g = new Uint8Array(w * h);
    for (let y = 1; y < 7; y++) for (let x = 1; x < 7; x++) g[y * w + x] = 1;
    for (let y = 3; y < 5; y++) for (let x = 3; x < 5; x++) g[y * w + x] = 0;
    const [r, ...rest] = vectorizeLabels(g, w, h, { tolerance: 0, toWorld: yUp(h) });
    expect(rest).toHaveLength(0);
    expect(r!.rings).toHaveLength(2);
    // The line through the pixel-edge midpoints cuts 1/8 px2 off each convex corner.
    expect(ringArea(flat(r!.rings[0]!))).toBe(36 - 4 / 8);
    expect(ringArea(flat(r!.rings[1]!))).toBe(-(4 - 4 / 8));
    expect(r!.rings[0]).toHaveLength(9); // 8 corner midpoints (collinear points removed) + closing
    // Touching the grid frame: the frame corners are kept sharp.
    const full = vectorizeLabels(new Uint8Array(16).fill(1), 4, 4, { tolerance: 0.5 });
    expect(full[0]!.rings[0]).toHaveLength(5);
  });

  it('regions touching at a corner stay separate and share that vertex', () => {
    const g = Uint8Array.from([1, 0, 0, 1]);
    const regions = vectorizeLabels(g, 2, 2, { tolerance: 0.5, toWorld: yUp(2) });
    expect(regions).toHaveLength(2);
    const v0 = new Set(regions[0]!.rings[0]!.map((p) => p.join()));
    const shared = regions[1]!.rings[0]!.filter((p) => v0.has(p.join()));
    expect(new Set(shared.map((p) => p.join()))).toEqual(new Set(['1,1']));
    expect(regions.map(area)).toEqual([1, 1]);
  });

  it('two adjacent regions share their simplified border vertex for vertex and do not overlap', () => {
    const w = 60;
    const h = 40;
    const g = new Uint8Array(w * h);
    // A wavy border between label 1 (left) and 2 (right), and an island of 3 inside 1.
    for (let y = 0; y < h; y++) {
      const b = Math.round(30 + 8 * Math.sin(y / 5) + 0.4 * y);
      for (let x = 0; x < w; x++) g[y * w + x] = x < b ? 1 : 2;
    }
    for (let y = 15; y < 25; y++) for (let x = 5; x < 15; x++) g[y * w + x] = 3;
    const regions = vectorizeLabels(g, w, h, { tolerance: 0.5, toWorld: yUp(h) });
    expect(regions.map((r) => r.label).sort()).toEqual([1, 2, 3]);
    const by = (l: number): Region => regions.find((r) => r.label === l)!;
    // The border vertices (not on the grid frame) of region 1's outer ring all lie on region 2's ring.
    const inner = (p: [number, number]): boolean => p[0] > 0 && p[0] < w && p[1] > 0 && p[1] < h;
    const v2 = new Set(by(2).rings[0]!.map((p) => p.join()));
    const border1 = by(1).rings[0]!.filter(inner);
    expect(border1.length).toBeGreaterThan(6);
    for (const p of border1) expect(v2.has(p.join())).toBe(true);
    // The island: region 1's hole is region 3's outer ring, the same vertices reversed.
    expect(new Set(by(1).rings[1]!.map((p) => p.join()))).toEqual(new Set(by(3).rings[0]!.map((p) => p.join())));
    // No overlap, no gap: areas add up to the frame, pairwise intersections are empty.
    expect(regions.map(area).reduce((a, b) => a + b, 0)).toBeCloseTo(w * h, 9);
    const geoms = regions.map((r) => r.rings);
    for (let i = 0; i < geoms.length; i++) {
      for (let j = i + 1; j < geoms.length; j++) {
        const inter = polygonClipping.intersection(geoms[i]!, geoms[j]!);
        const a = inter.reduce((t, poly) => t + poly.reduce((u, ring, k) => u + (k === 0 ? 1 : -1) * Math.abs(ringArea(flat(ring as [number, number][]))), 0), 0);
        expect(a).toBeLessThan(1e-9);
      }
    }
    // Simplification did simplify the staircase.
    const raw = vectorizeLabels(g, w, h, { tolerance: 0, toWorld: yUp(h) });
    expect(by(1).rings[0]!.length).toBeLessThan(raw.find((r) => r.label === 1)!.rings[0]!.length);
  });

  it('random label noise: simplified polygons stay valid and never overlap (even at a 3 px tolerance)', () => {
    const r = rng(7);
    for (let trial = 0; trial < 40; trial++) {
      const w = 12 + Math.floor(r() * 30);
      const h = 12 + Math.floor(r() * 30);
      const g = new Uint8Array(w * h);
      // blobs: smooth-ish noise thresholded into 3 labels
      const cx = Array.from({ length: 6 }, () => [r() * w, r() * h, 2 + r() * 8, Math.floor(r() * 3)] as const);
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          let v = 0;
          for (const [bx, by, rad, lab] of cx) if ((x - bx) ** 2 + (y - by) ** 2 < rad * rad) v = lab;
          if (r() < 0.08) v = Math.floor(r() * 3);
          g[y * w + x] = v;
        }
      }
      // a 3 px tolerance makes many simplified arcs collide: they must fall back to exact outlines
      const regions = vectorizeLabels(g, w, h, { tolerance: trial % 2 ? 3 : 0.5, toWorld: yUp(h) });
      const all = regions.flatMap((x) => x.rings.map(flat));
      expect(hasProperCrossing(all)).toBe(false);
      // Pixel-centre coverage of the polygons: no pixel covered twice.
      const grid: GridSpec = { originX: 0, originY: h, pixelX: 1, pixelY: 1, width: w, height: h };
      const cover = new Uint8Array(w * h);
      for (const reg of regions) {
        const once = new Uint8Array(w * h);
        fillRings(once, grid, reg.rings.map(flat), 1);
        for (let k = 0; k < w * h; k++) cover[k]! += once[k]!;
      }
      expect(Math.max(...cover)).toBeLessThanOrEqual(1);
      for (const reg of regions) {
        expect(ringArea(flat(reg.rings[0]!))).toBeGreaterThan(0);
        for (const hole of reg.rings.slice(1)) expect(ringArea(flat(hole))).toBeLessThan(0);
      }
    }
  });
});
