/**
 * Who may see and edit which assignment. A labeller sees only their own (an absent and a foreign
 * assignment answer the same NOT_FOUND); staff see all. Editing needs status 'assigned'.
 */
import type { AssignmentSummary, Caller } from '../../common/api/contract';
import { ApiError } from '../../common/api/errors';
import type { Db } from '../store/database';

export interface AssignmentRow {
  id: number;
  siteId: string;
  labellerId: string;
  status: AssignmentSummary['status'];
}

export function isStaff(caller: Caller): boolean {
  return caller.role === 'admin' || caller.role === 'supervisor';
}

export function requireAssignment(db: Db, caller: Caller, assignmentId: number): AssignmentRow {
  const row = db.prepare('SELECT id, site_id AS siteId, labeller_id AS labellerId, status FROM assignments WHERE id = ?').get(assignmentId) as AssignmentRow | undefined;
  if (!row || (!isStaff(caller) && row.labellerId !== caller.userId)) throw new ApiError('NOT_FOUND', `no task ${assignmentId}`);
  return row;
}

/** Null when the caller may edit the assignment now, else why not. */
export function whyReadOnly(caller: Caller, a: AssignmentRow): string | null {
  if (!isStaff(caller) && a.labellerId !== caller.userId) return 'only its labeller or a supervisor may edit this task';
  if (a.status !== 'assigned') return `the task is ${a.status}`;
  return null;
}

export function requireEditable(caller: Caller, a: AssignmentRow, what: string): void {
  const why = whyReadOnly(caller, a);
  if (why) throw new ApiError(a.status !== 'assigned' ? 'CONFLICT' : 'FORBIDDEN', `${what}: ${why}`);
}

export function assignmentSummary(db: Db, id: number): AssignmentSummary {
  return db
    .prepare(
      `SELECT a.id, a.site_id AS siteId, a.labeller_id AS labellerId, l.name AS labellerName, a.status, a.submitted_at AS submittedAt,
              (SELECT count(*) FROM labels x WHERE x.assignment_id = a.id) AS labels
         FROM assignments a JOIN labellers l ON l.id = a.labeller_id WHERE a.id = ?`,
    )
    .get(id) as AssignmentSummary;
}

/** The caller's oldest open task; the local admin (no user id) gets the campaign's oldest. */
export function nextAssignmentId(db: Db, caller: Caller): number | null {
  const sql = caller.userId
    ? `SELECT id FROM assignments WHERE status = 'assigned' AND labeller_id = ? ORDER BY started_at, id LIMIT 1`
    : `SELECT id FROM assignments WHERE status = 'assigned' ORDER BY started_at, id LIMIT 1`;
  const id = (caller.userId ? db.prepare(sql).pluck().get(caller.userId) : db.prepare(sql).pluck().get()) as number | undefined;
  return id ?? null;
}
