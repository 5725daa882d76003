/**
 * `fieldmark score --db`: scores every finished Class 1 assignment against its site's reference
 * labels (DOMAIN.md 2, src/common/quality/score-assignment.ts) with the campaign's categories
 * and weights, stores one `scores` row each, and aggregates per labeller:
 *   score = mean of their Class 1 scores, fieldSkill = sum tp / sum (tp + fn),
 *   noFieldSkill = sum tn / sum (tn + fp) (pooled areas; null when the denominator is 0), n.
 * Unless `applyRules` is false it then applies the campaign's rules (src/common/quality/
 * running-quality.ts): a Class 1 assignment scoring below `rejectBelow` is 'rejected', else
 * 'approved' (not where a supervisor has reviewed it); a Class 2/4 map submitted while its
 * labeller's running quality was below `trustThreshold` becomes 'untrusted'.
 * Everything is computed first and written in one transaction: a failure writes nothing.
 * A site with no reference labels is scored as a site without fields (and listed in `notes`).
 */
import type { AssignmentScores } from '../../common/api/contract';
import type { RoiConfusion } from '../../common/consensus';
import { scoreAssignment, type Feature, type ScoreResult } from '../../common/quality';
import type { ScoreGroup } from './score-group';
import { runScoreGroups } from './score-pool';
import { DEFAULT_EDGE_TOLERANCE_M } from '../../common/quality';
import type { Polygon } from '../../common/geo/geojson';
import type { Db } from '../store/database';
import { applyTrustRules } from './labeller-quality';
import { assertFinite, campaignSettings, featuresByAssignment, metricsOf, pooledSkills, referenceBySite, toScores, unsureCategories } from './store-io';

export const SCORED_STATUSES = ['submitted', 'approved', 'rejected'] as const;

export interface ScoreCampaignOptions {
  edgeToleranceM?: number;
  pixelM?: number;
  /** apply the reject / untrusted rules to assignment statuses (default true) */
  applyRules?: boolean;
  onProgress?: (done: number, total: number) => void;
  /** receives each assignment's scoring time in ms (benchmarks) */
  timings?: number[];
  /** worker threads (default 1: this thread; the CLI uses one per core) */
  threads?: number;
  now?: string;
}

export interface ScoredAssignment extends AssignmentScores {
  assignmentId: number;
  siteId: string;
  labellerId: string;
  status: string;
}

export interface LabellerAggregate {
  id: string;
  score: number;
  fieldSkill: number | null;
  noFieldSkill: number | null;
  n: number;
}

export interface ScoreCampaignResult {
  assignments: ScoredAssignment[];
  labellers: LabellerAggregate[];
  /** labellers with finished work but no scored Class 1 assignment */
  unscored: string[];
  rejected: number;
  approved: number;
  untrusted: number;
  skipped: { assignmentId: number; reason: string }[];
  notes: string[];
}

interface Job {
  id: number;
  siteId: string;
  labellerId: string;
  status: string;
  cell: Polygon | null;
}

export async function scoreCampaign(db: Db, opts: ScoreCampaignOptions = {}): Promise<ScoreCampaignResult> {
  const settings = campaignSettings(db);
  const tol = opts.edgeToleranceM ?? DEFAULT_EDGE_TOLERANCE_M;
  const now = opts.now ?? new Date().toISOString();
  const statuses = SCORED_STATUSES.map(() => '?').join(',');
  const where = `s.campaign_id = ? AND s.cls = 1 AND a.status IN (${statuses})`;
  const params = [settings.campaignId, ...SCORED_STATUSES];
  const jobs = (
    db
      .prepare(
        `SELECT a.id, a.site_id AS siteId, a.labeller_id AS labellerId, a.status, s.cell
           FROM assignments a JOIN sites s ON s.id = a.site_id WHERE ${where} ORDER BY a.site_id, a.id`,
      )
      .all(...params) as (Omit<Job, 'cell'> & { cell: string })[]
  ).map((r) => ({ ...r, cell: parseCell(r.cell) }));
  const labels = featuresByAssignment(db, where, params);
  const refs = referenceBySite(db, 's.campaign_id = ? AND s.cls = 1', [settings.campaignId]);

  const notes: string[] = [];
  const noRef = new Set<string>();
  const groups: ScoreGroup[] = [];
  for (const job of jobs) {
    let g = groups[groups.length - 1];
    if (!g || g.siteId !== job.siteId) {
      const reference: Feature[] = refs.get(job.siteId) ?? [];
      if (reference.length === 0) noRef.add(job.siteId);
      groups.push((g = { siteId: job.siteId, cell: job.cell, reference, jobs: [] }));
    }
    g.jobs.push({ id: job.id, labels: labels.get(job.id) ?? [] });
  }
  let done = 0;
  const byId = new Map(jobs.map((j) => [j.id, j]));
  const out = await runScoreGroups(
    groups,
    { categories: settings.categories, weights: settings.weights, edgeToleranceM: tol, unsure: unsureCategories(settings.categories), ...(opts.pixelM ? { pixelM: opts.pixelM } : {}) },
    opts.threads ?? 1,
    (g) => opts.onProgress?.((done += g.length), jobs.length),
  );
  const skipped: ScoreCampaignResult['skipped'] = [];
  const results: { job: Job; r: ScoreResult; roi: RoiConfusion }[] = [];
  for (const res of out.flat()) {
    if (!res.ok) {
      skipped.push({ assignmentId: res.id, reason: res.reason });
      continue;
    }
    assertFinite(toScores(res.r), `assignment ${res.id}`);
    results.push({ job: byId.get(res.id)!, r: res.r, roi: res.roi });
    opts.timings?.push(res.ms);
  }
  if (noRef.size > 0) notes.push(`${noRef.size} Class 1 site(s) have no reference labels and were scored as sites without fields: ${[...noRef].slice(0, 10).join(', ')}${noRef.size > 10 ? ', ...' : ''}`);
  if (skipped.length > 0) notes.push(`${skipped.length} assignment(s) could not be scored (see skipped)`);

  let rules = { rejected: 0, approved: 0, untrusted: 0 };
  db.transaction(() => {
    const ins = db.prepare(
      `INSERT OR REPLACE INTO scores (assignment_id, computed_at, score, area, fragmentation, edge, legacy_edge, categorical, field_skill, no_field_skill, metrics)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    for (const { job, r, roi } of results) {
      const metrics = metricsOf(r, tol, roi);
      assertFinite(metrics, `assignment ${job.id} metrics`);
      ins.run(job.id, now, r.score, r.area, r.fragmentation, r.edge, r.legacyEdge, r.categorical, r.fieldSkill, r.noFieldSkill, JSON.stringify(metrics));
    }
    if (opts.applyRules !== false) rules = applyTrustRules(db, settings);
  }).immediate();

  const statusOf = new Map<number, string>(
    (db.prepare(`SELECT a.id, a.status FROM assignments a JOIN sites s ON s.id = a.site_id WHERE s.campaign_id = ? AND s.cls = 1`).all(settings.campaignId) as { id: number; status: string }[]).map((r) => [r.id, r.status]),
  );
  const assignments: ScoredAssignment[] = results.map(({ job, r }) => ({
    assignmentId: job.id,
    siteId: job.siteId,
    labellerId: job.labellerId,
    status: statusOf.get(job.id) ?? job.status,
    ...toScores(r),
  }));
  const labellers = aggregate(results);
  const scoredIds = new Set(labellers.map((l) => l.id));
  const unscored = (
    db
      .prepare(
        `SELECT DISTINCT a.labeller_id FROM assignments a JOIN sites s ON s.id = a.site_id
          WHERE s.campaign_id = ? AND a.status != 'assigned' ORDER BY a.labeller_id`,
      )
      .pluck()
      .all(settings.campaignId) as string[]
  ).filter((id) => !scoredIds.has(id));
  return { assignments, labellers, unscored, ...rules, skipped, notes };
}

function aggregate(results: { job: Job; r: ScoreResult }[]): LabellerAggregate[] {
  const by = new Map<string, { sum: number; n: number; tp: number; fp: number; fn: number; tn: number }>();
  for (const { job, r } of results) {
    let a = by.get(job.labellerId);
    if (!a) by.set(job.labellerId, (a = { sum: 0, n: 0, tp: 0, fp: 0, fn: 0, tn: 0 }));
    a.sum += r.score;
    a.n++;
    a.tp += r.areas.tp;
    a.fp += r.areas.fp;
    a.fn += r.areas.fn;
    a.tn += r.areas.tn;
  }
  return [...by.entries()]
    .map(([id, a]) => ({ id, score: a.sum / a.n, ...pooledSkills(a), n: a.n }))
    .sort((x, y) => y.score - x.score || x.id.localeCompare(y.id));
}

function parseCell(text: string): Polygon | null {
  try {
    const g = JSON.parse(text) as Polygon;
    return g && g.type === 'Polygon' && Array.isArray(g.coordinates) ? g : null;
  } catch {
    return null;
  }
}

/** Scores one assignment now (not stored): for feedback before `fieldmark score` has run. */
export function scoreOneAssignment(db: Db, cell: Polygon, reference: Feature[], labels: Feature[]): ScoreResult {
  const settings = campaignSettings(db);
  return scoreAssignment({ reference, labels, cell, categories: settings.categories, weights: settings.weights });
}
