import type { BBox } from '../geo/geojson';
import { type EditPolygon, metresPerDegree, pointInPolygon, segmentsIntersect, type XY } from '../editing/geom';
import { fieldBBox } from '../graph/graph';
import type { Rule } from './issue';

/** Does the polygon touch the box (any shared point)? */
export function touchesBox(g: EditPolygon, b: BBox, box: BBox): boolean {
  if (box[0] > b[2] || box[2] < b[0] || box[1] > b[3] || box[3] < b[1]) return false;
  const outer = g.coordinates[0]!;
  if (outer.some((p) => p[0] >= b[0] && p[0] <= b[2] && p[1] >= b[1] && p[1] <= b[3])) return true;
  const corners: XY[] = [[b[0], b[1]], [b[2], b[1]], [b[2], b[3]], [b[0], b[3]]];
  if (corners.some((c) => pointInPolygon(c, g))) return true;
  for (let i = 0; i < outer.length - 1; i++) for (let k = 0; k < 4; k++) if (segmentsIntersect(outer[i]!, outer[i + 1]!, corners[k]!, corners[(k + 1) % 4]!)) return true;
  return false;
}

/** Gap in metres between two boxes (0 when they touch). */
export function boxGapM(a: BBox, b: BBox): number {
  const [kx, ky] = metresPerDegree((a[1] + a[3]) / 2);
  const dx = Math.max(0, a[0] - b[2], b[0] - a[2]) * kx;
  const dy = Math.max(0, a[1] - b[3], b[1] - a[3]) * ky;
  return Math.hypot(dx, dy);
}

export const outsideCellRule: Rule = {
  id: 'outside-cell',
  check(field, _n, ctx) {
    const cell = ctx.cell;
    if (!cell) return [];
    const box = fieldBBox(field);
    if (touchesBox(field.geometry, cell, box)) return [];
    const gap = boxGapM(box, cell);
    const far = gap > ctx.farOutsideM;
    return [
      {
        id: `outside-cell:${field.id}`,
        rule: 'outside-cell',
        severity: far ? 'error' : 'warning',
        fieldIds: [field.id],
        message: far
          ? `Field ${field.id} lies ${Math.round(gap)} m outside the site cell: map only fields that touch the cell`
          : `Field ${field.id} does not touch the site cell (map only fields that touch it)`,
        bbox: box,
        fixes: [{ label: 'Delete the field', command: { type: 'field.delete', ids: [field.id] } }],
      },
    ];
  },
};
