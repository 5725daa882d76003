import { describe, expect, it } from 'vitest';
import { overlapAreaM2 } from '../editing/clip';
import { field, poly, pt, rect, ring, STEP } from '../editing/fixtures.testutil';
import { polygonAreaM2, type XY } from '../editing/geom';
import { borderMismatches } from '../editing/junctions';
import { polygonProblem } from '../editing/polygon-check';
import { Graph } from '../graph/graph';
import { annotate, applyCommand, suggestionOf } from './apply';
import { CommandError, type EditCommand } from './types';

const A = field('a', rect(0, 0, 4, 4));
const B = field('b', rect(4, 0, 8, 4), 'fallow');
const g0 = Graph.from([A, B]);

function apply(cmd: EditCommand, g = g0): Graph {
  return applyCommand(g, cmd);
}
function refused(cmd: EditCommand, re: RegExp, g = g0): void {
  expect(() => applyCommand(g, cmd)).toThrow(CommandError);
  expect(() => applyCommand(g, cmd)).toThrow(re);
}
/** Every pair of fields: no overlap, identical shared-border vertices, valid polygons. */
function clean(g: Graph): void {
  const fs = [...g.fields()];
  for (const f of fs) expect(polygonProblem(f.geometry), f.id).toBeNull();
  for (let i = 0; i < fs.length; i++)
    for (let k = i + 1; k < fs.length; k++) {
      expect(overlapAreaM2(fs[i]!.geometry, fs[k]!.geometry), `${fs[i]!.id}/${fs[k]!.id}`).toBeLessThan(0.01);
      expect(borderMismatches(fs[i]!.geometry, fs[k]!.geometry), `${fs[i]!.id}/${fs[k]!.id}`).toEqual([]);
    }
}

describe('field.add', () => {
  it('adds a field and leaves the input graph alone', () => {
    const g = apply({ type: 'field.add', id: 'c', geometry: rect(0, 5, 3, 8), category: 'annualcropland' });
    expect(g.get('c')?.provenance).toBe('drawn');
    expect(g.size).toBe(3);
    expect(g0.size).toBe(2);
    expect(annotate({ type: 'field.add', id: 'c', geometry: rect(0, 5, 3, 8), category: 'x' })).toBe('Drew a field');
  });
  it('trims an overlapping field to its neighbours (shared border, no overlap)', () => {
    const g = apply({ type: 'field.add', id: 'c', geometry: poly(ring([2, 3], [9, 3], [9, 7], [2, 7])), category: 'annualcropland', trim: 1 });
    clean(g);
    expect(polygonAreaM2(g.get('c')!.geometry) / polygonAreaM2(rect(0, 0, 1, 1))).toBeCloseTo(7 * 4 - 6 * 1, 3);
    // the neighbours got the junction vertices at (2,4) / (8,4)
    expect(g.get('a')!.geometry.coordinates[0]).toContainEqual(pt(2, 4));
    expect(g.get('b')!.geometry.coordinates[0]).toContainEqual(pt(8, 4));
  });
  it('accepts a suggestion with provenance', () => {
    const cmd: EditCommand = { type: 'field.add', id: 's1', geometry: rect(10, 10, 13, 13), category: 'fallow', provenance: 'suggested', suggestionId: 'sg-1' };
    expect(apply(cmd).get('s1')).toMatchObject({ provenance: 'suggested', suggestionId: 'sg-1' });
    expect(suggestionOf(cmd)).toBe('sg-1');
    expect(annotate(cmd)).toBe('Accepted a suggested field');
  });
  it('refuses degenerate clicks, bow-ties, taken ids and fields inside others', () => {
    refused({ type: 'field.add', id: 'c', geometry: poly(ring([0, 5], [1, 6])), category: 'x' }, /at least 3/);
    refused({ type: 'field.add', id: 'c', geometry: poly(ring([0, 5], [1, 6], [2, 7])), category: 'x' }, /no area/);
    refused({ type: 'field.add', id: 'c', geometry: poly(ring([0, 5], [2, 7], [2, 5], [0, 7])), category: 'x' }, /crosses or touches itself/);
    refused({ type: 'field.add', id: 'a', geometry: rect(0, 5, 3, 8), category: 'x' }, /already exists/);
    refused({ type: 'field.add', id: 'bad id!', geometry: rect(0, 5, 3, 8), category: 'x' }, /not a valid field id/);
    refused({ type: 'field.add', id: 'c', geometry: rect(1, 1, 2, 2), category: 'x', trim: 0 }, /nothing is left/);
  });
});

describe('field.delete / setCategory / setComment / suggestion.reject', () => {
  it('deletes, categorises and comments', () => {
    expect(apply({ type: 'field.delete', ids: ['a'] }).ids()).toEqual(['b']);
    expect(apply({ type: 'field.setCategory', ids: ['a', 'b'], category: 'noncropland' }).get('b')!.category).toBe('noncropland');
    expect(apply({ type: 'field.setComment', id: 'a', comment: 'maybe fallow' }).get('a')!.comment).toBe('maybe fallow');
    expect(apply({ type: 'suggestion.reject', suggestionId: 'x' })).toBe(g0);
    expect(annotate({ type: 'field.delete', ids: ['a', 'b'] })).toBe('Deleted 2 fields');
  });
  it('refuses unknown fields and empty lists', () => {
    refused({ type: 'field.delete', ids: ['zz'] }, /no field zz/);
    refused({ type: 'field.delete', ids: [] }, /no field to delete/);
    refused({ type: 'field.setCategory', ids: ['a'], category: '' }, /empty/);
    refused({ type: 'field.setComment', id: 'a', comment: 'x'.repeat(3000) }, /at most/);
  });
});

describe('vertex commands', () => {
  it('vertex.move moves one vertex, and shared corners together', () => {
    const to: XY = [pt(4, 0)[0] + STEP, pt(4, 0)[1] - STEP];
    const g = apply({ type: 'vertex.move', id: 'a', ring: 0, index: 1, to, shared: true });
    expect(g.get('a')!.geometry.coordinates[0]![1]).toEqual(to);
    expect(g.get('b')!.geometry.coordinates[0]![0]).toEqual(to);
    clean(g);
    const alone = apply({ type: 'vertex.move', id: 'a', ring: 0, index: 3, to: pt(-1, 5) });
    expect(alone.get('a')!.geometry.coordinates[0]![3]).toEqual(pt(-1, 5));
  });
  it('vertex.move with trim keeps the field off its neighbour', () => {
    const g = apply({ type: 'vertex.move', id: 'a', ring: 0, index: 2, to: pt(6, 5), trim: 0 });
    clean(g);
  });
  it('vertex.move refuses a bow-tie and bad indices', () => {
    refused({ type: 'vertex.move', id: 'a', ring: 0, index: 0, to: pt(6, 2) }, /crosses or touches itself/);
    refused({ type: 'vertex.move', id: 'a', ring: 0, index: 9, to: pt(1, 1) }, /no vertex 9/);
    refused({ type: 'vertex.move', id: 'a', ring: 2, index: 0, to: pt(1, 1) }, /no ring 2/);
  });
  it('vertex.insert adds a vertex on an edge midpoint (and to the neighbour sharing it)', () => {
    const g = apply({ type: 'vertex.insert', id: 'a', ring: 0, index: 2, at: pt(4, 2) });
    expect(g.get('a')!.geometry.coordinates[0]).toHaveLength(6);
    expect(g.get('b')!.geometry.coordinates[0]).toContainEqual(pt(4, 2));
    refused({ type: 'vertex.insert', id: 'a', ring: 0, index: 7, at: pt(4, 2) }, /no vertex 7/);
  });
  it('vertex.delete removes a vertex, refuses below 3, drops a 3-vertex hole', () => {
    const five = field('p', poly(ring([0, 0], [4, 0], [4, 2], [4, 4], [0, 4])));
    const g = applyCommand(Graph.from([five]), { type: 'vertex.delete', id: 'p', ring: 0, index: 2 });
    expect(g.get('p')!.geometry.coordinates[0]).toHaveLength(5);
    const tri = Graph.from([field('t', poly(ring([0, 0], [4, 0], [0, 4])))]);
    refused({ type: 'vertex.delete', id: 't', ring: 0, index: 0 }, /at least 3 vertices/, tri);
    const holed = Graph.from([field('h', poly(rect(0, 0, 4, 4).coordinates[0]!, ring([1, 1], [1, 2], [2, 1])))]);
    expect(applyCommand(holed, { type: 'vertex.delete', id: 'h', ring: 1, index: 0 }).get('h')!.geometry.coordinates).toHaveLength(1);
  });
});

describe('field.move', () => {
  it('moves fields, trimming them to the ones that stay', () => {
    const g = apply({ type: 'field.move', ids: ['a'], delta: [STEP * 2, 0], trim: 0 });
    clean(g);
    expect(polygonAreaM2(g.get('a')!.geometry) / polygonAreaM2(A.geometry)).toBeCloseTo(0.5, 3);
    const both = apply({ type: 'field.move', ids: ['a', 'b'], delta: [STEP, STEP] });
    expect(both.get('b')!.geometry.coordinates[0]![0]).toEqual([pt(4, 0)[0] + STEP, pt(4, 0)[1] + STEP]);
    refused({ type: 'field.move', ids: ['a'], delta: [2, 0] }, /more than 1 degree/);
    refused({ type: 'field.move', ids: [], delta: [0, 0] }, /no field/);
  });
});

describe('hole.add, field.split, fields.merge, field.reshape', () => {
  it('hole.add cuts a hole and refuses one outside', () => {
    expect(apply({ type: 'hole.add', id: 'a', ring: ring([1, 1], [2, 1], [2, 2], [1, 2]) }).get('a')!.geometry.coordinates).toHaveLength(2);
    refused({ type: 'hole.add', id: 'a', ring: ring([3, 1], [6, 1], [6, 2], [3, 2]) }, /hole/);
  });
  it('field.split keeps the id on the larger piece and shares the cut exactly', () => {
    const g = apply({ type: 'field.split', id: 'a', line: [pt(1, -1), pt(1, 5)], newId: 'a2' });
    expect(g.size).toBe(3);
    expect(polygonAreaM2(g.get('a')!.geometry)).toBeGreaterThan(polygonAreaM2(g.get('a2')!.geometry));
    expect(g.get('a2')!.category).toBe('annualcropland');
    clean(g);
    refused({ type: 'field.split', id: 'a', line: [pt(-2, -1), pt(-2, 5)], newId: 'a2' }, /cross the field/);
    refused({ type: 'field.split', id: 'a', line: [pt(1, -1), pt(1, 5)], newId: 'b' }, /already exists/);
  });
  it('field.split of a field whose cut ends on a shared border adds the junction to the neighbour', () => {
    const g = apply({ type: 'field.split', id: 'a', line: [pt(-1, 2), pt(5, 2)], newId: 'a2' });
    expect(g.get('b')!.geometry.coordinates[0]).toContainEqual(pt(4, 2));
    clean(g);
  });
  it('fields.merge joins adjacent fields and refuses separate ones', () => {
    const g = apply({ type: 'fields.merge', ids: ['a', 'b'] });
    expect(g.ids()).toEqual(['a']);
    expect(polygonAreaM2(g.get('a')!.geometry) / polygonAreaM2(rect(0, 0, 8, 4))).toBeCloseTo(1, 6);
    const far = g0.with([field('c', rect(20, 20, 22, 22))]);
    refused({ type: 'fields.merge', ids: ['a', 'c'] }, /do not share a border/, far);
    refused({ type: 'fields.merge', ids: ['a', 'a'] }, /2 different fields/);
  });
  it('field.reshape replaces a stretch of boundary', () => {
    const g = apply({ type: 'field.reshape', id: 'a', path: [pt(0, 1), pt(-2, 2), pt(0, 3)] });
    expect(polygonAreaM2(g.get('a')!.geometry) / polygonAreaM2(rect(0, 0, 1, 1))).toBeCloseTo(18, 3);
    const trimmed = apply({ type: 'field.reshape', id: 'a', path: [pt(4, 1), pt(6, 2), pt(4, 3)], trim: 0 });
    clean(trimmed);
    refused({ type: 'field.reshape', id: 'a', path: [pt(9, 9), pt(10, 10)] }, /start and end on the field boundary/);
  });
});

describe('fixes: field.replace and field.trim; batch', () => {
  it('field.replace swaps a valid shape in and refuses a bow-tie', () => {
    expect(apply({ type: 'field.replace', id: 'a', geometry: rect(0, 0, 3, 3) }).get('a')!.geometry.coordinates[0]).toContainEqual(pt(3, 3));
    refused({ type: 'field.replace', id: 'a', geometry: poly(ring([0, 0], [2, 2], [2, 0], [0, 2])) }, /crosses or touches itself/);
  });
  it('field.trim removes an overlap', () => {
    const over = Graph.from([A, field('c', rect(3, 1, 6, 3))]);
    const g = applyCommand(over, { type: 'field.trim', id: 'c', tolM: 0 });
    clean(g);
    refused({ type: 'field.trim', id: 'c', tolM: -1 }, /tolerance/, over);
  });
  it('batch applies all or nothing as one step', () => {
    const cmd: EditCommand = {
      type: 'batch',
      annotation: 'Dragged a new vertex',
      commands: [
        { type: 'vertex.insert', id: 'a', ring: 0, index: 1, at: pt(2, 0) },
        { type: 'vertex.move', id: 'a', ring: 0, index: 1, to: pt(2, -1) },
      ],
    };
    expect(apply(cmd).get('a')!.geometry.coordinates[0]![1]).toEqual(pt(2, -1));
    expect(annotate(cmd)).toBe('Dragged a new vertex');
    refused({ type: 'batch', commands: [{ type: 'field.delete', ids: ['a'] }, { type: 'field.delete', ids: ['a'] }] }, /no field a/);
    refused({ type: 'batch', commands: [] }, /empty batch/);
    refused({ type: 'nope' } as unknown as EditCommand, /unknown edit command/);
  });
});
