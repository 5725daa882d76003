/** Dismissible error banners over the map; the same message twice shows once with a count. */
import { h, icon } from './dom';

export class Banners {
  readonly el: HTMLElement;
  private readonly shown = new Map<string, { el: HTMLElement; count: number; badge: HTMLElement }>();

  constructor() {
    this.el = h('div', { class: 'banners', id: 'banners', role: 'alert', 'aria-live': 'assertive' });
  }

  error(message: string): void {
    const existing = this.shown.get(message);
    if (existing) {
      existing.count += 1;
      existing.badge.textContent = `x${existing.count}`;
      existing.badge.hidden = false;
      return;
    }
    const badge = h('span', { class: 'banner-count', hidden: true });
    const el = h(
      'div',
      { class: 'banner banner-error', 'data-message': message },
      icon('alert'),
      h('span', { class: 'banner-text' }, message),
      badge,
      h('button', { type: 'button', class: 'banner-close', title: 'Dismiss', 'aria-label': 'Dismiss', onclick: () => this.dismiss(message) }, icon('close')),
    );
    this.shown.set(message, { el, count: 1, badge });
    this.el.append(el);
  }

  dismiss(message: string): void {
    this.shown.get(message)?.el.remove();
    this.shown.delete(message);
  }

  get count(): number {
    return this.shown.size;
  }
}
