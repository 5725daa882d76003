/**
 * The staff "Import / Export" panel over the map (hidden from labellers): the upload forms of
 * import-forms.ts (labels, sites, a scene) and an export form that downloads
 * `GET /export/<what>.<format>?status=&class=` (src/node/campaign/http-export.ts) through
 * `Transfer.download`, on both hosts (the server in a browser, app://fieldmark in Electron).
 * Opened from the app bar; Esc closes. Test hooks: body[data-transfer] (open), body[data-import-state],
 * body[data-export-state] (downloading / done / error) and #export-status[data-file].
 */
import type { AssignmentStatus, FieldmarkApi } from '../../src/common/api/contract';
import type { Transfer } from '../api/transfer';
import type { Store } from '../state/store';
import { h } from '../ui/dom';
import { StaffOverlay } from '../ui/overlay';
import { LabelsForm, SceneForm, SitesForm } from './import-forms';

export interface TransferViewDeps {
  store: Store;
  api: FieldmarkApi;
  transfer: Transfer;
  problem(message: string): void;
}

type What = 'labels' | 'reference' | 'consensus' | 'catalog';
const STATUSES: AssignmentStatus[] = ['approved', 'submitted', 'assigned', 'rejected', 'untrusted', 'returned', 'abandoned'];

function message(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0]!;
}

export class TransferView {
  readonly button: HTMLButtonElement;
  readonly el: HTMLElement;
  private readonly overlay: StaffOverlay;
  private readonly labels: LabelsForm;
  private readonly sites: SitesForm;
  private readonly scene: SceneForm;
  private readonly what: HTMLSelectElement;
  private readonly format: HTMLSelectElement;
  private readonly status: HTMLSelectElement;
  private readonly cls: HTMLSelectElement;
  private readonly exportGo: HTMLButtonElement;
  private readonly exportStatus: HTMLElement;

  constructor(private readonly deps: TransferViewDeps) {
    const formDeps = { transfer: deps.transfer, problem: deps.problem };
    this.labels = new LabelsForm(formDeps);
    this.sites = new SitesForm(formDeps);
    this.scene = new SceneForm(formDeps);
    this.button = h('button', { type: 'button', class: 'tb-btn appbar-btn', id: 'transfer-toggle', hidden: true, 'aria-expanded': 'false', title: 'Import labels, sites and scenes; export labels and the catalog', onclick: () => this.toggle() }, 'Import / Export');

    this.what = h('select', { class: 'select', id: 'export-what', 'aria-label': 'What to export', onchange: () => this.formats() });
    for (const [v, t] of [['labels', "Labellers' labels"], ['reference', 'Reference labels'], ['consensus', 'Consensus polygons'], ['catalog', 'Assignment catalog']]) this.what.append(h('option', { value: v }, t));
    this.format = h('select', { class: 'select', id: 'export-format', 'aria-label': 'File format' });
    this.status = h('select', { class: 'select', id: 'export-status-filter', 'aria-label': 'Assignment status' }, h('option', { value: '' }, 'Any status'), ...STATUSES.map((s) => h('option', { value: s }, s)));
    this.cls = h('select', { class: 'select', id: 'export-class', 'aria-label': 'Site class' }, h('option', { value: '' }, 'Any class'), ...(['1', '2', '4'] as const).map((c) => h('option', { value: c }, `Class ${c}`)));
    this.exportGo = h('button', { type: 'button', class: 'tb-btn tx-go', id: 'export-go', onclick: () => void this.download() }, 'Download');
    this.exportStatus = h('div', { class: 'tx-status', id: 'export-status', role: 'status' });
    this.formats();

    const exportCard = h(
      'section',
      { class: 'tx-card', id: 'export' },
      h('h3', { class: 'tx-title' }, 'Export'),
      h('label', { class: 'tx-field' }, h('span', {}, 'What'), this.what),
      h('label', { class: 'tx-field' }, h('span', {}, 'Format'), this.format),
      h('label', { class: 'tx-field' }, h('span', {}, 'Status'), this.status),
      h('label', { class: 'tx-field' }, h('span', {}, 'Class'), this.cls),
      h('p', { class: 'tx-hint' }, 'Status "approved" gives exactly the approved work. Reference labels and consensus have no status.'),
      h('div', { class: 'tx-actions' }, this.exportGo),
      this.exportStatus,
    );
    this.el = h(
      'section',
      { class: 'transfer-view', id: 'transfer-view', hidden: true, 'aria-label': 'Import and export' },
      h(
        'div',
        { class: 'qv-head' },
        h('h2', { class: 'panel-title' }, 'Import / Export'),
        h('span', { class: 'tb-spacer' }),
        h('button', { type: 'button', class: 'tb-btn', id: 'transfer-close', title: 'Close (Esc)', onclick: () => this.toggle(false) }, 'Close'),
      ),
      h('div', { class: 'tx-grid' }, this.labels.el, exportCard, this.sites.el, this.scene.el),
    );

    this.overlay = new StaffOverlay(this.button, this.el, 'transfer', () => void this.load());
    deps.store.subscribe((s, prev) => {
      if (s.info !== prev.info) this.overlay.setRole(s.info?.user.role);
    });
  }

  get open(): boolean {
    return this.overlay.open;
  }

  toggle(open?: boolean): void {
    this.overlay.toggle(open);
  }

  /** The campaign's categories and labellers for the labels form. */
  async load(): Promise<void> {
    try {
      const [campaign, labellers] = await Promise.all([this.deps.api.getCampaign(), this.deps.api.listLabellers()]);
      this.labels.setCategories(campaign.settings.categories);
      this.labels.setLabellers(labellers);
    } catch (e) {
      this.deps.problem(message(e));
    }
  }

  /** GeoJSON / GeoPackage for the layers, CSV for the catalog. */
  private formats(): void {
    const catalog = this.what.value === 'catalog';
    const keep = this.format.value;
    this.format.replaceChildren(...(catalog ? [h('option', { value: 'csv' }, 'CSV')] : [h('option', { value: 'gpkg' }, 'GeoPackage'), h('option', { value: 'geojson' }, 'GeoJSON')]));
    if ([...this.format.options].some((o) => o.value === keep)) this.format.value = keep;
    const filtered = this.what.value === 'labels' || catalog;
    this.status.disabled = !filtered;
    if (!filtered) this.status.value = '';
  }

  async download(): Promise<void> {
    const what = this.what.value as What;
    const format = this.format.value;
    const body = document.body;
    this.exportGo.disabled = true;
    this.exportStatus.className = 'tx-status';
    this.exportStatus.textContent = `Preparing ${what}.${format}…`;
    delete this.exportStatus.dataset['file'];
    body.dataset['exportState'] = 'downloading';
    try {
      const params = { status: this.status.value || undefined, class: this.cls.value || undefined };
      const got = await this.deps.transfer.download(`export/${what}.${format}`, { params });
      this.exportStatus.textContent = `Saved ${got.filename} (${got.bytes.toLocaleString()} bytes).`;
      this.exportStatus.dataset['file'] = got.filename;
      body.dataset['exportState'] = 'done';
    } catch (e) {
      const m = message(e);
      this.exportStatus.className = 'tx-status tx-error';
      this.exportStatus.textContent = m;
      body.dataset['exportState'] = 'error';
      this.deps.problem(m);
    } finally {
      this.exportGo.disabled = false;
    }
  }
}
