/**
 * The rubric form of one assignment in the review panel: the five ratings of DOMAIN.md 1 as
 * radio buttons with their meanings (rubric.ts), a comment, and one save button that says what
 * saving does ("Approve" for 2-4, "Reject" for 0-1); the past reviews of the map below.
 * Focusing or clicking the form makes it the active one (its map is drawn on the left; keys
 * 0-4 and Enter go to it).
 */
import type { ReviewQueueAssignment, ReviewRecord } from '../../src/common/api/contract';
import { h } from '../ui/dom';
import { shortDate } from '../ui/format';
import { num } from '../quality/explain';
import { RUBRIC, ratingText, saveLabel, verdict, type Rating } from './rubric';

export interface ReviewFormActions {
  activate(form: ReviewForm): void;
  save(form: ReviewForm): void;
}

export class ReviewForm {
  readonly el: HTMLElement;
  rating: Rating | null = null;
  private readonly radios: HTMLInputElement[] = [];
  private readonly comment: HTMLTextAreaElement;
  private readonly saveBtn: HTMLButtonElement;
  private busy = false;

  constructor(
    readonly assignment: ReviewQueueAssignment,
    past: readonly ReviewRecord[],
    private readonly actions: ReviewFormActions,
  ) {
    const a = assignment;
    const id = `review-${a.id}`;
    const scale = h('div', { class: 'rv-rubric', role: 'radiogroup', 'aria-label': `Rating of map ${a.id}` });
    for (const step of RUBRIC) {
      const input = h('input', { type: 'radio', name: `${id}-rating`, id: `${id}-rating-${step.rating}`, value: String(step.rating), 'data-rating': String(step.rating), onchange: () => this.setRating(step.rating) });
      this.radios.push(input);
      scale.append(
        h(
          'label',
          { class: `rv-step ${step.pass ? 'is-pass' : 'is-fail'}`, for: `${id}-rating-${step.rating}`, title: step.meaning },
          input,
          h('span', { class: 'rv-step-n mono' }, String(step.rating)),
          h('span', { class: 'rv-step-share' }, step.short),
          h('span', { class: 'rv-step-meaning' }, `${step.meaning}${step.pass ? ' · pass' : ' · fail'}`),
        ),
      );
    }
    this.comment = h('textarea', { class: 'rv-comment', id: `${id}-comment`, rows: 2, placeholder: 'Comment for the labeller (optional)', 'aria-label': `Comment on map ${a.id}` });
    this.saveBtn = h('button', { type: 'button', class: 'tb-btn rv-save', id: `${id}-save`, disabled: true, onclick: () => this.actions.save(this) }, saveLabel(null));
    const history = h('ul', { class: 'rv-past', id: `${id}-past` });
    for (const r of past) {
      history.append(
        h('li', { class: r.pass ? 'is-pass' : 'is-fail', 'data-review-id': String(r.id) }, h('span', { class: 'mono' }, shortDate(r.at)), ` rating ${ratingText(r.rating)}${r.reviewerId ? ` by ${r.reviewerId}` : ''}`, r.comment ? h('span', { class: 'rv-past-comment' }, `: ${r.comment}`) : null),
      );
    }
    this.el = h(
      'section',
      { class: 'rv-form', id, 'data-assignment-id': String(a.id), 'data-status': a.status, 'aria-label': `Review of map ${a.id} by ${a.labellerName}` },
      h(
        'div',
        { class: 'rv-form-head' },
        h('span', { class: 'rv-form-who' }, a.labellerName, h('span', { class: 'qv-id mono' }, ` ${a.labellerId}`)),
        h('span', { class: 'qv-id mono' }, `map ${a.id}`),
        h('span', { class: `status status-${a.status.replace(/[^a-z_-]/gi, '')}`, id: `${id}-status` }, a.status),
        a.score !== null ? h('span', { class: 'rv-score', title: 'Class 1 score against the reference' }, `score ${num(a.score)}`) : null,
        a.lastRating !== null ? h('span', { class: 'rv-last', title: 'Last rating' }, `rated ${ratingText(a.lastRating)}`) : null,
      ),
      scale,
      h('div', { class: 'rv-form-foot' }, this.comment, this.saveBtn),
      past.length ? history : h('div', { class: 'qa-note' }, 'Not reviewed yet.'),
    );
    this.el.addEventListener('focusin', () => this.actions.activate(this));
    this.el.addEventListener('pointerdown', () => this.actions.activate(this));
  }

  setRating(r: Rating): void {
    this.rating = r;
    for (const input of this.radios) input.checked = input.value === String(r);
    const v = verdict(r);
    this.saveBtn.textContent = saveLabel(r);
    this.saveBtn.disabled = this.busy;
    this.saveBtn.classList.toggle('is-approve', v === 'approve');
    this.saveBtn.classList.toggle('is-reject', v === 'reject');
    this.el.dataset['rating'] = String(r);
  }

  get commentText(): string {
    return this.comment.value.trim();
  }

  setBusy(busy: boolean): void {
    this.busy = busy;
    this.saveBtn.disabled = busy || this.rating === null;
  }

  setActive(active: boolean): void {
    this.el.classList.toggle('is-active', active);
    if (active) this.el.dataset['active'] = 'true';
    else delete this.el.dataset['active'];
  }

  focus(): void {
    (this.radios.find((r) => r.checked) ?? this.radios[0])?.focus({ preventScroll: false });
  }
}
