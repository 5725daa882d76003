/**
 * Scheduling rules of a campaign (DOMAIN.md 1), pure. The database side (src/node/campaign/
 * scheduler.ts) feeds these and writes the outcome in one immediate transaction.
 *
 * Per request of a labeller:
 *  1. an open task of theirs (status 'assigned') is served again, oldest first;
 *  2. qualification first: while the campaign has a qualification set and the labeller has not
 *     passed it, the next qualification site (in set order) is served; when every one is finished
 *     and scored, mean score >= passScore (0.4) passes, else the labeller is refused further work;
 *  3. otherwise a random draw picks Q with probability qRate (hidden: no DTO a labeller reads tells
 *     a Q site from an F site); Q sites go oldest first (creation order);
 *  4. other work (Class 2 "F" and Class 4 "N") goes fewest remaining maps first, then oldest:
 *     remaining = needed - counted - pending, needed = 1 (Class 2) or labellersPerClass4 (Class 4),
 *     counted = finished maps that count ('submitted', 'approved'), pending = maps in progress
 *     ('assigned'). Untrusted, rejected, returned and abandoned maps do not count, so their site
 *     goes back to the pool (re-serving); a site is never served twice to one labeller (the
 *     UNIQUE (site_id, labeller_id) of `assignments` enforces it);
 *  5. when the drawn kind has nothing left for this labeller, the other kind is tried.
 */

export type ServeKind = 'qualification' | 'q' | 'work';

/** Statuses of a map that count towards a site's need, that are in progress, that count against the labeller. */
export const COUNTED_STATUSES = ['submitted', 'approved'] as const;
export const PENDING_STATUSES = ['assigned'] as const;
export const RETURNED_STATUSES = ['returned', 'abandoned'] as const;
export const NOT_COUNTED_STATUSES = ['untrusted', 'rejected'] as const;

export function neededMaps(cls: 1 | 2 | 4, labellersPerClass4: number): number {
  return cls === 1 ? 0 : cls === 2 ? 1 : Math.max(1, labellersPerClass4);
}

export interface MapCounts {
  counted: number;
  pending: number;
  notCounted: number;
  returned: number;
}

export function mapCounts(statuses: readonly string[]): MapCounts {
  const c: MapCounts = { counted: 0, pending: 0, notCounted: 0, returned: 0 };
  for (const s of statuses) {
    if ((COUNTED_STATUSES as readonly string[]).includes(s)) c.counted++;
    else if ((PENDING_STATUSES as readonly string[]).includes(s)) c.pending++;
    else if ((RETURNED_STATUSES as readonly string[]).includes(s)) c.returned++;
    else c.notCounted++;
  }
  return c;
}

export function remainingMaps(cls: 1 | 2 | 4, counts: Pick<MapCounts, 'counted' | 'pending'>, labellersPerClass4: number): number {
  return Math.max(0, neededMaps(cls, labellersPerClass4) - counts.counted - counts.pending);
}

/** A site that could be served as work: its remaining maps and creation order. */
export interface WorkCandidate {
  siteId: string;
  remaining: number;
  /** creation order (older = smaller) */
  seq: number;
}

/** Fewest remaining first, then oldest, then id: the order the SQL of the scheduler implements. */
export function compareWork(a: WorkCandidate, b: WorkCandidate): number {
  return a.remaining - b.remaining || a.seq - b.seq || (a.siteId < b.siteId ? -1 : a.siteId > b.siteId ? 1 : 0);
}

export function pickWork(candidates: readonly WorkCandidate[]): WorkCandidate | null {
  let best: WorkCandidate | null = null;
  for (const c of candidates) if (c.remaining > 0 && (best === null || compareWork(c, best) < 0)) best = c;
  return best;
}

export type QualificationState = 'none' | 'pending' | 'passed' | 'failed';

export interface QualificationInput {
  /** sites in the qualification set */
  total: number;
  /** one entry per qualification site the labeller finished: its score, 0 when returned or abandoned, null while not scored */
  results: readonly (number | null)[];
  /** a staff decision, overriding the computed state */
  override?: 'passed' | 'failed' | null;
  passScore: number;
}

export interface QualificationOutcome {
  state: QualificationState;
  done: number;
  total: number;
  meanScore: number | null;
}

export function qualificationOutcome(q: QualificationInput): QualificationOutcome {
  const done = q.results.length;
  const scored = q.results.filter((r): r is number => typeof r === 'number' && Number.isFinite(r));
  const meanScore = scored.length > 0 ? scored.reduce((a, b) => a + b, 0) / scored.length : null;
  if (q.override) return { state: q.override, done, total: q.total, meanScore };
  if (q.total === 0) return { state: 'none', done, total: 0, meanScore };
  if (done < q.total || scored.length < done) return { state: 'pending', done, total: q.total, meanScore };
  return { state: meanScore !== null && meanScore >= q.passScore ? 'passed' : 'failed', done, total: q.total, meanScore };
}

/** May this labeller get real (Q / F / N) work? */
export function mayWork(state: QualificationState): boolean {
  return state === 'none' || state === 'passed';
}

export interface KindInput {
  /** a uniform draw in [0, 1) */
  draw: number;
  qRate: number;
  qAvailable: boolean;
  workAvailable: boolean;
}

/** The kind of task a (qualified) labeller gets: Q with probability qRate, else work; the other when one is exhausted. */
export function chooseKind(k: KindInput): 'q' | 'work' | null {
  const wantQ = k.draw < k.qRate;
  if (wantQ && k.qAvailable) return 'q';
  if (k.workAvailable) return 'work';
  if (k.qAvailable) return 'q';
  return null;
}

/** When a task given out now falls due: ISO time `hours` after `now`. */
export function dueAt(now: Date, hours: number): string {
  return new Date(now.getTime() + hours * 3_600_000).toISOString();
}

export type SiteState = 'open' | 'in_progress' | 'complete' | 'quality_control' | 'closed';

/** A site's state for the supervisor: Class 1 is quality control; others complete once enough maps count. */
export function siteState(cls: 1 | 2 | 4, open: boolean, counts: Pick<MapCounts, 'counted' | 'pending'>, labellersPerClass4: number): SiteState {
  if (!open) return 'closed';
  if (cls === 1) return 'quality_control';
  const needed = neededMaps(cls, labellersPerClass4);
  if (counts.counted >= needed) return 'complete';
  return counts.counted + counts.pending >= needed ? 'in_progress' : 'open';
}
