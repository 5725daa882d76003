import { describe, expect, it } from 'vitest';
import { chooseKind, compareWork, mapCounts, mayWork, neededMaps, pickWork, qualificationOutcome, remainingMaps, siteState, type WorkCandidate } from './rules';

describe('scheduling rules (DOMAIN.md 1)', () => {
  it('draws Q with the Q rate, and falls back to the other kind when one is exhausted', () => {
    const k = (draw: number, qAvailable = true, workAvailable = true) => chooseKind({ draw, qRate: 0.1, qAvailable, workAvailable });
    expect(k(0.05)).toBe('q');
    expect(k(0.1)).toBe('work');
    expect(k(0.95)).toBe('work');
    expect(k(0.05, false)).toBe('work');
    expect(k(0.95, true, false)).toBe('q');
    expect(k(0.5, false, false)).toBeNull();
    // the share of Q over many uniform draws is the rate
    let q = 0;
    for (let i = 0; i < 10_000; i++) if (chooseKind({ draw: (i + 0.5) / 10_000, qRate: 0.02, qAvailable: true, workAvailable: true }) === 'q') q++;
    expect(q).toBe(200);
  });

  it('counts maps: submitted/approved count, assigned is pending, untrusted/rejected do not count, returned/abandoned are returns', () => {
    expect(mapCounts(['submitted', 'approved', 'assigned', 'untrusted', 'rejected', 'returned', 'abandoned'])).toEqual({ counted: 2, pending: 1, notCounted: 2, returned: 2 });
    expect(neededMaps(1, 3)).toBe(0);
    expect(neededMaps(2, 3)).toBe(1);
    expect(neededMaps(4, 5)).toBe(5);
    // untrusted work is re-served: a Class 2 site whose only map is untrusted needs one again
    expect(remainingMaps(2, mapCounts(['untrusted']), 3)).toBe(1);
    expect(remainingMaps(2, mapCounts(['assigned']), 3)).toBe(0);
    expect(remainingMaps(4, mapCounts(['submitted', 'returned']), 3)).toBe(2);
  });

  it('serves fewest remaining first, then oldest', () => {
    const c: WorkCandidate[] = [
      { siteId: 'A', remaining: 3, seq: 1 },
      { siteId: 'B', remaining: 1, seq: 9 },
      { siteId: 'C', remaining: 1, seq: 4 },
      { siteId: 'D', remaining: 0, seq: 0 },
    ];
    expect(pickWork(c)?.siteId).toBe('C');
    expect([...c].sort(compareWork).map((x) => x.siteId)).toEqual(['D', 'C', 'B', 'A']);
    expect(pickWork([{ siteId: 'D', remaining: 0, seq: 0 }])).toBeNull();
  });

  it('qualification: pending until every site is finished and scored, then pass at a mean >= 0.4', () => {
    const q = (results: (number | null)[], override?: 'passed' | 'failed') => qualificationOutcome({ total: 2, results, passScore: 0.4, override: override ?? null });
    expect(q([]).state).toBe('pending');
    expect(q([0.9]).state).toBe('pending');
    expect(q([0.9, null]).state).toBe('pending');
    expect(q([0.5, 0.3])).toMatchObject({ state: 'passed', meanScore: 0.4, done: 2 });
    expect(q([0.5, 0.2]).state).toBe('failed');
    expect(q([0, 0.7]).state).toBe('failed'); // a returned qualification task scores 0
    expect(q([0.1, 0.1], 'passed').state).toBe('passed');
    expect(qualificationOutcome({ total: 0, results: [], passScore: 0.4 }).state).toBe('none');
    expect(mayWork('none') && mayWork('passed') && !mayWork('pending') && !mayWork('failed')).toBe(true);
  });

  it('site states', () => {
    expect(siteState(1, true, { counted: 5, pending: 0 }, 3)).toBe('quality_control');
    expect(siteState(2, true, { counted: 0, pending: 0 }, 3)).toBe('open');
    expect(siteState(2, true, { counted: 0, pending: 1 }, 3)).toBe('in_progress');
    expect(siteState(4, true, { counted: 2, pending: 0 }, 3)).toBe('open');
    expect(siteState(4, true, { counted: 3, pending: 0 }, 3)).toBe('complete');
    expect(siteState(4, false, { counted: 0, pending: 0 }, 3)).toBe('closed');
  });
});
