/**
 * The campaign's name and settings: `createCampaign` when the database holds none (getCampaign →
 * NOT_FOUND), `updateCampaign` once it does. Empty fields mean "the default" (creating) or "keep"
 * (editing); the defaults (src/common/api/campaign-defaults.ts) are shown as placeholders, the
 * current values filled in.
 */
import type { CampaignInfo, CampaignSettingsDto } from '../../src/common/api/campaign-contract';
import { CAMPAIGN_DEFAULTS } from '../../src/common/api/campaign-defaults';
import type { FieldmarkApi } from '../../src/common/api/contract';
import { h } from '../ui/dom';
import { checkUserName, formatCategories, parseSettings, type SettingsText } from './forms';
import { field, FormStatus, input, runForm, section } from './form-ui';

type Key = keyof SettingsText;

interface Spec {
  key: Exclude<Key, 'categories'>;
  label: string;
  value: (s: CampaignSettingsDto) => number;
  hint?: string;
}

const NUMBERS: Spec[] = [
  { key: 'wArea', label: 'Area weight', value: (s) => s.weights.area },
  { key: 'wFragmentation', label: 'Fragmentation weight', value: (s) => s.weights.fragmentation },
  { key: 'wEdge', label: 'Edge weight', value: (s) => s.weights.edge },
  { key: 'wCategorical', label: 'Categorical weight', value: (s) => s.weights.categorical },
  { key: 'qRate', label: 'Q rate', value: (s) => s.qRate, hint: 'share of requests served a hidden Class 1 site' },
  { key: 'trustThreshold', label: 'Trust threshold', value: (s) => s.trustThreshold, hint: 'running quality below it: work untrusted' },
  { key: 'rejectBelow', label: 'Reject below', value: (s) => s.rejectBelow, hint: 'a Class 1 score below it is rejected' },
  { key: 'labellersPerClass4', label: 'Labellers per Class 4 site', value: (s) => s.labellersPerClass4 },
  { key: 'minFieldAreaM2', label: 'Minimum field area (m²)', value: (s) => s.minFieldAreaM2 },
  { key: 'qualificationPassScore', label: 'Qualification pass score', value: (s) => s.qualificationPassScore },
  { key: 'taskTimeoutHours', label: 'Task timeout (hours)', value: (s) => s.taskTimeoutHours, hint: 'then abandoned (counts as returned)' },
];

export interface CampaignFormActions {
  /** The campaign was created or changed (the app re-reads its info). */
  changed(c: CampaignInfo): void;
}

export class CampaignForm {
  readonly el: HTMLElement;
  private readonly title: HTMLElement;
  private readonly name: HTMLInputElement;
  private readonly categories: HTMLTextAreaElement;
  private readonly inputs = new Map<Key, HTMLInputElement>();
  private readonly button: HTMLButtonElement;
  private readonly status = new FormStatus('campaign-form-status');
  private current: CampaignInfo | null = null;

  constructor(
    private readonly api: FieldmarkApi,
    private readonly actions: CampaignFormActions,
  ) {
    this.name = input({ id: 'cs-campaign-name', maxlength: 100, placeholder: 'e.g. Ghana 2024 fields' });
    this.categories = h('textarea', { class: 'cs-input cs-area', id: 'cs-categories', rows: 4, spellcheck: 'false', placeholder: formatCategories(CAMPAIGN_DEFAULTS.categories) });
    const grid = h('div', { class: 'cs-grid' });
    for (const s of NUMBERS) {
      const el = input({ id: `cs-${s.key}`, inputmode: 'decimal', placeholder: String(s.value(CAMPAIGN_DEFAULTS)) });
      this.inputs.set(s.key, el);
      grid.append(field(s.label, el, s.hint));
    }
    this.button = h('button', { type: 'submit', class: 'tb-btn cs-submit', id: 'cs-campaign-save' }, 'Create campaign');
    this.title = h('p', { class: 'cs-note', id: 'cs-campaign-state' });
    const form = h(
      'form',
      { class: 'cs-form', id: 'campaign-form', novalidate: true },
      this.title,
      field('Name', this.name),
      field('Categories', this.categories, 'one a line: id field  or  id no_field'),
      grid,
      h('div', { class: 'cs-actions' }, this.button, this.status.el),
    );
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      void runForm(this.button, this.status, () => this.save());
    });
    this.el = section('cs-campaign', 'Campaign', form);
  }

  /** Shows the campaign (null: none yet → the create form). */
  show(c: CampaignInfo | null): void {
    this.current = c;
    this.button.textContent = c ? 'Save settings' : 'Create campaign';
    this.el.dataset['mode'] = c ? 'edit' : 'create';
    this.title.textContent = c
      ? `Campaign "${c.name}" (${c.id}), created ${c.createdAt.slice(0, 10)}: ${c.sites[1]} Class 1, ${c.sites[2]} Class 2, ${c.sites[4]} Class 4 sites; ${c.qualificationSites} in the qualification set. One campaign per database file.`
      : 'This database holds no campaign yet. Name it; empty fields take the defaults shown.';
    this.name.value = c?.name ?? '';
    this.categories.value = c ? formatCategories(c.settings.categories) : '';
    for (const s of NUMBERS) this.inputs.get(s.key)!.value = c ? String(s.value(c.settings)) : '';
  }

  private text(): SettingsText {
    const t = { categories: this.categories.value } as SettingsText;
    for (const s of NUMBERS) t[s.key] = this.inputs.get(s.key)!.value;
    return t;
  }

  private async save(): Promise<void> {
    const creating = this.current === null;
    const name = checkUserName(this.name.value);
    const settings = parseSettings(this.text(), this.current?.settings ?? CAMPAIGN_DEFAULTS);
    const c = !creating ? await this.api.updateCampaign({ ...settings, name }) : await this.api.createCampaign({ name, settings });
    this.show(c);
    this.status.ok(creating ? 'Campaign created.' : 'Settings saved.');
    this.actions.changed(c);
  }
}
