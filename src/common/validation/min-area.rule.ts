import { polygonAreaM2 } from '../editing/geom';
import { sharesBorder } from '../editing/junctions';
import { fieldBBox } from '../graph/graph';
import { fmtArea, type Fix, type Rule } from './issue';

export const minAreaRule: Rule = {
  id: 'min-area',
  check(field, neighbours, ctx) {
    const area = polygonAreaM2(field.geometry);
    if (area >= ctx.minAreaM2) return [];
    const fixes: Fix[] = [{ label: 'Delete the field', command: { type: 'field.delete', ids: [field.id] } }];
    // A neighbour it shares a border with can absorb it.
    const touching = neighbours.find((n) => n.id !== field.id && sharesBorder(field.geometry, n.geometry));
    if (touching) fixes.push({ label: `Merge into ${touching.id}`, command: { type: 'fields.merge', ids: [touching.id, field.id] } });
    return [
      {
        id: `min-area:${field.id}`,
        rule: 'min-area',
        severity: 'error',
        fieldIds: [field.id],
        message: `Field ${field.id} is ${fmtArea(area)}, below the campaign minimum of ${fmtArea(ctx.minAreaM2)}`,
        bbox: fieldBBox(field),
        fixes,
      },
    ];
  },
};
