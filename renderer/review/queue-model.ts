/**
 * The review queue's selection, pure: a key per item, walking with j / k, keeping the selection
 * across reloads (the same item while it is still listed, else the one now at its place: after
 * a review drops an item, the next riskiest is selected), and which assignment of an item the
 * rubric starts on (the first not yet rated).
 */
import type { ReviewQueueAssignment, ReviewQueueItem } from '../../src/common/api/contract';

export function itemKey(item: Pick<ReviewQueueItem, 'kind' | 'siteId' | 'assignments'>): string {
  return item.kind === 'site' ? `site:${item.siteId}` : `assignment:${item.assignments[0]?.id ?? item.siteId}`;
}

/** Index after a step of `delta`, clamped to the list (-1 for an empty list). */
export function stepIndex(index: number, delta: number, length: number): number {
  if (length <= 0) return -1;
  if (index < 0) return delta >= 0 ? 0 : length - 1;
  return Math.min(length - 1, Math.max(0, index + delta));
}

/** The index to select in `items` after a reload, given the key and index selected before. */
export function reselect(items: readonly ReviewQueueItem[], key: string | null, index: number): number {
  if (!items.length) return -1;
  if (key !== null) {
    const same = items.findIndex((i) => itemKey(i) === key);
    if (same >= 0) return same;
  }
  return Math.min(items.length - 1, Math.max(0, index));
}

/** The assignment the rubric starts on: the first not yet rated, else the first. */
export function firstToReview(assignments: readonly ReviewQueueAssignment[]): ReviewQueueAssignment | null {
  return assignments.find((a) => a.lastRating === null) ?? assignments[0] ?? null;
}
