import { describe, expect, it } from 'vitest';
import { describeSample as stats, isRejected, qualitySeries, reserveDecision, runningQuality, trustStatus, type FinishedTask } from './running-quality';

const q = (score: number): FinishedTask => ({ returned: false, score });
const task: FinishedTask = { returned: false };
const ret: FinishedTask = { returned: true };

describe('running quality, trust and re-serving (DOMAIN.md 1)', () => {
  it('is the mean of the last 5 Class 1 scores minus the return rate of the last 10 tasks', () => {
    expect(runningQuality([])).toEqual({ quality: null, meanLast5: null, returnRate: 0, scored: 0, window: 0 });
    const r = runningQuality([q(0.1), q(0.9), q(0.8), task, q(0.7), ret, q(0.6), q(0.5)]);
    expect(r.meanLast5).toBeCloseTo((0.9 + 0.8 + 0.7 + 0.6 + 0.5) / 5, 12);
    expect(r.returnRate).toBeCloseTo(1 / 8, 12);
    expect(r.quality).toBeCloseTo(0.7 - 0.125, 12);
    expect(r.scored).toBe(6);
    // only the last 10 tasks count for returns
    const old = runningQuality([ret, ret, ...Array.from({ length: 10 }, () => task), q(0.8)]);
    expect(old.returnRate).toBeCloseTo(0, 12);
    expect(old.quality).toBeCloseTo(0.8, 12);
    expect(runningQuality([ret, ret]).quality).toBeNull();
  });

  it('the series equals the running value after each task', () => {
    const tasks = [q(0.5), ret, q(0.9), task, task, q(0.2), ret, ret, q(0.95), q(0.7), task, q(0.6), ret];
    const series = qualitySeries(tasks);
    series.forEach((s, i) => expect(s).toEqual(runningQuality(tasks.slice(0, i + 1))));
  });

  it('trust, rejection and the re-serving rule', () => {
    expect(trustStatus(null)).toBe('unscored');
    expect(trustStatus(0.44999)).toBe('untrusted');
    expect(trustStatus(0.45)).toBe('trusted');
    expect(isRejected(0.39)).toBe(true);
    expect(isRejected(0.4)).toBe(false);
    const done = (id: string, trust: 'trusted' | 'untrusted' | 'unscored', status = 'submitted') => ({ labellerId: id, status, trustAtSubmission: trust });
    expect(reserveDecision(2, [done('a', 'trusted')])).toMatchObject({ reserve: false, needed: 1, counted: 1 });
    expect(reserveDecision(2, [done('a', 'untrusted')])).toMatchObject({ reserve: true, untrusted: ['a'] });
    expect(reserveDecision(2, [done('a', 'trusted', 'untrusted')])).toMatchObject({ reserve: true, untrusted: ['a'] });
    expect(reserveDecision(2, [done('a', 'unscored')]).reserve).toBe(false);
    expect(reserveDecision(2, [{ labellerId: 'a', status: 'assigned', trustAtSubmission: null }])).toMatchObject({ reserve: false, pending: 1 });
    expect(reserveDecision(2, [done('a', 'trusted', 'returned')]).reserve).toBe(true);
    expect(reserveDecision(4, [done('a', 'trusted'), done('b', 'trusted')]).reserve).toBe(true);
    expect(reserveDecision(4, [done('a', 'trusted'), done('b', 'trusted'), done('c', 'trusted', 'approved')]).reserve).toBe(false);
    expect(reserveDecision(1, []).reserve).toBe(false);
  });

  it('describes a sample (mean, sample SD, n)', () => {
    expect(stats([])).toEqual({ n: 0, mean: null, sd: null });
    expect(stats([2])).toEqual({ n: 1, mean: 2, sd: null });
    const s = stats([1, 2, 3, 4]);
    expect(s.mean).toBe(2.5);
    expect(s.sd).toBeCloseTo(Math.sqrt(5 / 3), 12);
  });
});
