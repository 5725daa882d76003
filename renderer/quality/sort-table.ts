/**
 * The dense sortable table of the Quality view: a click on a header sorts by that column
 * (numbers highest first, text A-Z), again reverses; empty values always sort last. Rows are
 * focusable; Enter or a click runs `onRow`. `after` may add a row under a row (an expansion).
 */
import { h } from '../ui/dom';

export type Value = string | number | null;

export interface Column<T> {
  key: string;
  label: string;
  title: string;
  value: (row: T) => Value;
  cell: (row: T) => Node | string;
  numeric?: boolean;
}

export interface SortState {
  key: string;
  dir: 1 | -1;
}

/** Table order: numbers numerically, text naturally, `dir` 1 ascending / -1 descending; empty values always last. */
export function compareValues(a: Value, b: Value, dir: 1 | -1): number {
  if (a === null && b === null) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  if (typeof a === 'number' && typeof b === 'number') return (a - b) * dir;
  return String(a).localeCompare(String(b), undefined, { numeric: true }) * dir;
}

/** The sort after a click on column `c`: the same column reverses, another starts highest first (numbers) or A-Z. */
export function nextSort(cur: SortState, c: Pick<Column<unknown>, 'key' | 'numeric'>): SortState {
  return cur.key === c.key ? { key: c.key, dir: cur.dir === 1 ? -1 : 1 } : { key: c.key, dir: c.numeric ? -1 : 1 };
}

export interface SortTableOptions<T> {
  id: string;
  cols: Column<T>[];
  rows: T[];
  sort: SortState;
  onSort(next: SortState): void;
  rowAttrs(row: T): Record<string, string>;
  onRow(row: T): void;
  after?(row: T): HTMLElement | null;
}

export function sortTable<T>(o: SortTableOptions<T>): HTMLElement {
  const { key, dir } = o.sort;
  const col = o.cols.find((c) => c.key === key) ?? o.cols[0]!;
  const sorted = [...o.rows].sort((a, b) => compareValues(col.value(a), col.value(b), dir));
  const head = h(
    'tr',
    {},
    ...o.cols.map((c) =>
      h(
        'th',
        {
          'data-key': c.key,
          class: c.numeric ? 'is-num' : '',
          title: `${c.title}. Click to sort`,
          'aria-sort': c.key === key ? (dir === 1 ? 'ascending' : 'descending') : 'none',
          onclick: () => o.onSort(nextSort(o.sort, c)),
        },
        c.label,
        h('span', { class: 'qv-arrow' }, c.key === key ? (dir === 1 ? '▲' : '▼') : ''),
      ),
    ),
  );
  const body = h('tbody');
  for (const r of sorted) {
    body.append(
      h(
        'tr',
        { ...o.rowAttrs(r), tabindex: 0, onclick: () => o.onRow(r), onkeydown: (e: Event) => (e as KeyboardEvent).key === 'Enter' && o.onRow(r) },
        ...o.cols.map((c) => h('td', { class: c.numeric ? 'is-num mono' : '' }, c.cell(r))),
      ),
    );
    const extra = o.after?.(r);
    if (extra) body.append(extra);
  }
  return h('div', { class: 'qv-scroll' }, h('table', { class: 'qv-table', id: o.id }, h('thead', {}, head), body));
}

/** A risk value with a bar (full at `max`). */
export function riskCell(v: number | null, max = 0.5, digits = 3): Node | string {
  if (v === null) return '–';
  const bar = h('span', { class: 'qv-bar' });
  bar.style.setProperty('--w', `${Math.min(100, Math.max(0, (v / max) * 100)).toFixed(0)}%`);
  return h('span', { class: 'qv-risk' }, bar, v.toFixed(digits));
}
