/**
 * The site list: class filter (All / Q / F / N with counts), an id search, and one dense row per
 * site (class badge, id, status, assignment count). Click, or ArrowUp/ArrowDown/Home/End while
 * the list has focus, opens a site.
 */
import type { SiteClass, SiteSummary } from '../../src/common/api/contract';
import { type Store, type ViewState, visibleSites } from '../state/store';
import { clear, h, icon } from './dom';
import { CLASS_LETTER, CLASS_TITLE, plural } from './format';

export interface SiteListActions {
  openSite(id: string): void;
  setClassFilter(cls: SiteClass | null): void;
}

const CLASSES: (SiteClass | null)[] = [null, 1, 2, 4];

export class SiteList {
  readonly el: HTMLElement;
  private readonly list: HTMLUListElement;
  private readonly filterBar: HTMLElement;
  private readonly count: HTMLElement;
  private readonly search: HTMLInputElement;
  private query = '';

  constructor(
    private readonly store: Store,
    private readonly actions: SiteListActions,
  ) {
    this.count = h('span', { class: 'panel-count' });
    this.filterBar = h('div', { class: 'seg seg-sm', role: 'group', 'aria-label': 'Filter by class' });
    this.search = h('input', {
      class: 'search-input',
      type: 'search',
      placeholder: 'Filter by id',
      spellcheck: 'false',
      'aria-label': 'Filter sites by id',
      oninput: () => {
        this.query = this.search.value.trim().toUpperCase();
        this.render(this.store.state);
      },
    });
    this.list = h('ul', {
      class: 'site-list',
      id: 'site-list',
      role: 'listbox',
      tabindex: 0,
      'aria-label': 'Sites',
      onkeydown: (e: Event) => this.onKey(e as KeyboardEvent),
    });
    this.el = h(
      'section',
      { class: 'panel sites-panel' },
      h('div', { class: 'panel-head' }, h('h2', { class: 'panel-title' }, 'Sites'), this.count),
      h('div', { class: 'panel-tools' }, this.filterBar, h('label', { class: 'search' }, icon('search'), this.search)),
      h(
        'div',
        { class: 'site-list-head', 'aria-hidden': 'true' },
        h('span', {}, 'Cls'),
        h('span', {}, 'Site'),
        h('span', {}, 'Status'),
        h('span', { class: 'num' }, 'Asg'),
      ),
      this.list,
    );
    store.subscribe((s, prev) => {
      if (s.sites !== prev.sites || s.classFilter !== prev.classFilter || s.sitesLoading !== prev.sitesLoading) this.render(s);
      else if (s.siteId !== prev.siteId) this.markSelected(s.siteId);
    });
    this.render(store.state);
  }

  private rows(s: ViewState): SiteSummary[] {
    const q = this.query;
    const sites = visibleSites(s);
    return q ? sites.filter((x) => x.id.toUpperCase().includes(q)) : sites;
  }

  private render(s: ViewState): void {
    clear(this.filterBar);
    for (const cls of CLASSES) {
      const n = cls === null ? s.sites.length : s.sites.filter((x) => x.cls === cls).length;
      this.filterBar.append(
        h(
          'button',
          {
            type: 'button',
            class: 'seg-btn',
            'aria-pressed': String(s.classFilter === cls),
            'data-class': cls === null ? 'all' : CLASS_LETTER[cls],
            title: cls === null ? 'All sites' : CLASS_TITLE[cls],
            onclick: () => this.actions.setClassFilter(cls),
          },
          cls === null ? 'All' : CLASS_LETTER[cls],
          h('span', { class: 'seg-count' }, String(n)),
        ),
      );
    }
    const rows = this.rows(s);
    this.count.textContent = s.sitesLoading ? 'loading' : rows.length === s.sites.length ? String(s.sites.length) : `${rows.length} / ${s.sites.length}`;
    clear(this.list);
    if (!s.sitesLoading && rows.length === 0) {
      this.list.append(h('li', { class: 'site-empty' }, s.sites.length === 0 ? 'This campaign has no sites yet.' : 'No site matches the filter.'));
    }
    for (const site of rows) {
      this.list.append(
        h(
          'li',
          {
            class: 'site-row',
            role: 'option',
            'data-site-id': site.id,
            'aria-selected': String(site.id === s.siteId),
            title: `${site.id}: ${CLASS_TITLE[site.cls]}; ${plural(site.sceneCount, 'scene')}, ${plural(site.assignmentCount, 'assignment')}`,
            onclick: () => {
              this.list.focus({ preventScroll: true });
              this.actions.openSite(site.id);
            },
          },
          h('span', { class: `cls-badge cls-${CLASS_LETTER[site.cls]}` }, CLASS_LETTER[site.cls]),
          h('span', { class: 'site-id' }, site.id),
          h('span', { class: `status status-${site.status.replace(/[^a-z_-]/gi, '')}` }, site.status),
          h('span', { class: 'site-asg num' }, String(site.assignmentCount)),
        ),
      );
    }
    this.markSelected(s.siteId);
  }

  private markSelected(id: string | null): void {
    for (const li of this.list.querySelectorAll<HTMLElement>('.site-row')) {
      const sel = li.dataset['siteId'] === id;
      li.setAttribute('aria-selected', String(sel));
      if (sel) li.scrollIntoView({ block: 'nearest' });
    }
  }

  /** Opens the site `delta` rows away from the open one (clamped). */
  step(delta: number | 'first' | 'last'): void {
    const rows = this.rows(this.store.state);
    if (rows.length === 0) return;
    const cur = rows.findIndex((x) => x.id === this.store.state.siteId);
    let next: number;
    if (delta === 'first') next = 0;
    else if (delta === 'last') next = rows.length - 1;
    else next = cur < 0 ? (delta > 0 ? 0 : rows.length - 1) : Math.min(rows.length - 1, Math.max(0, cur + delta));
    const site = rows[next];
    if (site && site.id !== this.store.state.siteId) this.actions.openSite(site.id);
  }

  focus(): void {
    this.list.focus({ preventScroll: true });
  }

  private onKey(e: KeyboardEvent): void {
    const map: Record<string, number | 'first' | 'last'> = { ArrowDown: 1, ArrowUp: -1, Home: 'first', End: 'last', PageDown: 10, PageUp: -10 };
    const d = map[e.key];
    if (d === undefined) return;
    e.preventDefault();
    e.stopPropagation();
    this.step(d);
  }
}
