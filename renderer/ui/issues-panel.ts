/** The validation issues of the open task: errors first; a click zooms to the issue, a fix button applies it. */
import type { Editor } from '../editor/editor';
import type { Issue } from '../../src/common/validation/issue';
import { clear, h } from './dom';

export class IssuesPanel {
  readonly el: HTMLElement;
  private readonly list: HTMLElement;
  private readonly count: HTMLElement;
  private shown: readonly Issue[] | null = null;

  constructor(private readonly editor: Editor) {
    this.count = h('span', { class: 'panel-count', id: 'issue-count' });
    this.list = h('ul', { class: 'issue-list', id: 'issues' });
    this.el = h('div', { class: 'issues' }, h('div', { class: 'panel-head' }, h('h2', { class: 'panel-title' }, 'Issues'), this.count, h('span', { class: 'panel-hint' }, 'I: next')), this.list);
  }

  render(): void {
    const issues = this.editor.session?.validator.issues() ?? [];
    if (issues === this.shown) return;
    this.shown = issues;
    clear(this.list);
    const errors = issues.filter((i) => i.severity === 'error').length;
    this.count.textContent = issues.length ? `${errors} error${errors === 1 ? '' : 's'}, ${issues.length - errors} warning${issues.length - errors === 1 ? '' : 's'}` : 'none';
    const editable = this.editor.editable();
    for (const issue of issues.slice(0, 200)) {
      const fixes = editable
        ? issue.fixes.map((f, k) =>
            h('button', { type: 'button', class: 'issue-fix', title: f.label, onclick: (e: Event) => { e.stopPropagation(); this.editor.fixIssue(issue, k); } }, f.label),
          )
        : [];
      this.list.append(
        h(
          'li',
          { class: `issue issue-${issue.severity}`, 'data-issue': issue.id, 'data-rule': issue.rule, title: 'Zoom to it', onclick: () => this.editor.showIssue(issue) },
          h('span', { class: 'issue-dot' }),
          h('span', { class: 'issue-msg' }, issue.message),
          fixes.length ? h('span', { class: 'issue-fixes' }, ...fixes) : null,
        ),
      );
    }
    if (issues.length > 200) this.list.append(h('li', { class: 'issue-more' }, `and ${issues.length - 200} more`));
  }
}
