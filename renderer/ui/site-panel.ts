/**
 * The open site's details (class, status, centre, scenes) and the labeller filter: one row per
 * assignment (labeller, status, label count) plus "All labellers". Keys 0-9 pick a row.
 */
import type { SiteDetail } from '../../src/common/api/contract';
import type { Store, ViewState } from '../state/store';
import { clear, h } from './dom';
import { CLASS_LETTER, CLASS_SHORT, CLASS_TITLE, coord, plural, shortDate } from './format';

export interface SitePanelActions {
  setAssignment(id: number | null): void;
}

export class SitePanel {
  readonly el: HTMLElement;
  private readonly details: HTMLElement;
  private readonly labellers: HTMLElement;
  private readonly count: HTMLElement;

  constructor(
    private readonly store: Store,
    private readonly actions: SitePanelActions,
  ) {
    this.details = h('dl', { class: 'kv', id: 'site-details' });
    this.count = h('span', { class: 'panel-count' });
    this.labellers = h('ul', { class: 'labeller-list', id: 'labeller-filter', role: 'listbox', 'aria-label': 'Show labels of' });
    this.el = h(
      'section',
      { class: 'panel site-panel' },
      h('div', { class: 'panel-head' }, h('h2', { class: 'panel-title' }, 'Site')),
      this.details,
      h('div', { class: 'panel-head' }, h('h2', { class: 'panel-title' }, 'Labellers'), this.count, h('span', { class: 'panel-hint' }, 'keys 0-9')),
      this.labellers,
    );
    store.subscribe((s, prev) => {
      if (s.site !== prev.site || s.labels !== prev.labels) this.render(s);
      else if (s.assignmentId !== prev.assignmentId) this.mark(s.assignmentId);
    });
    this.render(store.state);
  }

  private render(s: ViewState): void {
    const site = s.site;
    this.el.hidden = !site;
    clear(this.details);
    clear(this.labellers);
    if (!site) return;
    this.renderDetails(site);
    const perAssignment = new Map<number, number>();
    for (const f of s.labels?.features ?? []) perAssignment.set(f.properties.assignmentId, (perAssignment.get(f.properties.assignmentId) ?? 0) + 1);
    this.count.textContent = String(site.assignments.length);
    this.labellers.append(this.row(null, 0, 'All labellers', null, s.labels?.features.length ?? 0));
    site.assignments.forEach((a, i) => this.labellers.append(this.row(a.id, i + 1, a.labellerName, a.status, perAssignment.get(a.id) ?? a.labels)));
    if (site.assignments.length === 0) this.labellers.append(h('li', { class: 'site-empty' }, 'Nobody has mapped this site yet.'));
    this.mark(s.assignmentId);
  }

  private renderDetails(site: SiteDetail): void {
    const add = (k: string, v: Node | string) => this.details.append(h('dt', {}, k), h('dd', {}, v));
    add('Class', h('span', { class: 'kv-class', title: CLASS_TITLE[site.cls] }, h('span', { class: `cls-badge cls-${CLASS_LETTER[site.cls]}` }, CLASS_LETTER[site.cls]), CLASS_SHORT[site.cls]));
    add('Status', h('span', { class: `status status-${site.status.replace(/[^a-z_-]/gi, '')}` }, site.status));
    add('Centre', h('span', { class: 'mono' }, `${coord(site.center[0])}, ${coord(site.center[1])}`));
    const dates = site.scenes.map((x) => shortDate(x.date));
    add('Scenes', site.scenes.length ? `${site.scenes.length}: ${dates.join(', ')}` : 'none');
  }

  private row(id: number | null, key: number, name: string, status: string | null, labels: number): HTMLLIElement {
    return h(
      'li',
      {
        class: 'labeller-row',
        role: 'option',
        'data-assignment-id': id === null ? 'all' : String(id),
        title: id === null ? 'Show every labeller’s labels' : `Show only ${name}’s labels (assignment ${id})`,
        onclick: () => this.actions.setAssignment(id),
      },
      h('span', { class: 'key' }, key <= 9 ? String(key) : ''),
      h('span', { class: 'labeller-name' }, name),
      status ? h('span', { class: `status status-${status.replace(/[^a-z_-]/gi, '')}` }, status) : h('span'),
      h('span', { class: 'num mono', title: plural(labels, 'label') }, String(labels)),
    );
  }

  private mark(assignmentId: number | null): void {
    const want = assignmentId === null ? 'all' : String(assignmentId);
    for (const li of this.labellers.querySelectorAll<HTMLElement>('.labeller-row')) li.setAttribute('aria-selected', String(li.dataset['assignmentId'] === want));
  }

  /** Key n: 0 = all, 1..9 = the n-th assignment. */
  pick(n: number): void {
    const site = this.store.state.site;
    if (!site) return;
    if (n === 0) this.actions.setAssignment(null);
    else {
      const a = site.assignments[n - 1];
      if (a) this.actions.setAssignment(a.id);
    }
  }
}
