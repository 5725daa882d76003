import { describe, expect, it } from 'vitest';
import type { ReviewQueueAssignment, ReviewQueueItem } from '../../src/common/api/contract';
import { reviewPasses } from '../../src/common/scheduling/review';
import { firstToReview, itemKey, reselect, stepIndex } from './queue-model';
import { RUBRIC, ratingFromKey, ratingText, saveLabel, statusAfter, verdict } from './rubric';

describe('review rubric (DOMAIN.md 1)', () => {
  it('has the five ratings with their shares, 2-4 passing like the server', () => {
    expect(RUBRIC.map((s) => s.rating)).toEqual([0, 1, 2, 3, 4]);
    expect(RUBRIC.map((s) => s.short)).toEqual(['< 50 %', '50-70 %', '70-90 %', '≥ 90 %', 'empty']);
    for (const s of RUBRIC) expect(s.pass).toBe(reviewPasses(s.rating));
    expect(RUBRIC.filter((s) => s.pass).map((s) => s.rating)).toEqual([2, 3, 4]);
  });

  it('maps a rating to approve / reject and the status after saving', () => {
    expect([0, 1, 2, 3, 4].map((r) => verdict(r as 0))).toEqual(['reject', 'reject', 'approve', 'approve', 'approve']);
    expect(verdict(null)).toBeNull();
    expect(statusAfter(1)).toBe('rejected');
    expect(statusAfter(2)).toBe('approved');
    expect(saveLabel(null)).toMatch(/pick a rating/i);
    expect(saveLabel(3)).toBe('Approve: save rating 3');
    expect(saveLabel(0)).toBe('Reject: save rating 0');
    expect(ratingText(4)).toBe('4 (empty, pass)');
    expect(ratingText(1)).toBe('1 (50-70 %, fail)');
  });

  it('takes the digit keys 0-4 only', () => {
    expect(['0', '1', '2', '3', '4'].map(ratingFromKey)).toEqual([0, 1, 2, 3, 4]);
    for (const k of ['5', '9', 'a', 'Enter', '', '10', ' 1']) expect(ratingFromKey(k)).toBeNull();
  });
});

const a = (id: number, lastRating: number | null = null): ReviewQueueAssignment => ({ id, labellerId: `L${id}`, labellerName: `L ${id}`, status: 'submitted', score: null, lastRating });
const item = (kind: 'site' | 'assignment', siteId: string, ids: number[]): ReviewQueueItem => ({ kind, siteId, cls: kind === 'site' ? 4 : 2, risk: 0.5, reason: '', meanRisk: null, riskyFraction: null, assignments: ids.map((i) => a(i)), reviewed: false });

describe('review queue selection', () => {
  it('keys a site by its id and a map by its assignment', () => {
    expect(itemKey(item('site', 'GH1', [1, 2]))).toBe('site:GH1');
    expect(itemKey(item('assignment', 'GH1', [7]))).toBe('assignment:7');
  });

  it('walks within the list', () => {
    expect(stepIndex(0, 1, 3)).toBe(1);
    expect(stepIndex(2, 1, 3)).toBe(2);
    expect(stepIndex(0, -1, 3)).toBe(0);
    expect(stepIndex(-1, 1, 3)).toBe(0);
    expect(stepIndex(-1, -1, 3)).toBe(2);
    expect(stepIndex(0, 1, 0)).toBe(-1);
  });

  it('keeps the selected item across a reload, else takes the one now at its place', () => {
    const list = [item('assignment', 'A', [1]), item('site', 'B', [2, 3]), item('assignment', 'C', [4])];
    expect(reselect(list, 'site:B', 0)).toBe(1);
    // the reviewed map 9 was at index 1 and dropped out: the next riskiest is there now
    expect(reselect(list, 'assignment:9', 1)).toBe(1);
    expect(reselect(list, 'assignment:9', 7)).toBe(2);
    expect(reselect(list, null, -1)).toBe(0);
    expect(reselect([], 'site:B', 1)).toBe(-1);
  });

  it('starts the rubric on the first map not yet rated', () => {
    expect(firstToReview([a(1, 3), a(2), a(3)])?.id).toBe(2);
    expect(firstToReview([a(1, 3), a(2, 0)])?.id).toBe(1);
    expect(firstToReview([])).toBeNull();
  });
});
