/**
 * The campaign of a database and its settings. One campaign per database file: `createCampaign`
 * refuses a second one (make another file), and every API answer names the campaign it is about.
 * Settings are stored as JSON in `campaigns.settings`; keys an older database lacks get defaults.
 */
import type { CampaignInfo, CampaignSettingsDto, NewCampaign } from '../../common/api/contract';
import { CAMPAIGN_DEFAULTS } from '../../common/api/campaign-defaults';
import { ApiError } from '../../common/api/errors';
import { DEFAULT_SETTINGS, currentCampaign, insertCampaign } from '../store/campaign.repo';
import type { Db } from '../store/database';

export const RULE_DEFAULTS = {
  qualificationPassScore: CAMPAIGN_DEFAULTS.qualificationPassScore,
  taskTimeoutHours: CAMPAIGN_DEFAULTS.taskTimeoutHours,
  offlineTimeoutHours: CAMPAIGN_DEFAULTS.offlineTimeoutHours,
};

export type CampaignRules = CampaignSettingsDto & { campaignId: string };

const num = (v: unknown, d: number): number => (typeof v === 'number' && Number.isFinite(v) ? v : d);

function withDefaults(raw: Partial<CampaignSettingsDto>): CampaignSettingsDto {
  const d = { ...DEFAULT_SETTINGS, ...RULE_DEFAULTS };
  return {
    categories: Array.isArray(raw.categories) && raw.categories.length > 0 ? raw.categories : d.categories,
    weights: raw.weights ?? d.weights,
    qRate: num(raw.qRate, d.qRate),
    trustThreshold: num(raw.trustThreshold, d.trustThreshold),
    rejectBelow: num(raw.rejectBelow, d.rejectBelow),
    minFieldAreaM2: num(raw.minFieldAreaM2, d.minFieldAreaM2),
    labellersPerClass4: num(raw.labellersPerClass4, d.labellersPerClass4),
    qualificationPassScore: num(raw.qualificationPassScore, d.qualificationPassScore),
    taskTimeoutHours: num(raw.taskTimeoutHours, d.taskTimeoutHours),
    offlineTimeoutHours: num(raw.offlineTimeoutHours, d.offlineTimeoutHours),
  };
}

/** The campaign's settings with defaults; NOT_FOUND when the database holds none. */
export function campaignRules(db: Db): CampaignRules {
  const c = currentCampaign(db);
  if (!c) throw new ApiError('NOT_FOUND', 'this database holds no campaign yet (create one with `fieldmark campaign create`, or run `fieldmark demo`)');
  return { ...withDefaults(c.settings as Partial<CampaignSettingsDto>), campaignId: c.id };
}

export function campaignInfo(db: Db): CampaignInfo {
  const c = currentCampaign(db);
  if (!c) throw new ApiError('NOT_FOUND', 'this database holds no campaign yet (create one with `fieldmark campaign create`, or run `fieldmark demo`)');
  const createdAt = db.prepare('SELECT created_at FROM campaigns WHERE id = ?').pluck().get(c.id) as string;
  const by = new Map((db.prepare('SELECT cls, count(*) AS n FROM sites WHERE campaign_id = ? GROUP BY cls').all(c.id) as { cls: number; n: number }[]).map((r) => [r.cls, r.n]));
  const qualificationSet = db
    .prepare('SELECT q.site_id FROM qualification_sites q JOIN sites s ON s.id = q.site_id WHERE s.campaign_id = ? ORDER BY q.position, q.site_id')
    .pluck()
    .all(c.id) as string[];
  return {
    id: c.id,
    name: c.name,
    createdAt,
    settings: withDefaults(c.settings as Partial<CampaignSettingsDto>),
    oneCampaignPerDatabase: true,
    sites: { 1: by.get(1) ?? 0, 2: by.get(2) ?? 0, 4: by.get(4) ?? 0 },
    qualificationSites: qualificationSet.length,
    qualificationSet,
  };
}

function checkSettings(s: CampaignSettingsDto): void {
  const w = s.weights;
  if (!(w.area + w.fragmentation + w.edge + w.categorical > 0)) throw new ApiError('BAD_ARGUMENTS', 'campaign: score weights must not all be 0');
  if (!s.categories.some((c) => c.group === 'field')) throw new ApiError('BAD_ARGUMENTS', 'campaign: at least one category must be in the field group');
}

export function createCampaign(db: Db, spec: NewCampaign): CampaignInfo {
  const settings = withDefaults(spec.settings ?? {});
  checkSettings(settings);
  const id = spec.id ?? (spec.name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60) || 'campaign');
  db.transaction(() => {
    const existing = currentCampaign(db);
    if (existing) {
      throw new ApiError('CONFLICT', `this database holds campaign "${existing.name}" (${existing.id}) already: one campaign per database file; create the new one in another file`);
    }
    insertCampaign(db, { id, name: spec.name, settings: settings as unknown as typeof DEFAULT_SETTINGS });
  }).immediate();
  return campaignInfo(db);
}

export function updateCampaign(db: Db, patch: Partial<CampaignSettingsDto> & { name?: string }): CampaignInfo {
  db.transaction(() => {
    const c = currentCampaign(db);
    if (!c) throw new ApiError('NOT_FOUND', 'this database holds no campaign yet');
    const { name, ...rest } = patch;
    const settings = withDefaults({ ...(c.settings as Partial<CampaignSettingsDto>), ...rest });
    checkSettings(settings);
    db.prepare('UPDATE campaigns SET name = ?, settings = ? WHERE id = ?').run(name ?? c.name, JSON.stringify({ ...c.settings, ...settings }), c.id);
  }).immediate();
  return campaignInfo(db);
}
