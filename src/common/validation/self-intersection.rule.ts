import { union } from '../editing/clip';
import { type EditPolygon, orientPolygon, polygonAreaM2 } from '../editing/geom';
import { polygonProblem } from '../editing/polygon-check';
import { fieldBBox } from '../graph/graph';
import type { Fix, Rule } from './issue';

/** The largest valid polygon polygon-clipping reads out of a broken one (non-zero winding), if any. */
export function repairShape(g: EditPolygon): EditPolygon | null {
  try {
    const parts = union([g]).map(orientPolygon).filter((p) => polygonProblem(p) === null);
    parts.sort((a, b) => polygonAreaM2(b) - polygonAreaM2(a));
    return parts[0] ?? null;
  } catch {
    return null;
  }
}

export const selfIntersectionRule: Rule = {
  id: 'self-intersection',
  check(field) {
    const why = polygonProblem(field.geometry);
    if (!why) return [];
    const fixed = repairShape(field.geometry);
    const fixes: Fix[] = fixed ? [{ label: 'Repair the outline', command: { type: 'field.replace', id: field.id, geometry: fixed } }] : [];
    fixes.push({ label: 'Delete the field', command: { type: 'field.delete', ids: [field.id] } });
    return [{ id: `self-intersection:${field.id}`, rule: 'self-intersection', severity: 'error', fieldIds: [field.id], message: `Field ${field.id} is not a valid polygon: ${why}`, bbox: fieldBBox(field), fixes }];
  },
};
