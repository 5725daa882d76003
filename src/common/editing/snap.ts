/**
 * Snapping to neighbours (DOMAIN.md 1: the lab used 4 px): the nearest vertex within the
 * tolerance wins over any edge; otherwise the nearest point on an edge. The tolerance is in
 * metres (the UI converts its pixel tolerance at the current zoom).
 */
import type { BBox } from '../geo/geojson';
import type { Field } from '../graph/field';
import { closestOnSegment, degreesFor, distM, type XY } from './geom';

export interface FieldSource {
  query(box: BBox): Field[];
}

export interface SnapTarget {
  kind: 'vertex' | 'edge';
  fieldId: string;
  ring: number;
  /** the vertex index, or the index of the edge's first vertex */
  index: number;
  /** 0 for a vertex; position along the edge in (0, 1) */
  t: number;
  point: XY;
  distM: number;
}

export interface SnapOptions {
  exclude?: ReadonlySet<string> | ((id: string) => boolean);
  vertices?: boolean;
  edges?: boolean;
}

function excluded(opts: SnapOptions, id: string): boolean {
  const e = opts.exclude;
  if (!e) return false;
  return typeof e === 'function' ? e(id) : e.has(id);
}

export function snapPoint(p: readonly number[], source: FieldSource, tolM: number, opts: SnapOptions = {}): SnapTarget | null {
  if (!(tolM > 0)) return null;
  const [dx, dy] = degreesFor(tolM, p[1]!);
  const box: BBox = [p[0]! - dx, p[1]! - dy, p[0]! + dx, p[1]! + dy];
  let bestV: SnapTarget | null = null;
  let bestE: SnapTarget | null = null;
  for (const f of source.query(box)) {
    if (excluded(opts, f.id)) continue;
    f.geometry.coordinates.forEach((ring, r) => {
      const n = ring.length - 1;
      for (let i = 0; i < n; i++) {
        const a = ring[i]!;
        const b = ring[i + 1]!;
        if (Math.max(a[0], b[0]) < box[0] || Math.min(a[0], b[0]) > box[2] || Math.max(a[1], b[1]) < box[1] || Math.min(a[1], b[1]) > box[3]) continue;
        if (opts.vertices !== false) {
          const d = distM(p, a);
          if (d <= tolM && (!bestV || d < bestV.distM)) bestV = { kind: 'vertex', fieldId: f.id, ring: r, index: i, t: 0, point: [a[0], a[1]], distM: d };
        }
        if (opts.edges !== false) {
          const c = closestOnSegment(p, a, b);
          if (c.distM <= tolM && c.t > 0 && c.t < 1 && (!bestE || c.distM < bestE.distM)) {
            bestE = { kind: 'edge', fieldId: f.id, ring: r, index: i, t: c.t, point: c.point, distM: c.distM };
          }
        }
      }
    });
  }
  return bestV ?? bestE;
}
