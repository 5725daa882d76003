/**
 * Labeller quality over time, from the database: each labeller's finished tasks in the order
 * they finished (coalesce(submitted_at, started_at), then id), with the stored Class 1 scores.
 * The rules themselves (running quality, trust, rejection, re-serving) are pure, in
 * src/common/quality/running-quality.ts; this module feeds them and applies them.
 */
import type { CategoryBreakdown, LabellerHistory, LabellerQuality, ScoreHistoryEntry } from '../../common/api/contract';
import { ApiError } from '../../common/api/errors';
import { isRejected, qualitySeries, reserveDecision, runningQuality, trustStatus, type FinishedTask, type ReserveDecision, type ServedMap, type TrustStatus } from '../../common/quality';
import type { CampaignSettings } from '../store/campaign.repo';
import type { Db } from '../store/database';
import { campaignSettings, parseMetrics, pooledSkills, scoresOfRow, type ScoreRow } from './store-io';

export interface TaskRow {
  id: number;
  siteId: string;
  labellerId: string;
  cls: 1 | 2 | 4;
  status: string;
  at: string;
  submittedAt: string | null;
  /** the stored score row (Class 1 only) */
  row: ScoreRow | null;
}

const RETURNED = new Set(['returned', 'abandoned']);

/** Finished tasks of one labeller (or all), chronological, grouped by labeller. */
export function loadTasks(db: Db, campaignId: string, labellerId?: string): Map<string, TaskRow[]> {
  const rows = db
    .prepare(
      `SELECT a.id, a.site_id AS siteId, a.labeller_id AS labellerId, s.cls, a.status, coalesce(a.submitted_at, a.started_at) AS at,
              a.submitted_at AS submittedAt, sc.assignment_id AS sc_id, sc.computed_at, sc.score, sc.area, sc.fragmentation, sc.edge,
              sc.legacy_edge, sc.categorical, sc.field_skill, sc.no_field_skill, sc.metrics
         FROM assignments a JOIN sites s ON s.id = a.site_id LEFT JOIN scores sc ON sc.assignment_id = a.id AND s.cls = 1
        WHERE s.campaign_id = ? AND a.status != 'assigned' ${labellerId !== undefined ? 'AND a.labeller_id = ?' : ''}
        ORDER BY a.labeller_id, at, a.id`,
    )
    .all(...(labellerId !== undefined ? [campaignId, labellerId] : [campaignId])) as (Omit<TaskRow, 'row'> & Partial<ScoreRow> & { sc_id: number | null })[];
  const out = new Map<string, TaskRow[]>();
  for (const r of rows) {
    const row: ScoreRow | null =
      r.sc_id !== null && r.sc_id !== undefined
        ? {
            assignment_id: r.sc_id,
            computed_at: r.computed_at!,
            score: r.score!,
            area: r.area!,
            fragmentation: r.fragmentation!,
            edge: r.edge!,
            legacy_edge: r.legacy_edge!,
            categorical: r.categorical!,
            field_skill: r.field_skill!,
            no_field_skill: r.no_field_skill!,
            metrics: r.metrics!,
          }
        : null;
    let list = out.get(r.labellerId);
    if (!list) out.set(r.labellerId, (list = []));
    list.push({ id: r.id, siteId: r.siteId, labellerId: r.labellerId, cls: r.cls, status: r.status, at: r.at, submittedAt: r.submittedAt, row });
  }
  return out;
}

export const finishedTask = (t: TaskRow): FinishedTask => ({ returned: RETURNED.has(t.status), score: t.row ? t.row.score : null });

/** Trust of the labeller just before each task: before[i] from tasks[0..i-1]. */
export function trustBefore(tasks: readonly TaskRow[], threshold: number): TrustStatus[] {
  const series = qualitySeries(tasks.map(finishedTask));
  return tasks.map((_, i) => (i === 0 ? 'unscored' : trustStatus(series[i - 1]!.quality, threshold)));
}

function pooled(tasks: readonly TaskRow[]): { fieldSkill: number | null; noFieldSkill: number | null } {
  const a = { tp: 0, fp: 0, fn: 0, tn: 0 };
  for (const t of tasks) {
    const m = t.row ? parseMetrics(t.row.metrics).areas : undefined;
    if (!m) continue;
    a.tp += m.tp;
    a.fp += m.fp;
    a.fn += m.fn;
    a.tn += m.tn;
  }
  return pooledSkills(a);
}

function summarize(id: string, name: string, tasks: readonly TaskRow[], s: CampaignSettings): LabellerQuality {
  const scored = tasks.filter((t) => t.row !== null);
  const rq = runningQuality(tasks.map(finishedTask));
  const mean = scored.length > 0 ? scored.reduce((a, t) => a + t.row!.score, 0) / scored.length : null;
  return {
    id,
    name,
    scored: scored.length,
    meanScore: mean,
    runningQuality: rq.quality,
    meanLast5: rq.meanLast5,
    returnRate: rq.returnRate,
    trust: trustStatus(rq.quality, s.trustThreshold),
    rejected: scored.filter((t) => isRejected(t.row!.score, s.rejectBelow)).length,
    ...pooled(scored),
    lastScoredAt: scored.length > 0 ? scored[scored.length - 1]!.at : null,
  };
}

function labellerNames(db: Db): Map<string, string> {
  return new Map((db.prepare('SELECT id, name FROM labellers').all() as { id: string; name: string }[]).map((r) => [r.id, r.name]));
}

/** Every labeller (role labeller, or anyone with finished work), by id. */
export function listLabellerQuality(db: Db): LabellerQuality[] {
  const s = campaignSettings(db);
  const tasks = loadTasks(db, s.campaignId);
  const people = db.prepare("SELECT id, name FROM labellers WHERE role = 'labeller' OR id IN (SELECT labeller_id FROM assignments) ORDER BY id").all() as { id: string; name: string }[];
  return people.map((p) => summarize(p.id, p.name, tasks.get(p.id) ?? [], s));
}

export function labellerHistory(db: Db, labellerId: string): LabellerHistory {
  const s = campaignSettings(db);
  const name = labellerNames(db).get(labellerId);
  if (name === undefined) throw new ApiError('NOT_FOUND', `no labeller ${labellerId}`);
  const tasks = loadTasks(db, s.campaignId, labellerId).get(labellerId) ?? [];
  const series = qualitySeries(tasks.map(finishedTask));
  const history: ScoreHistoryEntry[] = [];
  const comp = { area: 0, fragmentation: 0, edge: 0, legacyEdge: 0, categorical: 0 };
  const cats = new Map<string, { reference: number; labels: number; agree: number }>();
  tasks.forEach((t, i) => {
    if (!t.row) return;
    const scores = scoresOfRow(t.row);
    history.push({
      assignmentId: t.id,
      siteId: t.siteId,
      submittedAt: t.submittedAt,
      scores,
      rejected: isRejected(scores.score, s.rejectBelow),
      runningQuality: series[i]!.quality,
      trust: trustStatus(series[i]!.quality, s.trustThreshold),
    });
    comp.area += scores.area;
    comp.fragmentation += scores.fragmentation;
    comp.edge += scores.edge;
    comp.legacyEdge += scores.legacyEdge;
    comp.categorical += scores.categorical;
    for (const [c, v] of Object.entries(parseMetrics(t.row.metrics).byCategory ?? {})) {
      const acc = cats.get(c) ?? { reference: 0, labels: 0, agree: 0 };
      acc.reference += v.reference;
      acc.labels += v.labels;
      acc.agree += v.agree;
      cats.set(c, acc);
    }
  });
  const n = history.length;
  const categories: CategoryBreakdown[] = [...cats.entries()]
    .sort((a, b) => a[0].localeCompare(b[0]))
    .map(([category, v]) => ({
      category,
      referenceM2: v.reference,
      labelsM2: v.labels,
      agreeM2: v.agree,
      recall: v.reference > 0 ? v.agree / v.reference : null,
      precision: v.labels > 0 ? v.agree / v.labels : null,
    }));
  const byClass = { 1: 0, 2: 0, 4: 0 };
  for (const t of tasks) byClass[t.cls]++;
  return {
    ...summarize(labellerId, name, tasks, s),
    history,
    components: n > 0 ? { area: comp.area / n, fragmentation: comp.fragmentation / n, edge: comp.edge / n, legacyEdge: comp.legacyEdge / n, categorical: comp.categorical / n } : null,
    categories,
    tasks: { finished: tasks.length, returned: tasks.filter((t) => RETURNED.has(t.status)).length, byClass },
  };
}

/**
 * The campaign's rules on assignment statuses, inside the caller's transaction:
 * scored Class 1 work without a review -> 'rejected' below rejectBelow, else 'approved';
 * Class 2/4 work submitted while the labeller was untrusted -> 'untrusted' (and back to
 * 'submitted' when re-scoring makes it trusted).
 */
export function applyTrustRules(db: Db, s: CampaignSettings & { campaignId: string }): { rejected: number; approved: number; untrusted: number } {
  db.prepare(
    `UPDATE assignments SET status = CASE WHEN (SELECT score FROM scores WHERE assignment_id = assignments.id) < ? THEN 'rejected' ELSE 'approved' END
      WHERE status IN ('submitted', 'approved', 'rejected')
        AND id IN (SELECT sc.assignment_id FROM scores sc JOIN assignments a ON a.id = sc.assignment_id JOIN sites s ON s.id = a.site_id WHERE s.campaign_id = ? AND s.cls = 1)
        AND NOT EXISTS (SELECT 1 FROM reviews r WHERE r.assignment_id = assignments.id)`,
  ).run(s.rejectBelow, s.campaignId);
  const set = db.prepare('UPDATE assignments SET status = ? WHERE id = ?');
  let untrusted = 0;
  for (const tasks of loadTasks(db, s.campaignId).values()) {
    const before = trustBefore(tasks, s.trustThreshold);
    tasks.forEach((t, i) => {
      if (t.cls === 1 || (t.status !== 'submitted' && t.status !== 'untrusted')) return;
      const want = before[i] === 'untrusted' ? 'untrusted' : 'submitted';
      if (want === 'untrusted') untrusted++;
      if (want !== t.status) set.run(want, t.id);
    });
  }
  const count = (status: string): number =>
    db.prepare('SELECT count(*) FROM assignments a JOIN sites s ON s.id = a.site_id WHERE s.campaign_id = ? AND s.cls = 1 AND a.status = ?').pluck().get(s.campaignId, status) as number;
  return { rejected: count('rejected'), approved: count('approved'), untrusted };
}

/** Must this site be served to someone else? (the re-serving rule, with trust at submission) */
export function siteReserve(db: Db, siteId: string): ReserveDecision & { siteId: string; cls: 1 | 2 | 4 } {
  const s = campaignSettings(db);
  const site = db.prepare('SELECT cls FROM sites WHERE id = ?').get(siteId) as { cls: 1 | 2 | 4 } | undefined;
  if (!site) throw new ApiError('NOT_FOUND', `no site ${siteId}`);
  const work = db.prepare('SELECT id, labeller_id AS labellerId, status FROM assignments WHERE site_id = ?').all(siteId) as { id: number; labellerId: string; status: string }[];
  const maps: ServedMap[] = work.map((w) => {
    if (w.status === 'assigned') return { labellerId: w.labellerId, status: w.status, trustAtSubmission: null };
    const tasks = loadTasks(db, s.campaignId, w.labellerId).get(w.labellerId) ?? [];
    const i = tasks.findIndex((t) => t.id === w.id);
    return { labellerId: w.labellerId, status: w.status, trustAtSubmission: i >= 0 ? trustBefore(tasks, s.trustThreshold)[i]! : null };
  });
  return { siteId, cls: site.cls, ...reserveDecision(site.cls, maps, s.labellersPerClass4) };
}

/** One labeller's Class 1 history as consensus weights and priors. */
export interface HistoryWeight {
  /** mean Class 1 score */
  q: number;
  /** pooled over the cells (DOMAIN.md 2): the Bayes weights */
  fieldSkill: number | null;
  noFieldSkill: number | null;
  /** pooled inside STAPLE's region of interest (roi-skill.ts): STAPLE's priors */
  stapleFieldSkill: number | null;
  stapleNoFieldSkill: number | null;
  n: number;
}

/** Each labeller's Class 1 history: Q = mean score, pooled skills (cell and region of interest). */
export function historyWeights(db: Db, campaignId: string): Map<string, HistoryWeight> {
  const out = new Map<string, HistoryWeight>();
  for (const [id, tasks] of loadTasks(db, campaignId)) {
    const scored = tasks.filter((t) => t.row !== null);
    if (scored.length === 0) continue;
    const roi = { tp: 0, fp: 0, fn: 0, tn: 0 };
    for (const t of scored) {
      const m = parseMetrics(t.row!.metrics).stapleRoi;
      if (!m) continue;
      roi.tp += m.tp;
      roi.fp += m.fp;
      roi.fn += m.fn;
      roi.tn += m.tn;
    }
    const rs = pooledSkills(roi);
    out.set(id, {
      q: scored.reduce((a, t) => a + t.row!.score, 0) / scored.length,
      ...pooled(scored),
      stapleFieldSkill: rs.fieldSkill,
      stapleNoFieldSkill: rs.noFieldSkill,
      n: scored.length,
    });
  }
  return out;
}
