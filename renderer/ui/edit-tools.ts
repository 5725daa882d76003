/** The tool palette over the map while a task is open, and the hint line under it. */
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
];

export class EditTools {
  readonly el: HTMLElement;
  readonly hint: HTMLElement;
  private readonly undoBtn: HTMLButtonElement;
  private readonly redoBtn: HTMLButtonElement;

  constructor(private readonly editor: Editor) {
    const btn = (label: string, title: string, onclick: () => void, id: string) => h('button', { type: 'button', class: 'tool-btn', id, title, onclick }, label);
    this.undoBtn = btn('Undo', 'Undo (Ctrl+Z)', () => editor.undo(), 'tool-undo');
    this.redoBtn = btn('Redo', 'Redo (Ctrl+Shift+Z)', () => editor.redo(), 'tool-redo');
    this.el = h(
      'div',
      { class: 'tools', id: 'edit-tools', hidden: true, role: 'toolbar', 'aria-label': 'Editing tools' },
      ...TOOLS.map((t) => h('button', { type: 'button', class: 'tool-btn', 'data-mode': t.id, title: `${t.label} (${t.key})`, onclick: () => editor.setMode(t.id) }, t.label, h('span', { class: 'tool-key' }, t.key))),
      h('div', { class: 'tool-sep' }),
      btn('Merge', 'Merge the selected fields (M)', () => editor.merge(), 'tool-merge'),
      btn('Delete', 'Delete the selected fields (Delete)', () => editor.deleteSelected(), 'tool-delete'),
      h('div', { class: 'tool-sep' }),
      this.undoBtn,
      this.redoBtn,
    );
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
    const hint = this.editor.hintText;
    this.hint.hidden = !s || !hint;
    this.hint.textContent = hint?.text ?? '';
    this.hint.classList.toggle('is-bad', !!hint?.bad);
  }
}
