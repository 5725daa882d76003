/**
 * One drawn polygon into an assignment: the label, its R*Tree row and an edit-log entry in one
 * immediate transaction, committed (synchronous=FULL) before the caller is answered.
 */
import type { LabelFeature, LabelProvenance, NewLabel } from '../../common/api/contract';
import { ApiError } from '../../common/api/errors';
import type { CampaignSettings } from './campaign.repo';
import type { Db } from './database';
import { labelWriter } from './label-writer';

export function addLabel(db: Db, who: string | null, assignmentId: number, label: NewLabel, provenance: LabelProvenance = 'drawn'): LabelFeature {
  return db
    .transaction((): LabelFeature => {
      const a = db
        .prepare(
          `SELECT a.site_id, a.labeller_id, c.settings FROM assignments a JOIN sites s ON s.id = a.site_id
             JOIN campaigns c ON c.id = s.campaign_id WHERE a.id = ?`,
        )
        .get(assignmentId) as { site_id: string; labeller_id: string; settings: string } | undefined;
      if (!a) throw new ApiError('NOT_FOUND', `no assignment ${assignmentId}`);
      const cats = (JSON.parse(a.settings) as CampaignSettings).categories;
      if (!cats.some((c) => c.id === label.category)) {
        throw new ApiError('BAD_ARGUMENTS', `addLabel: category "${label.category}" is not one of the campaign's (${cats.map((c) => c.id).join(', ')})`);
      }
      const at = new Date().toISOString();
      const id = labelWriter(db).label({ assignmentId, category: label.category, geometry: label.geometry, provenance, createdAt: at });
      db.prepare('INSERT INTO edit_log (assignment_id, labeller_id, at, command, suggestion_id) VALUES (?, ?, ?, ?, NULL)').run(
        assignmentId,
        who,
        at,
        JSON.stringify({ type: 'addLabel', labelId: id, category: label.category }),
      );
      return {
        type: 'Feature',
        id,
        geometry: label.geometry,
        properties: { siteId: a.site_id, assignmentId, labellerId: a.labeller_id, category: label.category, provenance },
      };
    })
    .immediate();
}
