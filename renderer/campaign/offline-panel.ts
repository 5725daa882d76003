/**
 * Offline work for labellers, in the sidebar: "Take N tasks offline" downloads a package of the
 * labeller's tasks with their imagery (`POST /offline/take?n=N`, one .fmpkg file, opened later with
 * `fieldmark serve --db P.fmpkg` or the desktop app), and "Return a package" uploads one
 * (`POST /offline/return`) and lists what happened per task: imported, unchanged, or a conflict
 * with its reason. Both go through api/transfer.ts (the server in a browser, app://fieldmark under
 * Electron). Shown to labellers only (staff take packages for a labeller with the CLI).
 */
import type { OfflineReturnResult, OfflineTakeResult } from '../../src/common/api/campaign-contract';
import type { Transfer } from '../api/transfer';
import type { Store } from '../state/store';
import { clear, h } from '../ui/dom';
import { parseNumber } from './forms';
import { FormStatus, input, runForm } from './form-ui';

/** The take report the server sends beside the file (`X-Fieldmark-Take`), when it is readable. */
export function takeReport(headers: Headers): OfflineTakeResult | null {
  const raw = headers.get('X-Fieldmark-Take');
  if (!raw) return null;
  try {
    const r = JSON.parse(raw) as OfflineTakeResult;
    return typeof r.tasks === 'number' ? r : null;
  } catch {
    return null;
  }
}

export class OfflinePanel {
  readonly el: HTMLElement;
  private readonly n: HTMLInputElement;
  private readonly takeButton: HTMLButtonElement;
  private readonly takeStatus = new FormStatus('offline-take-status');
  private readonly file: HTMLInputElement;
  private readonly returnButton: HTMLButtonElement;
  private readonly returnStatus = new FormStatus('offline-return-status');
  private readonly outcomes: HTMLElement;

  constructor(
    store: Store,
    private readonly transfer: Transfer,
  ) {
    this.n = input({ id: 'offline-n', inputmode: 'numeric', value: '5', class: 'cs-input cs-short', 'aria-label': 'Number of tasks' });
    this.takeButton = h('button', { type: 'submit', class: 'tb-btn', id: 'offline-take' }, 'Take offline');
    const take = h('form', { class: 'offline-row', id: 'offline-take-form', novalidate: true }, h('span', {}, 'Take'), this.n, h('span', {}, 'tasks'), this.takeButton);
    take.addEventListener('submit', (e) => {
      e.preventDefault();
      void runForm(this.takeButton, this.takeStatus, () => this.take());
    });
    this.file = h('input', { type: 'file', id: 'offline-file', accept: '.fmpkg', class: 'offline-file', 'aria-label': 'Package file' });
    this.returnButton = h('button', { type: 'submit', class: 'tb-btn', id: 'offline-return' }, 'Return package');
    const ret = h('form', { class: 'offline-row', id: 'offline-return-form', novalidate: true }, this.file, this.returnButton);
    ret.addEventListener('submit', (e) => {
      e.preventDefault();
      void runForm(this.returnButton, this.returnStatus, () => this.giveBack());
    });
    this.outcomes = h('ul', { class: 'offline-outcomes', id: 'offline-outcomes' });
    this.el = h(
      'details',
      { class: 'panel offline-panel', id: 'offline-panel', hidden: true },
      h('summary', { class: 'panel-head' }, h('h2', { class: 'panel-title' }, 'Offline work'), h('span', { class: 'panel-hint' }, 'no network in the field?')),
      h('div', { class: 'offline-body' }, take, this.takeStatus.el, ret, this.returnStatus.el, this.outcomes),
    );
    store.subscribe((s, prev) => {
      if (s.info !== prev.info) this.el.hidden = s.info?.user.role !== 'labeller';
    });
  }

  private async take(): Promise<void> {
    const n = parseNumber(this.n.value, 'tasks', { min: 1, max: 200, integer: true });
    const d = await this.transfer.download('/offline/take', { method: 'POST', params: { n } });
    const r = takeReport(d.headers);
    const mb = (d.bytes / 1048576).toFixed(1);
    this.takeStatus.ok(
      r
        ? `Saved ${d.filename} (${mb} MB): ${r.tasks} task${r.tasks === 1 ? '' : 's'}, ${r.scenes} image${r.scenes === 1 ? '' : 's'}; return it by ${r.dueAt.slice(0, 16).replace('T', ' ')}.${r.warnings.length ? ` ${r.warnings.join(' ')}` : ''}`
        : `Saved ${d.filename} (${mb} MB).`,
    );
  }

  private async giveBack(): Promise<void> {
    const f = this.file.files?.[0];
    if (!f) throw new Error('Pick the package file (.fmpkg) first.');
    clear(this.outcomes);
    const r = await this.transfer.upload<OfflineReturnResult>('/offline/return', f);
    this.returnStatus.ok(h('span', { id: 'offline-return-result', 'data-conflicts': String(r.conflicts) }, `Returned: ${r.imported} imported, ${r.unchanged} unchanged, ${r.conflicts} conflict${r.conflicts === 1 ? '' : 's'}.`));
    for (const t of r.tasks) {
      if (t.result === 'imported' && !t.message) continue;
      this.outcomes.append(h('li', { class: `offline-outcome is-${t.result}`, 'data-result': t.result }, h('span', { class: 'cs-mono' }, `${t.siteId} #${t.assignmentId}`), ` ${t.result}${t.message ? `: ${t.message}` : ''}`));
    }
    this.file.value = '';
  }
}
