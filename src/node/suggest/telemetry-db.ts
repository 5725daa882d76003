/**
 * Suggestion telemetry of a campaign database: every assignment whose edit log holds a suggestion
 * decision, replayed by the pure `suggestionTelemetry` (src/common/suggest/telemetry.ts). Used by
 * the staff API method `suggestionTelemetry` and by `fieldmark suggest --telemetry --db FILE`.
 */
import { suggestionTelemetry, type SuggestionTelemetry, type TelemetryLog } from '../../common/suggest/telemetry';
import type { Db } from '../store/database';

export function campaignSuggestionTelemetry(db: Db): SuggestionTelemetry {
  const rows = db
    .prepare(
      `SELECT a.id AS assignmentId, a.labeller_id AS labellerId, e.command FROM edit_log e JOIN assignments a ON a.id = e.assignment_id
       WHERE a.id IN (SELECT DISTINCT assignment_id FROM edit_log WHERE suggestion_id IS NOT NULL) ORDER BY a.id, e.id`,
    )
    .all() as { assignmentId: number; labellerId: string; command: string }[];
  const logs = new Map<number, TelemetryLog>();
  for (const r of rows) {
    let l = logs.get(r.assignmentId);
    if (!l) logs.set(r.assignmentId, (l = { assignmentId: r.assignmentId, labellerId: r.labellerId, entries: [] }));
    try {
      l.entries.push(JSON.parse(r.command));
    } catch {
      l.entries.push({ type: 'unreadable' });
    }
  }
  return suggestionTelemetry([...logs.values()]);
}
