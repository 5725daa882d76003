import { describe, expect, it } from 'vitest';
import { applyCommand } from '../commands/apply';
import type { EditCommand } from '../commands/types';
import { FieldIndex } from '../editing/field-index';
import { field, LAT0, LON0, poly, pt, rect, ring, STEP } from '../editing/fixtures.testutil';
import { Graph } from '../graph/graph';
import { categoryRule } from './category.rule';
import { duplicateRule } from './duplicate.rule';
import { DEFAULT_CONTEXT, type Issue, type ValidationContext } from './issue';
import { minAreaRule } from './min-area.rule';
import { outsideCellRule } from './outside-cell.rule';
import { overlapRule } from './overlap.rule';
import { selfIntersectionRule } from './self-intersection.rule';
import { spikeRule } from './spike.rule';
import { validateGraph, Validator } from './validator';

const ctx: ValidationContext = { ...DEFAULT_CONTEXT, cell: [LON0, LAT0, LON0 + 0.005, LAT0 + 0.005], categories: ['annualcropland', 'fallow'] };
const big = (id: string, i0: number, j0: number, i1: number, j1: number) => field(id, rect(i0, j0, i1, j1));

/** Applies the first fix of the issue and re-checks: the issue must be gone. */
function fixed(g: Graph, issue: Issue, k = 0): Graph {
  const out = applyCommand(g, issue.fixes[k]!.command);
  expect(validateGraph(out, ctx).some((i) => i.id === issue.id), `${issue.id} after "${issue.fixes[k]!.label}"`).toBe(false);
  return out;
}

describe('rules', () => {
  it('self-intersection: a bow-tie is an error, repaired or deleted by its fixes', () => {
    const bow = field('x', poly(ring([0, 0], [6, 6], [6, 0], [0, 6])));
    const [issue] = selfIntersectionRule.check(bow, [], ctx);
    expect(issue).toMatchObject({ rule: 'self-intersection', severity: 'error', fieldIds: ['x'] });
    expect(issue!.fixes.map((f) => f.label)).toEqual(['Repair the outline', 'Delete the field']);
    fixed(Graph.from([bow]), issue!);
    expect(selfIntersectionRule.check(big('ok', 0, 0, 4, 4), [], ctx)).toEqual([]);
  });
  it('overlap: overlapping fields are an error; shared borders are not', () => {
    const a = big('a', 0, 0, 4, 4);
    const b = big('b', 3, 0, 7, 4);
    const [issue] = overlapRule.check(a, [b], ctx);
    expect(issue).toMatchObject({ id: 'overlap:a:b', severity: 'error', fieldIds: ['a', 'b'] });
    expect(issue!.message).toMatch(/overlap by \d+ m²/);
    fixed(Graph.from([a, b]), issue!);
    fixed(Graph.from([a, b]), issue!, 2);
    expect(overlapRule.check(a, [big('c', 4, 0, 8, 4)], ctx)).toEqual([]);
    expect(overlapRule.check(a, [field('t', poly(ring([4, 1], [8, 1], [8, 3], [4, 3])))], ctx)).toEqual([]);
  });
  it('duplicate: the same field twice is one duplicate error, not an overlap', () => {
    const a = big('a', 0, 0, 4, 4);
    const a2 = big('a2', 0, 0, 4, 4);
    const [issue] = duplicateRule.check(a, [a2], ctx);
    expect(issue).toMatchObject({ rule: 'duplicate', severity: 'error', fieldIds: ['a', 'a2'] });
    expect(overlapRule.check(a, [a2], ctx)).toEqual([]);
    fixed(Graph.from([a, a2]), issue!);
  });
  it('min-area: below the campaign minimum is an error; delete or merge into a neighbour', () => {
    const small = big('s', 4, 0, 5, 1); // ~120 m2
    const n = big('n', 0, 0, 4, 4);
    const [issue] = minAreaRule.check(small, [n], ctx);
    expect(issue!.message).toMatch(/below the campaign minimum of 400 m²/);
    expect(issue!.fixes.map((f) => f.label)).toEqual(['Delete the field', 'Merge into n']);
    fixed(Graph.from([small, n]), issue!);
    fixed(Graph.from([small, n]), issue!, 1);
    expect(minAreaRule.check(n, [], ctx)).toEqual([]);
  });
  it('spike: sharp spikes and very short edges are warnings with a clean-up fix', () => {
    const spiky = field('k', poly([pt(0, 0), pt(8, 0), pt(8, 8), [LON0 + 4 * STEP, LAT0 + 60 * STEP], [LON0 + 3.95 * STEP, LAT0 + 8 * STEP], pt(0, 8), pt(0, 0)]));
    const [issue] = spikeRule.check(spiky, [], ctx);
    expect(issue).toMatchObject({ rule: 'spike', severity: 'warning' });
    fixed(Graph.from([spiky]), issue!);
    const short = field('s', poly([pt(0, 0), pt(8, 0), pt(8, 8), [pt(8, 8)[0] - 2e-6, pt(8, 8)[1]], pt(0, 8), pt(0, 0)]));
    expect(spikeRule.check(short, [], ctx)[0]!.message).toMatch(/shorter than 0.5 m/);
    expect(spikeRule.check(big('ok', 0, 0, 4, 4), [], ctx)).toEqual([]);
  });
  it('outside-cell: far outside is an error, just outside a warning, touching is fine', () => {
    expect(outsideCellRule.check(big('in', -2, -2, 2, 2), [], ctx)).toEqual([]);
    expect(outsideCellRule.check(big('near', -6, 0, -2, 4), [], ctx)[0]).toMatchObject({ severity: 'warning' });
    const [far] = outsideCellRule.check(big('far', -40, 0, -30, 4), [], ctx);
    expect(far).toMatchObject({ severity: 'error' });
    expect(far!.message).toMatch(/lies \d+ m outside the site cell/);
    fixed(Graph.from([big('far', -40, 0, -30, 4)]), far!);
  });
  it('category: an unknown category is an error with one fix per category', () => {
    const [issue] = categoryRule.check(field('c', rect(0, 0, 4, 4), 'banana'), [], ctx);
    expect(issue!.fixes.map((f) => f.label)).toEqual(['Make it annualcropland', 'Make it fallow']);
    fixed(Graph.from([field('c', rect(0, 0, 4, 4), 'banana')]), issue!);
  });
});

describe('Validator', () => {
  it('incremental updates agree with a full validation', () => {
    let g = Graph.from([big('a', 0, 0, 4, 4), big('b', 4, 0, 8, 4), big('c', 0, 4, 4, 8)]);
    const ix = FieldIndex.of(g);
    const v = new Validator(ctx);
    v.reset(g, ix);
    expect(v.issues()).toEqual([]);
    const steps = [
      { type: 'field.add', id: 'd', geometry: rect(3, 3, 6, 6), category: 'fallow' },
      { type: 'field.move', ids: ['b'], delta: [STEP * 30, 0] },
      { type: 'field.trim', id: 'd', tolM: 0 },
      { type: 'field.delete', ids: ['c'] },
    ] satisfies EditCommand[];
    for (const cmd of steps) {
      const next = applyCommand(g, cmd);
      const diff = next.diff(g);
      ix.apply(next, diff);
      v.update(g, next, diff, ix);
      g = next;
      expect(v.issues().map((i) => i.id)).toEqual(validateGraph(g, ctx).map((i) => i.id));
    }
    expect(v.issuesOf('d')).toEqual([]);
  });
  it('lists errors before warnings', () => {
    const g = Graph.from([big('a', 0, 0, 4, 4), big('b', 3, 0, 7, 4), big('near', -6, 0, -2, 4)]);
    const issues = validateGraph(g, ctx);
    expect(issues.map((i) => i.severity)).toEqual(['error', 'warning']);
  });
});
