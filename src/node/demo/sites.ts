/**
 * Task sites: 0.005-degree cells on a grid aligned to multiples of 0.005 degrees, whose 2.56x
 * context window lies inside the imagery. Ids follow the lab's style: 'GH' + the 7-digit
 * row-major index of the cell in a grid over Ghana. Class mix about 30% class 1 (reference),
 * 50% class 2 (one labeller), 20% class 4 (three or more labellers).
 */
import type { Rng } from './rng.js';
import { mercForward } from './geo.js';
import { type Pt, areaInRect } from './geom.js';
import type { WorldLayout } from './fields.js';

export const CELL_DEG = 0.005;
export const CONTEXT_FACTOR = 2.56;
const GH_WEST = -3.5, GH_NORTH = 11.5, GH_COLS = 1000;

export interface SiteCandidate {
  i: number; // column: lon = i * CELL_DEG
  j: number; // row: lat = j * CELL_DEG
  /** cell [minLon, minLat, maxLon, maxLat] */
  cell: [number, number, number, number];
  /** cell rectangle in world (3857) metres */
  rect: [number, number, number, number];
  fieldIdx: number[];
  fieldFrac: number;
}

export function ghanaCellId(minLon: number, maxLat: number): string {
  const col = Math.round((minLon - GH_WEST) / CELL_DEG);
  const row = Math.round((GH_NORTH - maxLat) / CELL_DEG);
  return `GH${String(row * GH_COLS + col).padStart(7, '0')}`;
}

export function contextWindow(cell: readonly [number, number, number, number]): [number, number, number, number] {
  const cx = (cell[0] + cell[2]) / 2, cy = (cell[1] + cell[3]) / 2, h = (CELL_DEG * CONTEXT_FACTOR) / 2;
  return [cx - h, cy - h, cx + h, cy + h];
}

export function rect3857(b: readonly [number, number, number, number]): [number, number, number, number] {
  const [x0, y0] = mercForward(b[0], b[1]);
  const [x1, y1] = mercForward(b[2], b[3]);
  return [x0, y0, x1, y1];
}

/** Fields touching a world rectangle with positive area, and the covered fraction. */
export function fieldsInRect(world: WorldLayout, rect: [number, number, number, number]): { idx: number[]; frac: number } {
  const idx: number[] = [];
  let area = 0;
  for (const i of world.grid.inRect(rect)) {
    const a = areaInRect((world.fields[i] as { ring: Pt[] }).ring, rect);
    if (a > 1) { idx.push(i); area += a; }
  }
  return { idx, frac: area / ((rect[2] - rect[0]) * (rect[3] - rect[1])) };
}

/** All cells whose context window lies inside `bounds` (lon/lat) with a margin. */
export function siteCandidates(world: WorldLayout, bounds: readonly [number, number, number, number], margin = 0.0003): SiteCandidate[] {
  const out: SiteCandidate[] = [];
  const half = (CELL_DEG * CONTEXT_FACTOR) / 2;
  const i0 = Math.ceil((bounds[0] + margin + half - CELL_DEG / 2) / CELL_DEG - 1e-9);
  const i1 = Math.floor((bounds[2] - margin - half - CELL_DEG / 2) / CELL_DEG + 1e-9);
  const j0 = Math.ceil((bounds[1] + margin + half - CELL_DEG / 2) / CELL_DEG - 1e-9);
  const j1 = Math.floor((bounds[3] - margin - half - CELL_DEG / 2) / CELL_DEG + 1e-9);
  for (let j = j1; j >= j0; j--) {
    for (let i = i0; i <= i1; i++) {
      const cell: [number, number, number, number] = [+(i * CELL_DEG).toFixed(6), +(j * CELL_DEG).toFixed(6), +((i + 1) * CELL_DEG).toFixed(6), +((j + 1) * CELL_DEG).toFixed(6)];
      const rect = rect3857(cell);
      const { idx, frac } = fieldsInRect(world, rect);
      out.push({ i, j, cell, rect, fieldIdx: idx, fieldFrac: frac });
    }
  }
  return out;
}

/**
 * Picks sites: class 1 among cells with fields, class 2 and 4 anywhere (some without fields),
 * cells never adjacent to each other when there is room. `prefer` boosts candidates (e.g. those
 * also covered by the PlanetScope scene) so that some sites get a second sensor.
 */
export function pickSites(cands: SiteCandidate[], n: number, rng: Rng, prefer: (c: SiteCandidate) => boolean): { cand: SiteCandidate; cls: 1 | 2 | 4 }[] {
  if (cands.length < n) throw new Error(`demo: only ${cands.length} site cells fit in the imagery, ${n} requested (use a larger quadSize)`);
  const n1 = Math.round(n * 0.3), n4 = Math.round(n * 0.2), n2 = n - n1 - n4;
  const plan: (1 | 2 | 4)[] = [...Array<1>(n1).fill(1), ...Array<4>(n4).fill(4), ...Array<2>(n2).fill(2)];
  const chosen: { cand: SiteCandidate; cls: 1 | 2 | 4 }[] = [];
  const used = new Set<SiteCandidate>();
  const clash = (c: SiteCandidate, gap: number) => chosen.some((s) => Math.abs(s.cand.i - c.i) < gap && Math.abs(s.cand.j - c.j) < gap);
  for (const cls of plan) {
    let pickedOne = false;
    for (const gap of [2, 1]) {
      const pool = cands.filter((c) => !used.has(c) && !clash(c, gap));
      if (!pool.length) continue;
      const w = pool.map((c) => {
        const base = cls === 1 ? (c.fieldFrac > 0.15 ? 1 + 2 * c.fieldFrac : 0.02) : 0.25 + c.fieldFrac;
        return base * (prefer(c) ? 3 : 1);
      });
      const c = pool[rng.weighted(w)] as SiteCandidate;
      used.add(c);
      chosen.push({ cand: c, cls });
      pickedOne = true;
      break;
    }
    if (!pickedOne) throw new Error('demo: could not place all sites');
  }
  return chosen;
}
