/**
 * Scores the Class 1 assignments of one site (the unit of work of `fieldmark score`, in this
 * thread or in a score worker): scoreAssignment for each map (DOMAIN.md 2) and its confusion
 * inside STAPLE's region of interest (roi-skill.ts), the reference rasterised once per site.
 * Only plain data in and out (it crosses worker_threads). A RangeError (e.g. a cell that is not
 * a polygon) marks the assignment as not scorable; any other error is a bug and propagates.
 */
import { roiConfusion, roiReference, type RoiConfusion } from '../../common/consensus';
import type { Polygon } from '../../common/geo/geojson';
import { scoreAssignment, type Category, type Feature, type ScoreResult, type ScoreWeights } from '../../common/quality';

export interface ScoreGroup {
  siteId: string;
  cell: Polygon | null;
  reference: Feature[];
  jobs: { id: number; labels: Feature[] }[];
}

export interface ScoreSettings {
  categories: Category[];
  weights: ScoreWeights;
  edgeToleranceM: number;
  pixelM?: number;
  unsure: string[];
}

export type GroupResult = { id: number; ok: true; r: ScoreResult; roi: RoiConfusion; ms: number } | { id: number; ok: false; reason: string; ms: number };

export function scoreGroup(g: ScoreGroup, s: ScoreSettings): GroupResult[] {
  const out: GroupResult[] = [];
  let ref: ReturnType<typeof roiReference> | null = null;
  for (const job of g.jobs) {
    const t0 = performance.now();
    try {
      if (!g.cell) throw new RangeError('cell: not a polygon');
      const r = scoreAssignment({
        reference: g.reference,
        labels: job.labels,
        cell: g.cell,
        categories: s.categories,
        weights: s.weights,
        edgeToleranceM: s.edgeToleranceM,
        ...(s.pixelM ? { pixelM: s.pixelM } : {}),
      });
      ref ??= roiReference(g.reference, g.cell, { categories: s.categories, unsureCategories: s.unsure });
      out.push({ id: job.id, ok: true, r, roi: roiConfusion(ref, job.labels, g.cell), ms: performance.now() - t0 });
    } catch (e) {
      if (!(e instanceof RangeError)) throw e;
      out.push({ id: job.id, ok: false, reason: `site ${g.siteId}: ${e.message}`, ms: performance.now() - t0 });
    }
  }
  return out;
}
