/**
 * The supervisor's tables: one row per labeller (tasks by status, returns, score, running quality
 * with its trend after every finished task, trust, review figures, qualification) and one row
 * per site (class, state, maps needed / counted / pending, consensus risk).
 */
import type { LabellerTableRow, SiteClass, SiteTableFilter, SiteTableRow, TrendPoint } from '../../common/api/contract';
import { qualitySeries } from '../../common/quality';
import { mapCounts, neededMaps, siteState } from '../../common/scheduling/rules';
import { reviewFigures } from '../../common/scheduling/review';
import { finishedTask, listLabellerQuality, loadTasks } from '../quality/labeller-quality';
import type { Db } from '../store/database';
import { qualificationStatus } from './qualification';
import { consensusBySite } from './review';
import { campaignRules } from './settings';

export function listLabellerTable(db: Db): LabellerTableRow[] {
  const rules = campaignRules(db);
  const quality = new Map(listLabellerQuality(db).map((q) => [q.id, q]));
  const tasks = loadTasks(db, rules.campaignId);
  const people = db
    .prepare("SELECT id, name, role FROM labellers WHERE role = 'labeller' OR id IN (SELECT labeller_id FROM assignments) ORDER BY id")
    .all() as { id: string; name: string; role: LabellerTableRow['role'] }[];
  const counts = new Map<string, Map<string, number>>();
  for (const r of db.prepare('SELECT labeller_id AS id, status, count(*) AS n FROM assignments GROUP BY labeller_id, status').all() as { id: string; status: string; n: number }[]) {
    const m = counts.get(r.id) ?? new Map<string, number>();
    m.set(r.status, r.n);
    counts.set(r.id, m);
  }
  const ratings = new Map<string, number[]>();
  for (const r of db.prepare('SELECT a.labeller_id AS id, r.rating FROM reviews r JOIN assignments a ON a.id = r.assignment_id').all() as { id: string; rating: number }[]) {
    ratings.set(r.id, [...(ratings.get(r.id) ?? []), r.rating]);
  }
  const lastActive = new Map(
    (db.prepare('SELECT labeller_id AS id, max(coalesce(submitted_at, started_at)) AS at FROM assignments GROUP BY labeller_id').all() as { id: string; at: string }[]).map((r) => [r.id, r.at]),
  );
  return people.map((p) => {
    const c = counts.get(p.id) ?? new Map<string, number>();
    const n = (s: string) => c.get(s) ?? 0;
    const list = tasks.get(p.id) ?? [];
    const series = qualitySeries(list.map(finishedTask));
    const trend: TrendPoint[] = list.map((t, i) => ({ at: t.at, assignmentId: t.id, runningQuality: series[i]!.quality, score: t.row ? t.row.score : null, returned: t.status === 'returned' || t.status === 'abandoned' }));
    const q = quality.get(p.id);
    return {
      id: p.id,
      name: p.name,
      role: p.role,
      tasks: {
        open: n('assigned'),
        finished: list.length,
        submitted: n('submitted'),
        returned: n('returned'),
        abandoned: n('abandoned'),
        approved: n('approved'),
        rejected: n('rejected'),
        untrusted: n('untrusted'),
      },
      returnRate: q?.returnRate ?? 0,
      meanScore: q?.meanScore ?? null,
      runningQuality: q?.runningQuality ?? null,
      trust: q?.trust ?? 'unscored',
      trend,
      reviews: reviewFigures(ratings.get(p.id) ?? []),
      qualification: qualificationStatus(db, p.id, rules.qualificationPassScore),
      lastActiveAt: lastActive.get(p.id) ?? null,
    };
  });
}

export function listSiteTable(db: Db, filter: SiteTableFilter = {}): SiteTableRow[] {
  const rules = campaignRules(db);
  const sites = db
    .prepare(
      `SELECT s.id, s.cls, s.status, EXISTS (SELECT 1 FROM qualification_sites q WHERE q.site_id = s.id) AS qual,
              (SELECT count(*) FROM site_scenes ss WHERE ss.site_id = s.id) AS scenes
         FROM sites s WHERE s.campaign_id = ? ${filter.cls !== undefined ? 'AND s.cls = ?' : ''} ORDER BY s.id`,
    )
    .all(...(filter.cls !== undefined ? [rules.campaignId, filter.cls] : [rules.campaignId])) as { id: string; cls: SiteClass; status: string; qual: number; scenes: number }[];
  const statuses = new Map<string, string[]>();
  for (const r of db.prepare('SELECT a.site_id AS id, a.status FROM assignments a JOIN sites s ON s.id = a.site_id WHERE s.campaign_id = ?').all(rules.campaignId) as { id: string; status: string }[]) {
    const l = statuses.get(r.id) ?? [];
    l.push(r.status);
    statuses.set(r.id, l);
  }
  const consensus = consensusBySite(db, rules.campaignId);
  const rows: SiteTableRow[] = sites.map((s) => {
    const list = statuses.get(s.id) ?? [];
    const c = mapCounts(list);
    const risk = consensus.get(s.id);
    return {
      id: s.id,
      cls: s.cls,
      qualification: s.qual === 1,
      state: siteState(s.cls, s.status === 'open', c, rules.labellersPerClass4),
      needed: neededMaps(s.cls, rules.labellersPerClass4),
      counted: c.counted,
      pending: c.pending,
      notCounted: c.notCounted,
      returned: c.returned,
      assignments: list.length,
      meanRisk: risk?.meanRisk ?? null,
      riskyFraction: risk?.riskyFraction ?? null,
      scenes: s.scenes,
    };
  });
  return filter.state ? rows.filter((r) => r.state === filter.state) : rows;
}
