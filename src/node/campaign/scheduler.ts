/**
 * The database side of scheduling (rules: src/common/scheduling/rules.ts). One request = one
 * `BEGIN IMMEDIATE` transaction: overdue tasks are abandoned, the labeller's open task is reused,
 * else the qualification / Q / work decision is taken and the assignment inserted, so two
 * labellers asking at once (threads, processes) never get the same single-map site, and the
 * UNIQUE (site_id, labeller_id) of `assignments` makes "the same site twice for one labeller"
 * impossible at the storage level too.
 */
import { ApiError } from '../../common/api/errors';
import { chooseKind, dueAt, mayWork, pickWork, type ServeKind, type WorkCandidate } from '../../common/scheduling/rules';
import type { Db } from '../store/database';
import { qualificationStatus } from './qualification';
import { ensureScored } from './scoring';
import { campaignRules, type CampaignRules } from './settings';

export interface ScheduleOptions {
  /** uniform [0, 1) draws (tests pass a seeded one) */
  random?: () => number;
  now?: Date;
  /** deadline of the new task, hours (default: the campaign's taskTimeoutHours) */
  hours?: number;
}

/** Marks tasks still 'assigned' after their deadline as 'abandoned' (counts as returned). */
export function abandonOverdue(db: Db, now = new Date()): number {
  return db.prepare("UPDATE assignments SET status = 'abandoned', submitted_at = due_at WHERE status = 'assigned' AND due_at IS NOT NULL AND due_at < ?").run(now.toISOString()).changes;
}

function nextQualificationSite(db: Db, labellerId: string): string | null {
  return (
    (db
      .prepare(
        `SELECT q.site_id FROM qualification_sites q JOIN sites s ON s.id = q.site_id
          WHERE s.status = 'open' AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.site_id = q.site_id AND a.labeller_id = ?)
          ORDER BY q.position LIMIT 1`,
      )
      .pluck()
      .get(labellerId) as string | undefined) ?? null
  );
}

/** Oldest Class 1 site (not in the qualification set) this labeller has never had. */
function nextQSite(db: Db, r: CampaignRules, labellerId: string): string | null {
  return (
    (db
      .prepare(
        `SELECT s.id FROM sites s
          WHERE s.campaign_id = ? AND s.cls = 1 AND s.status = 'open'
            AND NOT EXISTS (SELECT 1 FROM qualification_sites q WHERE q.site_id = s.id)
            AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.site_id = s.id AND a.labeller_id = ?)
          ORDER BY s.rowid LIMIT 1`,
      )
      .pluck()
      .get(r.campaignId, labellerId) as string | undefined) ?? null
  );
}

/**
 * The Class 2/4 site with the fewest remaining maps (> 0), then oldest: rules.ts `compareWork`.
 * `sites.active_maps` (assigned + submitted + approved, kept by triggers) makes each probe one
 * index range in creation order: Class 2 with 0 active (remaining 1), Class 4 with k active
 * (remaining n - k), the fewest remaining first.
 */
function nextWorkSite(db: Db, r: CampaignRules, labellerId: string): string | null {
  const n4 = Math.max(1, r.labellersPerClass4);
  const probe = db.prepare(
    `SELECT s.id, s.rowid AS seq FROM sites s INDEXED BY sites_work
      WHERE s.campaign_id = ? AND s.cls = ? AND s.status = 'open' AND s.active_maps = ?
        AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.site_id = s.id AND a.labeller_id = ?)
      ORDER BY s.rowid LIMIT 1`,
  );
  const candidates: WorkCandidate[] = [];
  const two = probe.get(r.campaignId, 2, 0, labellerId) as { id: string; seq: number } | undefined;
  if (two) candidates.push({ siteId: two.id, remaining: 1, seq: two.seq });
  for (let active = n4 - 1; active >= 0; active--) {
    const four = probe.get(r.campaignId, 4, active, labellerId) as { id: string; seq: number } | undefined;
    if (four) {
      candidates.push({ siteId: four.id, remaining: n4 - active, seq: four.seq });
      break; // the fewest remaining Class 4 site; more active ones were probed first
    }
  }
  return pickWork(candidates)?.siteId ?? null;
}

function insertTask(db: Db, siteId: string, labellerId: string, kind: ServeKind, now: Date, hours: number): number {
  const info = db
    .prepare("INSERT INTO assignments (site_id, labeller_id, status, started_at, submitted_at, due_at, served_as) VALUES (?, ?, 'assigned', ?, NULL, ?, ?)")
    .run(siteId, labellerId, now.toISOString(), dueAt(now, hours), kind);
  return Number(info.lastInsertRowid);
}

export interface Served {
  assignmentId: number;
  kind: ServeKind | 'open';
}

/** Inside the caller's transaction: one new task for the labeller, or null when nothing is left. */
function scheduleOne(db: Db, r: CampaignRules, labellerId: string, random: () => number, now: Date, hours: number): Served | null {
  const qual = qualificationStatus(db, labellerId, r.qualificationPassScore);
  if (qual.state === 'failed') {
    throw new ApiError(
      'CONFLICT',
      `you did not pass the qualification (mean score ${qual.meanScore === null ? 'n/a' : qual.meanScore.toFixed(2)} < ${qual.passScore}): ask a supervisor`,
      { qualification: qual },
    );
  }
  if (!mayWork(qual.state)) {
    const site = nextQualificationSite(db, labellerId);
    return site ? { assignmentId: insertTask(db, site, labellerId, 'qualification', now, hours), kind: 'qualification' } : null;
  }
  const draw = random();
  const q = nextQSite(db, r, labellerId);
  const work = nextWorkSite(db, r, labellerId);
  const kind = chooseKind({ draw, qRate: r.qRate, qAvailable: q !== null, workAvailable: work !== null });
  if (kind === null) return null;
  const site = kind === 'q' ? q! : work!;
  return { assignmentId: insertTask(db, site, labellerId, kind, now, hours), kind };
}

/**
 * A labeller's next task: their oldest open one, else a new one by the rules (null when the
 * campaign has nothing left for them). Their finished Class 1 maps are scored first, so
 * qualification and trust are current.
 */
export function requestTask(db: Db, labellerId: string, opts: ScheduleOptions = {}): Served | null {
  return requestTaskThen(db, labellerId, opts, (s) => s);
}

/**
 * requestTask, and `then` in the same transaction (the service opens the task there: one commit,
 * one fsync, for scheduling and the task's history base).
 */
export function requestTaskThen<T>(db: Db, labellerId: string, opts: ScheduleOptions, then: (served: Served | null) => T): T {
  ensureScored(db, { labellerId });
  const r = campaignRules(db);
  const now = opts.now ?? new Date();
  return db
    .transaction((): T => {
      abandonOverdue(db, now);
      const open = db
        .prepare("SELECT id FROM assignments WHERE labeller_id = ? AND status = 'assigned' ORDER BY started_at, id LIMIT 1")
        .pluck()
        .get(labellerId) as number | undefined;
      if (open !== undefined) return then({ assignmentId: open, kind: 'open' });
      return then(scheduleOne(db, r, labellerId, opts.random ?? Math.random, now, opts.hours ?? r.taskTimeoutHours));
    })
    .immediate();
}

/**
 * Up to `n` tasks for an offline package: the labeller's open tasks first, then new ones by the
 * rules; every one gets the package deadline. Qualification tasks are served one at a time
 * online only (their result decides what comes next), so a labeller still qualifying gets those.
 */
export function takeTasks(db: Db, labellerId: string, n: number, opts: ScheduleOptions = {}): { ids: number[]; due: string } {
  ensureScored(db, { labellerId });
  const r = campaignRules(db);
  const now = opts.now ?? new Date();
  const hours = opts.hours ?? r.offlineTimeoutHours;
  const due = dueAt(now, hours);
  return db
    .transaction(() => {
      abandonOverdue(db, now);
      const ids = (db.prepare("SELECT id FROM assignments WHERE labeller_id = ? AND status = 'assigned' ORDER BY started_at, id LIMIT ?").pluck().all(labellerId, n) as number[]).slice();
      const qualifying = !mayWork(qualificationStatus(db, labellerId, r.qualificationPassScore).state);
      while (ids.length < n && !(qualifying && ids.length > 0)) {
        const s = scheduleOne(db, r, labellerId, opts.random ?? Math.random, now, hours);
        if (!s) break;
        ids.push(s.assignmentId);
        if (s.kind === 'qualification') break;
      }
      const extend = db.prepare('UPDATE assignments SET due_at = ? WHERE id = ?');
      for (const id of ids) extend.run(due, id);
      return { ids, due };
    })
    .immediate();
}
