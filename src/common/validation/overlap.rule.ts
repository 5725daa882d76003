import { intersection } from '../editing/clip';
import { polygonAreaM2, polygonBBox } from '../editing/geom';
import { fieldBBox } from '../graph/graph';
import { isDuplicate } from './duplicate.rule';
import { fmtArea, pairId, type Issue, type Rule } from './issue';
import { mayOverlap } from './overlap-test';

/** Overlaps smaller than this (m^2) are float noise along a shared border. */
export const OVERLAP_EPS_M2 = 0.5;

export const overlapRule: Rule = {
  id: 'overlap',
  check(field, neighbours) {
    const out: Issue[] = [];
    for (const n of neighbours) {
      if (n.id === field.id || !mayOverlap(field.geometry, n.geometry) || isDuplicate(field, n)) continue;
      let parts;
      try {
        parts = intersection(field.geometry, n.geometry);
      } catch {
        continue;
      }
      const area = parts.reduce((s, p) => s + polygonAreaM2(p), 0);
      if (area < OVERLAP_EPS_M2) continue;
      const [first, second] = field.id < n.id ? [field, n] : [n, field];
      out.push({
        id: pairId('overlap', field.id, n.id),
        rule: 'overlap',
        severity: 'error',
        fieldIds: [first.id, second.id],
        message: `Fields ${first.id} and ${second.id} overlap by ${fmtArea(area)}`,
        bbox: parts[0] ? polygonBBox(parts[0]) : fieldBBox(field),
        fixes: [
          { label: `Trim ${second.id} to ${first.id}`, command: { type: 'field.trim', id: second.id, tolM: 0 } },
          { label: `Trim ${first.id} to ${second.id}`, command: { type: 'field.trim', id: first.id, tolM: 0 } },
          { label: 'Merge them', command: { type: 'fields.merge', ids: [first.id, second.id] } },
        ],
      });
    }
    return out;
  },
};
