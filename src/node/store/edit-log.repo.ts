/**
 * The edit log of one assignment (schema v2 `edit_log`): one JSON document per row, in id order.
 * The id of the assignment's last row is the task's revision (0 = nothing logged yet).
 */
import type { Db } from './database';

export interface LogRow {
  id: number;
  entry: unknown;
}

export function lastRevision(db: Db, assignmentId: number): number {
  return (db.prepare('SELECT max(id) FROM edit_log WHERE assignment_id = ?').pluck().get(assignmentId) as number | null) ?? 0;
}

/** The rows from the assignment's last 'history.base' on (every row when it has none). */
export function logSinceLastBase(db: Db, assignmentId: number): LogRow[] {
  const baseId =
    (db
      .prepare(`SELECT max(id) FROM edit_log WHERE assignment_id = ? AND json_valid(command) AND json_extract(command, '$.type') = 'history.base'`)
      .pluck()
      .get(assignmentId) as number | null) ?? 0;
  const rows = db.prepare('SELECT id, command FROM edit_log WHERE assignment_id = ? AND id >= ? ORDER BY id').all(assignmentId, baseId) as { id: number; command: string }[];
  return rows.map((r) => {
    let entry: unknown;
    try {
      entry = JSON.parse(r.command);
    } catch {
      entry = { type: 'unreadable' };
    }
    return { id: r.id, entry };
  });
}

export function appendLog(db: Db, assignmentId: number, who: string | null, entry: unknown, suggestionId: string | null = null): number {
  const info = db
    .prepare('INSERT INTO edit_log (assignment_id, labeller_id, at, command, suggestion_id) VALUES (?, ?, ?, ?, ?)')
    .run(assignmentId, who, new Date().toISOString(), JSON.stringify(entry), suggestionId);
  return Number(info.lastInsertRowid);
}
