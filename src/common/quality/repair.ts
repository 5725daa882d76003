/**
 * Polygon repair, in the planar coordinates of a projection (metres, or pixel units).
 *
 * For each GeoJSON polygon (outer ring + holes):
 *  1. project the finite vertices, drop consecutive duplicates (closer than epsLength) and the
 *     closing duplicate (rings are kept open), remove spikes (a vertex whose two edges double
 *     back on each other: A,B,A or a collinear reversal);
 *  2. drop rings with fewer than 3 vertices or |area| < epsArea (a degenerate outer ring drops
 *     the polygon);
 *  3. if two edges cross properly (self-intersection, a hole crossing the outer ring or another
 *     hole), or a hole lies outside the outer ring or inside another hole, rebuild the polygon
 *     as the union of its rings with the empty set (polygon-clipping; self-crossing rings are
 *     read with the non-zero winding rule, so a bow-tie keeps both lobes);
 *  4. orient outer rings counter-clockwise and holes clockwise (positive/negative shoelace).
 * The result is a list of rings whose signed areas add up to the polygon's area.
 */
import polygonClipping from 'polygon-clipping';
import type { Position } from '../geo/geojson';
import { hasProperCrossing, pointInRing, reverseRing, ringArea, type Ring } from './planar';
import type { RepairStats } from './types';

export type Projector = (lon: number, lat: number, out: Float64Array | number[], offset: number) => void;

export interface RepairOptions {
  /** vertices closer than this are duplicates (planar units) */
  epsLength: number;
  /** rings with a smaller |area| are dropped (planar units squared) */
  epsArea: number;
}

/** Steps 1 of the repair for one ring; null when fewer than 3 vertices remain. */
export function cleanRing(coords: readonly Position[] | readonly number[][], project: Projector, epsLength: number): Ring | null {
  const xs: number[] = [];
  const ys: number[] = [];
  const p = [0, 0];
  for (const c of coords) {
    const lon = c[0];
    const lat = c[1];
    if (typeof lon !== 'number' || typeof lat !== 'number' || !Number.isFinite(lon) || !Number.isFinite(lat)) continue;
    project(lon, lat, p, 0);
    const x = p[0]!;
    const y = p[1]!;
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    const n = xs.length;
    if (n > 0 && Math.abs(x - xs[n - 1]!) <= epsLength && Math.abs(y - ys[n - 1]!) <= epsLength) continue;
    xs.push(x);
    ys.push(y);
  }
  const same = (i: number, j: number): boolean => Math.abs(xs[i]! - xs[j]!) <= epsLength && Math.abs(ys[i]! - ys[j]!) <= epsLength;
  while (xs.length > 1 && same(0, xs.length - 1)) {
    xs.pop();
    ys.pop();
  }
  // Spikes: remove vertex i when its incoming and outgoing edges are collinear and opposite.
  let changed = true;
  while (changed && xs.length >= 3) {
    changed = false;
    for (let i = 0; i < xs.length && xs.length >= 3; i++) {
      const n = xs.length;
      const a = (i + n - 1) % n;
      const b = (i + 1) % n;
      const e1x = xs[i]! - xs[a]!;
      const e1y = ys[i]! - ys[a]!;
      const e2x = xs[b]! - xs[i]!;
      const e2y = ys[b]! - ys[i]!;
      const cross = e1x * e2y - e1y * e2x;
      const dot = e1x * e2x + e1y * e2y;
      const scale = Math.hypot(e1x, e1y) * Math.hypot(e2x, e2y);
      if (dot < 0 && Math.abs(cross) <= 1e-12 * scale) {
        xs.splice(i, 1);
        ys.splice(i, 1);
        // A,B,A leaves A,A: drop the new duplicate too.
        const m = xs.length;
        if (m >= 2) {
          const prev = (i + m - 1) % m;
          const cur = i % m;
          if (same(prev, cur)) {
            xs.splice(cur, 1);
            ys.splice(cur, 1);
          }
        }
        changed = true;
        i--;
      }
    }
  }
  if (xs.length < 3) return null;
  const r = new Float64Array(xs.length * 2);
  for (let k = 0; k < xs.length; k++) {
    r[2 * k] = xs[k]!;
    r[2 * k + 1] = ys[k]!;
  }
  return r;
}

const identity: Projector = (x, y, out, o) => {
  out[o] = x;
  out[o + 1] = y;
};

function orientRing(r: Ring, ccw: boolean, stats: RepairStats): Ring {
  const a = ringArea(r);
  if (ccw ? a < 0 : a > 0) {
    stats.reoriented++;
    return reverseRing(r);
  }
  return r;
}

function needsUnion(rings: Ring[]): boolean {
  if (hasProperCrossing(rings)) return true;
  const outer = rings[0]!;
  for (let h = 1; h < rings.length; h++) {
    const hole = rings[h]!;
    if (!pointInRing(hole[0]!, hole[1]!, outer)) return true;
    for (let k = 1; k < rings.length; k++) {
      if (k !== h && pointInRing(hole[0]!, hole[1]!, rings[k]!)) return true;
    }
  }
  return false;
}

function closedPairs(r: Ring): [number, number][] {
  const n = r.length >> 1;
  const out: [number, number][] = new Array(n + 1);
  for (let k = 0; k < n; k++) out[k] = [r[2 * k]!, r[2 * k + 1]!];
  out[n] = [r[0]!, r[1]!];
  return out;
}

/**
 * Repairs one GeoJSON polygon (its rings of lon/lat positions). Returns the rings in planar
 * coordinates (outer rings CCW, holes CW; several outer rings when a repair split it), or
 * null when nothing of positive area remains.
 */
export function repairPolygon(coords: readonly (readonly Position[])[], project: Projector, opts: RepairOptions, stats: RepairStats): Ring[] | null {
  const first = coords[0];
  const outer = first ? cleanRing(first, project, opts.epsLength) : null;
  if (!outer) {
    stats.dropped++;
    return null;
  }
  const rings: Ring[] = [outer];
  for (let h = 1; h < coords.length; h++) {
    const r = cleanRing(coords[h]!, project, opts.epsLength);
    if (r) rings.push(r);
    else stats.droppedRings++;
  }
  // A self-crossing ring (a bow-tie) may have a zero signed area: test crossings first.
  if (!needsUnion(rings)) {
    if (Math.abs(ringArea(outer)) < opts.epsArea) {
      stats.dropped++;
      return null;
    }
    const kept = rings.filter((r, i) => i === 0 || Math.abs(ringArea(r)) >= opts.epsArea);
    stats.droppedRings += rings.length - kept.length;
    return kept.map((r, i) => orientRing(r, i === 0, stats));
  }
  try {
    const mp = polygonClipping.union(rings.map(closedPairs));
    const out: Ring[] = [];
    for (const poly of mp) {
      poly.forEach((ring, ri) => {
        const r = cleanRing(ring, identity, opts.epsLength);
        if (r && Math.abs(ringArea(r)) >= opts.epsArea) out.push(orientRing(r, ri === 0, { ...stats }));
      });
    }
    stats.unioned++;
    if (out.length === 0) {
      stats.dropped++;
      return null;
    }
    return out;
  } catch {
    stats.failed++;
  }
  return rings.map((r, i) => orientRing(r, i === 0, stats));
}
