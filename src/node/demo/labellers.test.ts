import { describe, it, expect, beforeAll } from 'vitest';
import { buildLayout, type WorldLayout } from './fields.js';
import { quadExtent } from './generate-demo.js';
import { siteCandidates, type SiteCandidate } from './sites.js';
import { mercInverse } from './geo.js';
import { Rng } from './rng.js';
import { type Pt, isSimpleRing, ringsOverlap, pointInRing, centroid } from './geom.js';
import { PROFILES, makeLabellers, rasterIoU, simulateLabels, truthCategory, type SimPolygon } from './labellers.js';
import { planAssignments, type PlannedSite } from './assignments.js';
import type { DemoLabellerProfile } from './types.js';

let world: WorldLayout;
let cells: SiteCandidate[];

beforeAll(() => {
  world = buildLayout(11, quadExtent(11, 1024));
  const [x0, y0, x1, y1] = world.extent;
  const [lon0, lat0] = mercInverse(x0, y0), [lon1, lat1] = mercInverse(x1, y1);
  cells = siteCandidates(world, [lon0, lat0, lon1, lat1]).filter((c) => c.fieldIdx.length >= 3).filter((_, i) => i % 2 === 0).slice(0, 14);
});

const profile = (kind: DemoLabellerProfile['kind']) => PROFILES.find((p) => p.kind === kind) as DemoLabellerProfile;

interface Stats { iou: number; recallSmall: number; polys: number; truth: number; falseCount: number }

const cache = new Map<string, Stats>();
function run(kind: DemoLabellerProfile['kind']): Stats {
  const hit = cache.get(kind);
  if (hit) return hit;
  const p = profile(kind);
  const rng = new Rng(123);
  let iou = 0, small = 0, smallHit = 0, polys = 0, truth = 0, falseCount = 0;
  for (const c of cells) {
    const labels = simulateLabels(world, c.fieldIdx, c.rect, p, rng);
    const truthRings = c.fieldIdx.map((i) => (world.fields[i] as { ring: Pt[] }).ring);
    const pad = 300 * world.k;
    iou += rasterIoU(truthRings, labels.map((l) => l.ring), [c.rect[0] - pad, c.rect[1] - pad, c.rect[2] + pad, c.rect[3] + pad], 2.5);
    for (const i of c.fieldIdx) {
      const f = world.fields[i] as { ring: Pt[]; areaHa: number; centroid: Pt };
      if (f.areaHa >= 0.6) continue;
      small++;
      if (labels.some((l) => pointInRing(f.centroid[0], f.centroid[1], l.ring))) smallHit++;
    }
    polys += labels.length;
    truth += c.fieldIdx.length;
    for (const l of labels) {
      const m = centroid(l.ring);
      if (world.grid.fieldAt(m[0], m[1]) < 0) falseCount++;
    }
  }
  const s = { iou: iou / cells.length, recallSmall: smallHit / Math.max(1, small), polys, truth, falseCount };
  cache.set(kind, s);
  return s;
}

function checkValid(labels: SimPolygon[]): void {
  for (const l of labels) expect(isSimpleRing(l.ring)).toBe(true);
  for (let i = 0; i < labels.length; i++) {
    for (let j = i + 1; j < labels.length; j++) expect(ringsOverlap((labels[i] as SimPolygon).ring, (labels[j] as SimPolygon).ring)).toBe(false);
  }
}

describe('simulated labellers behave as their profiles declare', () => {
  it('has enough test cells', () => { expect(cells.length).toBeGreaterThanOrEqual(10); });

  it('near-perfect: IoU with the truth > 0.95', () => {
    const s = run('near-perfect');
    expect(s.iou).toBeGreaterThan(0.95);
  });

  it('misses-small: lower recall on small fields than near-perfect', () => {
    const good = run('near-perfect'), bad = run('misses-small');
    expect(bad.recallSmall).toBeLessThan(good.recallSmall - 0.3);
    expect(bad.iou).toBeLessThan(good.iou);
  });

  it('merges: fewer, larger polygons than the truth', () => {
    const s = run('merges');
    expect(s.polys).toBeLessThan(0.8 * s.truth);
  });

  it('jitter: boundaries displaced by metres (lower IoU, same count)', () => {
    const good = run('near-perfect'), j = run('jitter');
    expect(j.iou).toBeLessThan(good.iou - 0.04);
    expect(j.iou).toBeGreaterThan(0.6);
  });

  it('false-fields: adds polygons on land without fields', () => {
    const good = run('near-perfect'), ff = run('false-fields');
    expect(good.falseCount).toBe(0);
    expect(ff.falseCount).toBeGreaterThanOrEqual(Math.round(cells.length * 0.8));
  });

  it('sloppy: worse than near-perfect on every count', () => {
    const good = run('near-perfect'), s = run('sloppy');
    expect(s.iou).toBeLessThan(good.iou - 0.05);
    expect(s.recallSmall).toBeLessThan(good.recallSmall - 0.2);
    expect(s.polys / s.truth).toBeLessThan(0.85);
    expect(s.falseCount).toBeGreaterThan(good.falseCount);
  });

  it('summary (printed)', () => {
    const rows = PROFILES.map((p) => { const s = run(p.kind); return `${p.kind.padEnd(13)} IoU ${s.iou.toFixed(3)} small-recall ${s.recallSmall.toFixed(2)} polygons/truth ${(s.polys / s.truth).toFixed(2)} false ${s.falseCount}`; });
    console.log(`labeller profiles over ${cells.length} cells:\n${rows.join('\n')}`);
  });

  it('labels are valid and never overlap each other, whatever the profile', () => {
    const rng = new Rng(5);
    for (const p of PROFILES) for (const c of cells.slice(0, 6)) checkValid(simulateLabels(world, c.fieldIdx, c.rect, p, rng));
  });

  it('categories: truth crop fallow -> fallow, else annualcropland', () => {
    expect(truthCategory('fallow')).toBe('fallow');
    expect(truthCategory('maize')).toBe('annualcropland');
  });
});

describe('assignment plan', () => {
  it('class 1 by several labellers (each >= 4 in the default campaign), class 2 by one, class 4 by 3+, never twice', () => {
    const rng = new Rng(1);
    const labellers = makeLabellers(6, rng);
    expect(new Set(labellers.map((l) => l.profile.kind)).size).toBe(6);
    const pool = cells.length >= 24 ? cells : [...cells, ...cells, ...cells, ...cells];
    const sites: PlannedSite[] = pool.slice(0, 24).map((c, i) => ({ id: `S${i}`, cls: i < 7 ? 1 : i < 12 ? 4 : 2, rect: c.rect, truth: c.fieldIdx }));
    const a = planAssignments(sites, labellers, world, rng);
    const bySite = new Map<string, string[]>();
    for (const x of a) bySite.set(x.siteId, [...(bySite.get(x.siteId) ?? []), x.labellerId]);
    for (const s of sites) {
      const ls = bySite.get(s.id) ?? [];
      expect(new Set(ls).size).toBe(ls.length);
      if (s.cls === 1) expect(ls.length).toBeGreaterThanOrEqual(3);
      if (s.cls === 2) expect(ls.length).toBe(1);
      if (s.cls === 4) expect(ls.length).toBeGreaterThanOrEqual(3);
    }
    for (const l of labellers) {
      const q = a.filter((x) => x.labellerId === l.id && (sites.find((s) => s.id === x.siteId) as PlannedSite).cls === 1);
      expect(q.length).toBeGreaterThanOrEqual(4);
    }
    for (const x of a) {
      expect(Date.parse(x.submittedAt)).toBeGreaterThan(Date.parse(x.startedAt));
      for (const l of x.labels) {
        const ring = (l.polygon.coordinates[0] as number[][]).slice(0, -1) as Pt[];
        expect(isSimpleRing(ring)).toBe(true);
      }
    }
  });
});
