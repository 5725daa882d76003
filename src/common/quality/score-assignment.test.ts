import { describe, expect, it } from 'vitest';
import type { Polygon } from '../geo/geojson';
import { bboxPolygon } from '../geo/geojson';
import { cellProjection, polygonFromMetres, rectFeature } from './local-features';
import { scoreAssignment, type ScoreInput } from './score-assignment';
import { DEFAULT_CATEGORIES, type Feature } from './types';

const cell: Polygon = bboxPolygon([-1.5025, 7.4975, -1.4975, 7.5025]);
const proj = cellProjection(cell);
const sq = (x0: number, y0: number, x1: number, y1: number, category = 'annualcropland'): Feature => rectFeature(proj, x0, y0, x1, y1, category);
const score = (reference: Feature[], labels: Feature[], extra: Partial<ScoreInput> = {}) =>
  scoreAssignment({ reference, labels, cell, categories: DEFAULT_CATEGORIES, pixelM: 1, ...extra });
const cellPixels = (r: ReturnType<typeof score>): number => r.areas.tp + r.areas.fp + r.areas.fn + r.areas.tn;
// A 100 m square: the two boundary bands of the old code (DOMAIN.md 2, legacy-edge.ts).
const LEGACY_PERFECT_100 = (0.2 * 400 + 0.01 * (Math.PI - 4)) / (18 * 400 + 81 * (Math.PI - 4));

describe('scoreAssignment: analytic cases on squares (1 m pixels aligned with the squares)', () => {
  const A = sq(-50, -50, 50, 50);

  it('identical maps: every component 1, legacyEdge ~0.011', () => {
    const r = score([A, sq(100, 100, 160, 180)], [A, sq(100, 100, 160, 180)]);
    for (const k of ['area', 'fragmentation', 'edge', 'categorical', 'score', 'iou', 'f1', 'objectPrecision', 'objectRecall', 'objectF1', 'boundaryF', 'fieldSkill', 'noFieldSkill'] as const) {
      expect(r[k], k).toBe(1);
    }
    expect(r.meanBoundaryDistance).toBe(0);
    expect(r.p95BoundaryDistance).toBe(0);
    expect(r.overSegmentation).toBe(0);
    expect(r.underSegmentation).toBe(0);
    const r1 = score([A], [A]);
    expect(r1.legacyEdge).toBeCloseTo(LEGACY_PERFECT_100, 6);
    expect(r1.legacyEdge).toBeCloseTo(0.0112, 4);
    expect(r.areas.tp).toBe(10000 + 60 * 80);
  });

  it('shift by 3 m: edge 1 with a 9 m tolerance; area terms exact', () => {
    const r = score([A], [sq(-47, -50, 53, 50)]);
    expect(r.edge).toBe(1);
    expect(r.fragmentation).toBe(1);
    expect(r.areas.tp).toBe(9700);
    expect(r.areas.fp).toBe(300);
    expect(r.areas.fn).toBe(300);
    expect(r.area).toBeCloseTo(1 - 600 / cellPixels(r), 12);
    expect(r.iou).toBeCloseTo(9700 / 10300, 12);
    expect(r.f1).toBeCloseTo((2 * 9700) / (2 * 9700 + 600), 12);
    expect(r.fieldSkill).toBeCloseTo(0.97, 12);
    expect(r.objectF1).toBe(1);
    expect(r.boundaryF).toBe(1);
    expect(r.p95BoundaryDistance!).toBeLessThanOrEqual(3);
    expect(r.meanBoundaryDistance!).toBeGreaterThan(0);
    expect(r.meanBoundaryDistance!).toBeLessThan(3);
    expect(r.overSegmentation).toBeCloseTo(0.03, 12);
    expect(r.underSegmentation).toBeCloseTo(0.03, 12);
  });

  it('shift by 20 m: edge = 36/400 diagonally, 196/400 along x (exact lengths)', () => {
    const diag = score([A], [sq(-30, -30, 70, 70)]);
    expect(diag.fragmentation).toBe(1); // |r n u| = 6400 > 5000
    expect(diag.edge).toBeCloseTo(36 / 400, 9);
    expect(diag.iou).toBeCloseTo(6400 / 13600, 12);
    expect(diag.objectMatches).toBe(0); // IoU 0.47 < 0.5
    expect(diag.objectF1).toBe(0);
    expect(diag.overSegmentation).toBeCloseTo(0.36, 12);
    expect(diag.boundaryF).toBeGreaterThan(0.07);
    expect(diag.boundaryF).toBeLessThan(0.11);
    expect(diag.p95BoundaryDistance!).toBeGreaterThan(19);
    const alongX = score([A], [sq(-30, -50, 70, 50)]);
    expect(alongX.edge).toBeCloseTo(196 / 400, 9);
    expect(alongX.iou).toBeCloseTo(8000 / 12000, 12);
    expect(alongX.objectMatches).toBe(1);
  });

  it('merged and split fields lose fragmentation credit', () => {
    const left = sq(-50, -25, 0, 25);
    const right = sq(0, -25, 50, 25);
    const whole = sq(-50, -25, 50, 25);
    const merged = score([left, right], [whole]);
    expect(merged.fragmentation).toBe(0); // 2500 is not > 0.5 * 5000
    expect(merged.edge).toBe(0);
    expect(merged.area).toBe(1);
    expect(merged.iou).toBe(1);
    expect(merged.overSegmentation).toBe(0);
    expect(merged.underSegmentation).toBeCloseTo(0.5, 12);
    expect(merged.objectMatches).toBe(0); // IoU exactly 0.5 is not > 0.5
    expect(merged.boundaryF).toBeLessThan(1); // the shared border is missed
    const split = score([whole], [left, right]);
    expect(split.fragmentation).toBe(0);
    expect(split.overSegmentation).toBeCloseTo(0.5, 12);
    expect(split.underSegmentation).toBe(0);
    expect(split.objectPrecision).toBe(0);
  });

  it('both maps empty: every component 1', () => {
    const r = score([], [sq(0, 0, 10, 10, 'noncropland')]);
    expect(r.nLabels).toBe(0);
    for (const k of ['area', 'fragmentation', 'edge', 'legacyEdge', 'categorical', 'score', 'iou', 'f1', 'objectF1', 'boundaryF', 'fieldSkill', 'noFieldSkill'] as const) {
      expect(r[k], k).toBe(1);
    }
    expect(r.meanBoundaryDistance).toBe(0);
    expect(r.overSegmentation).toBe(0);
  });

  it('one map empty: fragmentation, edge, categorical 0; area as usual; no NaN', () => {
    const noLabels = score([A], []);
    expect([noLabels.fragmentation, noLabels.edge, noLabels.legacyEdge, noLabels.categorical]).toEqual([0, 0, 0, 0]);
    expect(noLabels.area).toBeCloseTo(1 - 10000 / cellPixels(noLabels), 12);
    expect(noLabels.fieldSkill).toBe(0);
    expect(noLabels.noFieldSkill).toBe(1);
    expect(noLabels.score).toBeCloseTo(0.55 * noLabels.area, 12);
    expect(noLabels.meanBoundaryDistance).toBeNull();
    expect(noLabels.objectRecall).toBe(0);
    expect(noLabels.overSegmentation).toBe(1);
    const noRef = score([], [A]);
    expect([noRef.fragmentation, noRef.edge, noRef.categorical]).toEqual([0, 0, 0]);
    expect(noRef.fieldSkill).toBe(1);
    expect(noRef.noFieldSkill).toBeCloseTo(1 - 10000 / cellPixels(noRef), 12);
    expect(noRef.objectPrecision).toBe(0);
    expect(noRef.objectF1).toBe(0);
    expect(noRef.boundaryF).toBe(0);
    expect(noRef.overSegmentation).toBe(1);
    for (const v of Object.values(noRef)) if (typeof v === 'number') expect(Number.isNaN(v)).toBe(false);
  });

  it('half the fields mapped: fieldSkill 0.5, fragmentation 0.5, perfect edges', () => {
    const ref = [sq(-200, -200, -100, -100), sq(100, -200, 200, -100), sq(-200, 100, -100, 200), sq(100, 100, 200, 200)];
    const r = score(ref, ref.slice(0, 2));
    expect(r.fieldSkill).toBe(0.5);
    expect(r.noFieldSkill).toBe(1);
    expect(r.fragmentation).toBe(0.5);
    expect(r.edge).toBe(1);
    expect(r.iou).toBe(0.5);
    expect(r.objectPrecision).toBe(1);
    expect(r.objectRecall).toBe(0.5);
    expect(r.overSegmentation).toBe(0.5);
  });

  it('categorical: swapped categories score 0, one of two swapped 0.5', () => {
    const ref = [sq(-100, -50, 0, 50, 'annualcropland'), sq(0, -50, 100, 50, 'fallow')];
    const swapped = [sq(-100, -50, 0, 50, 'fallow'), sq(0, -50, 100, 50, 'annualcropland')];
    const r = score(ref, swapped);
    expect(r.categorical).toBe(0);
    expect(r.area).toBe(1);
    expect(r.score).toBeCloseTo(0.55 + 0.225 + 0.1, 12);
    const half = score(ref, [sq(-100, -50, 0, 50, 'annualcropland'), sq(0, -50, 100, 50, 'annualcropland')]);
    expect(half.categorical).toBe(0.5);
    // Custom weights are normalised by their sum.
    const w = score(ref, swapped, { weights: { area: 2, fragmentation: 0, edge: 0, categorical: 2 } });
    expect(w.score).toBe(0.5);
  });

  it('object and boundary metrics: one correct square plus one false square', () => {
    const r = score([A], [A, sq(100, 100, 200, 200)]);
    expect(r.objectPrecision).toBe(0.5);
    expect(r.objectRecall).toBe(1);
    expect(r.objectF1).toBeCloseTo(2 / 3, 12);
    // Both squares have 396 inner-boundary pixels; the false one is > 9 m from any reference boundary.
    expect(r.boundaryF).toBeCloseTo(2 / 3, 12);
    expect(r.fragmentation).toBe(1);
    expect(r.edge).toBe(1);
  });

  it('repairs invalid input: bow-tie, unclosed ring, duplicates, clockwise, MultiPolygon parts', () => {
    const bow: Feature = {
      category: 'annualcropland',
      geometry: polygonFromMetres(proj, [
        [
          [-50, -50],
          [50, 50],
          [50, -50],
          [-50, 50],
        ],
      ]),
    };
    const r = score([bow], [bow]);
    expect(r.repair.reference.unioned).toBe(1);
    expect(r.area).toBe(1);
    expect(r.areas.tp).toBeGreaterThan(4900); // two triangles of 2500 m2 (pixel-centre sampling)
    expect(r.areas.tp).toBeLessThan(5100);
    const cw = sq(50, -50, -50, 50); // reversed x: clockwise
    const ring = (cw.geometry as Polygon).coordinates[0]!;
    const messy: Feature = { category: 'annualcropland', geometry: { type: 'Polygon', coordinates: [[ring[0]!, ring[0]!, ...ring.slice(1, 4)]] } };
    const multi: Feature = { category: 'annualcropland', geometry: { type: 'MultiPolygon', coordinates: [(A.geometry as Polygon).coordinates, (sq(100, 100, 200, 200).geometry as Polygon).coordinates] } };
    const m = score([messy, sq(100, 100, 200, 200)], [multi]);
    expect(m.repair.reference.reoriented).toBe(1);
    expect(m.nLabels).toBe(2);
    expect(m.fragmentation).toBe(1);
    expect(m.iou).toBe(1);
    const junk = [{ category: 'annualcropland', geometry: { type: 'Polygon', coordinates: [[[0, 0], [0, 0], [NaN, 1]]] } }] as Feature[];
    expect(score(junk, []).nReference).toBe(0);
  });

  it('rejects a cell without area', () => {
    expect(() => score([], [], { cell: { type: 'Polygon', coordinates: [[[0, 0], [1, 1], [0, 0]]] } })).toThrow(/cell/);
  });
});
