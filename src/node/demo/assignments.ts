/**
 * Who maps which site, when, and with what result. Class 1 sites are mapped by several
 * labellers (balanced so each labeller gets >= 4 of them when there are enough), class 2 by one,
 * class 4 by three or four. Class 1 work is approved or rejected on its overlap with the truth
 * (IoU >= 0.5; the app's own score replaces this later); a labeller may return a class 2/4 task.
 * Timestamps follow working days (08:00-17:00 UTC) from the campaign start.
 */
import { Rng } from './rng.js';
import { mercInverse } from './geo.js';
import { type Pt, ringArea } from './geom.js';
import type { WorldLayout } from './fields.js';
import { rasterIoU, simulateLabels, truthCategory, type SimLabeller } from './labellers.js';
import type { DemoAssignment, DemoLabel, Polygon } from './types.js';

export interface PlannedSite { id: string; cls: 1 | 2 | 4; rect: [number, number, number, number]; truth: number[] }

const round8 = (v: number) => Math.round(v * 1e8) / 1e8;

/** World ring -> RFC 7946 polygon: [lon, lat], closed, counter-clockwise, 1e-8 degree precision. */
export function toPolygon(ring: readonly Pt[]): Polygon {
  let pts = ring.map((p) => { const [lon, lat] = mercInverse(p[0], p[1]); return [round8(lon), round8(lat)] as Pt; });
  pts = pts.filter((p, i) => { const q = pts[(i + 1) % pts.length] as Pt; return p[0] !== q[0] || p[1] !== q[1]; });
  if (ringArea(pts) < 0) pts.reverse();
  const first = pts[0] as Pt;
  return { type: 'Polygon', coordinates: [[...pts.map((p) => [p[0], p[1]]), [first[0], first[1]]]] };
}

export function referenceLabels(world: WorldLayout, truth: number[]): DemoLabel[] {
  return truth.map((i) => {
    const f = world.fields[i] as { ring: Pt[]; crop: string };
    return { polygon: toPolygon(f.ring), category: truthCategory(f.crop) };
  });
}

export function planAssignments(sites: PlannedSite[], labellers: SimLabeller[], world: WorldLayout, rng: Rng, start = Date.UTC(2025, 0, 13, 8, 0, 0)): DemoAssignment[] {
  const L = labellers.length;
  const q = sites.filter((s) => s.cls === 1);
  const perQ = Math.min(L, Math.max(3, Math.ceil((4 * L) / Math.max(1, q.length))));
  const work = new Map<string, PlannedSite[]>(labellers.map((l) => [l.id, []]));
  const give = (li: number, s: PlannedSite) => (work.get((labellers[li % L] as SimLabeller).id) as PlannedSite[]).push(s);
  let slot = 0;
  q.forEach((s) => { for (let j = 0; j < perQ; j++) give(slot++, s); });
  let next2 = 0;
  for (const s of sites) {
    if (s.cls === 2) give(next2++, s);
    else if (s.cls === 4) {
      const n = Math.min(L, rng.chance(0.3) ? 4 : 3);
      const first = rng.int(L);
      for (let j = 0; j < n; j++) give(first + j, s);
    }
  }
  const out: DemoAssignment[] = [];
  for (const lab of labellers) {
    const tasks = rng.shuffle([...(work.get(lab.id) as PlannedSite[])]);
    let t = start + rng.int(60) * 60_000;
    for (const s of tasks) {
      const arng = new Rng((rng.next() * 4294967296) >>> 0);
      const returned = s.cls !== 1 && arng.chance(lab.profile.returnRate);
      const polys = returned ? [] : simulateLabels(world, s.truth, s.rect, lab.profile, arng);
      const secs = returned ? arng.range(60, 600) : (90 + lab.profile.secondsPerField * polys.length) * arng.logNormal(1, 0.25);
      // working hours: 08:00-17:00 UTC on weekdays
      let d = new Date(t);
      if (d.getUTCHours() >= 17 || d.getUTCHours() < 8) { d = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + (d.getUTCHours() >= 17 ? 1 : 0), 8, arng.int(30))); }
      while (d.getUTCDay() === 0 || d.getUTCDay() === 6) d = new Date(d.getTime() + 86_400_000);
      const startedAt = d.getTime();
      const submittedAt = startedAt + Math.round(secs * 1000);
      let status: DemoAssignment['status'] = 'submitted';
      if (returned) status = 'returned';
      else if (s.cls === 1) {
        const truthRings = s.truth.map((i) => (world.fields[i] as { ring: Pt[] }).ring);
        const iou = truthRings.length === 0 && polys.length === 0 ? 1 : rasterIoU(truthRings, polys.map((p) => p.ring), expand(s.rect, 400 * world.k), 2 * world.k);
        status = iou >= 0.5 ? 'approved' : 'rejected';
      } else if (arng.chance(0.1)) status = 'approved';
      out.push({
        siteId: s.id,
        labellerId: lab.id,
        status,
        labels: polys.map((p) => ({ polygon: toPolygon(p.ring), category: p.category })),
        startedAt: new Date(startedAt).toISOString(),
        submittedAt: new Date(submittedAt).toISOString(),
      });
      t = submittedAt + arng.range(60, 480) * 1000;
    }
  }
  return out;
}

function expand(r: [number, number, number, number], d: number): [number, number, number, number] {
  return [r[0] - d, r[1] - d, r[2] + d, r[3] + d];
}
