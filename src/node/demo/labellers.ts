/**
 * Simulated labellers of known skill. A labeller maps the true fields touching the task cell
 * (whole, as the protocol asks) and the profile degrades that map:
 *   1. small fields (< missBelowHa) are left out with probability missRate;
 *   2. a field is merged with one adjacent neighbour with probability mergeRate (exact union of
 *      the two rings along their shared border; the truth is topologically clean);
 *   3. the whole map is displaced by a common shift (shiftShare of jitterM, misregistration) plus
 *      a smooth random warp (the rest of jitterM, wavelength warpWavelengthM). Neighbours share
 *      vertices, so the warp keeps shared borders shared and never makes polygons overlap;
 *   4. false polygons (Poisson, mean falseFieldRate) are drawn on land without fields;
 *   5. each polygon gets a wrong category with probability categoryErrorRate.
 * Everything happens in world (EPSG:3857) metres; jitter numbers are ground metres.
 */
import { Rng } from './rng.js';
import { ValueNoise } from './noise.js';
import { type Pt, bbox, isSimpleRing, ringsOverlap, unionAdjacent } from './geom.js';
import { densify, type WorldLayout } from './fields.js';
import type { DemoLabellerProfile } from './types.js';

export const CATEGORIES = [
  { id: 'annualcropland', group: 'field' },
  { id: 'fallow', group: 'field' },
  { id: 'noncropland', group: 'no_field' },
  { id: 'unsure', group: 'no_field' },
] as const satisfies readonly { id: string; group: 'field' | 'no_field' }[];

export const PROFILES: readonly DemoLabellerProfile[] = [
  { kind: 'near-perfect', missBelowHa: 0.15, missRate: 0.05, mergeRate: 0, jitterM: 0.6, falseFieldRate: 0, categoryErrorRate: 0.02, shiftShare: 0.3, warpWavelengthM: 80, returnRate: 0.01, secondsPerField: 55 },
  { kind: 'misses-small', missBelowHa: 1.0, missRate: 0.75, mergeRate: 0.03, jitterM: 1.5, falseFieldRate: 0.05, categoryErrorRate: 0.05, shiftShare: 0.3, warpWavelengthM: 80, returnRate: 0.03, secondsPerField: 40 },
  { kind: 'merges', missBelowHa: 0.3, missRate: 0.1, mergeRate: 0.6, jitterM: 1.5, falseFieldRate: 0.05, categoryErrorRate: 0.05, shiftShare: 0.3, warpWavelengthM: 80, returnRate: 0.03, secondsPerField: 35 },
  { kind: 'jitter', missBelowHa: 0.3, missRate: 0.1, mergeRate: 0.05, jitterM: 7, falseFieldRate: 0.05, categoryErrorRate: 0.05, shiftShare: 0.4, warpWavelengthM: 90, returnRate: 0.03, secondsPerField: 25 },
  { kind: 'false-fields', missBelowHa: 0.3, missRate: 0.1, mergeRate: 0.05, jitterM: 2, falseFieldRate: 1.6, categoryErrorRate: 0.08, shiftShare: 0.3, warpWavelengthM: 80, returnRate: 0.03, secondsPerField: 35 },
  { kind: 'sloppy', missBelowHa: 0.8, missRate: 0.45, mergeRate: 0.3, jitterM: 5, falseFieldRate: 0.5, categoryErrorRate: 0.15, shiftShare: 0.4, warpWavelengthM: 70, returnRate: 0.08, secondsPerField: 20 },
];

const NAMES = [
  'Abena Mensah', 'Ibrahim Abdulai', 'Fatima Iddrisu', 'Kwame Boateng', 'Amina Salifu', 'Yaw Owusu',
  'Esi Quaye', 'Mohammed Alhassan', 'Akosua Darko', 'Issah Mahama', 'Adwoa Frimpong', 'Rashid Yakubu',
];

export interface SimLabeller { id: string; name: string; profile: DemoLabellerProfile }

/** Labeller i gets profile kind i mod 6; later ones get their parameters perturbed by up to +-25%. */
export function makeLabellers(n: number, rng: Rng): SimLabeller[] {
  return Array.from({ length: n }, (_, i) => {
    const base = PROFILES[i % PROFILES.length] as DemoLabellerProfile;
    const f = () => (i < PROFILES.length ? 1 : rng.range(0.75, 1.25));
    const profile: DemoLabellerProfile = i < PROFILES.length ? { ...base } : {
      ...base,
      missBelowHa: base.missBelowHa * f(), missRate: Math.min(1, base.missRate * f()), mergeRate: Math.min(1, base.mergeRate * f()),
      jitterM: base.jitterM * f(), falseFieldRate: base.falseFieldRate * f(), categoryErrorRate: Math.min(1, base.categoryErrorRate * f()),
    };
    const name = (NAMES[i % NAMES.length] as string) + (i >= NAMES.length ? ` ${Math.floor(i / NAMES.length) + 1}` : '');
    return { id: `L${String(i + 1).padStart(2, '0')}`, name, profile };
  });
}

export interface SimPolygon { ring: Pt[]; category: string }

export function truthCategory(crop: string): string { return crop === 'fallow' ? 'fallow' : 'annualcropland'; }

function wrongCategory(cat: string, rng: Rng): string {
  if (cat === 'fallow') return rng.chance(0.7) ? 'annualcropland' : 'unsure';
  const u = rng.next();
  return u < 0.5 ? 'fallow' : u < 0.8 ? 'unsure' : 'noncropland';
}

/**
 * One labeller's map of one task. `truth` are indices into world.fields (the fields touching the
 * cell); `rect` is the cell in world metres.
 */
export function simulateLabels(world: WorldLayout, truth: number[], rect: [number, number, number, number], profile: DemoLabellerProfile, rng: Rng): SimPolygon[] {
  const k = world.k;
  // 1. misses
  const kept = truth.filter((i) => {
    const f = world.fields[i] as { areaHa: number };
    return !(f.areaHa < profile.missBelowHa && rng.chance(profile.missRate));
  });
  // 2. merges of adjacent pairs
  const polys: SimPolygon[] = [];
  const merged = new Set<number>();
  const order = rng.shuffle([...kept]);
  for (const i of order) {
    if (merged.has(i)) continue;
    const f = world.fields[i] as { ring: Pt[]; crop: string; areaHa: number };
    let ring = f.ring;
    let cat = truthCategory(f.crop);
    merged.add(i);
    if (rng.chance(profile.mergeRate)) {
      const b = bbox(ring);
      const nb = order.filter((j) => {
        if (merged.has(j)) return false;
        const g = (world.fields[j] as { ring: Pt[] }).ring, c = bbox(g);
        return !(c[0] > b[2] || c[2] < b[0] || c[1] > b[3] || c[3] < b[1]);
      });
      for (const j of rng.shuffle(nb)) {
        const g = world.fields[j] as { ring: Pt[]; crop: string; areaHa: number };
        const u = unionAdjacent(ring, g.ring);
        if (!u) continue;
        ring = u;
        if (g.areaHa > f.areaHa) cat = truthCategory(g.crop);
        merged.add(j);
        break;
      }
    }
    polys.push({ ring, category: cat });
  }
  // 3. shift + smooth warp (same function for every polygon of the task)
  const sh = profile.jitterM * profile.shiftShare * k;
  const sx = rng.normal() * sh, sy = rng.normal() * sh;
  const amp = profile.jitterM * (1 - profile.shiftShare) * k * 2.2; // value noise spans about +-0.45
  const cell = (profile.warpWavelengthM / 2) * k;
  const ext: [number, number, number, number] = [rect[0] - 3000, rect[1] - 3000, rect[2] + 3000, rect[3] + 3000];
  const seed = (rng.next() * 4294967296) >>> 0;
  const nx = new ValueNoise(seed, cell, ext), ny = new ValueNoise(seed ^ 0x9e3779b9, cell, ext);
  // densify first (identically along shared borders) so the straight edges follow the warp
  const dense = polys.map((p) => densify(p.ring, Math.max(5, profile.warpWavelengthM / 5) * k));
  for (const f of [1, 0.5, 0.25, 0]) {
    const warped = dense.map((r) => r.map((p): Pt => [p[0] + sx + f * amp * nx.at(p[0], p[1]), p[1] + sy + f * amp * ny.at(p[0], p[1])]));
    if (f > 0 && !warped.every((r) => isSimpleRing(r))) continue; // never warp neighbours differently
    polys.forEach((p, i) => { p.ring = f > 0 ? (warped[i] as Pt[]) : (polys[i] as SimPolygon).ring.map((q): Pt => [q[0] + sx, q[1] + sy]); });
    break;
  }
  // 4. false fields on land without fields
  const nFalse = rng.poisson(profile.falseFieldRate);
  for (let n = 0; n < nFalse; n++) {
    for (let tries = 0; tries < 12; tries++) {
      const cx = rng.range(rect[0], rect[2]), cy = rng.range(rect[1], rect[3]);
      if (world.grid.fieldAt(cx, cy) >= 0) continue;
      let side = Math.sqrt(rng.range(0.2, 1.2) * 1e4) * k;
      const a = rng.next() * Math.PI;
      const ring = (s: number): Pt[] => {
        const ca = Math.cos(a), sa = Math.sin(a), asp = 0.75;
        return ([[-1, -asp], [1, -asp], [1, asp], [-1, asp]] as const).map(([u, v]) => {
          const du = u * (s / 2) * rng.range(0.85, 1.15), dv = v * (s / 2) * rng.range(0.85, 1.15);
          return [cx + du * ca - dv * sa, cy + du * sa + dv * ca] as Pt;
        });
      };
      let ok: Pt[] | null = null;
      for (let shrink = 0; shrink < 4 && !ok; shrink++, side *= 0.7) {
        const r = ring(side);
        const b = bbox(r);
        const clash = world.grid.inRect(b).some((i) => ringsOverlap(r, (world.fields[i] as { ring: Pt[] }).ring)) || polys.some((p) => ringsOverlap(r, p.ring));
        if (!clash && isSimpleRing(r)) ok = r;
      }
      if (ok) { polys.push({ ring: ok, category: rng.chance(0.7) ? 'annualcropland' : 'fallow' }); break; }
    }
  }
  // 5. categories
  for (const p of polys) if (rng.chance(profile.categoryErrorRate)) p.category = wrongCategory(p.category, rng);
  return polys;
}

/** Area-based IoU of two sets of rings inside a rectangle, by rasterising at `res` metres. */
export function rasterIoU(a: Pt[][], b: Pt[][], rect: [number, number, number, number], res: number): number {
  const W = Math.max(1, Math.ceil((rect[2] - rect[0]) / res)), H = Math.max(1, Math.ceil((rect[3] - rect[1]) / res));
  const ma = new Uint8Array(W * H), mb = new Uint8Array(W * H);
  const fill = (rings: Pt[][], m: Uint8Array) => {
    for (const r of rings) {
      const [x0, y0, x1, y1] = bbox(r);
      const i0 = Math.max(0, Math.floor((x0 - rect[0]) / res)), i1 = Math.min(W - 1, Math.floor((x1 - rect[0]) / res));
      const j0 = Math.max(0, Math.floor((rect[3] - y1) / res)), j1 = Math.min(H - 1, Math.floor((rect[3] - y0) / res));
      for (let j = j0; j <= j1; j++) {
        const y = rect[3] - (j + 0.5) * res;
        // scanline crossings
        const xs: number[] = [];
        for (let p = 0, q = r.length - 1; p < r.length; q = p++) {
          const A = r[p] as Pt, B = r[q] as Pt;
          if ((A[1] > y) !== (B[1] > y)) xs.push(A[0] + ((y - A[1]) * (B[0] - A[0])) / (B[1] - A[1]));
        }
        xs.sort((u, v) => u - v);
        for (let t = 0; t + 1 < xs.length; t += 2) {
          const s = Math.max(i0, Math.ceil(((xs[t] as number) - rect[0]) / res - 0.5)), e = Math.min(i1, Math.floor(((xs[t + 1] as number) - rect[0]) / res - 0.5));
          for (let i = s; i <= e; i++) m[j * W + i] = 1;
        }
      }
    }
  };
  fill(a, ma); fill(b, mb);
  let inter = 0, uni = 0;
  for (let i = 0; i < W * H; i++) { const x = ma[i] as number, y = mb[i] as number; inter += x & y; uni += x | y; }
  return uni === 0 ? 1 : inter / uni;
}
