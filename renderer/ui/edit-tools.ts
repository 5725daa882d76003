/**
 * The tool palette over the map while a task is open, and the hint line under it. Suggest (S) and
 * Propose (P) name the active suggestion model and execution provider in their tooltips (asked
 * for on first hover or use); while proposals are walked, a counter shows which one is current.
 */
import type { Editor } from '../editor/editor';
import type { ModeId } from '../modes/mode';
import { h } from './dom';

const TOOLS: { id: ModeId; label: string; key: string }[] = [
  { id: 'select', label: 'Select', key: 'V' },
  { id: 'draw', label: 'Draw', key: 'A' },
  { id: 'rectangle', label: 'Rect', key: 'R' },
  { id: 'move', label: 'Move', key: 'G' },
  { id: 'hole', label: 'Hole', key: 'H' },
  { id: 'split', label: 'Split', key: 'X' },
  { id: 'reshape', label: 'Reshape', key: 'E' },
  { id: 'suggest', label: 'Suggest', key: 'S' },
];

const SUGGEST_TIP = 'Suggest (S): click inside a field for its outline; Enter / A accepts, X rejects, Alt+click excludes a spot';
const PROPOSE_TIP = 'Propose fields in view (P): every field of the view, best first; Tab / J next, Shift+Tab / K previous, Enter / A accepts, X rejects, Esc stops';

export class EditTools {
  readonly el: HTMLElement;
  readonly hint: HTMLElement;
  private readonly undoBtn: HTMLButtonElement;
  private readonly redoBtn: HTMLButtonElement;
  private readonly proposeBtn: HTMLButtonElement;
  private readonly counter: HTMLElement;
  private infoAsked = false;

  constructor(private readonly editor: Editor) {
    const btn = (label: string, title: string, onclick: () => void, id: string) => h('button', { type: 'button', class: 'tool-btn', id, title, onclick }, label);
    this.undoBtn = btn('Undo', 'Undo (Ctrl+Z)', () => editor.undo(), 'tool-undo');
    this.redoBtn = btn('Redo', 'Redo (Ctrl+Shift+Z)', () => editor.redo(), 'tool-redo');
    this.proposeBtn = h('button', { type: 'button', class: 'tool-btn', id: 'tool-propose', 'data-mode': 'propose', title: PROPOSE_TIP, onclick: () => editor.proposeInView() }, 'Propose', h('span', { class: 'tool-key' }, 'P'));
    this.counter = h('div', { class: 'proposal-counter', id: 'proposal-counter', hidden: true, 'aria-live': 'polite' });
    this.el = h(
      'div',
      { class: 'tools', id: 'edit-tools', hidden: true, role: 'toolbar', 'aria-label': 'Editing tools' },
      ...TOOLS.map((t) =>
        h('button', { type: 'button', class: 'tool-btn', id: `tool-${t.id}`, 'data-mode': t.id, title: t.id === 'suggest' ? SUGGEST_TIP : `${t.label} (${t.key})`, onclick: () => editor.setMode(t.id) }, t.label, h('span', { class: 'tool-key' }, t.key)),
      ),
      this.proposeBtn,
      h('div', { class: 'tool-sep' }),
      btn('Merge', 'Merge the selected fields (M)', () => editor.merge(), 'tool-merge'),
      btn('Delete', 'Delete the selected fields (Delete)', () => editor.deleteSelected(), 'tool-delete'),
      h('div', { class: 'tool-sep' }),
      this.undoBtn,
      this.redoBtn,
      this.counter,
    );
    for (const b of this.el.querySelectorAll<HTMLElement>('#tool-suggest, #tool-propose')) b.addEventListener('pointerenter', () => this.askInfo());
    this.hint = h('div', { class: 'edit-hint', id: 'edit-hint', hidden: true, 'aria-live': 'polite' });
  }

  render(): void {
    const s = this.editor.session;
    this.el.hidden = !s;
    const editable = this.editor.editable();
    for (const b of this.el.querySelectorAll<HTMLButtonElement>('.tool-btn')) {
      if (b.dataset['mode']) b.setAttribute('aria-pressed', String(b.dataset['mode'] === this.editor.mode.id));
      b.disabled = !editable;
    }
    this.undoBtn.disabled = !s?.history.canUndo || !editable;
    this.redoBtn.disabled = !s?.history.canRedo || !editable;
    this.undoBtn.title = `Undo ${s?.history.undoAnnotation ?? ''} (Ctrl+Z)`;
    this.redoBtn.title = `Redo ${s?.history.redoAnnotation ?? ''} (Ctrl+Shift+Z)`;
    const info = this.editor.suggestInfo;
    if (info) this.infoAsked = true;
    const model = `\nModel: ${info ?? 'not loaded yet'}`;
    this.el.querySelector<HTMLElement>('#tool-suggest')!.title = SUGGEST_TIP + model;
    this.proposeBtn.title = PROPOSE_TIP + model;
    const counter = this.editor.proposalCounter;
    this.counter.hidden = !counter;
    this.counter.textContent = counter ?? '';
    const hint = this.editor.hintText;
    this.hint.hidden = !s || !hint;
    this.hint.textContent = hint?.text ?? '';
    this.hint.classList.toggle('is-bad', !!hint?.bad);
  }

  /** The model and provider for the tooltips, once. */
  private askInfo(): void {
    if (this.infoAsked || !this.editor.session) return;
    this.infoAsked = true;
    void this.editor.suggestionInfo().then(() => this.render());
  }
}
