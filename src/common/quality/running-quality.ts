/**
 * Labeller quality over time (DOMAIN.md 1, "Trust"), pure.
 *
 * A labeller's tasks in the order they finished (submitted, returned or abandoned; tasks still
 * in progress are left out). A task carries its Class 1 score when it is a scored Class 1 task.
 *
 *   meanLast5     = mean of the last 5 Class 1 scores                    (null when none yet)
 *   returnRate    = #(returned or abandoned among the last 10 tasks) / #(those tasks)  (0 when none)
 *   running quality Q = meanLast5 - returnRate                           (null when no score yet)
 *   rejected      : a Class 1 score < rejectBelow (0.4)
 *   trust         : 'unscored' when Q is null, 'untrusted' when Q < trustThreshold (0.45),
 *                   else 'trusted'
 * Re-serving (reserveDecision): a Class 2 site needs 1 trusted map, a Class 4 site
 * `labellersPerClass4` (3) of them. A map counts when it was submitted (or approved) by a
 * labeller who was not untrusted at submission (an 'unscored' labeller counts: nothing is known
 * against them yet) and its status is not 'untrusted' or 'rejected'; maps in progress count as
 * pending. The site is re-served while counted + pending < needed. Class 1 sites are served to
 * every labeller by the Q rate and are never re-served by this rule.
 */
export const RUNNING_SCORE_WINDOW = 5;
export const RETURN_WINDOW = 10;
export const DEFAULT_TRUST_THRESHOLD = 0.45;
export const DEFAULT_REJECT_BELOW = 0.4;

export type TrustStatus = 'trusted' | 'untrusted' | 'unscored';

export interface FinishedTask {
  /** the task was returned or abandoned (counts against the labeller) */
  returned: boolean;
  /** the Class 1 score, when this is a scored Class 1 task */
  score?: number | null;
}

export interface RunningQuality {
  quality: number | null;
  meanLast5: number | null;
  returnRate: number;
  /** Class 1 scores so far */
  scored: number;
  /** tasks in the return-rate window */
  window: number;
}

export interface QualityOptions {
  scoreWindow?: number;
  returnWindow?: number;
}

const finite = (v: number | null | undefined): v is number => typeof v === 'number' && Number.isFinite(v);

/** Running quality after the given tasks (oldest first). */
export function runningQuality(tasks: readonly FinishedTask[], opts: QualityOptions = {}): RunningQuality {
  const sw = opts.scoreWindow ?? RUNNING_SCORE_WINDOW;
  const rw = opts.returnWindow ?? RETURN_WINDOW;
  const last: number[] = [];
  let scored = 0;
  for (let i = tasks.length - 1; i >= 0; i--) {
    const s = tasks[i]!.score;
    if (!finite(s)) continue;
    scored++;
    if (last.length < sw) last.push(s);
  }
  const recent = tasks.slice(Math.max(0, tasks.length - rw));
  const returned = recent.filter((t) => t.returned).length;
  const returnRate = recent.length > 0 ? returned / recent.length : 0;
  const meanLast5 = last.length > 0 ? last.reduce((a, b) => a + b, 0) / last.length : null;
  return { quality: meanLast5 === null ? null : meanLast5 - returnRate, meanLast5, returnRate, scored, window: recent.length };
}

/** Running quality after each task: series[i] = runningQuality(tasks[0..i]). O(n * windows). */
export function qualitySeries(tasks: readonly FinishedTask[], opts: QualityOptions = {}): RunningQuality[] {
  const sw = opts.scoreWindow ?? RUNNING_SCORE_WINDOW;
  const rw = opts.returnWindow ?? RETURN_WINDOW;
  const out: RunningQuality[] = [];
  const scores: number[] = [];
  for (let i = 0; i < tasks.length; i++) {
    const s = tasks[i]!.score;
    if (finite(s)) scores.push(s);
    const last = scores.slice(Math.max(0, scores.length - sw));
    const from = Math.max(0, i + 1 - rw);
    let returned = 0;
    for (let k = from; k <= i; k++) if (tasks[k]!.returned) returned++;
    const returnRate = returned / (i + 1 - from);
    const meanLast5 = last.length > 0 ? last.reduce((a, b) => a + b, 0) / last.length : null;
    out.push({ quality: meanLast5 === null ? null : meanLast5 - returnRate, meanLast5, returnRate, scored: scores.length, window: i + 1 - from });
  }
  return out;
}

export function trustStatus(quality: number | null, threshold = DEFAULT_TRUST_THRESHOLD): TrustStatus {
  if (quality === null || !Number.isFinite(quality)) return 'unscored';
  return quality < threshold ? 'untrusted' : 'trusted';
}

export function isRejected(score: number, rejectBelow = DEFAULT_REJECT_BELOW): boolean {
  return score < rejectBelow;
}

/** One map served for a site, as the re-serving rule sees it. */
export interface ServedMap {
  labellerId: string;
  status: string;
  /** the labeller's trust when they submitted (null: not submitted yet) */
  trustAtSubmission: TrustStatus | null;
}

export interface ReserveDecision {
  reserve: boolean;
  needed: number;
  /** trusted finished maps */
  counted: number;
  /** maps in progress */
  pending: number;
  /** labellers whose finished map does not count because they were untrusted */
  untrusted: string[];
}

const FINISHED = new Set(['submitted', 'approved']);

export function reserveDecision(cls: 1 | 2 | 4, maps: readonly ServedMap[], labellersPerClass4 = 3): ReserveDecision {
  const needed = cls === 1 ? 0 : cls === 2 ? 1 : Math.max(1, labellersPerClass4);
  let counted = 0;
  let pending = 0;
  const untrusted: string[] = [];
  for (const m of maps) {
    if (m.status === 'assigned') pending++;
    else if (m.status === 'untrusted' || (FINISHED.has(m.status) && m.trustAtSubmission === 'untrusted')) untrusted.push(m.labellerId);
    else if (FINISHED.has(m.status)) counted++;
  }
  return { reserve: cls !== 1 && counted + pending < needed, needed, counted, pending, untrusted };
}

/** Mean, sample standard deviation (null below 2 values) and count. */
export function describeSample(values: readonly number[]): { n: number; mean: number | null; sd: number | null } {
  const v = values.filter((x) => Number.isFinite(x));
  const n = v.length;
  if (n === 0) return { n, mean: null, sd: null };
  const mean = v.reduce((a, b) => a + b, 0) / n;
  if (n < 2) return { n, mean, sd: null };
  let ss = 0;
  for (const x of v) ss += (x - mean) * (x - mean);
  return { n, mean, sd: Math.sqrt(ss / (n - 1)) };
}
