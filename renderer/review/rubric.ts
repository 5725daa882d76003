/**
 * The supervisor's 0-4 review rubric (DOMAIN.md 1): 0-3 by the share of the site mapped
 * correctly (<50 / 50-70 / 70-90 / >=90 %), 4 for a correct empty site; 2-4 pass. A pass approves
 * the map, a fail rejects it (src/common/scheduling/review.ts decides the same on the server).
 * Pure: the rubric form and its keyboard use it, and the unit tests check it.
 */
import { PASS_RATING, reviewPasses } from '../../src/common/scheduling/review';

export type Rating = 0 | 1 | 2 | 3 | 4;

export interface RubricStep {
  rating: Rating;
  /** the share, short */
  short: string;
  meaning: string;
  pass: boolean;
}

export const RUBRIC: readonly RubricStep[] = [
  { rating: 0, short: '< 50 %', meaning: 'Less than 50 % of the site mapped correctly', pass: false },
  { rating: 1, short: '50-70 %', meaning: '50 to 70 % of the site mapped correctly', pass: false },
  { rating: 2, short: '70-90 %', meaning: '70 to 90 % of the site mapped correctly', pass: true },
  { rating: 3, short: '≥ 90 %', meaning: '90 % or more of the site mapped correctly', pass: true },
  { rating: 4, short: 'empty', meaning: 'A correct empty site: no fields there, none mapped', pass: true },
];

export { PASS_RATING };

export function isRating(v: unknown): v is Rating {
  return v === 0 || v === 1 || v === 2 || v === 3 || v === 4;
}

/** The digit keys 0-4 (no modifiers are checked here); anything else null. */
export function ratingFromKey(key: string): Rating | null {
  const n = /^[0-4]$/.test(key) ? Number(key) : NaN;
  return isRating(n) ? n : null;
}

export type Verdict = 'approve' | 'reject';

export function verdict(rating: Rating | null): Verdict | null {
  if (rating === null) return null;
  return reviewPasses(rating) ? 'approve' : 'reject';
}

/** The assignment's status once the review is saved. */
export function statusAfter(rating: Rating): 'approved' | 'rejected' {
  return reviewPasses(rating) ? 'approved' : 'rejected';
}

/** The save button's text: what saving will do. */
export function saveLabel(rating: Rating | null): string {
  const v = verdict(rating);
  if (v === null) return 'Pick a rating (0-4)';
  return `${v === 'approve' ? 'Approve' : 'Reject'}: save rating ${rating}`;
}

/** One past review, one line. */
export function ratingText(rating: number): string {
  const step = RUBRIC.find((s) => s.rating === rating);
  return step ? `${rating} (${step.short}, ${step.pass ? 'pass' : 'fail'})` : String(rating);
}
