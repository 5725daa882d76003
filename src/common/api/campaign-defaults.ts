/**
 * The default settings of a new campaign (DOMAIN.md 1-2): one place for the service
 * (`src/node/store/campaign.repo.ts`, `src/node/campaign/settings.ts`) and the renderer's setup form,
 * which shows them beside the fields left empty.
 */
import type { CampaignSettingsDto } from './campaign-contract';

const DEFAULTS: CampaignSettingsDto = {
  categories: [
    { id: 'annualcropland', group: 'field' },
    { id: 'fallow', group: 'field' },
    { id: 'noncropland', group: 'no_field' },
    { id: 'unsure', group: 'no_field' },
  ],
  weights: { area: 0.55, fragmentation: 0.225, edge: 0.1, categorical: 0.125 },
  qRate: 0.1,
  trustThreshold: 0.45,
  rejectBelow: 0.4,
  minFieldAreaM2: 400,
  labellersPerClass4: 3,
  qualificationPassScore: 0.4,
  taskTimeoutHours: 24,
  offlineTimeoutHours: 24 * 14,
};

export const CAMPAIGN_DEFAULTS: Readonly<CampaignSettingsDto> = Object.freeze(DEFAULTS);
