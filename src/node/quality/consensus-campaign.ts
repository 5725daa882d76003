/**
 * `fieldmark consensus --db`: the consensus of every Class 4 site of a campaign (DOMAIN.md 3,
 * src/common/consensus/merge-site.ts). The maps merged are the finished ones ('submitted' or
 * 'approved'; untrusted, rejected, returned and unfinished work is left out). Each labeller's
 * weight / prior comes from their Class 1 history in `scores` (run `fieldmark score` first):
 * Q = mean score, fieldSkill and noFieldSkill pooled over their Class 1 areas (the Bayes weights),
 * and the same skills measured inside STAPLE's region of interest (STAPLE's priors, see
 * src/common/consensus/roi-skill.ts). Labellers
 * without history get the site mean (Bayes) or plain STAPLE, and are listed in `noHistory`.
 * Risk maps go to <db folder>/consensus/<site>_<method>_risk.tif (float32 COG); one
 * `consensus_results` row per site and method, all written in one transaction at the end.
 */
import { basename, dirname, join } from 'node:path';
import { mergeSite, RISK_THRESHOLD_CAVEAT, type LabellerInput, type MergeMethod } from '../../common/consensus';
import type { MultiPolygon, Polygon } from '../../common/geo/geojson';
import type { Feature } from '../../common/quality';
import type { Db } from '../store/database';
import { historyWeights } from './labeller-quality';
import { writeRiskCog } from './risk-cog';
import { assertFinite, campaignSettings, featuresByAssignment, unsureCategories } from './store-io';

export const MERGED_STATUSES = ['submitted', 'approved'] as const;

export interface ConsensusCampaignOptions {
  method?: MergeMethod;
  pixels?: number;
  riskThreshold?: number;
  /** write risk COGs beside the database (default true; never for an in-memory database) */
  writeRisk?: boolean;
  onProgress?: (done: number, total: number) => void;
  /** only these Class 4 sites (default: all of the campaign) */
  siteIds?: string[];
  /** receives each site's merge time in ms, COG encoding excluded (benchmarks) */
  timings?: number[];
  now?: string;
}

export interface SiteConsensusSummary {
  siteId: string;
  labellers: string[];
  meanRisk: number;
  riskyFraction: number;
  meanEntropy: number;
  iterations?: number;
  risk: string | null;
}

export interface ConsensusCampaignResult {
  method: MergeMethod;
  sites: SiteConsensusSummary[];
  /** labellers merged somewhere without any Class 1 history (no weight: the site mean / plain STAPLE) */
  noHistory: string[];
  skipped: { siteId: string; reason: string }[];
  notes: string[];
}

interface Work {
  id: number;
  siteId: string;
  labellerId: string;
  cell: string;
}

export async function consensusCampaign(db: Db, opts: ConsensusCampaignOptions = {}): Promise<ConsensusCampaignResult> {
  const s = campaignSettings(db);
  const method = opts.method ?? 'bayes';
  const now = opts.now ?? new Date().toISOString();
  const st = MERGED_STATUSES.map(() => '?').join(',');
  const siteCond = opts.siteIds ? ` AND s.id IN (${opts.siteIds.map(() => '?').join(',') || 'NULL'})` : '';
  const where = `s.campaign_id = ? AND s.cls = 4 AND a.status IN (${st})${siteCond}`;
  const params = [s.campaignId, ...MERGED_STATUSES, ...(opts.siteIds ?? [])];
  const work = db
    .prepare(`SELECT a.id, a.site_id AS siteId, a.labeller_id AS labellerId, s.cell FROM assignments a JOIN sites s ON s.id = a.site_id WHERE ${where} ORDER BY a.site_id, a.id`)
    .all(...params) as Work[];
  const only = opts.siteIds ? new Set(opts.siteIds) : null;
  const sites = (db.prepare('SELECT id, cell FROM sites WHERE campaign_id = ? AND cls = 4 ORDER BY id').all(s.campaignId) as { id: string; cell: string }[]).filter(
    (x) => !only || only.has(x.id),
  );
  const bySite = new Map<string, Work[]>();
  for (const w of work) {
    let list = bySite.get(w.siteId);
    if (!list) bySite.set(w.siteId, (list = []));
    list.push(w);
  }
  const labels = featuresByAssignment(db, where, params);
  const history = historyWeights(db, s.campaignId);
  const unsure = unsureCategories(s.categories);
  const inMemory = !db.name || db.name === ':memory:' || db.memory;
  const writeRisk = (opts.writeRisk ?? true) && !inMemory;
  const root = inMemory ? '' : dirname(db.name);

  const out: SiteConsensusSummary[] = [];
  const rows: unknown[][] = [];
  const skipped: ConsensusCampaignResult['skipped'] = [];
  const noHistory = new Set<string>();
  const writes: Promise<unknown>[] = [];
  let done = 0;
  for (const site of sites) {
    const maps = bySite.get(site.id) ?? [];
    opts.onProgress?.(++done, sites.length);
    if (maps.length === 0) {
      skipped.push({ siteId: site.id, reason: 'no finished map' });
      continue;
    }
    let cell: Polygon;
    try {
      cell = JSON.parse(site.cell) as Polygon;
    } catch {
      skipped.push({ siteId: site.id, reason: 'the site cell is not valid GeoJSON' });
      continue;
    }
    const inputs: LabellerInput[] = maps.map((m) => {
      const h = history.get(m.labellerId);
      if (!h) noHistory.add(m.labellerId);
      const features: Feature[] = labels.get(m.id) ?? [];
      return {
        id: m.labellerId,
        features,
        ...(h ? { q: h.q } : {}),
        ...(h && h.fieldSkill !== null ? { fieldSkill: h.fieldSkill } : {}),
        ...(h && h.noFieldSkill !== null ? { noFieldSkill: h.noFieldSkill } : {}),
        ...(h && h.stapleFieldSkill !== null && h.stapleNoFieldSkill !== null ? { stapleFieldSkill: h.stapleFieldSkill, stapleNoFieldSkill: h.stapleNoFieldSkill } : {}),
      };
    });
    let r;
    const t0 = opts.timings ? performance.now() : 0;
    try {
      r = mergeSite({
        labellers: inputs,
        cell,
        method,
        pixels: opts.pixels ?? 200,
        categories: s.categories,
        unsureCategories: unsure,
        ...(opts.riskThreshold !== undefined ? { riskThreshold: opts.riskThreshold } : {}),
      });
    } catch (e) {
      if (!(e instanceof RangeError)) throw e;
      skipped.push({ siteId: site.id, reason: e.message });
      continue;
    }
    opts.timings?.push(performance.now() - t0);
    const rel = writeRisk ? join('consensus', `${safeName(site.id)}_${method}_risk.tif`) : null;
    if (rel) {
      writes.push(writeRiskCog(join(root, rel), r.grid, `consensus risk of ${site.id} (${method})`));
      if (writes.length >= 8) await Promise.all(writes.splice(0));
    }
    const consensus: MultiPolygon = { type: 'MultiPolygon', coordinates: r.consensus.map((p) => p.coordinates) };
    const details = {
      meanEntropy: r.meanEntropy,
      riskThreshold: r.riskThreshold,
      labellers: r.labellers,
      noHistory: r.labellers.filter((l) => !l.history).map((l) => l.id),
      notes: r.notes,
      caveat: r.notes.includes(RISK_THRESHOLD_CAVEAT) ? RISK_THRESHOLD_CAVEAT : null,
      ...(r.iterations !== undefined ? { iterations: r.iterations, converged: r.converged, sensitivity: r.sensitivity, specificity: r.specificity } : {}),
      repair: r.repair,
      pixels: r.grid.width,
    };
    const row = [site.id, method, now, r.meanRisk, r.riskyFraction, rel, JSON.stringify(consensus), JSON.stringify(details)];
    assertFinite([r.meanRisk, r.riskyFraction, details], `consensus of ${site.id}`);
    assertFinite(consensus.coordinates, `consensus polygons of ${site.id}`);
    rows.push(row);
    out.push({
      siteId: site.id,
      labellers: r.labellers.map((l) => l.id),
      meanRisk: r.meanRisk,
      riskyFraction: r.riskyFraction,
      meanEntropy: r.meanEntropy,
      ...(r.iterations !== undefined ? { iterations: r.iterations } : {}),
      risk: rel ? join(root, rel) : null,
    });
  }
  await Promise.all(writes);
  db.transaction(() => {
    const ins = db.prepare(
      `INSERT OR REPLACE INTO consensus_results (site_id, method, computed_at, mean_risk, risky_fraction, risk_path, consensus, details) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    for (const row of rows) ins.run(...row);
  }).immediate();
  const notes: string[] = [];
  if (noHistory.size > 0) {
    notes.push(
      `${noHistory.size} labeller(s) have no Class 1 history (run \`fieldmark score\` first, or they have no scored Class 1 work): ` +
        `${method === 'staple' ? 'plain STAPLE for them' : method === 'bayes' ? 'their Bayes weight is the site mean' : 'majority vote needs no weights'}: ${[...noHistory].sort().join(', ')}`,
    );
  }
  if (skipped.length > 0) notes.push(`${skipped.length} Class 4 site(s) skipped (see skipped)`);
  return { method, sites: out, noHistory: [...noHistory].sort(), skipped, notes };
}

/** Site ids are validated ids, but file names stay safe whatever a database holds. */
function safeName(id: string): string {
  return basename(id).replace(/[^A-Za-z0-9_.-]/g, '_');
}
