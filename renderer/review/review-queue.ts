/**
 * The review queue list (`listReviewQueue`, riskiest first as the server orders it): per item
 * its kind (a Class 4 site, or one Class 1 / 2 map), site, class, a risk bar (0..1), the reason
 * and the labellers (a tick for a map already rated), and an "include reviewed" toggle.
 * Rows carry data-kind, data-site-id, data-risk, data-key; the selected one aria-selected.
 */
import type { ReviewQueueItem } from '../../src/common/api/contract';
import { clear, h } from '../ui/dom';
import { CLASS_LETTER, CLASS_TITLE } from '../ui/format';
import { itemKey } from './queue-model';

export interface QueueListActions {
  select(index: number): void;
  setIncludeReviewed(on: boolean): void;
}

export class QueueList {
  readonly el: HTMLElement;
  private readonly list: HTMLElement;
  private readonly count: HTMLElement;
  private readonly include: HTMLInputElement;

  constructor(private readonly actions: QueueListActions) {
    this.include = h('input', { type: 'checkbox', id: 'review-include-reviewed', onchange: () => this.actions.setIncludeReviewed(this.include.checked) });
    this.count = h('span', { class: 'rv-count', id: 'review-count' });
    this.list = h('div', { class: 'rv-list', id: 'review-queue', role: 'listbox', 'aria-label': 'Review queue, riskiest first (j / k to walk)' });
    this.el = h(
      'div',
      { class: 'rv-queue' },
      h('div', { class: 'rv-queue-head' }, h('span', { class: 'rv-queue-title' }, 'Queue'), this.count, h('span', { class: 'tb-spacer' }), h('label', { class: 'rv-toggle', title: 'Also list work already reviewed' }, this.include, 'include reviewed')),
      this.list,
    );
  }

  render(items: readonly ReviewQueueItem[], selected: number, includeReviewed: boolean): void {
    this.include.checked = includeReviewed;
    this.count.textContent = `${items.length} item${items.length === 1 ? '' : 's'}`;
    clear(this.list);
    if (!items.length) this.list.append(h('div', { class: 'qa-note rv-empty' }, includeReviewed ? 'Nothing submitted to review yet.' : 'Nothing left to review. Tick "include reviewed" to see reviewed work.'));
    items.forEach((item, i) => {
      const bar = h('span', { class: 'qv-bar rv-risk-bar' });
      bar.style.setProperty('--w', `${Math.round(Math.min(1, Math.max(0, item.risk)) * 100)}%`);
      const row = h(
        'div',
        {
          class: `rv-item${i === selected ? ' is-selected' : ''}${item.reviewed ? ' is-reviewed' : ''}`,
          role: 'option',
          tabindex: i === selected ? 0 : -1,
          'aria-selected': String(i === selected),
          'data-index': String(i),
          'data-key': itemKey(item),
          'data-kind': item.kind,
          'data-site-id': item.siteId,
          'data-risk': String(item.risk),
          onclick: () => this.actions.select(i),
        },
        h(
          'div',
          { class: 'rv-item-top' },
          h('span', { class: 'rv-kind', title: item.kind === 'site' ? 'A Class 4 site: every map, against the consensus' : 'One map' }, item.kind === 'site' ? 'site' : 'map'),
          h('span', { class: 'mono rv-site' }, item.siteId),
          h('span', { class: `cls-badge cls-${CLASS_LETTER[item.cls]}`, title: CLASS_TITLE[item.cls] }, CLASS_LETTER[item.cls]),
          h('span', { class: 'tb-spacer' }),
          h('span', { class: 'qv-risk', title: 'Review risk, 0 (safe) to 1 (riskiest)' }, bar, h('span', { class: 'mono' }, item.risk.toFixed(2))),
        ),
        h('div', { class: 'rv-reason' }, item.reason),
        h('div', { class: 'rv-who' }, ...item.assignments.map((a) => h('span', { class: `rv-who-one${a.lastRating !== null ? ' is-rated' : ''}`, title: `map ${a.id}, ${a.status}${a.lastRating !== null ? `, rated ${a.lastRating}` : ''}` }, a.lastRating !== null ? `✓ ${a.labellerName}` : a.labellerName))),
      );
      this.list.append(row);
    });
  }

  /** Scrolls the selected row into view and optionally focuses it. */
  reveal(index: number, focus: boolean): void {
    const row = this.list.querySelector<HTMLElement>(`.rv-item[data-index="${index}"]`);
    row?.scrollIntoView({ block: 'nearest' });
    if (focus) row?.focus({ preventScroll: true });
  }
}
