/**
 * The qualification set (DOMAIN.md 1, "Qualification (I)"): Class 1 sites listed in
 * `qualification_sites`, served in order to a new labeller before any other work. They are scored
 * like every Class 1 site (and those scores start the labeller's running quality); the labeller
 * passes with a mean score >= qualificationPassScore (0.4). A returned or abandoned qualification
 * task scores 0. Staff may pass or fail someone by hand (`labellers.qualification`).
 */
import type { QualificationStatus } from '../../common/api/contract';
import { ApiError } from '../../common/api/errors';
import { qualificationOutcome } from '../../common/scheduling/rules';
import type { Db } from '../store/database';

export function qualificationSiteIds(db: Db): string[] {
  return db.prepare('SELECT site_id FROM qualification_sites ORDER BY position, site_id').pluck().all() as string[];
}

export function qualificationStatus(db: Db, labellerId: string, passScore: number): QualificationStatus {
  const total = db.prepare('SELECT count(*) FROM qualification_sites').pluck().get() as number;
  const override = (db.prepare('SELECT qualification FROM labellers WHERE id = ?').pluck().get(labellerId) as 'passed' | 'failed' | null | undefined) ?? null;
  const rows = db
    .prepare(
      `SELECT a.status, sc.score FROM qualification_sites q JOIN assignments a ON a.site_id = q.site_id AND a.labeller_id = ?
         LEFT JOIN scores sc ON sc.assignment_id = a.id
        WHERE a.status <> 'assigned' ORDER BY q.position`,
    )
    .all(labellerId) as { status: string; score: number | null }[];
  const results = rows.map((r) => (r.status === 'returned' || r.status === 'abandoned' ? 0 : r.score));
  const o = qualificationOutcome({ total, results, override, passScore });
  return { ...o, passScore, override: override !== null };
}

export function setQualificationOverride(db: Db, labellerId: string, state: 'passed' | 'failed' | 'computed'): void {
  const r = db.prepare("UPDATE labellers SET qualification = ? WHERE id = ? AND role = 'labeller'").run(state === 'computed' ? null : state, labellerId);
  if (r.changes === 0) throw new ApiError('NOT_FOUND', `no labeller ${labellerId}`);
}

/** Replaces the qualification set: Class 1 sites of the campaign, in the order given. */
export function setQualificationSet(db: Db, siteIds: string[]): { siteIds: string[] } {
  if (new Set(siteIds).size !== siteIds.length) throw new ApiError('BAD_ARGUMENTS', 'setQualificationSet: a site is listed twice');
  db.transaction(() => {
    const get = db.prepare('SELECT cls FROM sites WHERE id = ?').pluck();
    for (const id of siteIds) {
      const cls = get.get(id) as number | undefined;
      if (cls === undefined) throw new ApiError('NOT_FOUND', `setQualificationSet: no site ${id}`);
      if (cls !== 1) throw new ApiError('BAD_INPUT', `setQualificationSet: site ${id} is Class ${cls}; qualification sites are Class 1 (they need reference labels)`);
    }
    db.prepare('DELETE FROM qualification_sites').run();
    const ins = db.prepare('INSERT INTO qualification_sites (site_id, position) VALUES (?, ?)');
    siteIds.forEach((id, k) => ins.run(id, k + 1));
  }).immediate();
  return { siteIds };
}
