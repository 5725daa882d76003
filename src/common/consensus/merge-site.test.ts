import { describe, expect, it } from 'vitest';
import { bboxPolygon, type Polygon } from '../geo/geojson';
import { ringArea } from '../quality/planar';
import type { Feature } from '../quality/types';
import { bayesMerge } from './bayes';
import { cellGrid, rasterizeLabeller } from './label-raster';
import { mergeSite, type LabellerInput } from './merge-site';
import { RISK_THRESHOLD_CAVEAT } from './risk';

const [W0, S0, E0, N0] = [-1.5025, 7.4975, -1.4975, 7.5025];
const cell: Polygon = bboxPolygon([W0, S0, E0, N0]);
const PX = 200;
const d = (E0 - W0) / PX;
// A rectangle in pixel units of the 200 px grid: columns [x0, x1), rows [y0, y1) from the top.
const rect = (x0: number, y0: number, x1: number, y1: number, category = 'annualcropland'): Feature => ({
  category,
  geometry: bboxPolygon([W0 + x0 * d, N0 - y1 * d, W0 + x1 * d, N0 - y0 * d]),
});
const whole = (category = 'annualcropland'): Feature => rect(0, 0, PX, PX, category);

describe('Bayesian merge (the lab equation, unsure in the denominator)', () => {
  it('a hand-computed pixel: field, no field and unsure labellers', () => {
    // w = Q * fs (field), Q * nfs (no field), Q * (fs + nfs) / 2 (unsure, counted 0.5)
    const wA = 0.8 * 0.9; // L = 1
    const wB = 0.6 * 0.9; // L = 0
    const wC = 0.5 * ((0.6 + 0.8) / 2); // L = 0.5
    const expected = (wA + 0.5 * wC) / (wA + wB + wC); // 0.5559...
    const C = bayesMerge([Uint8Array.of(2), Uint8Array.of(0), Uint8Array.of(1)], [
      { q: 0.8, fieldSkill: 0.9, noFieldSkill: 0.7 },
      { q: 0.6, fieldSkill: 0.5, noFieldSkill: 0.9 },
      { q: 0.5, fieldSkill: 0.6, noFieldSkill: 0.8 },
    ], 1);
    expect(C[0]).toBeCloseTo(expected, 12);
    expect(expected).toBeCloseTo(0.895 / 1.61, 12);
    // The same through mergeSite, over the whole cell.
    const r = mergeSite({
      cell,
      method: 'bayes',
      labellers: [
        { id: 'a', features: [whole()], q: 0.8, fieldSkill: 0.9, noFieldSkill: 0.7 },
        { id: 'b', features: [], q: 0.6, fieldSkill: 0.5, noFieldSkill: 0.9 },
        { id: 'c', features: [whole('unsure')], q: 0.5, fieldSkill: 0.6, noFieldSkill: 0.8 },
      ],
    });
    expect(r.grid.probability[12345]).toBeCloseTo(expected, 6);
    expect(r.meanRisk).toBeCloseTo(1 - expected, 6);
    expect(r.riskyFraction).toBe(1);
    expect(r.consensus).toHaveLength(1);
    expect(r.grid.geoTransform).toEqual([W0, d, 0, N0, 0, -(N0 - S0) / PX]);
    expect(r.grid.crs).toBe('EPSG:4326');
  });
});

describe('labeller layers', () => {
  it('field beats unsure; unsure counts half; other categories nothing', () => {
    const g = cellGrid(cell, PX);
    expect(g.maskCount).toBe(PX * PX);
    const L = rasterizeLabeller([whole('unsure'), rect(0, 0, 100, PX), rect(150, 0, PX, PX, 'noncropland')], g, (c) => (c === 'unsure' ? 1 : c === 'annualcropland' ? 2 : 0));
    expect([L[0], L[99], L[100], L[199]]).toEqual([2, 2, 1, 1]);
  });
});

describe('majority vote and the 0.34 caveat', () => {
  it('three equal labellers, 2-1 split: risk 1/3 is never risky at 0.34; entropy shows it', () => {
    const r = mergeSite({ cell, method: 'majority', labellers: [{ id: 'a', features: [whole()] }, { id: 'b', features: [whole()] }, { id: 'c', features: [] }] });
    expect(r.meanRisk).toBeCloseTo(1 / 3, 6);
    expect(r.riskyFraction).toBe(0);
    expect(r.meanEntropy).toBeCloseTo(-(2 / 3) * Math.log2(2 / 3) - (1 / 3) * Math.log2(1 / 3), 6);
    expect(r.notes).toContain(RISK_THRESHOLD_CAVEAT);
    expect(mergeSite({ cell, method: 'majority', riskThreshold: 0.3, labellers: [{ id: 'a', features: [whole()] }, { id: 'b', features: [whole()] }, { id: 'c', features: [] }] }).riskyFraction).toBe(1);
  });
});

// Ten true fields (pixel rectangles, 23,400 px); three weak labellers miss the same four (33%).
const FIELDS: [number, number, number, number][] = [
  [10, 10, 50, 40], [60, 10, 100, 50], [110, 10, 150, 45], [160, 10, 190, 60], [10, 60, 70, 110],
  [80, 60, 140, 120], [150, 70, 190, 130], [10, 130, 80, 190], [90, 140, 140, 190], [150, 140, 190, 190],
];
const MISSED = new Set([0, 1, 6, 8]);
function labeller(id: string, dx: number, dy: number, weak: boolean, history: boolean): LabellerInput {
  const features = FIELDS.filter((_, i) => !weak || !MISSED.has(i)).map(([a, b, c, e]) => rect(a + dx, b + dy, c + dx, e + dy));
  const skills = weak ? { q: 0.5, fieldSkill: 0.6, noFieldSkill: 0.9 } : { q: 0.9, fieldSkill: 0.95, noFieldSkill: 0.97 };
  return history ? { id, features, ...skills } : { id, features };
}
function iouWithTruth(consensus: Uint8Array): number {
  const truth = new Uint8Array(PX * PX);
  for (const [a, b, c, e] of FIELDS) for (let y = b; y < e; y++) for (let x = a; x < c; x++) truth[y * PX + x] = 1;
  let i = 0;
  let u = 0;
  for (let k = 0; k < truth.length; k++) {
    if (truth[k] && consensus[k]) i++;
    if (truth[k] || consensus[k]) u++;
  }
  return i / u;
}

describe('STAPLE needs the gold history', () => {
  const crew = (history: boolean): LabellerInput[] => [
    labeller('strong1', 1, 0, false, history),
    labeller('strong2', 0, 1, false, history),
    labeller('weak1', 0, 0, true, history),
    labeller('weak2', -1, 0, true, history),
    labeller('weak3', 0, -1, true, history),
  ];

  it('plain STAPLE and majority follow the weak majority; priors and weighted Bayes recover the fields', () => {
    const plain = mergeSite({ cell, method: 'staple', labellers: crew(false) });
    const majority = mergeSite({ cell, method: 'majority', labellers: crew(false) });
    const withPriors = mergeSite({ cell, method: 'staple', labellers: crew(true) });
    const bayes = mergeSite({ cell, method: 'bayes', labellers: crew(true) });
    const iou = (r: { grid: { consensus: Uint8Array } }): number => iouWithTruth(r.grid.consensus);
    expect(iou(plain)).toBeGreaterThan(0.6);
    expect(iou(plain)).toBeLessThan(0.72);
    expect(iou(majority)).toBeCloseTo(iou(plain), 1);
    expect(iou(withPriors)).toBeGreaterThan(0.95);
    expect(iou(bayes)).toBeGreaterThan(0.95);
    expect(plain.notes.filter((n) => n.includes('no Class 1 history'))).toHaveLength(5);
    expect(withPriors.notes.some((n) => n.includes('no Class 1 history'))).toBe(false);
    expect(withPriors.sensitivity!.slice(0, 2).every((p) => p > 0.9)).toBe(true);
    expect(withPriors.sensitivity!.slice(2).every((p) => p < 0.8)).toBe(true);
    expect(withPriors.iterations).toBeGreaterThan(0);
    // The missed fields are where the risk is.
    expect(withPriors.meanRisk).toBeGreaterThan(0);
  });
});

describe('consensus polygons', () => {
  it('round trip: a rotated field rasterised and vectorised keeps its area within a pixel band', () => {
    const cx = (W0 + E0) / 2;
    const cy = (S0 + N0) / 2;
    const ring: [number, number][] = [];
    for (let k = 0; k < 24; k++) {
      const a = (2 * Math.PI * k) / 24 + 0.3;
      const rr = (k % 2 ? 0.0016 : 0.0019);
      ring.push([cx + rr * Math.cos(a), cy + rr * Math.sin(a)]);
    }
    ring.push(ring[0]!);
    const f: Feature = { category: 'annualcropland', geometry: { type: 'Polygon', coordinates: [ring] } };
    const r = mergeSite({ cell, method: 'majority', labellers: [{ id: 'a', features: [f] }] });
    expect(r.consensus).toHaveLength(1);
    const flat = (x: [number, number][]): Float64Array => Float64Array.from(x.slice(0, -1).flat());
    const trueArea = ringArea(flat(ring));
    const got = ringArea(flat(r.consensus[0]!.coordinates[0] as [number, number][]));
    let perimeter = 0;
    for (let k = 0; k + 1 < ring.length; k++) perimeter += Math.hypot(ring[k + 1]![0] - ring[k]![0], ring[k + 1]![1] - ring[k]![1]);
    expect(Math.abs(got - trueArea)).toBeLessThan(0.25 * perimeter * d);
    expect(Math.abs(got / trueArea - 1)).toBeLessThan(0.002);
    // simplified: far fewer vertices than the pixel staircase (~900 corners)
    expect(r.consensus[0]!.coordinates[0]!.length).toBeLessThan(130);
  });
});

describe('bad input never gives NaN', () => {
  it('invalid and empty geometries, missing history, one labeller, no labeller', () => {
    const bad = [
      { category: 'annualcropland', geometry: { type: 'Polygon', coordinates: [[[NaN, 0], [1, 1]]] } },
      { category: 'annualcropland', geometry: { type: 'Polygon', coordinates: [] } },
      { category: 'annualcropland', geometry: null },
      { category: 'annualcropland', geometry: { type: 'Polygon', coordinates: [[[W0 + 10 * d, N0 - 10 * d], [W0 + 60 * d, N0 - 60 * d], [W0 + 60 * d, N0 - 10 * d], [W0 + 10 * d, N0 - 60 * d]]] } },
    ] as unknown as Feature[];
    for (const method of ['bayes', 'staple', 'majority'] as const) {
      for (const labellers of [[], [{ id: 'solo', features: bad }], [{ id: 'x', features: bad, q: 0.7 }, { id: 'y', features: [rect(20, 20, 80, 80)] }, { id: 'z', features: [] }]]) {
        const r = mergeSite({ cell, method, labellers });
        for (const v of [r.meanRisk, r.riskyFraction, r.meanEntropy, ...(r.sensitivity ?? []), ...(r.specificity ?? [])]) expect(Number.isFinite(v)).toBe(true);
        expect(r.grid.risk.every((v) => Number.isFinite(v))).toBe(true);
        for (const l of r.labellers) expect([l.q, l.fieldSkill, l.noFieldSkill].every(Number.isFinite)).toBe(true);
        if (labellers.length === 0) expect(r.notes).toContain('no labellers: empty consensus');
        if (labellers.length === 1) expect(r.notes.some((n) => n.startsWith('one labeller'))).toBe(true);
        if (labellers.length === 3 && method === 'bayes') expect(r.notes.some((n) => n.startsWith('labeller y has no Q/fieldSkill/noFieldSkill'))).toBe(true);
      }
    }
    expect(() => mergeSite({ cell: { type: 'Polygon', coordinates: [[[0, 0], [0, 0], [0, 0]]] }, method: 'bayes', labellers: [] })).toThrow(/cell/);
  });
});
