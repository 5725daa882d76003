import { describe, expect, it } from 'vitest';
import { Graph } from '../graph/graph';
import { FieldIndex } from './field-index';
import { fitToNeighbours } from './fit';
import { field, poly, pt, rect, ring, STEP } from './fixtures.testutil';
import { closeRing, distM, polygonAreaM2, type XY } from './geom';
import { addHole } from './hole';
import { borderMismatches, insertJunctions } from './junctions';
import { mergePolygons } from './merge';
import { checkDrawing, polygonProblem } from './polygon-check';
import { reshapePolygon } from './reshape';
import { snapPoint } from './snap';
import { bySize, splitPolygon } from './split';
import { tracePath } from './trace';
import { overlapAreaM2 } from './clip';

describe('polygonProblem (degenerate input is refused with a reason)', () => {
  it('accepts a square and a square with a hole', () => {
    expect(polygonProblem(rect(0, 0, 4, 4))).toBeNull();
    expect(polygonProblem(poly(rect(0, 0, 4, 4).coordinates[0]!, ring([1, 1], [1, 2], [2, 2], [2, 1])))).toBeNull();
  });
  it('refuses two points, zero-area rings, bow-ties, open rings and NaN', () => {
    expect(polygonProblem(poly(ring([0, 0], [1, 1])))).toMatch(/at least 3/);
    expect(polygonProblem(poly(ring([0, 0], [1, 1], [2, 2])))).toMatch(/no area/);
    expect(polygonProblem(poly(ring([0, 0], [2, 2], [2, 0], [0, 2])))).toMatch(/crosses or touches itself/);
    expect(polygonProblem(poly([pt(0, 0), pt(1, 0), pt(1, 1), pt(0, 1)]))).toMatch(/not closed/);
    expect(polygonProblem(poly([pt(0, 0), [NaN, 1], pt(1, 1), pt(0, 0)]))).toMatch(/finite/);
    expect(polygonProblem(poly(ring([0, 0], [1, 0], [1, 0], [0, 1])))).toMatch(/repeats a vertex|distinct/);
  });
  it('refuses holes outside, crossing the boundary, or inside each other', () => {
    const outer = rect(0, 0, 4, 4).coordinates[0]!;
    expect(polygonProblem(poly(outer, ring([5, 5], [5, 6], [6, 6], [6, 5])))).toMatch(/outside/);
    expect(polygonProblem(poly(outer, ring([3, 1], [3, 2], [5, 2], [5, 1])))).toMatch(/crosses or touches the boundary/);
    expect(polygonProblem(poly(outer, ring([1, 1], [1, 3], [3, 3], [3, 1]), ring([1.5, 1.5], [1.5, 2], [2, 2], [2, 1.5])))).toMatch(/inside hole|cross/);
  });
  it('checkDrawing flags a crossing edge and a closing edge cheaply', () => {
    expect(checkDrawing([pt(0, 0), pt(2, 0), pt(2, 2)]).valid).toBe(true);
    expect(checkDrawing([pt(0, 0), pt(2, 0), pt(2, 2), pt(1, -1)])).toEqual({ valid: false, reason: 'the new edge crosses an earlier edge' });
    expect(checkDrawing([pt(0, 0), pt(2, 0)], true).reason).toMatch(/at least 3 vertices, there are 2/);
    expect(checkDrawing([pt(0, 0), pt(1, 1), pt(2, 2)], true).reason).toMatch(/no area/);
    expect(checkDrawing([pt(0, 0), pt(0, 0)]).valid).toBe(false);
  });
});

describe('FieldIndex and snapping', () => {
  const a = field('a', rect(0, 0, 4, 4));
  const b = field('b', rect(4, 0, 8, 4));
  const g = Graph.from([a, b]);
  const ix = FieldIndex.of(g);
  it('finds fields by box and by point, and follows updates', () => {
    expect(ix.query([pt(1, 1)[0], pt(1, 1)[1], pt(1, 1)[0], pt(1, 1)[1]]).map((f) => f.id)).toEqual(['a']);
    expect(ix.fieldAt(pt(6, 1))?.id).toBe('b');
    const g2 = g.with([field('c', rect(20, 20, 22, 22))], ['a']);
    ix.apply(g2, g2.diff(g));
    expect(ix.fieldAt(pt(1, 1))).toBeUndefined();
    expect(ix.fieldAt(pt(21, 21))?.id).toBe('c');
    ix.apply(g, g.diff(g2));
    expect(ix.size).toBe(2);
  });
  it('prefers a vertex within tolerance over a nearer edge, else the edge point', () => {
    const p: XY = [pt(4, 0)[0] + STEP * 0.15, pt(4, 0)[1] + STEP * 0.05];
    const s = snapPoint(p, ix, 3);
    expect(s?.kind).toBe('vertex');
    expect(s?.point).toEqual(pt(4, 0));
    const e = snapPoint([pt(4, 2)[0] + STEP * 0.1, pt(4, 2)[1]], ix, 2, { vertices: false });
    expect(e?.kind).toBe('edge');
    expect(e!.point[0]).toBe(pt(4, 2)[0]);
    expect(snapPoint(pt(12, 12), ix, 3)).toBeNull();
    expect(snapPoint(p, ix, 3, { exclude: new Set(['a', 'b']) })).toBeNull();
  });
});

describe('tracing along a neighbour', () => {
  it('returns the ring vertices along the shorter way', () => {
    const r = ring([0, 0], [4, 0], [4, 4], [0, 4]); // 4 vertices
    // from the middle of edge 0 (bottom) to the middle of edge 1 (right): passes vertex (4,0)
    const path = tracePath(r, { kind: 'edge', index: 0, t: 0.5, point: pt(2, 0) }, { kind: 'edge', index: 1, t: 0.5, point: pt(4, 2) });
    expect(path).toEqual([pt(4, 0)]);
    const back = tracePath(r, { kind: 'vertex', index: 3, t: 0, point: pt(0, 4) }, { kind: 'vertex', index: 1, t: 0, point: pt(4, 0) });
    expect(back.length).toBe(1);
    expect([pt(0, 0), pt(4, 4)]).toContainEqual(back[0]);
  });
});

describe('fitting to neighbours (shared borders)', () => {
  const left = field('left', poly(ring([0, 0], [4, 0], [4, 2], [4, 4], [0, 4])));
  it('trims an overlapping field to the neighbour with identical border vertices', () => {
    const drawn = rect(3, 1, 8, 5); // overlaps left by a 1x3 strip
    const r = fitToNeighbours(drawn, [left], 0);
    expect(r.pieces).toHaveLength(1);
    const p = r.pieces[0]!;
    expect(overlapAreaM2(p, left.geometry)).toBeLessThan(1e-6);
    const l2 = r.neighbours.get('left') ?? left.geometry;
    expect(borderMismatches(p, l2)).toEqual([]);
    expect(polygonAreaM2(p) / polygonAreaM2(rect(4, 1, 8, 5))).toBeCloseTo(17 / 16, 4); // and the corner above the neighbour
  });
  it('closes a gap under the tolerance by snapping and tracing the neighbour', () => {
    const off = STEP * 0.1; // ~1 m gap
    const drawn = poly(closeRing([[pt(4, 0)[0] + off, pt(4, 0)[1]], pt(8, 0), pt(8, 4), [pt(4, 4)[0] + off, pt(4, 4)[1]]]));
    const r = fitToNeighbours(drawn, [left], 2);
    const p = r.pieces[0]!;
    expect(p.coordinates[0]).toContainEqual(pt(4, 2)); // traced from the neighbour
    expect(p.coordinates[0]).toContainEqual(pt(4, 0));
    expect(borderMismatches(p, r.neighbours.get('left') ?? left.geometry)).toEqual([]);
  });
  it('drops slivers and returns nothing for a field inside its neighbour', () => {
    expect(fitToNeighbours(rect(1, 1, 2, 2), [left], 0).pieces).toEqual([]);
    const thin = poly(ring([0, 0], [4, 0], [4, 4.02], [0, 4.02]));
    expect(fitToNeighbours(thin, [left], 1).pieces).toEqual([]);
  });
  it('inserts T-junction vertices into both sides', () => {
    const a = rect(0, 0, 4, 4);
    const b = rect(4, 1, 8, 3);
    const a2 = insertJunctions(a, [b]);
    expect(a2.coordinates[0]).toContainEqual(pt(4, 1));
    expect(a2.coordinates[0]).toContainEqual(pt(4, 3));
    expect(borderMismatches(a, b).length).toBe(2);
    expect(borderMismatches(a2, b)).toEqual([]);
    expect(insertJunctions(a, [rect(10, 10, 12, 12)])).toBe(a);
  });
});

describe('split, merge, reshape, hole', () => {
  const sq = rect(0, 0, 4, 4);
  it('splits with a line into two pieces sharing the cut exactly', () => {
    const [a, b] = bySize(splitPolygon(sq, [pt(1, -1), pt(1, 5)]));
    expect(polygonAreaM2(a) + polygonAreaM2(b)).toBeCloseTo(polygonAreaM2(sq), 1);
    expect(polygonAreaM2(a)).toBeGreaterThan(polygonAreaM2(b));
    expect(borderMismatches(a, b)).toEqual([]);
    expect(overlapAreaM2(a, b)).toBeLessThan(1e-6);
    // a polyline with a bend inside
    const [c, d] = splitPolygon(sq, [pt(-1, 2), pt(2, 3), pt(5, 2)]);
    expect(c.coordinates[0]).toContainEqual(pt(2, 3));
    expect(d.coordinates[0]).toContainEqual(pt(2, 3));
  });
  it('refuses lines that do not cross, or cross a hole', () => {
    expect(() => splitPolygon(sq, [pt(-1, -1), pt(-1, 5)])).toThrow(/cross the field/);
    expect(() => splitPolygon(sq, [pt(1, 1), pt(2, 2)])).toThrow(/cross the field/);
    const holed = poly(sq.coordinates[0]!, ring([1, 1], [1, 3], [3, 3], [3, 1]));
    expect(() => splitPolygon(holed, [pt(2, -1), pt(2, 5)])).toThrow(/hole/);
  });
  it('merges adjacent fields and refuses separate ones', () => {
    const m = mergePolygons([rect(0, 0, 4, 4), rect(4, 0, 8, 4)]);
    expect(polygonAreaM2(m)).toBeCloseTo(polygonAreaM2(rect(0, 0, 8, 4)), 3);
    expect(() => mergePolygons([rect(0, 0, 2, 2), rect(5, 5, 6, 6)])).toThrow(/do not share a border/);
    expect(() => mergePolygons([rect(0, 0, 2, 2)])).toThrow(/at least 2/);
  });
  it('reshapes a stretch of boundary, keeping the larger side', () => {
    const r = reshapePolygon(sq, [pt(4, 1), pt(6, 2), pt(4, 3)]);
    expect(polygonAreaM2(r)).toBeCloseTo(polygonAreaM2(sq) + 2 * STEP * STEP * 111_320 * Math.cos((9.4 * Math.PI) / 180) * 110_574, -1);
    expect(() => reshapePolygon(sq, [pt(10, 10), pt(11, 11)])).toThrow(/start and end on the field boundary/);
    expect(() => reshapePolygon(sq, [pt(4, 1)])).toThrow(/at least 2/);
  });
  it('adds a hole inside and refuses one across the boundary', () => {
    const h = addHole(sq, ring([1, 1], [2, 1], [2, 2], [1, 2]));
    expect(h.coordinates).toHaveLength(2);
    expect(polygonAreaM2(h)).toBeCloseTo(polygonAreaM2(sq) * (15 / 16), 3);
    expect(() => addHole(sq, ring([3, 1], [5, 1], [5, 2], [3, 2]))).toThrow(/boundary|outside/);
    expect(() => addHole(sq, ring([1, 1], [2, 2]))).toThrow(/at least 3/);
  });
  it('measures distances in metres', () => {
    expect(distM(pt(0, 0), pt(0, 1))).toBeCloseTo(11.06, 1);
  });
});
