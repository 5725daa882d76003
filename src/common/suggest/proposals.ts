/** Whole-view proposals against the fields already mapped: drop those that mostly repeat one. */
import type { AreaGeometry, Polygon } from '../geo/geojson';
import { bboxOf } from '../geo/geojson';
import { areaM2, bboxesMeet, overlapM2, projectionFor } from './geo';

export interface ProposalLike {
  polygon: Polygon;
  score: number;
  areaM2: number;
}

/**
 * Keeps the proposals of at least `minAreaM2` whose overlap with the existing fields is at most
 * `maxOverlap` of their area (the rest is trimmed by joinSuggestion when accepted), best first.
 */
export function filterProposals<P extends ProposalLike>(proposals: readonly P[], existing: readonly AreaGeometry[], opts: { minAreaM2: number; maxOverlap?: number }): (P & { overlapM2: number })[] {
  const maxShare = opts.maxOverlap ?? 0.2;
  const boxes = existing.map((g) => bboxOf(g));
  const out: (P & { overlapM2: number })[] = [];
  for (const p of proposals) {
    if (p.areaM2 < opts.minAreaM2) continue;
    const pb = bboxOf(p.polygon);
    const near = existing.filter((_, i) => bboxesMeet(pb, boxes[i]!));
    const proj = projectionFor(p.polygon);
    const ov = near.length ? overlapM2(p.polygon, near, proj) : 0;
    if (ov > maxShare * Math.max(p.areaM2, areaM2(p.polygon, proj))) continue;
    out.push({ ...p, overlapM2: Math.round(ov) });
  }
  return out.sort((a, b) => b.score - a.score || b.areaM2 - a.areaM2);
}
