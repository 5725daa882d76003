/**
 * The Quality view's Labellers tab (`listLabellerTable`): name, mean Class 1 score, running
 * quality, the trend over time as an inline SVG (trend-chart.ts), tasks finished / open,
 * returns (rate), reviews (pass rate), trust against the campaign's threshold, qualification
 * and last activity; sortable by any column. A click on a row shows the labeller's Class 1
 * history (`getLabellerHistory`), whose items open the site.
 */
import type { FieldmarkApi, LabellerHistory, LabellerTableRow, QualificationStatus } from '../../src/common/api/contract';
import { h } from '../ui/dom';
import { shortDate } from '../ui/format';
import { num, pct, TRUST_TEXT } from './explain';
import { sortTable, type Column, type SortState } from './sort-table';
import { trendChart } from './trend-chart';

export interface TabHost {
  rerender(): void;
  openSite(id: string): void;
  problem(message: string): void;
}

const QUAL_TEXT: Record<QualificationStatus['state'], string> = { none: 'no test', pending: 'pending', passed: 'passed', failed: 'failed' };

export function qualificationText(q: QualificationStatus): string {
  if (q.state === 'none') return QUAL_TEXT.none;
  const score = q.meanScore !== null ? ` ${q.meanScore.toFixed(2)}` : '';
  return `${QUAL_TEXT[q.state]}${q.state === 'pending' ? ` ${q.done}/${q.total}` : score}${q.override ? ' (set by staff)' : ''}`;
}

export class LabellerTab {
  rows: LabellerTableRow[] = [];
  threshold: number | null = null;
  private sort: SortState = { key: 'name', dir: 1 };
  private expanded: string | null = null;
  private history: LabellerHistory | null = null;

  constructor(
    private readonly api: FieldmarkApi,
    private readonly host: TabHost,
  ) {}

  async load(): Promise<void> {
    const [rows, campaign] = await Promise.all([this.api.listLabellerTable(), this.api.getCampaign().catch(() => null)]);
    this.rows = rows;
    this.threshold = campaign?.settings.trustThreshold ?? null;
  }

  summary(): string {
    const untrusted = this.rows.filter((l) => l.trust === 'untrusted').length;
    return `${this.rows.length} labellers · ${untrusted} untrusted${this.threshold !== null ? ` (trust threshold ${this.threshold.toFixed(2)})` : ''}`;
  }

  render(into: HTMLElement): void {
    const t = this.threshold;
    const cols: Column<LabellerTableRow>[] = [
      { key: 'name', label: 'Labeller', title: 'Name (id)', value: (l) => l.name, cell: (l) => h('span', {}, l.name, h('span', { class: 'qv-id mono' }, ` ${l.id}`)) },
      { key: 'meanScore', label: 'Score', title: 'Mean Class 1 score', numeric: true, value: (l) => l.meanScore, cell: (l) => num(l.meanScore) },
      { key: 'runningQuality', label: 'Running', title: 'Running quality: mean of the last 5 Class 1 scores minus the return rate of the last 10 tasks', numeric: true, value: (l) => l.runningQuality, cell: (l) => num(l.runningQuality) },
      {
        key: 'trend',
        label: 'Trend',
        title: 'Running quality after each finished task (line), Class 1 scores (dots), returns (red ticks), trust threshold (dashed); sorts by the number of tasks',
        value: (l) => l.trend.length,
        cell: (l) => trendChart(l.trend, t),
      },
      {
        key: 'tasks',
        label: 'Tasks',
        title: 'Finished / open tasks',
        numeric: true,
        value: (l) => l.tasks.finished,
        cell: (l) => h('span', { title: `${l.tasks.submitted} submitted, ${l.tasks.approved} approved, ${l.tasks.rejected} rejected, ${l.tasks.untrusted} untrusted, ${l.tasks.returned} returned, ${l.tasks.abandoned} abandoned` }, `${l.tasks.finished} / ${l.tasks.open}`),
      },
      {
        key: 'returnRate',
        label: 'Returns',
        title: 'Return rate over the last 10 tasks (returned and abandoned tasks in all)',
        numeric: true,
        value: (l) => l.returnRate,
        cell: (l) => `${pct(l.returnRate)} (${l.tasks.returned + l.tasks.abandoned})`,
      },
      {
        key: 'reviews',
        label: 'Reviews',
        title: 'Supervisor reviews: passed / reviewed (pass rate); sorts by the pass rate',
        numeric: true,
        value: (l) => l.reviews.passRate,
        cell: (l) => (l.reviews.n ? h('span', { title: `mean rating ${num(l.reviews.meanRating, 1)}` }, `${l.reviews.passed}/${l.reviews.n} (${pct(l.reviews.passRate)})`) : '–'),
      },
      {
        key: 'trust',
        label: 'Trust',
        title: `Running quality against the trust threshold${t !== null ? ` (${t.toFixed(2)})` : ''}`,
        value: (l) => l.trust,
        cell: (l) => h('span', { class: `qv-trust qv-trust-${l.trust}`, title: TRUST_TEXT[l.trust] }, l.trust, t !== null && l.trust !== 'unscored' ? h('span', { class: 'qv-id' }, ` ${l.trust === 'trusted' ? '≥' : '<'} ${t.toFixed(2)}`) : null),
      },
      { key: 'qualification', label: 'Qualification', title: 'Qualification test (pass: mean score at or above the pass mark)', value: (l) => l.qualification.state, cell: (l) => h('span', { class: `qv-qual qv-qual-${l.qualification.state}` }, qualificationText(l.qualification)) },
      { key: 'lastActiveAt', label: 'Last active', title: 'Last task started or submitted', value: (l) => l.lastActiveAt, cell: (l) => (l.lastActiveAt ? shortDate(l.lastActiveAt) : '–') },
    ];
    into.append(
      sortTable({
        id: 'quality-labellers',
        cols,
        rows: this.rows,
        sort: this.sort,
        onSort: (s) => {
          this.sort = s;
          this.host.rerender();
        },
        rowAttrs: (l) => ({ 'data-labeller-id': l.id, class: l.id === this.expanded ? 'is-current' : '', 'aria-expanded': String(l.id === this.expanded) }),
        onRow: (l) => void this.expand(l.id),
        after: (l) => (l.id === this.expanded ? this.historyRow(cols.length) : null),
      }),
    );
  }

  private async expand(id: string): Promise<void> {
    if (this.expanded === id) {
      this.expanded = null;
      this.host.rerender();
      return;
    }
    this.expanded = id;
    this.history = null;
    this.host.rerender();
    try {
      const hist = await this.api.getLabellerHistory(id);
      if (this.expanded === id) this.history = hist;
    } catch (e) {
      this.host.problem(`Cannot read the history of ${id}: ${e instanceof Error ? e.message : String(e)}`);
    }
    this.host.rerender();
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
              { type: 'button', class: `qv-hist-item${e.rejected ? ' is-rejected' : ''}`, title: `${e.siteId}, ${e.submittedAt ? shortDate(e.submittedAt) : ''}: score ${num(e.scores.score)}; running ${num(e.runningQuality)} (${e.trust})`, onclick: () => this.host.openSite(e.siteId) },
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
}
