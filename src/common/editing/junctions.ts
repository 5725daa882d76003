/**
 * Shared borders with identical vertices: where a vertex of one polygon lies on an edge of
 * another (a T-junction, left by trimming or splitting), the other gets that vertex too, so both
 * boundaries run through exactly the same positions and no sliver or gap can open between them.
 */
import type { BBox } from '../geo/geojson';
import { bboxesTouch, closestOnSegment, type EditPolygon, polygonBBox, samePt, type XY } from './geom';

/** A vertex within this distance (m) of an edge lies on it. */
export const JUNCTION_EPS_M = 0.002;

/**
 * `target` with every vertex of `sources` that lies on one of its edges (within epsM, strictly
 * between the edge's ends) inserted in order along the edge. Returns `target` itself when nothing
 * was inserted.
 */
export function insertJunctions(target: EditPolygon, sources: readonly EditPolygon[], epsM = JUNCTION_EPS_M): EditPolygon {
  const tb = polygonBBox(target);
  const pad = epsM / 50_000;
  const cands: XY[] = [];
  for (const s of sources) {
    if (!bboxesTouch(tb, polygonBBox(s), pad)) continue;
    for (const r of s.coordinates) for (let i = 0; i < r.length - 1; i++) if (inBox(r[i]!, tb, pad)) cands.push(r[i]!);
  }
  if (cands.length === 0) return target;
  let changed = false;
  const rings = target.coordinates.map((ring) => {
    const own = new Set(ring.map((p) => `${p[0]},${p[1]}`));
    const out: XY[] = [];
    for (let i = 0; i < ring.length - 1; i++) {
      const a = ring[i]!;
      const b = ring[i + 1]!;
      out.push(a);
      const eb: BBox = [Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.max(a[0], b[0]), Math.max(a[1], b[1])];
      const hits: { t: number; p: XY }[] = [];
      for (const p of cands) {
        if (!inBox(p, eb, pad) || samePt(p, a) || samePt(p, b) || own.has(`${p[0]},${p[1]}`)) continue;
        const c = closestOnSegment(p, a, b);
        if (c.distM <= epsM && c.t > 0 && c.t < 1 && !hits.some((h) => samePt(h.p, p))) hits.push({ t: c.t, p });
      }
      if (hits.length) {
        changed = true;
        hits.sort((x, y) => x.t - y.t);
        for (const h of hits) {
          out.push([h.p[0], h.p[1]]);
          own.add(`${h.p[0]},${h.p[1]}`);
        }
      }
    }
    out.push(out[0]!);
    return out;
  });
  return changed ? { type: 'Polygon', coordinates: rings } : target;
}

function inBox(p: readonly number[], b: BBox, pad: number): boolean {
  return p[0]! >= b[0] - pad && p[0]! <= b[2] + pad && p[1]! >= b[1] - pad && p[1]! <= b[3] + pad;
}

/**
 * Every vertex of `a` that lies on `b`'s boundary (vertex or edge, within epsM) and is not a
 * vertex of `b`, and the same the other way: empty when their shared border has identical vertices.
 */
export function borderMismatches(a: EditPolygon, b: EditPolygon, epsM = JUNCTION_EPS_M): XY[] {
  const one = (x: EditPolygon, y: EditPolygon): XY[] => {
    const yv = new Set(y.coordinates.flatMap((r) => r.map((p) => `${p[0]},${p[1]}`)));
    const out: XY[] = [];
    for (const r of x.coordinates)
      for (const p of r.slice(0, -1)) {
        if (yv.has(`${p[0]},${p[1]}`)) continue;
        if (y.coordinates.some((yr) => yr.some((q, i) => i < yr.length - 1 && closestOnSegment(p, q, yr[i + 1]!).distM <= epsM))) out.push(p);
      }
    return out;
  };
  return [...one(a, b), ...one(b, a)];
}

/** Do the two polygons share a stretch of border (at least 2 vertices of one on the other's boundary)? */
export function sharesBorder(a: EditPolygon, b: EditPolygon, epsM = JUNCTION_EPS_M): boolean {
  const on = (x: EditPolygon, y: EditPolygon): number => {
    let n = 0;
    for (const p of x.coordinates[0]!.slice(0, -1)) {
      if (y.coordinates.some((yr) => yr.some((q, i) => i < yr.length - 1 && closestOnSegment(p, q, yr[i + 1]!).distM <= epsM))) n++;
      if (n >= 2) return n;
    }
    return n;
  };
  return on(a, b) >= 2 || on(b, a) >= 2;
}
