/**
 * The staff "Campaign" view over the map (admin or supervisor; the button is hidden for
 * labellers, and the server refuses them every method used here anyway): the campaign's name and
 * settings (create when the database holds none), add sites, the qualification set, and people.
 * Opened from the app bar; Esc or Close shuts it. Test hooks on body: `data-setup` (open or not),
 * `data-setup-loaded`.
 */
import type { CampaignInfo } from '../../src/common/api/campaign-contract';
import type { FieldmarkApi } from '../../src/common/api/contract';
import { isApiError } from '../../src/common/api/errors';
import type { Store } from '../state/store';
import { h } from '../ui/dom';
import { StaffOverlay } from '../ui/overlay';
import { CampaignForm } from './campaign-form';
import { FormStatus, message } from './form-ui';
import { PeopleForm } from './people-form';
import { SitesForm } from './sites-form';

export interface SetupViewActions {
  /** The campaign, its sites or people changed: re-read the app info and the site list. */
  changed(): void;
}

export class SetupView {
  readonly button: HTMLButtonElement;
  readonly el: HTMLElement;
  private readonly campaign: CampaignForm;
  private readonly sites: SitesForm;
  private readonly people: PeopleForm;
  private readonly status = new FormStatus('setup-status');
  private readonly overlay: StaffOverlay;

  constructor(
    private readonly store: Store,
    private readonly api: FieldmarkApi,
    actions: SetupViewActions,
  ) {
    this.button = h('button', { type: 'button', class: 'tb-btn appbar-btn', id: 'setup-toggle', hidden: true, 'aria-expanded': 'false', title: 'Campaign setup: settings, sites, qualification set, people', onclick: () => this.toggle() }, 'Campaign');
    this.campaign = new CampaignForm(api, {
      changed: (c) => {
        this.sites.show(c);
        void this.people.load(true);
        actions.changed();
      },
    });
    this.sites = new SitesForm(api, {
      changed: () => {
        void this.reload();
        actions.changed();
      },
    });
    this.people = new PeopleForm(api, () => window.location.origin);
    this.el = h(
      'section',
      { class: 'setup-view', id: 'setup-view', hidden: true, 'aria-label': 'Campaign setup' },
      h(
        'div',
        { class: 'qv-head' },
        h('h2', { class: 'panel-title' }, 'Campaign setup'),
        this.status.el,
        h('span', { class: 'tb-spacer' }),
        h('button', { type: 'button', class: 'tb-btn', id: 'setup-refresh', title: 'Read the campaign again', onclick: () => void this.load() }, 'Refresh'),
        h('button', { type: 'button', class: 'tb-btn', id: 'setup-close', title: 'Close (Esc)', onclick: () => this.toggle(false) }, 'Close'),
      ),
      h('div', { class: 'setup-body' }, h('div', { class: 'setup-col' }, this.campaign.el, this.sites.qualificationEl), h('div', { class: 'setup-col' }, this.sites.el, this.people.el)),
    );
    this.overlay = new StaffOverlay(this.button, this.el, 'setup', () => void this.load());
    store.subscribe((s, prev) => {
      if (s.info !== prev.info) {
        const role = s.info?.user.role;
        if (role) this.people.setCaller(role);
        this.overlay.setRole(role);
      }
    });
  }

  get open(): boolean {
    return this.overlay.open;
  }

  toggle(open?: boolean): void {
    this.overlay.toggle(open);
  }

  /** Reads the campaign (NOT_FOUND: none yet → the create form) and the people. */
  async load(): Promise<void> {
    document.body.dataset['setupLoaded'] = 'false';
    this.status.clear();
    let c: CampaignInfo | null = null;
    // an empty database (the app's info says so): the create form, without asking for a NOT_FOUND
    if (this.store.state.info && !this.store.state.info.campaign) this.apply(null);
    else c = await this.reload();
    await this.people.load(c !== null);
    document.body.dataset['setupLoaded'] = 'true';
  }

  private async reload(): Promise<CampaignInfo | null> {
    try {
      const c = await this.api.getCampaign();
      this.apply(c);
      return c;
    } catch (e) {
      if (isApiError(e) && e.code === 'NOT_FOUND') {
        this.apply(null);
        return null;
      }
      this.status.error(`Cannot read the campaign: ${message(e)}`);
      return null;
    }
  }

  private apply(c: CampaignInfo | null): void {
    this.campaign.show(c);
    this.sites.show(c);
  }
}
