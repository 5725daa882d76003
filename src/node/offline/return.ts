/**
 * Returning a package (`fieldmark offline return`, `POST /offline/return`): each task of the
 * package is compared with the server and, in its own transaction, imported, found unchanged, or
 * refused (CONFLICT) with a message:
 *  - the package must come from this server's campaign and be recorded for this labeller, and the
 *    caller must be that labeller (or staff); a task not recorded for the package is refused;
 *  - imported: the server's task still stands where the package left it (its edit-log revision is
 *    the one recorded when the package was taken, or when this package was last imported) and is
 *    still open ('assigned'); its labels become the package's, the package's history is appended
 *    to the server's edit log (undo/redo survive), and its status follows (submitted / returned);
 *  - unchanged: exactly this state was imported before (same content hash, server revision still
 *    the one after that import): importing twice gives the same state;
 *  - conflict: the task was edited on the server since, reassigned, abandoned after its deadline,
 *    reviewed or submitted elsewhere: nothing of it is written (someone else's work is never
 *    overwritten).
 * Package content is checked (geometry shape, categories) before anything is written.
 */
import type { Caller, OfflineReturnResult, OfflineTaskOutcome } from '../../common/api/contract';
import { editPolygonSchema } from '../../common/api/task-schemas';
import { ApiError } from '../../common/api/errors';
import type { Field } from '../../common/graph/field';
import { Graph } from '../../common/graph/graph';
import { afterSubmit } from '../campaign/scoring';
import { campaignRules } from '../campaign/settings';
import { openDatabase, type Db } from '../store/database';
import { appendLog, lastRevision, logSinceLastBase } from '../store/edit-log.repo';
import { fieldsOfAssignment, writeFieldDiff } from '../store/task-labels.repo';
import { looksLikeSqlite, packageInfo, taskHash } from './package-db';

interface PkgTask {
  id: number;
  siteId: string;
  status: string;
  submittedAt: string | null;
  /** the task's state when the package was made */
  baseHash: string;
  fields: Field[];
  log: unknown[];
}

function readPackage(path: string): { info: NonNullable<ReturnType<typeof packageInfo>>; tasks: PkgTask[] } {
  if (!looksLikeSqlite(path)) throw new ApiError('BAD_INPUT', `${path}: not a Fieldmark package (not a SQLite file)`);
  const pkg = openDatabase(path, { readonly: true, create: false });
  try {
    const info = packageInfo(pkg);
    if (!info || !info.packageId) throw new ApiError('BAD_INPUT', `${path}: not a Fieldmark package (no package_info)`);
    const rows = pkg
      .prepare('SELECT a.id, a.site_id AS siteId, a.status, a.submitted_at AS submittedAt, p.base_hash AS baseHash FROM assignments a JOIN package_tasks p ON p.assignment_id = a.id ORDER BY a.id')
      .all() as Omit<PkgTask, 'fields' | 'log'>[];
    const tasks = rows.map((r) => ({ ...r, fields: fieldsOfAssignment(pkg, r.id, false), log: logSinceLastBase(pkg, r.id).map((l) => l.entry) }));
    return { info, tasks };
  } finally {
    pkg.close();
  }
}

function checkFields(t: PkgTask, categories: Set<string>): string | null {
  for (const f of t.fields) {
    if (!editPolygonSchema.safeParse(f.geometry).success) return `field ${f.id} has an invalid geometry`;
    if (!categories.has(f.category)) return `field ${f.id} has category "${f.category}", not one of the campaign's`;
  }
  if (!['assigned', 'submitted', 'returned'].includes(t.status)) return `status "${t.status}" cannot come from a package`;
  return null;
}

export function returnPackage(db: Db, caller: Caller, path: string): OfflineReturnResult {
  const { info, tasks } = readPackage(path);
  const rules = campaignRules(db);
  if (info.campaignId !== rules.campaignId) throw new ApiError('CONFLICT', `package ${info.packageId} belongs to campaign ${info.campaignId}, not to this database's ${rules.campaignId}`);
  const rec = db.prepare('SELECT labeller_id FROM offline_packages WHERE id = ?').get(info.packageId) as { labeller_id: string } | undefined;
  if (!rec) throw new ApiError('CONFLICT', `package ${info.packageId} was not taken from this server`);
  if (rec.labeller_id !== info.labellerId) throw new ApiError('CONFLICT', `package ${info.packageId} names labeller ${info.labellerId}, but it was taken by ${rec.labeller_id}`);
  const staff = caller.role === 'admin' || caller.role === 'supervisor';
  if (!staff && caller.userId !== rec.labeller_id) throw new ApiError('FORBIDDEN', `package ${info.packageId} belongs to another labeller`);
  const categories = new Set(rules.categories.map((c) => c.id));
  const outcomes: OfflineTaskOutcome[] = [];
  const submitted: number[] = [];
  for (const t of tasks) {
    const conflict = (message: string, status = 'unknown'): OfflineTaskOutcome => ({ assignmentId: t.id, siteId: t.siteId, result: 'conflict', status, labels: t.fields.length, code: 'CONFLICT', message: `task ${t.id} (site ${t.siteId}): ${message}` });
    const bad = checkFields(t, categories);
    if (bad) {
      outcomes.push(conflict(`refused: ${bad}`));
      continue;
    }
    const hash = taskHash(t.fields, t.status);
    if (hash === t.baseHash) {
      outcomes.push({ assignmentId: t.id, siteId: t.siteId, result: 'unchanged', status: t.status, labels: t.fields.length, code: null, message: `task ${t.id}: not worked on offline` });
      continue;
    }
    const outcome = db
      .transaction((): OfflineTaskOutcome => {
        const rec = db.prepare('SELECT base_revision, imported_revision, imported_hash FROM offline_tasks WHERE package_id = ? AND assignment_id = ?').get(info.packageId, t.id) as
          | { base_revision: number; imported_revision: number | null; imported_hash: string | null }
          | undefined;
        if (!rec) return conflict('not part of this package on the server: refused');
        const a = db.prepare('SELECT labeller_id, site_id, status FROM assignments WHERE id = ?').get(t.id) as { labeller_id: string; site_id: string; status: string } | undefined;
        if (!a || a.labeller_id !== info.labellerId || a.site_id !== t.siteId) return conflict('the task was reassigned on the server: refused, nothing written');
        const rev = lastRevision(db, t.id);
        if (rec.imported_hash === hash && rec.imported_revision === rev) return { assignmentId: t.id, siteId: t.siteId, result: 'unchanged', status: a.status, labels: t.fields.length, code: null, message: `task ${t.id}: already imported from this package` };
        const expected = rec.imported_revision ?? rec.base_revision;
        if (rev !== expected) return conflict(`edited on the server since the package was taken (revision ${expected} -> ${rev}): refused, the server's version is kept`, a.status);
        if (a.status !== 'assigned') return conflict(`the task is ${a.status} on the server (${a.status === 'abandoned' ? 'its deadline passed and the site may have been given to someone else' : 'it was finished elsewhere'}): refused, nothing written`, a.status);
        const server = fieldsOfAssignment(db, t.id, true);
        const next = Graph.from(t.fields);
        writeFieldDiff(db, t.id, next, next.diff(Graph.from(server)));
        const log = t.log.length > 0 && (t.log[0] as { type?: string }).type === 'history.base' ? t.log : [{ type: 'history.base', fields: t.fields }];
        for (const entry of log) appendLog(db, t.id, info.labellerId, entry);
        if (t.status !== 'assigned') {
          db.prepare('UPDATE assignments SET status = ?, submitted_at = ? WHERE id = ?').run(t.status, t.submittedAt ?? new Date().toISOString(), t.id);
        }
        db.prepare('UPDATE offline_tasks SET imported_revision = ?, imported_hash = ? WHERE package_id = ? AND assignment_id = ?').run(lastRevision(db, t.id), hash, info.packageId, t.id);
        return { assignmentId: t.id, siteId: t.siteId, result: 'imported', status: t.status, labels: t.fields.length, code: null, message: `task ${t.id}: imported (${t.fields.length} field${t.fields.length === 1 ? '' : 's'}, ${t.status})` };
      })
      .immediate();
    if (outcome.result === 'imported' && t.status === 'submitted') submitted.push(t.id);
    outcomes.push(outcome);
  }
  db.prepare('UPDATE offline_packages SET returned_at = ? WHERE id = ?').run(new Date().toISOString(), info.packageId);
  for (const id of submitted) afterSubmit(db, id);
  const n = (r: OfflineTaskOutcome['result']) => outcomes.filter((o) => o.result === r).length;
  return { packageId: info.packageId, labellerId: info.labellerId, imported: n('imported'), unchanged: n('unchanged'), conflicts: n('conflict'), tasks: outcomes };
}
