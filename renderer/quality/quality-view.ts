/**
 * The staff "Quality" view over the map: two dense tables, sortable by any column (a click on a
 * header sorts, numbers highest first; again reverses; empty values always last).
 * - Sites: id, class, status, assignments, and for Class 4 sites with a consensus the mean risk,
 *   risky fraction and entropy of the chosen merge method (`listSiteRisk`). A click opens the site.
 * - Labellers (`listLabellerQuality`): trust, running quality, mean score, n scored, field and
 *   no-field skill, return rate, rejections. A click shows their Class 1 history
 *   (`getLabellerHistory`), whose rows open the site.
 * Opened from the app bar ("Quality"); Esc closes.
 */
import type { FieldmarkApi, LabellerHistory, LabellerQuality, SiteRisk, SiteSummary } from '../../src/common/api/contract';
import type { RiskTileMethod } from '../../src/common/api/tiles';
import type { Store } from '../state/store';
import { clear, h, isTyping } from '../ui/dom';
import { CLASS_LETTER, CLASS_TITLE, shortDate } from '../ui/format';
import { num, pct, TRUST_TEXT } from './explain';

type Tab = 'sites' | 'labellers';
export type Value = string | number | null;

interface Column<T> {
  key: string;
  label: string;
  title: string;
  value: (row: T) => Value;
  cell: (row: T) => Node | string;
  numeric?: boolean;
}

interface SiteRow {
  site: SiteSummary;
  risk: SiteRisk | null;
}

export interface QualityViewActions {
  openSite(id: string): void;
  problem(message: string): void;
}

/** Table order: numbers numerically, text naturally, `dir` 1 ascending / -1 descending; empty values always last. */
export function compareValues(a: Value, b: Value, dir: 1 | -1): number {
  if (a === null && b === null) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  if (typeof a === 'number' && typeof b === 'number') return (a - b) * dir;
  return String(a).localeCompare(String(b), undefined, { numeric: true }) * dir;
}

export class QualityView {
  readonly button: HTMLButtonElement;
  readonly el: HTMLElement;
  private readonly tabs: HTMLElement;
  private readonly content: HTMLElement;
  private readonly methodSel: HTMLSelectElement;
  private readonly summary: HTMLElement;
  private tab: Tab = 'sites';
  private sort: Record<Tab, { key: string; dir: 1 | -1 }> = { sites: { key: 'site', dir: 1 }, labellers: { key: 'name', dir: 1 } };
  private method: RiskTileMethod = 'bayes';
  private risks: SiteRisk[] = [];
  private labellers: LabellerQuality[] = [];
  private expanded: string | null = null;
  private history: LabellerHistory | null = null;

  constructor(
    private readonly store: Store,
    private readonly api: FieldmarkApi,
    private readonly actions: QualityViewActions,
  ) {
    this.button = h('button', { type: 'button', class: 'tb-btn appbar-btn', id: 'quality-toggle', hidden: true, 'aria-expanded': 'false', title: 'Label quality: sites by risk, labellers by score', onclick: () => this.toggle() }, 'Quality');
    this.tabs = h('div', { class: 'seg', role: 'tablist' });
    this.methodSel = h('select', { class: 'select', id: 'quality-method', 'aria-label': 'Consensus method', onchange: () => void this.setMethod(this.methodSel.value as RiskTileMethod) });
    for (const m of ['bayes', 'staple', 'majority']) this.methodSel.append(h('option', { value: m }, m === 'bayes' ? 'Bayes merge' : m === 'staple' ? 'STAPLE' : 'Majority vote'));
    this.summary = h('span', { class: 'qv-summary' });
    this.content = h('div', { class: 'qv-content' });
    this.el = h(
      'section',
      { class: 'quality-view', id: 'quality-view', hidden: true, 'aria-label': 'Label quality' },
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
      if (s.sites !== prev.sites && !this.el.hidden) this.render();
    });
    document.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && !this.el.hidden && !isTyping(e.target) && !e.defaultPrevented) {
        this.toggle(false);
        e.preventDefault();
      }
    });
  }

  get open(): boolean {
    return !this.el.hidden;
  }

  toggle(open: boolean = !this.open): void {
    if (open && this.button.hidden) return;
    this.el.hidden = !open;
    this.button.classList.toggle('is-open', open);
    this.button.setAttribute('aria-expanded', String(open));
    document.body.dataset['quality'] = String(open);
    if (open) void this.load();
  }

  private async setMethod(m: RiskTileMethod): Promise<void> {
    this.method = m;
    await this.load();
  }

  /** Reloads the figures (the view is open). */
  async load(): Promise<void> {
    document.body.dataset['qualityLoaded'] = 'false';
    try {
      const [risks, labellers] = await Promise.all([this.api.listSiteRisk({ method: this.method }), this.api.listLabellerQuality()]);
      this.risks = risks;
      this.labellers = labellers;
    } catch (e) {
      this.actions.problem(`Cannot read the quality figures: ${e instanceof Error ? e.message : String(e)}`);
    }
    this.render();
    document.body.dataset['qualityLoaded'] = 'true';
  }

  private setTab(t: Tab): void {
    this.tab = t;
    this.render();
  }

  private render(): void {
    clear(this.tabs);
    for (const [t, label] of [
      ['sites', 'Sites'],
      ['labellers', 'Labellers'],
    ] as [Tab, string][]) {
      this.tabs.append(h('button', { type: 'button', class: 'seg-btn', role: 'tab', id: `quality-tab-${t}`, 'aria-pressed': String(this.tab === t), 'aria-selected': String(this.tab === t), onclick: () => this.setTab(t) }, label));
    }
    this.methodSel.value = this.method;
    this.methodSel.hidden = this.tab !== 'sites';
    clear(this.content);
    if (this.tab === 'sites') this.renderSites();
    else this.renderLabellers();
  }

  private table<T>(id: string, tab: Tab, cols: Column<T>[], rows: T[], rowAttrs: (r: T) => Record<string, string>, onRow: (r: T) => void, after?: (r: T) => HTMLElement | null): HTMLElement {
    const { key, dir } = this.sort[tab];
    const col = cols.find((c) => c.key === key) ?? cols[0]!;
    const sorted = [...rows].sort((a, b) => compareValues(col.value(a), col.value(b), dir));
    const head = h(
      'tr',
      {},
      ...cols.map((c) =>
        h(
          'th',
          {
            'data-key': c.key,
            class: c.numeric ? 'is-num' : '',
            title: `${c.title}. Click to sort`,
            'aria-sort': c.key === key ? (dir === 1 ? 'ascending' : 'descending') : 'none',
            onclick: () => {
              const cur = this.sort[tab];
              this.sort[tab] = cur.key === c.key ? { key: c.key, dir: cur.dir === 1 ? -1 : 1 } : { key: c.key, dir: c.numeric ? -1 : 1 };
              this.render();
            },
          },
          c.label,
          h('span', { class: 'qv-arrow' }, c.key === key ? (dir === 1 ? '▲' : '▼') : ''),
        ),
      ),
    );
    const body = h('tbody');
    for (const r of sorted) {
      body.append(h('tr', { ...rowAttrs(r), tabindex: 0, onclick: () => onRow(r), onkeydown: (e: Event) => (e as KeyboardEvent).key === 'Enter' && onRow(r) }, ...cols.map((c) => h('td', { class: c.numeric ? 'is-num mono' : '' }, c.cell(r)))));
      const extra = after?.(r);
      if (extra) body.append(extra);
    }
    return h('div', { class: 'qv-scroll' }, h('table', { class: 'qv-table', id }, h('thead', {}, head), body));
  }

  private renderSites(): void {
    const byId = new Map(this.risks.map((r) => [r.siteId, r]));
    const rows: SiteRow[] = this.store.state.sites.map((site) => ({ site, risk: byId.get(site.id) ?? null }));
    const merged = rows.filter((r) => r.risk).length;
    const class4 = rows.filter((r) => r.site.cls === 4).length;
    this.summary.textContent = `${rows.length} sites · ${merged} of ${class4} Class 4 merged`;
    const cols: Column<SiteRow>[] = [
      { key: 'site', label: 'Site', title: 'Site id', value: (r) => r.site.id, cell: (r) => h('span', { class: 'mono' }, r.site.id) },
      {
        key: 'cls',
        label: 'Class',
        title: 'Task class',
        value: (r) => r.site.cls,
        cell: (r) => h('span', { class: `cls-badge cls-${CLASS_LETTER[r.site.cls]}`, title: CLASS_TITLE[r.site.cls] }, CLASS_LETTER[r.site.cls]),
      },
      { key: 'status', label: 'Status', title: 'Site status', value: (r) => r.site.status, cell: (r) => h('span', { class: `status status-${r.site.status.replace(/[^a-z_-]/gi, '')}` }, r.site.status) },
      { key: 'assignments', label: 'Maps', title: 'Assignments', numeric: true, value: (r) => r.site.assignmentCount, cell: (r) => String(r.site.assignmentCount) },
      { key: 'meanRisk', label: 'Mean risk', title: 'Mean of r = min(C, 1 - C) over the cell', numeric: true, value: (r) => r.risk?.meanRisk ?? null, cell: (r) => riskCell(r.risk?.meanRisk ?? null) },
      { key: 'riskyFraction', label: 'Risky', title: 'Share of the cell with r above the threshold', numeric: true, value: (r) => r.risk?.riskyFraction ?? null, cell: (r) => pct(r.risk?.riskyFraction ?? null, 1) },
      { key: 'entropy', label: 'Entropy', title: 'Mean binary entropy of C (bits)', numeric: true, value: (r) => r.risk?.meanEntropy ?? null, cell: (r) => num(r.risk?.meanEntropy ?? null) },
      {
        key: 'noHistory',
        label: 'Note',
        title: 'Labellers merged without Class 1 history',
        value: (r) => (r.risk ? r.risk.noHistory.length : null),
        cell: (r) => (r.risk?.noHistory.length ? h('span', { class: 'qv-warn', title: r.risk.noHistory.join(', ') }, `${r.risk.noHistory.length} without history`) : ''),
      },
    ];
    this.content.append(
      this.table('quality-sites', 'sites', cols, rows, (r) => ({ 'data-site-id': r.site.id, class: r.site.id === this.store.state.site?.id ? 'is-current' : '' }), (r) => this.openSite(r.site.id)),
    );
  }

  private renderLabellers(): void {
    this.summary.textContent = `${this.labellers.length} labellers · ${this.labellers.filter((l) => l.trust === 'untrusted').length} untrusted`;
    const cols: Column<LabellerQuality>[] = [
      { key: 'name', label: 'Labeller', title: 'Name (id)', value: (l) => l.name, cell: (l) => h('span', {}, l.name, h('span', { class: 'qv-id mono' }, ` ${l.id}`)) },
      { key: 'trust', label: 'Trust', title: 'Running quality against the trust threshold', value: (l) => l.trust, cell: (l) => h('span', { class: `qv-trust qv-trust-${l.trust}`, title: TRUST_TEXT[l.trust] }, l.trust) },
      { key: 'runningQuality', label: 'Running', title: 'Mean of the last 5 Class 1 scores minus the return rate of the last 10 tasks', numeric: true, value: (l) => l.runningQuality, cell: (l) => num(l.runningQuality) },
      { key: 'meanScore', label: 'Mean score', title: 'Mean Class 1 score', numeric: true, value: (l) => l.meanScore, cell: (l) => num(l.meanScore) },
      { key: 'scored', label: 'n', title: 'Scored Class 1 assignments', numeric: true, value: (l) => l.scored, cell: (l) => String(l.scored) },
      { key: 'fieldSkill', label: 'Field skill', title: 'Reference field area they mapped (pooled)', numeric: true, value: (l) => l.fieldSkill, cell: (l) => num(l.fieldSkill) },
      { key: 'noFieldSkill', label: 'No-field skill', title: 'Non-field area they left clear (pooled)', numeric: true, value: (l) => l.noFieldSkill, cell: (l) => num(l.noFieldSkill) },
      { key: 'returnRate', label: 'Returns', title: 'Return rate over the last 10 tasks', numeric: true, value: (l) => l.returnRate, cell: (l) => pct(l.returnRate) },
      { key: 'rejected', label: 'Rejected', title: 'Class 1 scores below the pass mark', numeric: true, value: (l) => l.rejected, cell: (l) => String(l.rejected) },
      { key: 'lastScoredAt', label: 'Last scored', title: 'Last scored submission', value: (l) => l.lastScoredAt, cell: (l) => (l.lastScoredAt ? shortDate(l.lastScoredAt) : '–') },
    ];
    this.content.append(
      this.table(
        'quality-labellers',
        'labellers',
        cols,
        this.labellers,
        (l) => ({ 'data-labeller-id': l.id, class: l.id === this.expanded ? 'is-current' : '', 'aria-expanded': String(l.id === this.expanded) }),
        (l) => void this.expand(l.id),
        (l) => (l.id === this.expanded ? this.historyRow(cols.length) : null),
      ),
    );
  }

  private async expand(id: string): Promise<void> {
    if (this.expanded === id) {
      this.expanded = null;
      this.render();
      return;
    }
    this.expanded = id;
    this.history = null;
    this.render();
    try {
      const hist = await this.api.getLabellerHistory(id);
      if (this.expanded === id) this.history = hist;
    } catch (e) {
      this.actions.problem(`Cannot read the history of ${id}: ${e instanceof Error ? e.message : String(e)}`);
    }
    this.render();
  }

  private historyRow(span: number): HTMLElement {
    const hist = this.history;
    const cell = h('td', { colspan: span, class: 'qv-history' });
    if (!hist) cell.append(h('span', { class: 'qa-note' }, 'Loading the history…'));
    else {
      const c = hist.components;
      cell.append(
        h(
          'div',
          { class: 'qv-hist-head' },
          `${hist.tasks.finished} tasks finished, ${hist.tasks.returned} returned (Class 1: ${hist.tasks.byClass[1]}, 2: ${hist.tasks.byClass[2]}, 4: ${hist.tasks.byClass[4]})`,
          c ? ` · mean area ${num(c.area)}, fields matched ${num(c.fragmentation)}, edges ${num(c.edge)}, categories ${num(c.categorical)}` : ' · no scores yet',
        ),
      );
      if (hist.history.length) {
        const list = h('div', { class: 'qv-hist' });
        for (const e of [...hist.history].reverse().slice(0, 24)) {
          list.append(
            h(
              'button',
              { type: 'button', class: `qv-hist-item${e.rejected ? ' is-rejected' : ''}`, title: `${e.siteId}, ${e.submittedAt ? shortDate(e.submittedAt) : ''}: score ${num(e.scores.score)}; running ${num(e.runningQuality)} (${e.trust})`, onclick: () => this.openSite(e.siteId) },
              h('span', { class: 'mono' }, e.siteId),
              h('span', { class: 'mono qv-hist-score' }, num(e.scores.score)),
            ),
          );
        }
        cell.append(list);
      }
    }
    return h('tr', { class: 'qv-history-row' }, cell);
  }

  private openSite(id: string): void {
    this.toggle(false);
    this.actions.openSite(id);
  }
}

function riskCell(v: number | null): Node | string {
  if (v === null) return '–';
  // a bar up to 0.5, the largest possible risk
  const bar = h('span', { class: 'qv-bar' });
  bar.style.setProperty('--w', `${Math.min(100, (v / 0.5) * 100).toFixed(0)}%`);
  return h('span', { class: 'qv-risk' }, bar, num(v, 3));
}
