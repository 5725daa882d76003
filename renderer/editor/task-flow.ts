/**
 * The task flow: open the next task (or one by id, also from `#task=<id>` after a reload), show
 * its site with the cell box and context window, submit (after every edit is saved; refused while
 * rules fail, with the reasons) and return. Other labellers' labels are hidden while a task is open.
 */
import type { FieldmarkApi, TaskState } from '../../src/common/api/contract';
import type { Store } from '../state/store';
import type { Banners } from '../ui/banner';
import type { Editor } from './editor';

export interface TaskFlowHost {
  api: FieldmarkApi;
  store: Store;
  banners: Banners;
  editor: Promise<Editor>;
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export class TaskFlow {
  private seq = 0;

  constructor(private readonly host: TaskFlowHost) {}

  private async show(task: TaskState): Promise<void> {
    const seq = ++this.seq;
    const { api, store } = this.host;
    const site = await api.getSite(task.site.id);
    if (seq !== this.seq) return;
    const prevDate = store.state.site?.scenes.find((s) => s.id === store.state.sceneId)?.date;
    const scene = site.scenes.find((s) => s.date === prevDate) ?? site.scenes[0] ?? null;
    store.set({ siteId: site.id, site, labels: null, sceneId: scene?.id ?? null, assignmentId: null, task });
    (await this.host.editor).open(task);
    if (window.location.hash !== `#task=${task.assignment.id}`) window.history.replaceState(window.history.state, '', `#task=${task.assignment.id}`);
  }

  async open(assignmentId: number): Promise<void> {
    try {
      await this.show(await this.host.api.openTask(assignmentId));
    } catch (e) {
      this.host.banners.error(`Cannot open task ${assignmentId}: ${message(e)}`);
    }
  }

  async next(): Promise<void> {
    const ed = await this.host.editor;
    if (ed.session && !(await ed.session.flush())) return this.host.banners.error('Cannot open the next task: the last edits are not saved yet');
    try {
      const task = await this.host.api.nextTask();
      if (!task) {
        ed.hint('No open task left: everything assigned to you is done');
        document.body.dataset['noTask'] = 'true';
        return;
      }
      await this.show(task);
    } catch (e) {
      this.host.banners.error(`Cannot open the next task: ${message(e)}`);
    }
  }

  async submit(): Promise<void> {
    const ed = await this.host.editor;
    const s = ed.session;
    if (!s || !s.editable) return;
    if (!(await s.flush())) return this.host.banners.error('Cannot submit yet: edits are still being saved');
    try {
      const r = await this.host.api.submitTask(s.task.assignment.id, s.revision);
      await this.open(s.task.assignment.id);
      ed.hint(`Submitted${r.warnings.length ? ` with ${r.warnings.length} warning${r.warnings.length > 1 ? 's' : ''}` : ''}. Press N for the next task.`);
    } catch (e) {
      this.host.banners.error(`Not submitted: ${message(e).replace(/^submitTask: /, '')}`);
    }
  }

  async returnTask(): Promise<void> {
    const ed = await this.host.editor;
    const s = ed.session;
    if (!s || !s.editable) return;
    await s.flush();
    try {
      await this.host.api.returnTask(s.task.assignment.id);
      await this.open(s.task.assignment.id);
      ed.hint('Task returned. Press N for the next task.');
    } catch (e) {
      this.host.banners.error(`Not returned: ${message(e)}`);
    }
  }

  /** Leaving the task view (another site opened). */
  async close(): Promise<void> {
    this.seq++;
    const ed = await this.host.editor;
    if (ed.session) await ed.session.flush(3000);
    ed.close();
    this.host.store.set({ task: null });
  }
}
