/**
 * One open task in the renderer: the history (the same pure code the server runs), a spatial
 * index and the validator kept in step with it, and autosave. Every committed command is applied
 * here at once (optimistic) and queued to the server, one call at a time, each with the revision
 * the previous one returned. The queue is mirrored in localStorage, so an edit made just before a
 * crash or a closed window is sent when the task opens again (unless the server already has it).
 * A refused call (a stale revision: someone else edited; or a rule the server enforces) reloads
 * the server's state and says why.
 */
import type { FieldmarkApi, TaskLogEntry, TaskState } from '../../src/common/api/contract';
import { CommandError, type EditCommand } from '../../src/common/commands/types';
import { FieldIndex } from '../../src/common/editing/field-index';
import { Graph, type GraphDiff } from '../../src/common/graph/graph';
import { replay } from '../../src/common/history/edit-log';
import { History } from '../../src/common/history/history';
import { taskValidationContext } from '../../src/common/validation/task-context';
import { Validator } from '../../src/common/validation/validator';

export type Op = { kind: 'edit'; command: EditCommand } | { kind: 'undo' } | { kind: 'redo' };

export interface SessionListener {
  /** The graph on screen changed (an edit, undo, redo or a reload). `diff` null: replace everything. */
  changed(prev: Graph, next: Graph, diff: GraphDiff | null): void;
  /** The save state changed (pending count, revision). */
  saved(pending: number, revision: number): void;
  /** Something went wrong that the user must know. */
  problem(message: string): void;
}

const OUTBOX = 'fieldmark.outbox.';
/** Validation of the first graph runs in slices of this many fields, between frames. */
const FIRST_CHECK_SLICE = 400;

function logOf(op: Op): TaskLogEntry {
  return op.kind === 'edit' ? op.command : { type: op.kind === 'undo' ? 'history.undo' : 'history.redo' };
}

export class EditSession {
  history: History;
  readonly index: FieldIndex;
  readonly validator: Validator;
  /** The server's revision after the last acknowledged op. */
  revision: number;
  private queue: Op[] = [];
  private sending = false;
  private closed = false;

  constructor(
    readonly task: TaskState,
    private readonly api: FieldmarkApi,
    private readonly listener: SessionListener,
  ) {
    const h = replay([{ type: 'history.base', fields: task.base }, ...task.log]);
    this.history = h ?? History.start(Graph.from(task.base));
    this.revision = task.revision;
    this.index = FieldIndex.of(this.history.graph);
    this.validator = new Validator(taskValidationContext(task));
    this.checkFirst();
    this.recoverOutbox();
  }

  get graph(): Graph {
    return this.history.graph;
  }

  get editable(): boolean {
    return this.task.editable && !this.closed;
  }

  get pending(): number {
    return this.queue.length;
  }

  /** Validates the first graph in slices so a big task opens at once. */
  private checkFirst(): void {
    const fields = [...this.history.graph.fields()];
    const graph = this.history.graph;
    let i = 0;
    const step = () => {
      if (this.closed || this.history.graph !== graph) {
        if (!this.closed && i < fields.length) this.validator.reset(this.history.graph, this.index);
        return;
      }
      i += this.validator.checkSome(fields.slice(i, i + FIRST_CHECK_SLICE), this.index);
      this.listener.changed(graph, graph, { added: [], changed: [], removed: [] });
      if (i < fields.length) setTimeout(step, 0);
    };
    if (fields.length <= FIRST_CHECK_SLICE) this.validator.reset(graph, this.index);
    else setTimeout(step, 0);
  }

  private move(next: History): void {
    const prev = this.history.graph;
    this.history = next;
    const diff = next.graph.diff(prev);
    this.index.apply(next.graph, diff);
    this.validator.update(prev, next.graph, diff, this.index);
    this.listener.changed(prev, next.graph, diff);
  }

  /** Applies a command locally and queues it; throws CommandError (nothing changes) when it does not apply. */
  commit(command: EditCommand): void {
    if (!this.editable) throw new CommandError(this.task.readOnlyReason ?? 'this task is read-only');
    this.move(this.history.apply(command));
    this.enqueue({ kind: 'edit', command });
  }

  undo(): boolean {
    if (!this.editable || !this.history.canUndo) return false;
    this.move(this.history.undo());
    this.enqueue({ kind: 'undo' });
    return true;
  }

  redo(): boolean {
    if (!this.editable || !this.history.canRedo) return false;
    this.move(this.history.redo());
    this.enqueue({ kind: 'redo' });
    return true;
  }

  private enqueue(op: Op): void {
    this.queue.push(op);
    this.persist();
    this.listener.saved(this.queue.length, this.revision);
    void this.pump();
  }

  private persist(): void {
    try {
      const key = OUTBOX + this.task.assignment.id;
      if (this.queue.length === 0) localStorage.removeItem(key);
      else localStorage.setItem(key, JSON.stringify({ revision: this.revision, ops: this.queue }));
    } catch {
      // storage full or disabled: the server copy still holds everything acknowledged
    }
  }

  /** Ops saved before a crash: re-applied and sent when the server has not seen them yet. */
  private recoverOutbox(): void {
    let saved: { revision: number; ops: Op[] } | null = null;
    try {
      saved = JSON.parse(localStorage.getItem(OUTBOX + this.task.assignment.id) ?? 'null') as { revision: number; ops: Op[] } | null;
    } catch {
      saved = null;
    }
    if (!saved || !this.task.editable) return;
    let ops = saved.ops;
    if (saved.revision !== this.task.revision) {
      // The server moved on: when its log ends with the first k saved ops (their answers were
      // lost), send the rest; otherwise someone else edited and the saved ops are stale.
      const log = this.task.log.map((e) => JSON.stringify(e));
      let sent = -1;
      for (let k = ops.length; k > 0 && sent < 0; k--) {
        const head = ops.slice(0, k).map((o) => JSON.stringify(logOf(o)));
        if (log.length >= k && head.every((h, i) => h === log[log.length - k + i])) sent = k;
      }
      ops = sent < 0 ? [] : ops.slice(sent);
    }
    try {
      for (const op of ops) this.move(op.kind === 'edit' ? this.history.apply(op.command) : op.kind === 'undo' ? this.history.undo() : this.history.redo());
      this.queue = ops;
    } catch {
      this.queue = [];
    }
    this.persist();
    if (this.queue.length) void this.pump();
  }

  private async pump(): Promise<void> {
    if (this.sending) return;
    this.sending = true;
    try {
      while (this.queue.length && !this.closed) {
        const op = this.queue[0]!;
        const id = this.task.assignment.id;
        try {
          const r =
            op.kind === 'edit' ? await this.api.editTask(id, this.revision, op.command) : op.kind === 'undo' ? await this.api.undoTask(id, this.revision) : await this.api.redoTask(id, this.revision);
          this.revision = r.revision;
          this.queue.shift();
          this.persist();
          this.listener.saved(this.queue.length, this.revision);
        } catch (e) {
          await this.refused(e);
          return;
        }
      }
    } finally {
      this.sending = false;
    }
  }

  /** The server refused a queued op: drop the queue, reload the server's state. */
  private async refused(e: unknown): Promise<void> {
    const msg = e instanceof Error ? e.message : String(e);
    const code = (e as { code?: string }).code;
    this.queue = [];
    this.persist();
    this.listener.problem(code === 'CONFLICT' ? `Not saved: ${msg.replace(/^\w+: /, '')}. The task was reloaded from the server.` : `Not saved: ${msg}`);
    await this.reload();
  }

  /** Replaces the local history with the server's. */
  async reload(): Promise<void> {
    let fresh: TaskState;
    try {
      fresh = await this.api.openTask(this.task.assignment.id);
    } catch (e) {
      this.listener.problem(`Cannot reload the task: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    const h = replay([{ type: 'history.base', fields: fresh.base }, ...fresh.log]) ?? History.start(Graph.from(fresh.base));
    Object.assign(this.task, { revision: fresh.revision, base: fresh.base, log: fresh.log, editable: fresh.editable, readOnlyReason: fresh.readOnlyReason, assignment: fresh.assignment });
    const prev = this.history.graph;
    this.history = h;
    this.revision = fresh.revision;
    for (const id of prev.ids()) this.index.delete(id);
    for (const f of h.graph.fields()) this.index.set(f);
    this.validator.reset(h.graph, this.index);
    this.listener.changed(prev, h.graph, null);
    this.listener.saved(0, this.revision);
  }

  /** Waits until every queued op is acknowledged (or refused). */
  async flush(timeoutMs = 10_000): Promise<boolean> {
    const t0 = Date.now();
    while ((this.queue.length || this.sending) && Date.now() - t0 < timeoutMs) await new Promise((r) => setTimeout(r, 20));
    return this.queue.length === 0;
  }

  close(): void {
    this.closed = true;
  }
}
