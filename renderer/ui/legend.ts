/** The map legend: the site frame (cell, context window) and label categories with counts. */
import type { Category } from '../../src/common/api/contract';
import { categoryColours } from '../map/palette';
import type { Store, ViewState } from '../state/store';
import { clear, h } from './dom';

export class Legend {
  readonly el: HTMLElement;
  private readonly cats: HTMLElement;

  constructor(store: Store) {
    this.cats = h('div', { class: 'legend-cats' });
    this.el = h(
      'div',
      { class: 'legend', id: 'legend' },
      h(
        'div',
        { class: 'legend-frame' },
        h('span', { class: 'legend-item' }, h('span', { class: 'sw sw-cell' }), 'Cell'),
        h('span', { class: 'legend-item' }, h('span', { class: 'sw sw-context' }), 'Context 2.56x'),
      ),
      this.cats,
    );
    store.subscribe((s, prev) => {
      if (s.labels !== prev.labels || s.info !== prev.info || s.assignmentId !== prev.assignmentId || s.site !== prev.site) this.render(s);
    });
    this.render(store.state);
  }

  private render(s: ViewState): void {
    this.el.hidden = !s.site;
    const categories: Category[] = [...(s.info?.campaign?.categories ?? [])];
    const counts = new Map<string, number>();
    for (const f of s.labels?.features ?? []) {
      if (s.assignmentId !== null && f.properties.assignmentId !== s.assignmentId) continue;
      counts.set(f.properties.category, (counts.get(f.properties.category) ?? 0) + 1);
    }
    for (const id of counts.keys()) if (!categories.some((c) => c.id === id)) categories.push({ id, group: 'no_field' });
    const colours = categoryColours(categories);
    clear(this.cats);
    for (const c of categories) {
      const sw = h('span', { class: 'sw sw-cat' });
      sw.style.setProperty('--c', colours.get(c.id) ?? '#ccc');
      this.cats.append(
        h('span', { class: 'legend-item', 'data-category': c.id, title: `${c.id} (${c.group === 'field' ? 'field' : 'no field'})` }, sw, c.id, h('span', { class: 'legend-n' }, String(counts.get(c.id) ?? 0))),
      );
    }
  }
}
