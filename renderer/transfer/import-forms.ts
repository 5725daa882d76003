/**
 * The three upload forms of the Import / Export panel: labels (a labeller's map or reference
 * labels), sites (GeoJSON areas / points or a CSV of centres) and a scene (GeoTIFF + date). Each
 * sends its file to `POST /import/<kind>?name=...&...` (src/node/campaign/http-import.ts) through
 * `Transfer.upload`, shows progress text, then the report or a one-line error. While it runs and
 * after, `document.body.dataset.importState` is uploading / done / error (and `importKind`).
 */
import type { AddSceneResult, AddSitesResult, Category, ImportLabelsReport, LabellerSummary } from '../../src/common/api/contract';
import type { Params, Transfer } from '../api/transfer';
import { clear, h } from '../ui/dom';
import { plural } from '../ui/format';

export type ImportKind = 'labels' | 'sites' | 'scene';

export interface ImportFormDeps {
  transfer: Transfer;
  problem(message: string): void;
}

function sizeText(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(1)} GB`;
  if (bytes >= 1024 ** 2) return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} kB`;
  return `${bytes} bytes`;
}

function message(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0]!;
}

/** One form: a file input, its own fields, a button, a status line and a report area. */
abstract class UploadForm<T> {
  readonly el: HTMLElement;
  protected readonly file: HTMLInputElement;
  protected readonly go: HTMLButtonElement;
  protected readonly status: HTMLElement;
  protected readonly report: HTMLElement;
  private busy = false;

  constructor(
    protected readonly deps: ImportFormDeps,
    readonly kind: ImportKind,
    title: string,
    accept: string,
    fields: HTMLElement[],
    action: string,
  ) {
    this.file = h('input', { type: 'file', class: 'tx-file', id: `import-${kind}-file`, accept, onchange: () => this.update() });
    this.go = h('button', { type: 'button', class: 'tb-btn tx-go', id: `import-${kind}-go`, disabled: true, onclick: () => void this.run() }, action);
    this.status = h('div', { class: 'tx-status', id: `import-${kind}-status`, role: 'status' });
    this.report = h('div', { class: 'tx-report', id: `import-${kind}-report` });
    this.el = h('section', { class: 'tx-card', id: `import-${kind}`, 'data-state': 'idle' }, h('h3', { class: 'tx-title' }, title), h('label', { class: 'tx-field' }, h('span', {}, 'File'), this.file), ...fields, h('div', { class: 'tx-actions' }, this.go), this.status, this.report);
  }

  /** Query parameters besides `name`, or a reason the form is not ready. */
  protected abstract params(): Params | string;
  protected abstract render(value: T): Node[];

  update(): void {
    const p = this.params();
    this.go.disabled = this.busy || !this.file.files?.length || typeof p === 'string';
    this.go.title = typeof p === 'string' ? p : '';
  }

  private setState(state: 'uploading' | 'done' | 'error'): void {
    this.el.dataset['state'] = state;
    document.body.dataset['importState'] = state;
    document.body.dataset['importKind'] = this.kind;
  }

  async run(): Promise<void> {
    const f = this.file.files?.[0];
    const p = this.params();
    if (!f || typeof p === 'string' || this.busy) return;
    this.busy = true;
    this.update();
    this.status.className = 'tx-status';
    this.status.textContent = `Uploading ${f.name} (${sizeText(f.size)})…`;
    clear(this.report);
    this.setState('uploading');
    try {
      const value = await this.deps.transfer.upload<T>(`import/${this.kind}`, f, { name: f.name, ...p });
      this.status.textContent = `${f.name}: done.`;
      this.report.append(...this.render(value));
      this.setState('done');
    } catch (e) {
      const m = message(e);
      this.status.className = 'tx-status tx-error';
      this.status.textContent = m;
      this.setState('error');
      this.deps.problem(m);
    } finally {
      this.busy = false;
      this.update();
    }
  }
}

const CATEGORY_FROM_FILE = '';

export class LabelsForm extends UploadForm<ImportLabelsReport> {
  private readonly reference: HTMLInputElement;
  private readonly labeller: HTMLSelectElement;
  private readonly category: HTMLSelectElement;

  constructor(deps: ImportFormDeps) {
    const reference = h('input', { type: 'checkbox', id: 'import-reference' });
    const labeller = h('select', { class: 'select', id: 'import-labeller', 'aria-label': 'Whose labels' });
    const category = h('select', { class: 'select', id: 'import-category', 'aria-label': 'Default category' });
    super(
      deps,
      'labels',
      'Import labels',
      '.geojson,.json,.gpkg,.kml,.kmz,.zip',
      [
        h('label', { class: 'tx-check' }, reference, h('span', {}, 'As reference labels (Class 1 sites; never shown to labellers)')),
        h('label', { class: 'tx-field' }, h('span', {}, 'Labeller'), labeller),
        h('label', { class: 'tx-field' }, h('span', {}, 'Default category'), category),
      ],
      'Import',
    );
    this.reference = reference;
    this.labeller = labeller;
    this.category = category;
    reference.addEventListener('change', () => {
      labeller.disabled = reference.checked;
      this.update();
    });
    labeller.addEventListener('change', () => this.update());
    this.setLabellers([]);
    this.setCategories([]);
  }

  setLabellers(list: LabellerSummary[]): void {
    const keep = this.labeller.value;
    clear(this.labeller);
    this.labeller.append(h('option', { value: '' }, 'Choose a labeller…'), h('option', { value: '@field' }, "From each feature's \"labeller\" attribute"));
    for (const l of list.filter((x) => x.role === 'labeller')) this.labeller.append(h('option', { value: l.id }, l.name === l.id ? l.id : `${l.name} (${l.id})`));
    if ([...this.labeller.options].some((o) => o.value === keep)) this.labeller.value = keep;
    this.update();
  }

  setCategories(cats: Category[]): void {
    const keep = this.category.value;
    clear(this.category);
    const first = cats.find((c) => c.group === 'field') ?? cats[0];
    this.category.append(h('option', { value: CATEGORY_FROM_FILE }, first ? `Campaign default (${first.id})` : 'Campaign default'));
    for (const c of cats) this.category.append(h('option', { value: c.id }, c.id));
    if ([...this.category.options].some((o) => o.value === keep)) this.category.value = keep;
  }

  protected params(): Params | string {
    const category = this.category.value || undefined;
    if (this.reference.checked) return { reference: 1, category };
    const who = this.labeller.value;
    if (!who) return 'Choose whose labels these are, or tick "As reference labels"';
    return who === '@field' ? { labellerField: 'labeller', category } : { labeller: who, category };
  }

  protected render(r: ImportLabelsReport): Node[] {
    const out: Node[] = [
      h(
        'p',
        { class: 'tx-summary', 'data-imported': r.imported, 'data-skipped': r.skipped.length },
        `Imported ${plural(r.imported, r.target === 'reference' ? 'reference label' : 'label')} on ${plural(r.sites, 'site')}`,
        r.assignmentsCreated ? `, ${plural(r.assignmentsCreated, 'new assignment')}` : '',
        r.skipped.length ? `; skipped ${r.skipped.length}` : '; nothing skipped',
        r.repaired.length ? `; repaired ${r.repaired.length}` : '',
        ` (${r.format}${r.layer ? `, layer ${r.layer}` : ''}, ${r.sourceCrs}).`,
      ),
    ];
    if (r.skipped.length) {
      const shown = r.skipped.slice(0, 200);
      out.push(h('ul', { class: 'tx-skipped', id: 'import-skipped' }, ...shown.map((s) => h('li', {}, h('span', { class: 'tx-feature' }, s.feature), ` ${s.reason}`))));
      if (r.skipped.length > shown.length) out.push(h('p', { class: 'tx-more' }, `… and ${r.skipped.length - shown.length} more`));
    }
    return out;
  }
}

export class SitesForm extends UploadForm<AddSitesResult> {
  private readonly country: HTMLInputElement;
  private readonly cls: HTMLSelectElement;
  private readonly q: HTMLInputElement;
  private readonly n: HTMLInputElement;
  private readonly qualification: HTMLInputElement;

  constructor(deps: ImportFormDeps) {
    const country = h('input', { type: 'text', class: 'tx-input', id: 'sites-country', maxlength: 2, placeholder: 'GH', 'aria-label': 'Country code' });
    const cls = h('select', { class: 'select', id: 'sites-class', 'aria-label': 'Class of the new sites' });
    for (const [v, t] of [['2', 'Class 2 (mapped once)'], ['1', 'Class 1 (quality control)'], ['4', 'Class 4 (several labellers)'], ['split', 'A seeded split by shares']]) cls.append(h('option', { value: v }, t));
    const q = h('input', { type: 'number', class: 'tx-input tx-num', id: 'sites-q', min: 0, max: 1, step: 0.05, value: '0.1', 'aria-label': 'Share of Class 1' });
    const n = h('input', { type: 'number', class: 'tx-input tx-num', id: 'sites-n', min: 0, max: 1, step: 0.05, value: '0.1', 'aria-label': 'Share of Class 4' });
    const qualification = h('input', { type: 'checkbox', id: 'sites-qualification' });
    const shares = h('div', { class: 'tx-field', hidden: true }, h('span', {}, 'Shares'), 'Class 1', q, 'Class 4', n);
    super(
      deps,
      'sites',
      'Add sites',
      '.geojson,.json,.csv',
      [
        h('label', { class: 'tx-field' }, h('span', {}, 'Country'), country),
        h('label', { class: 'tx-field' }, h('span', {}, 'Class'), cls),
        shares,
        h('label', { class: 'tx-check' }, qualification, h('span', {}, 'The qualification set (Class 1, in file order)')),
        h('p', { class: 'tx-hint' }, 'GeoJSON polygons (the area: every 0.005° cell whose centre is inside) or points, or a CSV with lon and lat columns.'),
      ],
      'Add sites',
    );
    this.country = country;
    this.cls = cls;
    this.q = q;
    this.n = n;
    this.qualification = qualification;
    cls.addEventListener('change', () => {
      shares.hidden = cls.value !== 'split';
      this.update();
    });
    qualification.addEventListener('change', () => {
      if (qualification.checked) cls.value = '1';
      cls.disabled = qualification.checked;
      shares.hidden = cls.value !== 'split';
      this.update();
    });
    for (const el of [country, q, n]) el.addEventListener('input', () => this.update());
  }

  protected params(): Params | string {
    const country = this.country.value.trim().toUpperCase();
    if (!/^[A-Z]{2}$/.test(country)) return 'Give the two-letter country code of the site ids';
    if (this.qualification.checked) return { country, cls: 1, qualification: 1 };
    if (this.cls.value !== 'split') return { country, cls: this.cls.value };
    const q = Number(this.q.value);
    const n = Number(this.n.value);
    if (!(q >= 0 && n >= 0 && q + n <= 1)) return 'The shares must be between 0 and 1 and sum to at most 1';
    return { country, q, n };
  }

  protected render(r: AddSitesResult): Node[] {
    return [
      h(
        'p',
        { class: 'tx-summary', 'data-added': r.added },
        `Added ${plural(r.added, 'site')} (Class 1: ${r.byClass[1]}, Class 2: ${r.byClass[2]}, Class 4: ${r.byClass[4]})`,
        r.existing ? `; ${plural(r.existing, 'cell')} had a site already` : '',
        r.qualification ? `; qualification set of ${r.qualification}` : '',
        `; ${plural(r.scenesLinked, 'scene')} linked.`,
      ),
    ];
  }
}

export class SceneForm extends UploadForm<AddSceneResult> {
  private readonly date: HTMLInputElement;
  private readonly season: HTMLInputElement;

  constructor(deps: ImportFormDeps) {
    const date = h('input', { type: 'date', class: 'tx-input', id: 'scene-date', 'aria-label': 'Acquisition date' });
    const season = h('input', { type: 'text', class: 'tx-input', id: 'scene-season', maxlength: 32, placeholder: 'optional', 'aria-label': 'Season' });
    super(deps, 'scene', 'Add a scene', '.tif,.tiff', [h('label', { class: 'tx-field' }, h('span', {}, 'Date'), date), h('label', { class: 'tx-field' }, h('span', {}, 'Season'), season)], 'Add scene');
    this.date = date;
    this.season = season;
    for (const el of [date, season]) el.addEventListener('input', () => this.update());
  }

  protected params(): Params | string {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(this.date.value)) return 'Give the acquisition date';
    return { date: this.date.value, season: this.season.value.trim() || undefined };
  }

  protected render(r: AddSceneResult): Node[] {
    return [
      h('p', { class: 'tx-summary', 'data-scene': r.scene.id }, `Scene ${r.scene.id} (${r.scene.date}) added, linked to ${plural(r.siteIds.length, 'site')}; band roles ${r.bandRolesFrom}.`),
      ...r.warnings.map((w) => h('p', { class: 'tx-more' }, w)),
    ];
  }
}
