/** Campaigns and labellers (people and, in the demo, simulated labellers). */
import { createHash } from 'node:crypto';
import type { CampaignSettingsDto } from '../../common/api/campaign-contract';
import { CAMPAIGN_DEFAULTS } from '../../common/api/campaign-defaults';
import type { CampaignSummary, LabellerSummary, Role } from '../../common/api/contract';
import type { Db } from './database';

/** The settings the store and scoring read (the campaign API's DTO carries more: scheduling, deadlines). */
export type CampaignSettings = Pick<
  CampaignSettingsDto,
  'categories' | 'weights' | 'qRate' | 'trustThreshold' | 'rejectBelow' | 'minFieldAreaM2' | 'labellersPerClass4'
>;

export const DEFAULT_SETTINGS: CampaignSettings = {
  categories: CAMPAIGN_DEFAULTS.categories.map((c) => ({ ...c })),
  weights: { ...CAMPAIGN_DEFAULTS.weights },
  qRate: CAMPAIGN_DEFAULTS.qRate,
  trustThreshold: CAMPAIGN_DEFAULTS.trustThreshold,
  rejectBelow: CAMPAIGN_DEFAULTS.rejectBelow,
  minFieldAreaM2: CAMPAIGN_DEFAULTS.minFieldAreaM2,
  labellersPerClass4: CAMPAIGN_DEFAULTS.labellersPerClass4,
};

export function insertCampaign(db: Db, c: { id: string; name: string; settings: CampaignSettings; createdAt?: string }): void {
  db.prepare('INSERT INTO campaigns (id, name, settings, created_at) VALUES (?, ?, ?, ?)').run(
    c.id,
    c.name,
    JSON.stringify(c.settings),
    c.createdAt ?? new Date().toISOString(),
  );
}

export interface CampaignRow {
  id: string;
  name: string;
  settings: CampaignSettings;
}

/** The campaign of this database (one campaign per file for now); null when empty. */
export function currentCampaign(db: Db): CampaignRow | null {
  const row = db.prepare('SELECT id, name, settings FROM campaigns ORDER BY created_at, id LIMIT 1').get() as
    | { id: string; name: string; settings: string }
    | undefined;
  if (!row) return null;
  return { id: row.id, name: row.name, settings: JSON.parse(row.settings) as CampaignSettings };
}

export function campaignSummary(db: Db, c: CampaignRow): CampaignSummary {
  const count = (sql: string): number => (db.prepare(sql).pluck().get(c.id) as number) ?? 0;
  return {
    id: c.id,
    name: c.name,
    categories: c.settings.categories,
    sites: count('SELECT count(*) FROM sites WHERE campaign_id = ?'),
    labellers: count(
      "SELECT count(DISTINCT a.labeller_id) FROM assignments a JOIN sites s ON s.id = a.site_id WHERE s.campaign_id = ?",
    ),
    assignments: count('SELECT count(*) FROM assignments a JOIN sites s ON s.id = a.site_id WHERE s.campaign_id = ?'),
  };
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function insertLabeller(
  db: Db,
  l: { id: string; name: string; role: Role; token?: string | null; profile?: unknown; createdAt?: string },
): void {
  db.prepare('INSERT INTO labellers (id, name, role, token_hash, profile, created_at) VALUES (?, ?, ?, ?, ?, ?)').run(
    l.id,
    l.name,
    l.role,
    l.token ? hashToken(l.token) : null,
    l.profile === undefined ? null : JSON.stringify(l.profile),
    l.createdAt ?? new Date().toISOString(),
  );
}

export function labellerByToken(db: Db, token: string): { id: string; name: string; role: Role } | null {
  const row = db.prepare('SELECT id, name, role FROM labellers WHERE token_hash = ?').get(hashToken(token)) as
    | { id: string; name: string; role: Role }
    | undefined;
  return row ?? null;
}

export function listLabellers(db: Db): LabellerSummary[] {
  return db
    .prepare(
      `SELECT l.id, l.name, l.role, count(a.id) AS assignments
         FROM labellers l LEFT JOIN assignments a ON a.labeller_id = l.id
        GROUP BY l.id ORDER BY l.id`,
    )
    .all() as LabellerSummary[];
}
