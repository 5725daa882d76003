import { overlapAreaM2 } from '../editing/clip';
import { polygonAreaM2 } from '../editing/geom';
import type { Field } from '../graph/field';
import { fieldBBox } from '../graph/graph';
import { pairId, type Issue, type Rule } from './issue';

const BOX_EPS = 2e-6; // ~0.2 m

/** Two fields covering (nearly) the same ground: intersection over union >= 0.9. */
export function isDuplicate(a: Field, b: Field): boolean {
  const x = fieldBBox(a);
  const y = fieldBBox(b);
  if (x.some((v, i) => Math.abs(v - y[i]!) > Math.max(BOX_EPS, (x[2] - x[0]) * 0.05))) return false;
  try {
    const inter = overlapAreaM2(a.geometry, b.geometry);
    const uni = polygonAreaM2(a.geometry) + polygonAreaM2(b.geometry) - inter;
    return uni > 0 && inter / uni >= 0.9;
  } catch {
    return false;
  }
}

export const duplicateRule: Rule = {
  id: 'duplicate',
  check(field, neighbours) {
    const out: Issue[] = [];
    for (const n of neighbours) {
      if (n.id === field.id || !isDuplicate(field, n)) continue;
      const [keep, drop] = field.id < n.id ? [field, n] : [n, field];
      out.push({
        id: pairId('duplicate', field.id, n.id),
        rule: 'duplicate',
        severity: 'error',
        fieldIds: [keep.id, drop.id],
        message: `Fields ${keep.id} and ${drop.id} are duplicates (the same field drawn twice)`,
        bbox: fieldBBox(keep),
        fixes: [{ label: `Delete ${drop.id}`, command: { type: 'field.delete', ids: [drop.id] } }],
      });
    }
    return out;
  },
};
