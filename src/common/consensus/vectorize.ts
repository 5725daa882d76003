/**
 * Raster -> polygons with shared borders kept shared (DOMAIN.md 3, "consensus polygons").
 *
 * 1. 4-connected regions of equal labels (trace.ts), each traced along pixel edges: exact
 *    outlines, holes included.
 * 2. Rings cut at nodes into arcs; each arc smoothed to the marching-squares line (midpoints
 *    of the pixel edges), simplified once (Douglas-Peucker at `tolerance` pixels, default 0.5)
 *    and reused by both regions it separates (simplify.ts); arcs whose simplification would
 *    make segments meet fall back to their unsimplified line.
 * 3. Rings re-assembled from arcs, mapped to world coordinates with `toWorld` (lattice corner
 *    (x, y), y down, -> world), outer rings counter-clockwise and holes clockwise in world
 *    coordinates (when y points up there, as lon/lat does).
 */
import { Lattice, labelComponents } from './trace';
import { canonicalArc, canonicalLoop, conflictingArcs, simplifyArc, type ArcKey } from './simplify';

export interface VectorizeOptions {
  /** Douglas-Peucker tolerance in pixels (default 0.5; 0 = exact pixel outlines) */
  tolerance?: number;
  /** label value that is not a region (default 0) */
  background?: number;
  /** lattice corner -> world coordinates (default: identity) */
  toWorld?: (x: number, y: number) => [number, number];
}

export interface Region {
  label: number;
  /** closed rings, outer first, world coordinates */
  rings: [number, number][][];
}

interface ArcUse {
  arc: number;
  reversed: boolean;
}

export function vectorizeLabels(labels: ArrayLike<number>, width: number, height: number, opts: VectorizeOptions = {}): Region[] {
  const tolerance = opts.tolerance ?? 0.5;
  const toWorld = opts.toWorld ?? ((x: number, y: number): [number, number] => [x, y]);
  const comps = labelComponents(labels, width, height, opts.background ?? 0);
  if (comps.count === 0) return [];
  const lat = new Lattice(comps.ids, width, height);
  const W = lat.W;
  const traced = lat.traceAll();

  // Cut every ring into arcs, registered once per canonical key.
  const arcIndex = new Map<string, number>();
  const arcs: { key: ArcKey; kept: Int32Array; closed: boolean; raw: boolean }[] = [];
  const register = (a: ArcKey): ArcUse => {
    let i = arcIndex.get(a.key);
    if (i === undefined) {
      i = arcs.length;
      arcIndex.set(a.key, i);
      arcs.push({ key: a, kept: a.verts, closed: a.closed, raw: false });
    }
    return { arc: i, reversed: a.reversed };
  };
  const ringArcs: { region: number; uses: ArcUse[] }[] = [];
  for (const t of traced) {
    const v = t.verts;
    const n = v.length;
    let first = -1;
    for (let k = 0; k < n && first < 0; k++) if (lat.isNode(v[k]!)) first = k;
    if (first < 0) {
      ringArcs.push({ region: t.region, uses: [register(canonicalLoop(v))] });
      continue;
    }
    const uses: ArcUse[] = [];
    let start = first;
    for (let step = 1; step <= n; step++) {
      const k = (first + step) % n;
      if (step === n || lat.isNode(v[k]!)) {
        const len = ((k - start + n) % n || n) + 1;
        const path = new Int32Array(len);
        for (let q = 0; q < len; q++) path[q] = v[(start + q) % n]!;
        uses.push(register(canonicalArc(path)));
        start = k;
      }
    }
    ringArcs.push({ region: t.region, uses });
  }

  // Simplify; undo where segments would meet; repeat until clean.
  for (let round = 0; ; round++) {
    for (const a of arcs) a.kept = simplifyArc(a.key, W, a.raw || round > 8 ? 0 : tolerance);
    if (round > 8) break;
    const bad = conflictingArcs(arcs);
    let changed = false;
    for (const i of bad) {
      if (!arcs[i]!.raw) {
        arcs[i]!.raw = true;
        changed = true;
      }
    }
    if (!changed) break;
  }

  // Re-assemble rings; group them per region (outer ring: negative area in lattice y-down).
  const perRegion = new Map<number, { area: number; ring: [number, number][] }[]>();
  for (const { region, uses } of ringArcs) {
    const pts: number[] = []; // doubled lattice units
    for (const u of uses) {
      const k = arcs[u.arc]!.kept;
      const np = k.length >> 1;
      if (arcs[u.arc]!.closed) {
        for (let q = 0; q < np; q++) {
          const i = u.reversed ? (np - q) % np : q;
          pts.push(k[2 * i]!, k[2 * i + 1]!);
        }
      } else if (!u.reversed) {
        for (let q = 0; q < np - 1; q++) pts.push(k[2 * q]!, k[2 * q + 1]!);
      } else {
        for (let q = np - 1; q > 0; q--) pts.push(k[2 * q]!, k[2 * q + 1]!);
      }
    }
    const np = pts.length >> 1;
    if (np < 3) continue;
    let area2 = 0;
    for (let q = 0; q < np; q++) {
      const r = (q + 1) % np;
      area2 += pts[2 * q]! * pts[2 * r + 1]! - pts[2 * r]! * pts[2 * q + 1]!;
    }
    const ring: [number, number][] = [];
    for (let q = 0; q < np; q++) ring.push(toWorld(pts[2 * q]! / 2, pts[2 * q + 1]! / 2));
    ring.push([ring[0]![0], ring[0]![1]]);
    const list = perRegion.get(region) ?? [];
    list.push({ area: area2, ring });
    perRegion.set(region, list);
  }
  const out: Region[] = [];
  for (let r = 1; r <= comps.count; r++) {
    const list = perRegion.get(r);
    if (!list || list.length === 0) continue;
    list.sort((a, b) => a.area - b.area); // most negative (the outer ring) first
    if (!(list[0]!.area < 0)) continue;
    const rings = list.map((x, i) => orient(x.ring, i === 0));
    out.push({ label: comps.label[r]!, rings });
  }
  return out;
}

/** Outer rings counter-clockwise, holes clockwise, in world coordinates. */
function orient(ring: [number, number][], outer: boolean): [number, number][] {
  const [x0, y0] = ring[0]!;
  let s = 0;
  for (let k = 0; k + 1 < ring.length; k++) s += (ring[k]![0] - x0) * (ring[k + 1]![1] - y0) - (ring[k + 1]![0] - x0) * (ring[k]![1] - y0);
  return (outer ? s < 0 : s > 0) ? ring.slice().reverse() : ring;
}
