/**
 * The open task in the sidebar: which task, its save state (autosave: every edit goes to the
 * server at once), the task actions (next, submit, return), the categories with their number
 * keys, the selected field's comment, snapping, and the issues list.
 */
import { categoryColours } from '../map/palette';
import type { Editor } from '../editor/editor';
import { clear, h } from './dom';
import { IssuesPanel } from './issues-panel';

export interface TaskPanelActions {
  nextTask(): void;
  submit(): void;
  returnTask(): void;
}

export class TaskPanel {
  readonly el: HTMLElement;
  private readonly title: HTMLElement;
  private readonly save: HTMLElement;
  private readonly cats: HTMLElement;
  private readonly selInfo: HTMLElement;
  readonly comment: HTMLTextAreaElement;
  private readonly snap: HTMLInputElement;
  private readonly suggestEl: HTMLElement;
  private readonly submitBtn: HTMLButtonElement;
  private readonly returnBtn: HTMLButtonElement;
  private readonly issues: IssuesPanel;
  private confirmReturn = false;
  private catsFor: unknown = null;

  constructor(
    private readonly editor: Editor,
    private readonly actions: TaskPanelActions,
  ) {
    this.title = h('div', { class: 'task-title', id: 'task-title' });
    this.save = h('div', { class: 'task-save', id: 'save-state', 'aria-live': 'polite' });
    this.submitBtn = h('button', { type: 'button', class: 'tb-btn task-submit', id: 'submit-task', title: 'Submit (Ctrl+Enter)', onclick: () => this.actions.submit() }, 'Submit');
    this.returnBtn = h('button', { type: 'button', class: 'tb-btn', id: 'return-task', title: 'Give the task back unfinished (counts as returned)', onclick: () => this.onReturn() }, 'Return');
    this.cats = h('ul', { class: 'cat-list', id: 'categories', role: 'listbox', 'aria-label': 'Category' });
    this.selInfo = h('div', { class: 'task-sel', id: 'selection-info' });
    this.comment = h('textarea', { class: 'task-comment', id: 'field-comment', rows: 2, placeholder: 'Comment on the selected field (C)', maxlength: 2000 });
    this.comment.addEventListener('change', () => this.editor.setComment(this.comment.value));
    this.comment.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && !e.shiftKey) {
        e.preventDefault();
        this.comment.blur();
      }
      if (e.key === 'Escape') this.comment.blur();
    });
    this.snap = h('input', { type: 'checkbox', id: 'snap-toggle', checked: true, onchange: () => this.editor.toggleSnapping() });
    this.issues = new IssuesPanel(editor);
    this.suggestEl = h('div', { class: 'task-sel', id: 'suggest-info' });
    this.el = h(
      'section',
      { class: 'panel task-panel', id: 'task-panel', hidden: true },
      h('div', { class: 'panel-head' }, h('h2', { class: 'panel-title' }, 'Task'), h('span', { class: 'panel-hint' }, '? for shortcuts')),
      h('div', { class: 'task-body' },
        this.title,
        this.save,
        h('div', { class: 'task-actions' },
          h('button', { type: 'button', class: 'tb-btn', id: 'next-task', title: 'Open the next task (N)', onclick: () => this.actions.nextTask() }, 'Next task'),
          this.submitBtn,
          this.returnBtn,
        ),
        h('div', { class: 'task-sub' }, 'Category', h('span', { class: 'panel-hint' }, 'keys 1-9')),
        this.cats,
        this.selInfo,
        this.comment,
        h('label', { class: 'task-snap' }, this.snap, ' Snap to neighbours ', h('kbd', { class: 'kbd' }, 'Shift+S')),
        this.suggestEl,
      ),
      this.issues.el,
    );
  }

  private onReturn(): void {
    if (!this.confirmReturn) {
      this.confirmReturn = true;
      this.returnBtn.textContent = 'Confirm return';
      setTimeout(() => {
        this.confirmReturn = false;
        this.returnBtn.textContent = 'Return';
      }, 4000);
      return;
    }
    this.confirmReturn = false;
    this.returnBtn.textContent = 'Return';
    this.actions.returnTask();
  }

  render(): void {
    const s = this.editor.session;
    this.el.hidden = !s;
    if (!s) return;
    const t = s.task;
    this.title.textContent = `Task ${t.assignment.id} · site ${t.site.id} · ${t.assignment.labellerName}`;
    const pending = s.pending;
    this.save.textContent = !t.editable ? `Read-only: ${t.readOnlyReason ?? ''}` : pending ? `Saving ${pending}…` : `Saved · revision ${s.revision}`;
    this.save.className = `task-save${pending ? ' is-saving' : ''}${t.editable ? '' : ' is-readonly'}`;
    this.submitBtn.disabled = !t.editable;
    this.returnBtn.disabled = !t.editable;
    if (this.catsFor !== t.categories) this.renderCategories();
    for (const li of this.cats.querySelectorAll<HTMLElement>('.cat-row')) li.setAttribute('aria-selected', String(li.dataset['category'] === this.editor.category()));
    const sel = this.editor.selection();
    const one = sel.length === 1 ? s.graph.get(sel[0]!) : undefined;
    this.selInfo.textContent = sel.length === 0 ? 'Nothing selected' : one ? `Field ${one.id} · ${one.category}` : `${sel.length} fields selected`;
    this.comment.disabled = !one || !t.editable;
    if (document.activeElement !== this.comment) this.comment.value = one?.comment ?? '';
    this.snap.checked = this.editor.snapping;
    this.suggestEl.textContent = `Suggestions (S): ${this.editor.suggestInfo ?? 'press S to load the model'}`;
    this.issues.render();
  }

  private renderCategories(): void {
    const s = this.editor.session!;
    this.catsFor = s.task.categories;
    clear(this.cats);
    const colours = categoryColours(s.task.categories);
    s.task.categories.forEach((c, i) => {
      const sw = h('span', { class: 'sw sw-cat' });
      sw.style.setProperty('--c', colours.get(c.id) ?? '#ccc');
      this.cats.append(h('li', { class: 'cat-row', role: 'option', 'data-category': c.id, onclick: () => this.editor.pickCategory(i + 1) }, h('span', { class: 'key' }, i < 9 ? String(i + 1) : ''), sw, c.id));
    });
  }

  focusComment(): void {
    if (!this.comment.disabled) this.comment.focus();
  }
}
