/**
 * Sites and the qualification set of the setup view.
 * - Add sites (`addSites`): 0.005° cells over a box (west/south/east/north) or the cells of typed
 *   lon,lat centres; a country code; one class, or a seeded random split (Class 1 share q,
 *   Class 4 share n, the rest Class 2); "qualification set" makes the new (Class 1) sites the set.
 *   The answer is shown: added, existing, by class, scenes linked.
 * - The qualification set (`setQualificationSet`): the ordered Class 1 site ids, edited as text.
 * (Sites from a file are imported in the Import/Export panel.)
 */
import type { CampaignInfo } from '../../src/common/api/campaign-contract';
import type { FieldmarkApi } from '../../src/common/api/contract';
import { h } from '../ui/dom';
import { parseAddSites, parseSiteIds, type SitesText } from './forms';
import { field, FormStatus, input, runForm, section } from './form-ui';

export interface SitesFormActions {
  /** Sites or the qualification set changed (the app reloads its site list and info). */
  changed(): void;
}

export class SitesForm {
  readonly el: HTMLElement;
  readonly qualificationEl: HTMLElement;
  private readonly mode: HTMLSelectElement;
  private readonly box: Record<'west' | 'south' | 'east' | 'north', HTMLInputElement>;
  private readonly boxRow: HTMLElement;
  private readonly centres: HTMLTextAreaElement;
  private readonly centresRow: HTMLElement;
  private readonly country: HTMLInputElement;
  private readonly cls: HTMLSelectElement;
  private readonly q: HTMLInputElement;
  private readonly n: HTMLInputElement;
  private readonly seed: HTMLInputElement;
  private readonly splitRow: HTMLElement;
  private readonly qualification: HTMLInputElement;
  private readonly addButton: HTMLButtonElement;
  private readonly addStatus = new FormStatus('sites-form-status');
  private readonly qualIds: HTMLTextAreaElement;
  private readonly qualButton: HTMLButtonElement;
  private readonly qualStatus = new FormStatus('qualification-form-status');

  constructor(
    private readonly api: FieldmarkApi,
    private readonly actions: SitesFormActions,
  ) {
    this.mode = h('select', { class: 'select', id: 'cs-sites-mode', onchange: () => this.sync() }, h('option', { value: 'bbox' }, 'Cells over a box'), h('option', { value: 'centres' }, 'Cells of given centres'));
    this.box = {
      west: input({ id: 'cs-west', inputmode: 'decimal', placeholder: '-1.25' }),
      south: input({ id: 'cs-south', inputmode: 'decimal', placeholder: '9.40' }),
      east: input({ id: 'cs-east', inputmode: 'decimal', placeholder: '-1.23' }),
      north: input({ id: 'cs-north', inputmode: 'decimal', placeholder: '9.42' }),
    };
    this.boxRow = h('div', { class: 'cs-grid cs-grid-4' }, field('West', this.box.west), field('South', this.box.south), field('East', this.box.east), field('North', this.box.north));
    this.centres = h('textarea', { class: 'cs-input cs-area', id: 'cs-centres', rows: 3, spellcheck: 'false', placeholder: '-1.2475, 9.4125\n-1.2425, 9.4125' });
    this.centresRow = field('Centres (lon, lat; one a line)', this.centres);
    this.country = input({ id: 'cs-country', maxlength: 2, placeholder: 'GH', class: 'cs-input cs-short' });
    this.cls = h(
      'select',
      { class: 'select', id: 'cs-class', onchange: () => this.sync() },
      h('option', { value: '2' }, 'Class 2 (mapped once)'),
      h('option', { value: '4' }, 'Class 4 (several labellers)'),
      h('option', { value: '1' }, 'Class 1 (quality control)'),
      h('option', { value: 'split' }, 'Random split'),
    );
    this.q = input({ id: 'cs-share-q', inputmode: 'decimal', placeholder: '0.1' });
    this.n = input({ id: 'cs-share-n', inputmode: 'decimal', placeholder: '0.1' });
    this.seed = input({ id: 'cs-seed', inputmode: 'numeric', placeholder: 'random' });
    this.splitRow = h('div', { class: 'cs-grid' }, field('Class 1 share (q)', this.q), field('Class 4 share (n)', this.n), field('Seed', this.seed));
    this.qualification = h('input', { type: 'checkbox', id: 'cs-qualification', onchange: () => this.sync() });
    this.addButton = h('button', { type: 'submit', class: 'tb-btn cs-submit', id: 'cs-sites-add' }, 'Add sites');
    const form = h(
      'form',
      { class: 'cs-form', id: 'sites-form', novalidate: true },
      h('div', { class: 'cs-row' }, field('Where', this.mode), field('Country', this.country), field('Class', this.cls)),
      this.boxRow,
      this.centresRow,
      this.splitRow,
      h('label', { class: 'cs-check' }, this.qualification, 'These sites are the qualification set (Class 1, served in order to new labellers)'),
      h('div', { class: 'cs-actions' }, this.addButton, this.addStatus.el),
    );
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      void runForm(this.addButton, this.addStatus, () => this.add());
    });
    this.el = section('cs-sites', 'Add sites', h('p', { class: 'cs-note' }, 'Sites are 0.005° grid cells (ids: country code + 7 digits); cells that have a site already are left as they are. Sites from a file: Import/Export.'), form);

    this.qualIds = h('textarea', { class: 'cs-input cs-area', id: 'cs-qualification-ids', rows: 3, spellcheck: 'false', placeholder: 'Class 1 site ids, in the order they are served' });
    this.qualButton = h('button', { type: 'submit', class: 'tb-btn cs-submit', id: 'cs-qualification-save' }, 'Save the qualification set');
    const qform = h('form', { class: 'cs-form', id: 'qualification-form', novalidate: true }, field('Site ids (in order)', this.qualIds, 'Class 1 sites only; empty: no qualification test'), h('div', { class: 'cs-actions' }, this.qualButton, this.qualStatus.el));
    qform.addEventListener('submit', (e) => {
      e.preventDefault();
      void runForm(this.qualButton, this.qualStatus, () => this.saveQualification());
    });
    this.qualificationEl = section('cs-qualification-set', 'Qualification set', qform);
    this.sync();
  }

  /** The campaign as it is now (null: none yet, sites cannot be added). */
  show(c: CampaignInfo | null): void {
    this.addButton.disabled = !c;
    this.qualButton.disabled = !c;
    this.el.dataset['enabled'] = String(!!c);
    this.qualIds.value = c ? c.qualificationSet.join('\n') : '';
    if (!c) this.addStatus.error('Create the campaign first.');
    else if (this.addStatus.el.textContent === 'Create the campaign first.') this.addStatus.clear();
  }

  private sync(): void {
    const centres = this.mode.value === 'centres';
    this.boxRow.hidden = centres;
    this.centresRow.hidden = !centres;
    this.splitRow.hidden = this.cls.value !== 'split';
    if (this.qualification.checked && this.cls.value !== '1') this.cls.value = '1';
    this.splitRow.hidden = this.cls.value !== 'split';
  }

  private text(): SitesText {
    return {
      mode: this.mode.value === 'centres' ? 'centres' : 'bbox',
      west: this.box.west.value,
      south: this.box.south.value,
      east: this.box.east.value,
      north: this.box.north.value,
      centres: this.centres.value,
      country: this.country.value,
      cls: this.cls.value,
      q: this.q.value,
      n: this.n.value,
      seed: this.seed.value,
      qualification: this.qualification.checked,
    };
  }

  private async add(): Promise<void> {
    const spec = parseAddSites(this.text());
    const r = await this.api.addSites(spec);
    const first = r.siteIds.slice(0, 3).join(', ') + (r.siteIds.length > 3 ? ', ...' : '');
    this.addStatus.ok(
      h('span', { id: 'cs-sites-result', 'data-added': String(r.added) }, `Added ${r.added} site${r.added === 1 ? '' : 's'}${r.added ? ` (${first})` : ''}; ${r.existing} existing left as they were; Class 1: ${r.byClass[1]}, Class 2: ${r.byClass[2]}, Class 4: ${r.byClass[4]}; qualification: ${r.qualification}; scenes linked: ${r.scenesLinked}.`),
    );
    this.actions.changed();
  }

  private async saveQualification(): Promise<void> {
    const ids = parseSiteIds(this.qualIds.value);
    const r = await this.api.setQualificationSet(ids);
    this.qualIds.value = r.siteIds.join('\n');
    this.qualStatus.ok(r.siteIds.length ? `The qualification set is ${r.siteIds.length} site${r.siteIds.length === 1 ? '' : 's'}.` : 'No qualification set: new labellers start on real work.');
    this.actions.changed();
  }
}
