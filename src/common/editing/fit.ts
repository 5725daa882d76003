/**
 * Fitting a new or edited field to its neighbours (shared borders, no overlaps, no slivers):
 *  1. snap: each vertex within `tolM` of a neighbour moves onto its nearest vertex, else onto its
 *     nearest edge;
 *  2. trace: between two consecutive vertices that now lie on the same neighbour ring, the
 *     neighbour's vertices along the shorter way are inserted when that stretch stays within
 *     `tolM` of the straight edge (closes gaps and overlaps under the tolerance);
 *  3. trim: the neighbours are subtracted (they keep their shape; the edited field gives way);
 *  4. slivers: pieces thinner on average than `tolM` are dropped;
 *  5. junctions: vertices of either side lying on the other's edges are inserted into it, so the
 *     shared border has identical vertices on both sides.
 */
import type { Field } from '../graph/field';
import { difference } from './clip';
import { bboxesTouch, closeRing, closestOnSegment, type EditPolygon, openRing, orientPolygon, polygonAreaM2, polygonBBox, ringLengthM, samePt, type XY } from './geom';
import { insertJunctions } from './junctions';
import { polygonProblem } from './polygon-check';
import { snapPoint } from './snap';
import { traceDeviationM, tracePath } from './trace';

export interface FitResult {
  /** The field's new shape: largest piece first; empty when nothing is left after trimming. */
  pieces: EditPolygon[];
  /** Neighbours whose shape changed (junction vertices inserted), by id. */
  neighbours: Map<string, EditPolygon>;
}

/** A position on a neighbour's ring, for tracing. */
interface RingHit {
  fieldId: string;
  ring: number;
  kind: 'vertex' | 'edge';
  index: number;
  t: number;
  point: XY;
}

const ON_EPS_M = 1e-3;

/** Every neighbour ring position the point lies on (vertex or edge, within 1 mm). */
export function locateAll(p: XY, neighbours: readonly Field[]): RingHit[] {
  const out: RingHit[] = [];
  for (const f of neighbours) {
    f.geometry.coordinates.forEach((ring, r) => {
      for (let i = 0; i < ring.length - 1; i++) {
        const a = ring[i]!;
        if (samePt(a, p)) {
          out.push({ fieldId: f.id, ring: r, kind: 'vertex', index: i, t: 0, point: p });
          continue;
        }
        const c = closestOnSegment(p, a, ring[i + 1]!);
        if (c.distM <= ON_EPS_M && c.t > 0 && c.t < 1) out.push({ fieldId: f.id, ring: r, kind: 'edge', index: i, t: c.t, point: p });
      }
    });
  }
  return out;
}

/** Steps 1 and 2 on one open ring. */
export function snapAndTrace(pts: readonly XY[], neighbours: readonly Field[], tolM: number): XY[] {
  const src = { query: () => neighbours as Field[] };
  const snapped: XY[] = pts.map((p) => snapPoint(p, src, tolM)?.point ?? p);
  const dedup: XY[] = [];
  for (const p of snapped) if (!dedup.length || !samePt(dedup[dedup.length - 1]!, p)) dedup.push(p);
  while (dedup.length > 1 && samePt(dedup[0]!, dedup[dedup.length - 1]!)) dedup.pop();
  const hits = dedup.map((p) => locateAll(p, neighbours));
  const out: XY[] = [];
  const byId = new Map(neighbours.map((f) => [f.id, f]));
  for (let i = 0; i < dedup.length; i++) {
    const a = dedup[i]!;
    const j = (i + 1) % dedup.length;
    const b = dedup[j]!;
    out.push(a);
    let best: XY[] | null = null;
    for (const ha of hits[i]!) {
      for (const hb of hits[j]!) {
        if (ha.fieldId !== hb.fieldId || ha.ring !== hb.ring) continue;
        const ring = byId.get(ha.fieldId)!.geometry.coordinates[ha.ring]!;
        const path = tracePath(ring, ha, hb);
        if (path.length === 0 || traceDeviationM(a, b, path) > tolM) continue;
        if (!best || path.length > best.length) best = path;
      }
    }
    if (best) for (const p of best) if (!samePt(p, a) && !samePt(p, b) && !out.some((q) => samePt(q, p))) out.push([p[0], p[1]]);
  }
  return out;
}

function isSliver(p: EditPolygon, tolM: number): boolean {
  const area = polygonAreaM2(p);
  const outer = p.coordinates[0]!;
  return area < 0.05 || (tolM > 0 && area < (tolM * ringLengthM(outer)) / 2);
}

/** Fits `geometry` to `neighbours` (all fields other than the edited one may be passed). */
export function fitToNeighbours(geometry: EditPolygon, neighbours: readonly Field[], tolM: number): FitResult {
  const box = polygonBBox(geometry);
  const pad = tolM > 0 ? (tolM / 50_000) * 2 : 0;
  const near = neighbours.filter((f) => bboxesTouch(box, polygonBBox(f.geometry), pad));
  let shaped = geometry;
  if (tolM > 0 && near.length) {
    const outer = closeRing(snapAndTrace(openRing(geometry.coordinates[0]!), near, tolM));
    const candidate = orientPolygon({ type: 'Polygon', coordinates: [outer, ...geometry.coordinates.slice(1)] });
    // Snapping must not break the polygon; when it would, the drawn shape is trimmed as it is.
    if (outer.length >= 4 && polygonProblem(candidate) === null) shaped = candidate;
  }
  const overlapping = near.filter((f) => bboxesTouch(polygonBBox(shaped), polygonBBox(f.geometry)));
  let pieces = overlapping.length ? difference(shaped, overlapping.map((f) => f.geometry)) : [shaped];
  pieces = pieces.filter((p) => !isSliver(p, tolM)).map((p) => orientPolygon(p));
  pieces = pieces.map((p) => insertJunctions(p, near.map((f) => f.geometry)));
  pieces.sort((a, b) => polygonAreaM2(b) - polygonAreaM2(a));
  const neighbourShapes = new Map<string, EditPolygon>();
  for (const f of near) {
    const g = insertJunctions(f.geometry, pieces);
    if (g !== f.geometry) neighbourShapes.set(f.id, g);
  }
  return { pieces, neighbours: neighbourShapes };
}

/** Junctions only (no trimming): for edits that keep their shape, e.g. a split or a vertex move. */
export function settleJunctions(shapes: readonly EditPolygon[], neighbours: readonly Field[]): { shapes: EditPolygon[]; neighbours: Map<string, EditPolygon> } {
  const out = shapes.map((s) => insertJunctions(s, neighbours.map((f) => f.geometry)));
  const changed = new Map<string, EditPolygon>();
  for (const f of neighbours) {
    const g = insertJunctions(f.geometry, out);
    if (g !== f.geometry) changed.set(f.id, g);
  }
  return { shapes: out, neighbours: changed };
}

