/**
 * Supervisor review: the queue ranked by risk (src/common/scheduling/review.ts), ratings with the
 * 0-4 rubric, and what a rating does. A pass (2-4) approves the map, a fail (0-1) rejects it: a
 * rejected Class 2/4 map no longer counts, so its site goes back to the pool; a reviewed Class 1
 * map keeps the review's status when `fieldmark score` runs again. The labeller's review figures
 * (n, passed, pass rate, mean rating) are in their record (listLabellerTable).
 */
import type { ListReviewsFilter, ReviewInput, ReviewQueueFilter, ReviewQueueItem, ReviewRecord, ReviewResult, SiteClass } from '../../common/api/contract';
import type { Caller } from '../../common/api/contract';
import { ApiError } from '../../common/api/errors';
import { compareQueue, mapReviewRisk, reviewFigures, reviewPasses, siteReviewRisk } from '../../common/scheduling/review';
import { listLabellerQuality } from '../quality/labeller-quality';
import type { Db } from '../store/database';
import { assignmentSummary } from '../tasks/task-access';
import { campaignRules } from './settings';

const FINISHED = "('submitted','approved','rejected','untrusted')";

interface MapRow {
  id: number;
  siteId: string;
  cls: SiteClass;
  labellerId: string;
  labellerName: string;
  status: string;
  score: number | null;
  lastRating: number | null;
}

/** Class 4 consensus per site: bayes preferred, else any method. */
export function consensusBySite(db: Db, campaignId: string): Map<string, { meanRisk: number; riskyFraction: number }> {
  const rows = db
    .prepare(
      `SELECT c.site_id, c.method, c.mean_risk, c.risky_fraction FROM consensus_results c JOIN sites s ON s.id = c.site_id
        WHERE s.campaign_id = ? ORDER BY c.site_id, CASE c.method WHEN 'bayes' THEN 0 WHEN 'staple' THEN 1 ELSE 2 END`,
    )
    .all(campaignId) as { site_id: string; mean_risk: number; risky_fraction: number }[];
  const out = new Map<string, { meanRisk: number; riskyFraction: number }>();
  for (const r of rows) if (!out.has(r.site_id)) out.set(r.site_id, { meanRisk: r.mean_risk, riskyFraction: r.risky_fraction });
  return out;
}

export function listReviewQueue(db: Db, filter: ReviewQueueFilter = {}): ReviewQueueItem[] {
  const rules = campaignRules(db);
  const maps = db
    .prepare(
      `SELECT a.id, a.site_id AS siteId, s.cls, a.labeller_id AS labellerId, l.name AS labellerName, a.status, sc.score,
              (SELECT r.rating FROM reviews r WHERE r.assignment_id = a.id ORDER BY r.id DESC LIMIT 1) AS lastRating
         FROM assignments a JOIN sites s ON s.id = a.site_id JOIN labellers l ON l.id = a.labeller_id
         LEFT JOIN scores sc ON sc.assignment_id = a.id
        WHERE s.campaign_id = ? AND a.status IN ${FINISHED} ORDER BY a.site_id, a.id`,
    )
    .all(rules.campaignId) as MapRow[];
  const quality = new Map(listLabellerQuality(db).map((q) => [q.id, q.runningQuality]));
  const consensus = consensusBySite(db, rules.campaignId);
  const brief = (m: MapRow) => ({ id: m.id, labellerId: m.labellerId, labellerName: m.labellerName, status: m.status, score: m.score, lastRating: m.lastRating });
  const items: ReviewQueueItem[] = [];
  const bySite = new Map<string, MapRow[]>();
  for (const m of maps) {
    if (m.cls === 4) {
      const list = bySite.get(m.siteId) ?? [];
      list.push(m);
      bySite.set(m.siteId, list);
      continue;
    }
    const untrusted = m.status === 'untrusted';
    const risk = mapReviewRisk({ cls: m.cls, score: m.score, labellerQuality: quality.get(m.labellerId) ?? null, untrusted });
    const reason =
      m.cls === 1
        ? m.score === null
          ? 'quality-control map, not scored yet'
          : `quality-control score ${m.score.toFixed(2)}${m.score < rules.rejectBelow ? ' (below the rejection threshold)' : ''}`
        : untrusted
          ? "untrusted: the labeller's running quality was below the trust threshold"
          : "single map: risk from the labeller's running quality";
    items.push({ kind: 'assignment', siteId: m.siteId, cls: m.cls, risk, reason, meanRisk: null, riskyFraction: null, assignments: [brief(m)], reviewed: m.lastRating !== null });
  }
  for (const [siteId, list] of bySite) {
    const c = consensus.get(siteId) ?? null;
    items.push({
      kind: 'site',
      siteId,
      cls: 4,
      risk: siteReviewRisk(c?.meanRisk ?? null, c?.riskyFraction ?? null),
      reason: c ? `consensus mean risk ${c.meanRisk.toFixed(3)}, risky fraction ${c.riskyFraction.toFixed(2)}` : `${list.length} map(s), no consensus yet (run \`fieldmark consensus --db\`)`,
      meanRisk: c?.meanRisk ?? null,
      riskyFraction: c?.riskyFraction ?? null,
      assignments: list.map(brief),
      reviewed: list.every((m) => m.lastRating !== null),
    });
  }
  return items
    .filter((i) => (filter.includeReviewed || !i.reviewed) && (!filter.kind || i.kind === filter.kind))
    .sort(compareQueue)
    .slice(0, filter.limit ?? 500);
}

interface ReviewRow {
  id: number;
  assignment_id: number;
  reviewer_id: string | null;
  rating: number;
  comment: string | null;
  at: string;
}

const toRecord = (r: ReviewRow): ReviewRecord => ({ id: r.id, assignmentId: r.assignment_id, reviewerId: r.reviewer_id, rating: r.rating, pass: reviewPasses(r.rating), comment: r.comment, at: r.at });

export function labellerReviewFigures(db: Db, labellerId: string) {
  const ratings = db.prepare('SELECT r.rating FROM reviews r JOIN assignments a ON a.id = r.assignment_id WHERE a.labeller_id = ?').pluck().all(labellerId) as number[];
  return reviewFigures(ratings);
}

export function reviewAssignment(db: Db, caller: Caller, assignmentId: number, input: ReviewInput): ReviewResult {
  const { row, labellerId } = db
    .transaction(() => {
      const a = db.prepare('SELECT id, status, labeller_id FROM assignments WHERE id = ?').get(assignmentId) as { id: number; status: string; labeller_id: string } | undefined;
      if (!a) throw new ApiError('NOT_FOUND', `no assignment ${assignmentId}`);
      if (!['submitted', 'approved', 'rejected', 'untrusted'].includes(a.status)) {
        throw new ApiError('CONFLICT', `reviewAssignment: assignment ${assignmentId} is ${a.status}; only submitted maps are reviewed`);
      }
      const info = db
        .prepare('INSERT INTO reviews (assignment_id, reviewer_id, rating, comment, at) VALUES (?, ?, ?, ?, ?)')
        .run(assignmentId, caller.userId, input.rating, input.comment ?? null, new Date().toISOString());
      db.prepare('UPDATE assignments SET status = ? WHERE id = ?').run(reviewPasses(input.rating) ? 'approved' : 'rejected', assignmentId);
      return { row: db.prepare('SELECT * FROM reviews WHERE id = ?').get(Number(info.lastInsertRowid)) as ReviewRow, labellerId: a.labeller_id };
    })
    .immediate();
  return { review: toRecord(row), assignment: assignmentSummary(db, assignmentId), labeller: { id: labellerId, reviews: labellerReviewFigures(db, labellerId) } };
}

export function listReviews(db: Db, filter: ListReviewsFilter = {}): ReviewRecord[] {
  const where: string[] = [];
  const params: (string | number)[] = [];
  if (filter.assignmentId !== undefined) (where.push('r.assignment_id = ?'), params.push(filter.assignmentId));
  if (filter.labellerId !== undefined) (where.push('a.labeller_id = ?'), params.push(filter.labellerId));
  if (filter.siteId !== undefined) (where.push('a.site_id = ?'), params.push(filter.siteId));
  const rows = db
    .prepare(`SELECT r.* FROM reviews r JOIN assignments a ON a.id = r.assignment_id ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY r.id DESC LIMIT 5000`)
    .all(...params) as ReviewRow[];
  return rows.map(toRecord);
}
