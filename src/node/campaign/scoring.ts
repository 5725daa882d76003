/**
 * What happens to a map when it is submitted (the campaign rules of DOMAIN.md 1, per assignment):
 *  - a Class 1 map (hidden Q, or qualification) is scored against the reference (the scorer of
 *    src/node/quality, the same numbers `fieldmark score` stores) and becomes 'rejected' below
 *    rejectBelow, else 'approved' (unless a supervisor reviewed it: the review decides);
 *  - a Class 2/4 map of a labeller whose running quality (from the tasks finished before it) is
 *    below the trust threshold becomes 'untrusted', so its site returns to the pool.
 * Scoring runs off the request (deferred) and again, for anything missed, before the labeller's
 * next request is scheduled: the answer to submitTask takes the same time for Q and F work.
 */
import { DEFAULT_EDGE_TOLERANCE_M } from '../../common/quality';
import type { Polygon } from '../../common/geo/geojson';
import { loadTasks, trustBefore } from '../quality/labeller-quality';
import { scoreGroup, type ScoreGroup } from '../quality/score-group';
import { assertFinite, featuresByAssignment, metricsOf, referenceBySite, unsureCategories } from '../quality/store-io';
import type { Db } from '../store/database';
import { campaignRules } from './settings';
import { consensusWhenComplete } from './site-consensus';

const SCORABLE = "('submitted','approved','rejected')";

/** Scores the given labeller's (or the given assignments') finished Class 1 maps that have no score yet. */
export function ensureScored(db: Db, where: { labellerId?: string; assignmentId?: number }): number {
  const rules = campaignRules(db);
  const cond = where.assignmentId !== undefined ? 'a.id = ?' : 'a.labeller_id = ?';
  const param = where.assignmentId ?? where.labellerId ?? '';
  const todo = db
    .prepare(
      `SELECT a.id, a.site_id AS siteId, s.cell FROM assignments a JOIN sites s ON s.id = a.site_id
        WHERE ${cond} AND s.cls = 1 AND a.status IN ${SCORABLE}
          AND NOT EXISTS (SELECT 1 FROM scores sc WHERE sc.assignment_id = a.id) ORDER BY a.site_id, a.id`,
    )
    .all(param) as { id: number; siteId: string; cell: string }[];
  if (todo.length === 0) return 0;
  const ids = todo.map((t) => t.id);
  const marks = ids.map(() => '?').join(',');
  const labels = featuresByAssignment(db, `a.id IN (${marks})`, ids);
  const sites = [...new Set(todo.map((t) => t.siteId))];
  const refs = referenceBySite(db, `s.id IN (${sites.map(() => '?').join(',')})`, sites);
  const groups: ScoreGroup[] = [];
  for (const t of todo) {
    let g = groups[groups.length - 1];
    if (!g || g.siteId !== t.siteId) groups.push((g = { siteId: t.siteId, cell: JSON.parse(t.cell) as Polygon, reference: refs.get(t.siteId) ?? [], jobs: [] }));
    g.jobs.push({ id: t.id, labels: labels.get(t.id) ?? [] });
  }
  const settings = { categories: rules.categories, weights: rules.weights, edgeToleranceM: DEFAULT_EDGE_TOLERANCE_M, unsure: unsureCategories(rules.categories) };
  const results = groups.flatMap((g) => scoreGroup(g, settings));
  const now = new Date().toISOString();
  let n = 0;
  db.transaction(() => {
    const ins = db.prepare(
      `INSERT OR REPLACE INTO scores (assignment_id, computed_at, score, area, fragmentation, edge, legacy_edge, categorical, field_skill, no_field_skill, metrics)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const status = db.prepare(
      `UPDATE assignments SET status = ? WHERE id = ? AND status IN ('submitted','approved','rejected') AND NOT EXISTS (SELECT 1 FROM reviews r WHERE r.assignment_id = assignments.id)`,
    );
    for (const res of results) {
      if (!res.ok) continue;
      const { r } = res;
      const metrics = metricsOf(r, DEFAULT_EDGE_TOLERANCE_M, res.roi);
      assertFinite([r.score, r.area, r.fragmentation, r.edge, r.legacyEdge, r.categorical, r.fieldSkill, r.noFieldSkill], `assignment ${res.id}`);
      assertFinite(metrics, `assignment ${res.id} metrics`);
      ins.run(res.id, now, r.score, r.area, r.fragmentation, r.edge, r.legacyEdge, r.categorical, r.fieldSkill, r.noFieldSkill, JSON.stringify(metrics));
      status.run(r.score < rules.rejectBelow ? 'rejected' : 'approved', res.id);
      n++;
    }
  }).immediate();
  return n;
}

/** The trust rule for one just-submitted Class 2/4 map: 'untrusted' when its labeller was untrusted before it. */
export function applyTrustAtSubmission(db: Db, assignmentId: number): string {
  const a = db
    .prepare('SELECT a.labeller_id AS labellerId, a.status, s.cls FROM assignments a JOIN sites s ON s.id = a.site_id WHERE a.id = ?')
    .get(assignmentId) as { labellerId: string; status: string; cls: number } | undefined;
  if (!a || a.cls === 1 || a.status !== 'submitted') return a?.status ?? 'missing';
  const rules = campaignRules(db);
  const tasks = loadTasks(db, rules.campaignId, a.labellerId).get(a.labellerId) ?? [];
  const i = tasks.findIndex((t) => t.id === assignmentId);
  if (i < 0) return a.status;
  if (trustBefore(tasks, rules.trustThreshold)[i] !== 'untrusted') return a.status;
  db.prepare("UPDATE assignments SET status = 'untrusted' WHERE id = ? AND status = 'submitted'").run(assignmentId);
  return 'untrusted';
}

/**
 * After a submission: the trust rule now; deferred (never in the answer's path) the Class 1 score,
 * or the consensus of a Class 4 site that now has all its maps (site-consensus.ts).
 */
export function afterSubmit(db: Db, assignmentId: number, onScored?: () => void): void {
  applyTrustAtSubmission(db, assignmentId);
  setImmediate(() => {
    try {
      if (db.open && ensureScored(db, { assignmentId }) > 0) onScored?.();
    } catch {
      // scored again before the labeller's next request, or by `fieldmark score`
    }
    if (!db.open) return;
    consensusWhenComplete(db, assignmentId).then(
      (site) => site && db.open && onScored?.(),
      () => undefined, // `fieldmark consensus` computes it, and the queue says so meanwhile
    );
  });
}
