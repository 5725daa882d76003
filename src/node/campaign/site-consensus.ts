/**
 * A Class 4 site's consensus is computed as soon as the site has the trusted maps it needs
 * (`labellersPerClass4` finished maps, 'submitted' or 'approved'): the supervisor's review queue
 * then ranks it by risk without anyone running `fieldmark consensus` first. Bayes merge, the
 * queue's method; `fieldmark consensus` recomputes every site (and the other methods) at will.
 */
import { consensusCampaign } from '../quality/consensus-campaign';
import type { Db } from '../store/database';
import { campaignRules } from './settings';

/** The Class 4 site of this assignment, when it now has all its maps; else null. */
export function completedClass4Site(db: Db, assignmentId: number): string | null {
  const row = db
    .prepare(
      `SELECT s.id, (SELECT COUNT(*) FROM assignments b WHERE b.site_id = s.id AND b.status IN ('submitted','approved')) AS done
         FROM assignments a JOIN sites s ON s.id = a.site_id WHERE a.id = ? AND s.cls = 4`,
    )
    .get(assignmentId) as { id: string; done: number } | undefined;
  if (!row) return null;
  return row.done >= campaignRules(db).labellersPerClass4 ? row.id : null;
}

/** Merges the site of a just-finished map when it is complete; resolves with the site id merged, or null. */
export async function consensusWhenComplete(db: Db, assignmentId: number): Promise<string | null> {
  const siteId = completedClass4Site(db, assignmentId);
  if (!siteId) return null;
  const r = await consensusCampaign(db, { method: 'bayes', siteIds: [siteId] });
  return r.sites.length > 0 ? siteId : null;
}
