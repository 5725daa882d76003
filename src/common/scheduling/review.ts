/**
 * Supervisor review (DOMAIN.md 1), pure: the 0-4 rubric, a labeller's review figures, and the risk
 * that orders the review queue.
 *
 * Rubric: 0-3 by the share of the site mapped correctly (<50 / 50-70 / 70-90 / >=90 %), 4 for a
 * correct empty site; 2-4 pass. A pass approves the map, a fail rejects it.
 *
 * Queue risk, 0 (safe) to 1 (riskiest):
 *  - a Class 4 site: max(2 * mean consensus risk, risky fraction) (mean risk is at most 0.5);
 *    a site without a consensus yet: 0.5;
 *  - a Class 1 map: 1 - its score (0.5 while unscored);
 *  - a Class 2 map: 1 - the labeller's running quality (0.5 while unscored), at least 0.75 when
 *    the map is untrusted.
 */

export const PASS_RATING = 2;

export function reviewPasses(rating: number): boolean {
  return rating >= PASS_RATING;
}

export interface ReviewFigures {
  n: number;
  passed: number;
  passRate: number | null;
  meanRating: number | null;
}

export function reviewFigures(ratings: readonly number[]): ReviewFigures {
  const n = ratings.length;
  const passed = ratings.filter(reviewPasses).length;
  return { n, passed, passRate: n ? passed / n : null, meanRating: n ? ratings.reduce((a, b) => a + b, 0) / n : null };
}

const clamp = (v: number) => (Number.isFinite(v) ? Math.min(1, Math.max(0, v)) : 0.5);

export function siteReviewRisk(meanRisk: number | null, riskyFraction: number | null): number {
  if (meanRisk === null) return 0.5;
  return clamp(Math.max(2 * meanRisk, riskyFraction ?? 0));
}

export function mapReviewRisk(m: { cls: 1 | 2 | 4; score: number | null; labellerQuality: number | null; untrusted: boolean }): number {
  if (m.cls === 1) return m.score === null ? 0.5 : clamp(1 - m.score);
  const base = m.labellerQuality === null ? 0.5 : clamp(1 - m.labellerQuality);
  return m.untrusted ? Math.max(0.75, base) : base;
}

/** Riskiest first; ties: not yet reviewed first, then site id. */
export function compareQueue(a: { risk: number; reviewed: boolean; siteId: string }, b: { risk: number; reviewed: boolean; siteId: string }): number {
  return b.risk - a.risk || Number(a.reviewed) - Number(b.reviewed) || (a.siteId < b.siteId ? -1 : a.siteId > b.siteId ? 1 : 0);
}
