/**
 * The Quality view's Sites tab: `listSiteTable` (class, qualification set, state, trusted maps
 * counted / needed, pending, returned, not counted) with the consensus figures of the chosen
 * merge method (`listSiteRisk`: mean risk, risky fraction, entropy, labellers merged without
 * history). Filters by class and state (sent to `listSiteTable`); sortable by any column; a click
 * opens the site on the map.
 */
import type { FieldmarkApi, SiteClass, SiteRisk, SiteState, SiteTableFilter, SiteTableRow } from '../../src/common/api/contract';
import type { RiskTileMethod } from '../../src/common/api/tiles';
import { h } from '../ui/dom';
import { CLASS_LETTER, CLASS_TITLE } from '../ui/format';
import { num, pct } from './explain';
import type { TabHost } from './labeller-table';
import { riskCell, sortTable, type Column, type SortState } from './sort-table';

export const SITE_STATES: readonly SiteState[] = ['open', 'in_progress', 'complete', 'quality_control', 'closed'];
const STATE_TEXT: Record<SiteState, string> = { open: 'open', in_progress: 'in progress', complete: 'complete', quality_control: 'quality control', closed: 'closed' };

interface Row {
  site: SiteTableRow;
  risk: SiteRisk | null;
}

export class SiteTab {
  rows: SiteTableRow[] = [];
  risks: SiteRisk[] = [];
  method: RiskTileMethod = 'bayes';
  filter: SiteTableFilter = {};
  currentSite: string | null = null;
  private sort: SortState = { key: 'site', dir: 1 };

  constructor(
    private readonly api: FieldmarkApi,
    private readonly host: TabHost,
  ) {}

  async load(): Promise<void> {
    const [rows, risks] = await Promise.all([this.api.listSiteTable(this.filter), this.api.listSiteRisk({ method: this.method })]);
    this.rows = rows;
    this.risks = risks;
  }

  summary(): string {
    const merged = this.rows.filter((r) => r.cls === 4 && this.risks.some((k) => k.siteId === r.id)).length;
    const class4 = this.rows.filter((r) => r.cls === 4).length;
    const filtered = this.filter.cls !== undefined || this.filter.state !== undefined;
    return `${this.rows.length} sites${filtered ? ' (filtered)' : ''} · ${merged} of ${class4} Class 4 merged`;
  }

  private async setFilter(f: SiteTableFilter): Promise<void> {
    this.filter = f;
    document.body.dataset['siteTable'] = 'loading';
    try {
      await this.load();
    } catch (e) {
      this.host.problem(`Cannot read the site table: ${e instanceof Error ? e.message : String(e)}`);
    }
    this.host.rerender();
    document.body.dataset['siteTable'] = 'ready';
  }

  private filters(): HTMLElement {
    const cls = h('select', { class: 'select', id: 'site-filter-class', 'aria-label': 'Filter by class' }, h('option', { value: '' }, 'Every class'));
    for (const c of [1, 2, 4] as SiteClass[]) cls.append(h('option', { value: String(c) }, `Class ${c} (${CLASS_LETTER[c]})`));
    cls.value = this.filter.cls !== undefined ? String(this.filter.cls) : '';
    const state = h('select', { class: 'select', id: 'site-filter-state', 'aria-label': 'Filter by state' }, h('option', { value: '' }, 'Every state'));
    for (const s of SITE_STATES) state.append(h('option', { value: s }, STATE_TEXT[s]));
    state.value = this.filter.state ?? '';
    const apply = () => {
      const f: SiteTableFilter = {};
      if (cls.value) f.cls = Number(cls.value) as SiteClass;
      if (state.value) f.state = state.value as SiteState;
      void this.setFilter(f);
    };
    cls.addEventListener('change', apply);
    state.addEventListener('change', apply);
    return h('div', { class: 'qv-filters' }, h('span', { class: 'qv-filter-label' }, 'Show'), cls, state);
  }

  render(into: HTMLElement): void {
    const byId = new Map(this.risks.map((r) => [r.siteId, r]));
    const rows: Row[] = this.rows.map((site) => ({ site, risk: byId.get(site.id) ?? null }));
    const cols: Column<Row>[] = [
      { key: 'site', label: 'Site', title: 'Site id', value: (r) => r.site.id, cell: (r) => h('span', { class: 'mono' }, r.site.id) },
      {
        key: 'cls',
        label: 'Class',
        title: 'Task class (Q: quality control; a "qual" tag: in the qualification set)',
        value: (r) => r.site.cls,
        cell: (r) =>
          h(
            'span',
            {},
            h('span', { class: `cls-badge cls-${CLASS_LETTER[r.site.cls]}`, title: CLASS_TITLE[r.site.cls] }, CLASS_LETTER[r.site.cls]),
            r.site.qualification ? h('span', { class: 'qv-qual-tag', title: 'In the qualification set (I): served to new labellers first' }, 'qual') : null,
          ),
      },
      { key: 'state', label: 'State', title: 'Site state', value: (r) => r.site.state, cell: (r) => h('span', { class: `status status-${r.site.state}` }, STATE_TEXT[r.site.state]) },
      {
        key: 'counted',
        label: 'Maps',
        title: 'Trusted maps counted / needed (Class 1: needs none; every map is scored)',
        numeric: true,
        value: (r) => r.site.counted,
        cell: (r) => `${r.site.counted} / ${r.site.needed}`,
      },
      { key: 'pending', label: 'Pending', title: 'Maps being drawn', numeric: true, value: (r) => r.site.pending, cell: (r) => String(r.site.pending) },
      { key: 'returned', label: 'Returned', title: 'Returned or abandoned maps', numeric: true, value: (r) => r.site.returned, cell: (r) => String(r.site.returned) },
      { key: 'notCounted', label: 'Not counted', title: 'Finished maps that do not count (untrusted, rejected)', numeric: true, value: (r) => r.site.notCounted, cell: (r) => String(r.site.notCounted) },
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
    into.append(
      h(
        'div',
        { class: 'qv-pane' },
        this.filters(),
        sortTable({
          id: 'quality-sites',
          cols,
          rows,
          sort: this.sort,
          onSort: (s) => {
            this.sort = s;
            this.host.rerender();
          },
          rowAttrs: (r) => ({ 'data-site-id': r.site.id, 'data-cls': String(r.site.cls), 'data-state': r.site.state, class: r.site.id === this.currentSite ? 'is-current' : '' }),
          onRow: (r) => this.host.openSite(r.site.id),
        }),
      ),
    );
  }
}
