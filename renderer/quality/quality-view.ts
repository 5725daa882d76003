/**
 * The staff "Quality" view over the map, opened from the app bar ("Quality"); Esc closes. Three
 * tabs, each its own module:
 * - Sites (site-table.ts): `listSiteTable` with the consensus figures of the chosen merge
 *   method, filtered by class / state; a click opens the site.
 * - Labellers (labeller-table.ts): `listLabellerTable` with the running-quality trend chart; a
 *   click shows the labeller's Class 1 history.
 * - Review (../review/review-tab.ts): the review queue ranked by risk and the review panel.
 * While open, keys inside the view (or with nothing focused) are handled here and stopped, so
 * the editor's and the app's shortcuts (App.onKey) do not fire under it.
 * Test hooks: body[data-quality] ("true" while open), body[data-quality-loaded].
 */
import type { FieldmarkApi } from '../../src/common/api/contract';
import type { RiskTileMethod } from '../../src/common/api/tiles';
import { ReviewTab } from '../review/review-tab';
import type { Store } from '../state/store';
import { clear, h, isTyping } from '../ui/dom';
import { LabellerTab, type TabHost } from './labeller-table';
import { SiteTab } from './site-table';

export { compareValues, type Value } from './sort-table';

type Tab = 'sites' | 'labellers' | 'review';

export interface QualityViewActions {
  openSite(id: string): void;
  problem(message: string): void;
}

export interface QualityViewDeps {
  tileBase: string;
  token: string | null;
}

const TABS: [Tab, string][] = [
  ['sites', 'Sites'],
  ['labellers', 'Labellers'],
  ['review', 'Review'],
];

export class QualityView {
  readonly button: HTMLButtonElement;
  readonly el: HTMLElement;
  private readonly tabs: HTMLElement;
  private readonly content: HTMLElement;
  private readonly methodSel: HTMLSelectElement;
  private readonly summary: HTMLElement;
  private tab: Tab = 'sites';
  private readonly sites: SiteTab;
  private readonly labellers: LabellerTab;
  readonly review: ReviewTab;

  constructor(
    private readonly store: Store,
    api: FieldmarkApi,
    private readonly actions: QualityViewActions,
    deps: QualityViewDeps,
  ) {
    const host: TabHost = { rerender: () => this.render(), openSite: (id) => this.openSite(id), problem: actions.problem };
    this.sites = new SiteTab(api, host);
    this.labellers = new LabellerTab(api, host);
    this.review = new ReviewTab({
      api,
      store,
      tileBase: deps.tileBase,
      token: deps.token,
      problem: actions.problem,
      openSite: (id) => this.openSite(id),
      reviewed: () => void this.loadTables(),
      queueChanged: () => {
        if (this.tab === 'review') this.summary.textContent = this.review.summary();
      },
    });
    this.button = h('button', { type: 'button', class: 'tb-btn appbar-btn', id: 'quality-toggle', hidden: true, 'aria-expanded': 'false', title: 'Label quality: sites, labellers and the review queue', onclick: () => this.toggle() }, 'Quality');
    this.tabs = h('div', { class: 'seg', role: 'tablist' });
    this.methodSel = h('select', { class: 'select', id: 'quality-method', 'aria-label': 'Consensus method', onchange: () => void this.setMethod(this.methodSel.value as RiskTileMethod) });
    for (const m of ['bayes', 'staple', 'majority']) this.methodSel.append(h('option', { value: m }, m === 'bayes' ? 'Bayes merge' : m === 'staple' ? 'STAPLE' : 'Majority vote'));
    this.summary = h('span', { class: 'qv-summary', id: 'quality-summary' });
    this.content = h('div', { class: 'qv-content' });
    this.el = h(
      'section',
      { class: 'quality-view', id: 'quality-view', hidden: true, tabindex: -1, 'aria-label': 'Label quality' },
      h(
        'div',
        { class: 'qv-head' },
        h('h2', { class: 'panel-title' }, 'Quality'),
        this.tabs,
        this.methodSel,
        this.summary,
        h('span', { class: 'tb-spacer' }),
        h('button', { type: 'button', class: 'tb-btn', id: 'quality-refresh', title: 'Reload the figures', onclick: () => void this.load() }, 'Refresh'),
        h('button', { type: 'button', class: 'tb-btn', id: 'quality-close', title: 'Close (Esc)', onclick: () => this.toggle(false) }, 'Close'),
      ),
      this.content,
    );
    store.subscribe((s, prev) => {
      if (s.info !== prev.info) {
        const r = s.info?.user.role;
        this.button.hidden = !(r === 'admin' || r === 'supervisor');
        if (this.button.hidden) this.toggle(false);
      }
      if (s.site !== prev.site) this.sites.currentSite = s.site?.id ?? null;
    });
    // Keys inside the view bubble to it; with nothing focused they go to body, caught first here.
    this.el.addEventListener('keydown', (e) => this.onKey(e));
    window.addEventListener(
      'keydown',
      (e) => {
        const t = e.target;
        if (this.open && (t === document.body || t === document.documentElement || t === document || t === window)) this.onKey(e);
      },
      true,
    );
  }

  get open(): boolean {
    return !this.el.hidden;
  }

  private onKey(e: KeyboardEvent): void {
    if (!this.open) return;
    if (!e.defaultPrevented) {
      if (e.key === 'Escape' && !isTyping(e.target)) {
        this.toggle(false);
        e.preventDefault();
      } else if (this.tab === 'review') this.review.onKey(e);
    }
    e.stopPropagation();
  }

  toggle(open: boolean = !this.open): void {
    if (open && this.button.hidden) return;
    if (!open && this.el.contains(document.activeElement)) (document.activeElement as HTMLElement).blur();
    this.el.hidden = !open;
    this.button.classList.toggle('is-open', open);
    this.button.setAttribute('aria-expanded', String(open));
    document.body.dataset['quality'] = String(open);
    this.review.setVisible(open && this.tab === 'review');
    if (open) {
      this.el.focus({ preventScroll: true });
      void this.load();
    }
  }

  private async setMethod(m: RiskTileMethod): Promise<void> {
    this.sites.method = m;
    await this.load();
  }

  /** Reloads the figures of every tab (the view is open). */
  async load(): Promise<void> {
    document.body.dataset['qualityLoaded'] = 'false';
    await Promise.all([
      this.loadTables(false),
      this.review.load().catch((e: unknown) => this.actions.problem(`Cannot read the review queue: ${e instanceof Error ? e.message : String(e)}`)),
    ]);
    this.render();
    document.body.dataset['qualityLoaded'] = 'true';
  }

  private async loadTables(render = true): Promise<void> {
    try {
      await Promise.all([this.sites.load(), this.labellers.load()]);
    } catch (e) {
      this.actions.problem(`Cannot read the quality figures: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (render && this.tab !== 'review') this.render();
  }

  private setTab(t: Tab): void {
    this.tab = t;
    this.render();
    this.review.setVisible(this.open && t === 'review');
  }

  private render(): void {
    clear(this.tabs);
    for (const [t, label] of TABS) {
      this.tabs.append(h('button', { type: 'button', class: 'seg-btn', role: 'tab', id: `quality-tab-${t}`, 'aria-pressed': String(this.tab === t), 'aria-selected': String(this.tab === t), onclick: () => this.setTab(t) }, label));
    }
    this.methodSel.value = this.sites.method;
    this.methodSel.hidden = this.tab !== 'sites';
    document.body.dataset['qualityTab'] = this.tab;
    if (this.tab === 'review') {
      this.summary.textContent = this.review.summary();
      if (this.review.el.parentElement !== this.content) {
        clear(this.content);
        this.content.append(this.review.el);
      }
      return;
    }
    clear(this.content);
    const tab = this.tab === 'sites' ? this.sites : this.labellers;
    this.summary.textContent = tab.summary();
    tab.render(this.content);
  }

  private openSite(id: string): void {
    this.toggle(false);
    this.actions.openSite(id);
  }
}
