import { describe, expect, it } from 'vitest';
import { compareQueue, mapReviewRisk, reviewFigures, reviewPasses, siteReviewRisk } from './review';

describe('supervisor review rules', () => {
  it('2-4 pass; figures per labeller', () => {
    expect([0, 1, 2, 3, 4].map(reviewPasses)).toEqual([false, false, true, true, true]);
    expect(reviewFigures([4, 1, 2])).toEqual({ n: 3, passed: 2, passRate: 2 / 3, meanRating: 7 / 3 });
    expect(reviewFigures([])).toEqual({ n: 0, passed: 0, passRate: null, meanRating: null });
  });

  it('ranks by risk: consensus risk for Class 4, score for Class 1, trust for Class 2', () => {
    expect(siteReviewRisk(0.25, 0.1)).toBe(0.5);
    expect(siteReviewRisk(0.1, 0.6)).toBe(0.6);
    expect(siteReviewRisk(null, null)).toBe(0.5);
    expect(mapReviewRisk({ cls: 1, score: 0.3, labellerQuality: null, untrusted: false })).toBeCloseTo(0.7);
    expect(mapReviewRisk({ cls: 2, score: null, labellerQuality: 0.9, untrusted: false })).toBeCloseTo(0.1);
    expect(mapReviewRisk({ cls: 2, score: null, labellerQuality: 0.9, untrusted: true })).toBe(0.75);
    const items = [
      { risk: 0.2, reviewed: false, siteId: 'A' },
      { risk: 0.9, reviewed: true, siteId: 'B' },
      { risk: 0.9, reviewed: false, siteId: 'C' },
    ];
    expect(items.sort(compareQueue).map((i) => i.siteId)).toEqual(['C', 'B', 'A']);
  });
});
