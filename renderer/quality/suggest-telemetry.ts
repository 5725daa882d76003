/**
 * Staff: how labellers decide on suggestions (`suggestionTelemetry`, from the edit log), in a
 * dialog opened from the app bar ("Suggestions"; staff only; Esc or a click outside closes): per
 * labeller and per model, decisions, accepted as is, accepted then edited (mean vertex movement),
 * accepted then deleted, rejected, median time to decision. Read afresh on every opening.
 * Mounted by one call from the app (`mountSuggestTelemetry`), which places the button before the
 * user name in the app bar. Test hooks: body[data-suggest-telemetry] = open | closed.
 */
import type { FieldmarkApi } from '../../src/common/api/contract';
import type { SuggestionTelemetry, SuggestionTelemetryRow } from '../../src/common/api/suggest-contract';
import type { Store } from '../state/store';
import { clear, h } from '../ui/dom';

const pct = (n: number, of: number) => (of > 0 ? ` (${Math.round((100 * n) / of)}%)` : '');

const COLUMNS: { head: string; title: string; cell: (r: SuggestionTelemetryRow) => string }[] = [
  { head: 'Decisions', title: 'Accepted or rejected suggestions (undone ones do not count)', cell: (r) => String(r.decisions) },
  { head: 'As is', title: 'Accepted and never edited', cell: (r) => `${r.acceptedAsIs}${pct(r.acceptedAsIs, r.decisions)}` },
  { head: 'Edited', title: 'Accepted, then its vertices moved (more than 5 cm)', cell: (r) => `${r.acceptedEdited}${pct(r.acceptedEdited, r.decisions)}` },
  { head: 'Mean move', title: 'Edited accepts: mean of the largest vertex movement, metres', cell: (r) => (r.meanShiftM === null ? '–' : `${r.meanShiftM.toFixed(1)} m`) },
  { head: 'Deleted', title: 'Accepted, then deleted', cell: (r) => String(r.acceptedThenDeleted) },
  { head: 'Rejected', title: 'Rejected (X)', cell: (r) => `${r.rejected}${pct(r.rejected, r.decisions)}` },
  { head: 'Median time', title: 'Median time from the preview to the decision', cell: (r) => (r.medianDecisionMs === null ? '–' : `${(r.medianDecisionMs / 1000).toFixed(1)} s`) },
];

function table(id: string, key: string, rows: SuggestionTelemetryRow[], name: (r: SuggestionTelemetryRow) => string): HTMLElement {
  return h(
    'table',
    { id },
    h('thead', {}, h('tr', {}, h('th', {}, key), ...COLUMNS.map((c) => h('th', { class: 'is-num', title: c.title }, c.head)))),
    h('tbody', {}, ...rows.map((r) => h('tr', { 'data-key': name(r) }, h('td', {}, name(r)), ...COLUMNS.map((c) => h('td', { class: 'is-num mono' }, c.cell(r)))))),
  );
}

export class SuggestTelemetryDialog {
  readonly button: HTMLButtonElement;
  readonly el: HTMLElement;
  private readonly body: HTMLElement;
  private seq = 0;

  constructor(
    private readonly api: FieldmarkApi,
    store: Store,
  ) {
    this.button = h('button', { type: 'button', class: 'tb-btn appbar-btn', id: 'suggest-telemetry-toggle', hidden: true, title: 'Suggestions: accepted, edited and rejected, per labeller and per model', onclick: () => this.toggle() }, 'Suggestions');
    this.body = h('div', { class: 'suggest-telemetry-body' });
    this.el = h(
      'div',
      { class: 'help suggest-telemetry', id: 'suggest-telemetry', hidden: true, role: 'dialog', 'aria-label': 'Suggestion telemetry', onclick: (e: Event) => e.target === this.el && this.toggle(false) },
      h(
        'div',
        { class: 'help-card' },
        h('div', { class: 'help-head' }, h('h2', { class: 'panel-title' }, 'Suggestions'), h('span', { class: 'panel-hint' }, 'from the edit log · Esc closes')),
        this.body,
      ),
    );
    const staff = (s: Store['state']) => {
      const r = s.info?.user.role;
      this.button.hidden = !(r === 'admin' || r === 'supervisor');
      if (this.button.hidden && this.open) this.toggle(false);
    };
    staff(store.state);
    store.subscribe((s, prev) => s.info !== prev.info && staff(s));
    window.addEventListener(
      'keydown',
      (e) => {
        if (this.open && e.key === 'Escape') {
          e.preventDefault();
          e.stopPropagation();
          this.toggle(false);
        }
      },
      true,
    );
    document.body.dataset['suggestTelemetry'] = 'closed';
  }

  get open(): boolean {
    return !this.el.hidden;
  }

  toggle(open = !this.open): void {
    this.el.hidden = !open;
    this.button.classList.toggle('is-open', open);
    document.body.dataset['suggestTelemetry'] = open ? 'open' : 'closed';
    if (open) void this.load();
  }

  async load(): Promise<void> {
    const n = ++this.seq;
    clear(this.body);
    this.body.append(h('p', { class: 'panel-hint' }, 'Loading…'));
    let t: SuggestionTelemetry;
    try {
      t = await this.api.suggestionTelemetry();
    } catch (e) {
      if (n !== this.seq) return;
      clear(this.body);
      this.body.append(h('p', { class: 'panel-hint is-bad', id: 'suggest-telemetry-error' }, `Cannot read the suggestion telemetry: ${e instanceof Error ? e.message : String(e)}`));
      return;
    }
    if (n !== this.seq) return;
    clear(this.body);
    if (t.rows.length === 0) {
      this.body.append(h('p', { class: 'panel-hint', id: 'suggest-telemetry-empty' }, 'No suggestion has been accepted or rejected yet.'));
      return;
    }
    this.body.append(
      h('h3', {}, 'Per labeller'),
      table('suggest-telemetry-labellers', 'Labeller', t.byLabeller, (r) => r.labellerId),
      h('h3', {}, 'Per model'),
      table('suggest-telemetry-models', 'Model', t.byModel, (r) => r.model),
    );
  }
}

/** Builds the dialog and places its button before the user name in the app bar, and itself in `root`. */
export function mountSuggestTelemetry(api: FieldmarkApi, store: Store, root: HTMLElement): SuggestTelemetryDialog {
  const d = new SuggestTelemetryDialog(api, store);
  const user = root.querySelector('.appbar #user');
  if (user) user.before(d.button);
  else root.querySelector('.appbar')?.append(d.button);
  root.append(d.el);
  return d;
}
