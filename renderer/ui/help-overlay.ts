/** `?`: every shortcut, from the same table the key handler uses. Esc or `?` closes it. */
import { SHORTCUTS } from '../editor/keymap';
import { h } from './dom';

export class HelpOverlay {
  readonly el: HTMLElement;

  constructor() {
    const groups = [...new Set(SHORTCUTS.map((s) => s.group))];
    this.el = h(
      'div',
      { class: 'help', id: 'help', hidden: true, role: 'dialog', 'aria-label': 'Keyboard shortcuts', onclick: (e: Event) => e.target === this.el && this.toggle(false) },
      h(
        'div',
        { class: 'help-card' },
        h('div', { class: 'help-head' }, h('h2', { class: 'panel-title' }, 'Keyboard and mouse'), h('span', { class: 'panel-hint' }, 'Esc or ? closes')),
        h(
          'div',
          { class: 'help-cols' },
          ...groups.map((g) =>
            h('section', { class: 'help-group' }, h('h3', {}, g), h('dl', {}, ...SHORTCUTS.filter((s) => s.group === g).flatMap((s) => [h('dt', {}, h('kbd', { class: 'kbd' }, s.keys)), h('dd', {}, s.label)]))),
          ),
        ),
      ),
    );
  }

  get open(): boolean {
    return !this.el.hidden;
  }

  toggle(open = !this.open): void {
    this.el.hidden = !open;
    document.body.dataset['help'] = String(open);
  }
}
