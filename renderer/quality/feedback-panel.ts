/**
 * Feedback on a Class 1 (quality-control) map: the labeller's map against the reference, both on
 * the map (reference cyan, the labeller's map dashed magenta), and the scores with one line each
 * on what they mean (`getMyFeedback`).
 * - A labeller sees it for their own assignment of the open site once it is submitted and scored.
 *   Sites look alike to a labeller (the campaign masks their class), so the app asks only about
 *   assignments in the labeller's own score history (`getLabellerHistory`: scored Class 1 work);
 *   an unsubmitted assignment is never queried, so nothing hints that a task in progress is a
 *   quality-control site.
 * - Staff see it for the labeller picked in the site panel, on a Class 1 site.
 */
import type { AssignmentFeedback, AssignmentSummary, FieldmarkApi, SiteDetail } from '../../src/common/api/contract';
import type { Store, ViewState } from '../state/store';
import { clear, h } from '../ui/dom';
import { shortDate } from '../ui/format';
import { num, SCORE_LINES } from './explain';
import { OWN_COLOUR, REFERENCE_COLOUR } from './quality-layers';

const SUBMITTED = new Set(['submitted', 'approved', 'rejected', 'untrusted']);

export interface FeedbackView {
  setFeedback(f: AssignmentFeedback | null, show: { reference: boolean; own: boolean }): void;
}

export class FeedbackPanel {
  readonly el: HTMLElement;
  private readonly body: HTMLElement;
  private readonly title: HTMLElement;
  private feedback: AssignmentFeedback | null = null;
  private showRef = true;
  private showOwn = true;
  private seq = 0;
  private view: FeedbackView | null = null;
  /** A labeller's scored assignments (their history), loaded once and after their work changes. */
  private scored: Promise<Set<number>> | null = null;

  constructor(
    private readonly store: Store,
    private readonly api: FieldmarkApi,
  ) {
    this.title = h('h2', { class: 'panel-title' }, 'Feedback');
    this.body = h('div', { class: 'qa-body' });
    this.el = h('section', { class: 'panel qa-panel', id: 'feedback-panel', hidden: true }, h('div', { class: 'panel-head' }, this.title), this.body);
    store.subscribe((s, prev) => {
      if (s.site !== prev.site || s.assignmentId !== prev.assignmentId || s.info !== prev.info || s.task !== prev.task) void this.load(s);
    });
  }

  attach(view: FeedbackView): void {
    this.view = view;
    this.draw();
  }

  /** Reloads after a submission or review changed the open site's assignments. */
  refresh(site: SiteDetail): void {
    this.scored = null;
    if (this.store.state.site?.id === site.id) void this.load({ ...this.store.state, site });
  }

  /** The assignment ids a labeller has scores for (their own history; empty when it cannot be read). */
  private scoredIds(userId: string): Promise<Set<number>> {
    this.scored ??= this.api.getLabellerHistory(userId).then(
      (h) => new Set(h.history.map((e) => e.assignmentId)),
      () => new Set<number>(),
    );
    return this.scored;
  }

  /** The assignment whose feedback applies: the caller's own submitted one, or (staff) the one picked. */
  private target(s: ViewState): AssignmentSummary | null {
    const site = s.site;
    const role = s.info?.user.role;
    if (!site || !role || s.task) return null;
    if (role === 'labeller') {
      const me = s.info?.user.id;
      return site.assignments.find((a) => a.labellerId === me && SUBMITTED.has(a.status)) ?? null;
    }
    // Staff see the real class: only Class 1 work has a reference.
    if (site.cls !== 1 || s.assignmentId === null) return null;
    const a = site.assignments.find((x) => x.id === s.assignmentId);
    return a && SUBMITTED.has(a.status) ? a : null;
  }

  private async load(s: ViewState): Promise<void> {
    const seq = ++this.seq;
    const a = this.target(s);
    const staffHint = !!s.site && s.site.cls === 1 && !s.task && s.info?.user.role !== 'labeller' && !a;
    if (!a) {
      this.feedback = null;
      this.render(staffHint ? 'Pick a labeller in the list above to see their map against the reference.' : null);
      return;
    }
    let f: AssignmentFeedback | null = null;
    try {
      const me = s.info?.user.role === 'labeller' ? s.info.user.id : null;
      // A labeller's map that has no score is not Class 1 work (or not scored yet): nothing to ask.
      if (me && !(await this.scoredIds(me)).has(a.id)) f = null;
      else f = await this.api.getMyFeedback(a.id);
    } catch {
      f = null; // not a Class 1 site (NOT_FOUND), or not scorable: no feedback to show
    }
    if (seq !== this.seq) return;
    this.feedback = f;
    this.render(null);
  }

  private render(hint: string | null): void {
    const f = this.feedback;
    clear(this.body);
    this.el.hidden = !f && !hint;
    document.body.dataset['feedback'] = f ? String(f.assignmentId) : 'none';
    if (!f) {
      if (hint) this.body.append(h('p', { class: 'qa-note' }, hint));
      this.draw();
      return;
    }
    const mine = this.store.state.info?.user.role === 'labeller';
    const who = mine ? 'Your map' : (this.store.state.site?.assignments.find((x) => x.id === f.assignmentId)?.labellerName ?? f.labellerId);
    this.title.textContent = mine ? 'Your feedback' : 'Scores against the reference';
    const verdict = f.rejected ? h('span', { class: 'status status-rejected' }, 'below the pass mark') : h('span', { class: 'status status-approved' }, 'passed');
    this.body.append(
      h(
        'div',
        { class: 'qa-score-head' },
        h('span', { class: 'qa-big mono', id: 'feedback-score' }, num(f.scores.score)),
        h('span', { class: 'qa-sub' }, 'score', h('br'), f.submittedAt ? `submitted ${shortDate(f.submittedAt)}` : ''),
        verdict,
      ),
      h(
        'div',
        { class: 'qa-toggles' },
        this.toggle('Reference', REFERENCE_COLOUR, this.showRef, (v) => (this.showRef = v), 'fb-ref'),
        this.toggle(who, OWN_COLOUR, this.showOwn, (v) => (this.showOwn = v), 'fb-own', true),
      ),
    );
    const list = h('dl', { class: 'qa-scores', id: 'feedback-scores' });
    let sep = false;
    for (const line of SCORE_LINES) {
      if (!line.weighted && !sep) {
        list.append(h('dt', { class: 'qa-sep' }, 'Also measured'), h('dd', { class: 'qa-sep' }));
        sep = true;
      }
      const v = f.scores[line.key];
      // The weighted components carry their explanation; the others have it as a tooltip.
      list.append(h('dt', { title: line.explain }, line.label), h('dd', { class: 'mono', title: line.explain }, line.format(v)));
      if (line.weighted) list.append(h('dd', { class: 'qa-explain' }, line.explain));
    }
    this.body.append(h('p', { class: 'qa-note' }, 'The score weighs the first four (the campaign\u2019s weights); hover a line for what it measures.'), list);
    this.draw();
  }

  private toggle(label: string, colour: string, on: boolean, set: (v: boolean) => void, id: string, dashed = false): HTMLElement {
    const box = h('input', { type: 'checkbox', id, checked: on, onchange: () => {
      set(box.checked);
      this.draw();
    } });
    return h('label', { class: 'qa-check' }, box, h('span', { class: `qa-swatch${dashed ? ' is-dashed' : ''}`, style: `--c:${colour}` }), label);
  }

  private draw(): void {
    this.view?.setFeedback(this.feedback, { reference: this.showRef, own: this.showOwn });
  }
}
