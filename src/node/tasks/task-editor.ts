/**
 * The editor's API (TaskApi of contract.ts) over the store. Every edit, undo and redo runs in one
 * immediate transaction: revision check, the command applied to the task's history (the same pure
 * code the renderer runs optimistically), the changed label rows and the edit-log entry written
 * together. The history is rebuilt from the edit log (cached per assignment while its revision
 * holds), so a restart resumes with the same undo and redo.
 */
import type { Caller, EditResult, SubmitResult, TaskLogEntry, TaskState } from '../../common/api/contract';
import { ApiError } from '../../common/api/errors';
import type { EventHub } from '../../common/api/events';
import { suggestionOf } from '../../common/commands/apply';
import { CommandError, type EditCommand } from '../../common/commands/types';
import { Graph } from '../../common/graph/graph';
import { replay, type BaseEntry } from '../../common/history/edit-log';
import { History } from '../../common/history/history';
import { taskValidationContext } from '../../common/validation/task-context';
import { validateGraph } from '../../common/validation/validator';
import { currentCampaign } from '../store/campaign.repo';
import type { Db } from '../store/database';
import { appendLog, lastRevision, logSinceLastBase } from '../store/edit-log.repo';
import { siteById } from '../store/site.repo';
import { fieldsOfAssignment, sameFields, writeFieldDiff } from '../store/task-labels.repo';
import { assignmentSummary, type AssignmentRow, nextAssignmentId, requireAssignment, requireEditable, whyReadOnly } from './task-access';

const CACHE_SIZE = 32;

export class TaskEditor {
  /** History per assignment, valid while the assignment's revision is the one recorded. */
  private readonly cache = new Map<number, { revision: number; history: History; log: TaskLogEntry[]; base: BaseEntry }>();

  constructor(
    private readonly db: Db,
    private readonly events: EventHub,
  ) {}

  private remember(id: number, v: { revision: number; history: History; log: TaskLogEntry[]; base: BaseEntry }): void {
    this.cache.delete(id);
    this.cache.set(id, v);
    while (this.cache.size > CACHE_SIZE) this.cache.delete(this.cache.keys().next().value!);
  }

  /**
   * The assignment's history at its current revision. Rebuilt from the log when not cached; when
   * the log cannot explain the stored labels (another writer, an old database), a new base is
   * logged (only with `write`) and the history starts there.
   */
  private historyOf(a: AssignmentRow, write: boolean, who: string | null): { revision: number; history: History; log: TaskLogEntry[]; base: BaseEntry } {
    const revision = lastRevision(this.db, a.id);
    const hit = this.cache.get(a.id);
    if (hit && hit.revision === revision) return hit;
    const rows = logSinceLastBase(this.db, a.id);
    const entries = rows.map((r) => r.entry);
    const history = replay(entries);
    const stored = fieldsOfAssignment(this.db, a.id, false);
    if (history && sameFields(stored, history.graph)) {
      const v = { revision, history, base: entries[0] as BaseEntry, log: entries.slice(1) as TaskLogEntry[] };
      this.remember(a.id, v);
      return v;
    }
    const fields = write ? fieldsOfAssignment(this.db, a.id, true) : stored;
    const base: BaseEntry = { type: 'history.base', fields };
    const v = { revision: write ? appendLog(this.db, a.id, who, base) : revision, history: History.start(Graph.from(fields)), base, log: [] };
    if (write) this.remember(a.id, v);
    return v;
  }

  private state(caller: Caller, a: AssignmentRow): TaskState {
    const readOnly = whyReadOnly(caller, a);
    const h = readOnly === null ? this.db.transaction(() => this.historyOf(a, true, caller.userId)).immediate() : this.historyOf(a, false, caller.userId);
    const site = siteById(this.db, a.siteId);
    const campaign = currentCampaign(this.db);
    if (!site || !campaign) throw new ApiError('NOT_FOUND', `task ${a.id}: its site ${a.siteId} is gone`);
    return {
      assignment: assignmentSummary(this.db, a.id),
      site,
      categories: campaign.settings.categories,
      minAreaM2: campaign.settings.minFieldAreaM2,
      editable: readOnly === null,
      readOnlyReason: readOnly,
      revision: h.revision,
      base: h.base.fields,
      log: h.log,
    };
  }

  private validationContext(a: AssignmentRow) {
    const site = siteById(this.db, a.siteId);
    const campaign = currentCampaign(this.db);
    if (!site || !campaign) throw new ApiError('NOT_FOUND', `task ${a.id}: its site ${a.siteId} is gone`);
    return taskValidationContext({ site, minAreaM2: campaign.settings.minFieldAreaM2, categories: campaign.settings.categories });
  }

  nextTask(caller: Caller): TaskState | null {
    const id = nextAssignmentId(this.db, caller);
    return id === null ? null : this.openTask(caller, id);
  }

  openTask(caller: Caller, assignmentId: number): TaskState {
    return this.state(caller, requireAssignment(this.db, caller, assignmentId));
  }

  /** The shared frame of edit / undo / redo: checks, one transaction, the log entry, the answer. */
  private step(caller: Caller, assignmentId: number, revision: number, what: string, entry: TaskLogEntry, run: (h: History) => History): EditResult {
    const result = this.db
      .transaction(() => {
        const a = requireAssignment(this.db, caller, assignmentId);
        requireEditable(caller, a, what);
        const current = lastRevision(this.db, a.id);
        if (current !== revision) {
          throw new ApiError('CONFLICT', `${what}: the task changed since revision ${revision} (now ${current}): reload it; nothing was saved`, { revision: current });
        }
        const h = this.historyOf(a, true, caller.userId);
        if (h.revision !== revision) throw new ApiError('CONFLICT', `${what}: the task's labels changed outside the editor: reload it; nothing was saved`, { revision: h.revision });
        let next: History;
        try {
          next = run(h.history);
        } catch (e) {
          if (e instanceof CommandError) throw new ApiError('BAD_INPUT', `${what}: ${e.message}`);
          throw e;
        }
        const diff = next.graph.diff(h.history.graph);
        writeFieldDiff(this.db, a.id, next.graph, diff);
        const suggestion = 'type' in entry && entry.type !== 'history.undo' && entry.type !== 'history.redo' ? suggestionOf(entry) : null;
        const rev = appendLog(this.db, a.id, caller.userId, entry, suggestion);
        return { a, rev, next, diff, base: h.base, log: [...h.log, entry] };
      })
      .immediate();
    this.remember(assignmentId, { revision: result.rev, history: result.next, base: result.base, log: result.log });
    this.events.emit({ type: 'changed', entity: 'labels', ids: [result.a.siteId] });
    const g = result.next.graph;
    return {
      revision: result.rev,
      changed: [...result.diff.added, ...result.diff.changed].map((id) => g.get(id)!),
      removed: result.diff.removed,
      undo: result.next.undoAnnotation,
      redo: result.next.redoAnnotation,
    };
  }

  editTask(caller: Caller, assignmentId: number, revision: number, command: EditCommand, categories: readonly string[]): EditResult {
    const cats = new Set(categories);
    const bad = (command.type === 'batch' ? command.commands : [command]).find(
      (c) => (c.type === 'field.add' || c.type === 'field.setCategory') && !cats.has(c.category),
    ) as { category: string } | undefined;
    if (bad) throw new ApiError('BAD_INPUT', `editTask: category "${bad.category}" is not one of the campaign's (${categories.join(', ')})`);
    return this.step(caller, assignmentId, revision, 'editTask', command, (h) => h.apply(command));
  }

  undoTask(caller: Caller, assignmentId: number, revision: number): EditResult {
    return this.step(caller, assignmentId, revision, 'undoTask', { type: 'history.undo' }, (h) => h.undo());
  }

  redoTask(caller: Caller, assignmentId: number, revision: number): EditResult {
    return this.step(caller, assignmentId, revision, 'redoTask', { type: 'history.redo' }, (h) => h.redo());
  }

  submitTask(caller: Caller, assignmentId: number, revision: number): SubmitResult {
    const warnings = this.db
      .transaction(() => {
        const a = requireAssignment(this.db, caller, assignmentId);
        requireEditable(caller, a, 'submitTask');
        const current = lastRevision(this.db, a.id);
        if (current !== revision) throw new ApiError('CONFLICT', `submitTask: the task changed since revision ${revision} (now ${current}): reload it first`, { revision: current });
        const h = this.historyOf(a, true, caller.userId);
        const issues = validateGraph(h.history.graph, this.validationContext(a)).map((i) => ({ rule: i.rule, severity: i.severity, fieldIds: i.fieldIds, message: i.message }));
        const errors = issues.filter((i) => i.severity === 'error');
        if (errors.length) {
          const list = errors.slice(0, 3).map((e) => e.message).join('; ');
          throw new ApiError('CONFLICT', `submitTask: ${errors.length} error${errors.length > 1 ? 's' : ''} must be fixed first: ${list}${errors.length > 3 ? '; ...' : ''}`, { issues: errors });
        }
        this.db.prepare(`UPDATE assignments SET status = 'submitted', submitted_at = ? WHERE id = ?`).run(new Date().toISOString(), a.id);
        return issues.filter((i) => i.severity === 'warning');
      })
      .immediate();
    this.cache.delete(assignmentId);
    this.events.emit({ type: 'changed', entity: 'assignments', ids: [assignmentId] });
    return { assignment: assignmentSummary(this.db, assignmentId), warnings };
  }

  returnTask(caller: Caller, assignmentId: number, reason?: string): { assignment: ReturnType<typeof assignmentSummary> } {
    this.db
      .transaction(() => {
        const a = requireAssignment(this.db, caller, assignmentId);
        requireEditable(caller, a, 'returnTask');
        this.db.prepare(`UPDATE assignments SET status = 'returned', submitted_at = ? WHERE id = ?`).run(new Date().toISOString(), a.id);
        appendLog(this.db, a.id, caller.userId, { type: 'task.return', reason: reason ?? null });
      })
      .immediate();
    this.cache.delete(assignmentId);
    this.events.emit({ type: 'changed', entity: 'assignments', ids: [assignmentId] });
    return { assignment: assignmentSummary(this.db, assignmentId) };
  }
}
