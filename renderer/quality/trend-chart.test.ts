import { describe, expect, it } from 'vitest';
import type { TrendPoint } from '../../src/common/api/contract';
import { trendGeometry, trendX, trendY, type TrendBox } from './trend-chart';

const BOX: TrendBox = { width: 104, height: 24, pad: 2 };
const pt = (i: number, runningQuality: number | null, score: number | null, returned = false): TrendPoint => ({ at: `2025-01-0${i + 1}T10:00:00Z`, assignmentId: 100 + i, runningQuality, score, returned });

describe('trend chart geometry', () => {
  it('spaces tasks evenly and puts one task in the middle', () => {
    expect([0, 1, 2].map((i) => trendX(i, 3, BOX))).toEqual([2, 52, 102]);
    expect(trendX(0, 1, BOX)).toBe(52);
  });

  it('maps 0..1 to the inner height, 1 at the top, clamping outside values', () => {
    expect(trendY(1, BOX)).toBe(2);
    expect(trendY(0, BOX)).toBe(22);
    expect(trendY(0.5, BOX)).toBe(12);
    expect(trendY(-0.3, BOX)).toBe(22);
    expect(trendY(1.7, BOX)).toBe(2);
  });

  it('draws the running quality as a line broken where it is undefined', () => {
    const g = trendGeometry([pt(0, null, null), pt(1, 0.5, 0.5), pt(2, 0.75, null), pt(3, null, null, true), pt(4, 1, 1)], null, BOX);
    // x = 2, 27, 52, 77, 102
    expect(g.line).toBe('M27 12 L52 7 M102 2');
    expect(g.points).toBe(5);
    expect(g.threshold).toBeNull();
  });

  it('marks every Class 1 score as a dot and every return as a tick', () => {
    const g = trendGeometry([pt(0, 0.9, 0.9), pt(1, 0.8, null, true), pt(2, 0.7, 0.6), pt(3, 0.7, null)], 0.45, BOX);
    expect(g.dots.map((d) => [d.assignmentId, d.x, d.score])).toEqual([
      [100, 2, 0.9],
      [102, 68.7, 0.6],
    ]);
    expect(g.returns.map((r) => r.assignmentId)).toEqual([101]);
    expect(g.threshold).toBe(trendY(0.45, BOX));
    expect(g.points).toBe(4);
  });

  it('draws nothing for a labeller without finished tasks', () => {
    const g = trendGeometry([], 0.45, BOX);
    expect(g).toMatchObject({ line: '', dots: [], returns: [], points: 0 });
  });
});
