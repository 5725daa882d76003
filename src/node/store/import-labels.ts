/**
 * Label import into a campaign database: a file read by `readLabels` (any supported format,
 * reprojected, repaired) becomes labels of assignments (provenance 'imported') or reference
 * labels of Class 1 sites, in ONE immediate transaction: any failure rolls everything back.
 *
 * Rules (documented in CLI help and ARCHITECTURE.md):
 * - Who: `labeller` (all features) or `labellerField` (an attribute per feature). An unknown
 *   labeller is refused unless `createLabeller` (then created as a 'labeller' account, no token).
 *   `reference` writes reference labels instead (source 'imported'), never visible to labellers.
 * - Where: `site` (all features; a feature outside that site's context window is skipped), or
 *   `siteField` (an attribute naming the site), or else the site whose cell the feature overlaps
 *   (R*Tree, then exact intersection): Class 1 sites only for reference labels; for labels the
 *   sites this labeller already holds an assignment on come first; then the largest overlap.
 * - Category: the `categoryField` attribute (default "category"), matched case-insensitively to
 *   the campaign's categories; features without one get `category` (default: the campaign's first
 *   `field`-group category). Unknown categories are skipped with a reason.
 * - A missing (site, labeller) assignment is created with status 'submitted'.
 * - Nothing importable, or (with `strict`) anything skipped: refused, the database untouched.
 * - The edit log gets one row per import in the same transaction (assignment NULL: it is no
 *   task's history): who, when, and `{type: 'import.labels', file, target, imported, skipped,
 *   repaired, sites, assignmentsCreated, labellersCreated}`.
 */
import { basename } from 'node:path';
import { ApiError } from '../../common/api/errors';
import { idSchema } from '../../common/api/schemas';
import type { ImportLabelsOptions, ImportLabelsReport, SiteClass } from '../../common/api/contract';
import { bboxOf } from '../../common/geo/geojson';
import { contextWindow } from '../../common/geo/site-cell';
import { readLabels } from '../interchange/read-labels';
import { featureLabel, oneLine, type ImportedFeature, type ReadResult } from '../interchange/types';
import { currentCampaign, insertLabeller } from './campaign.repo';
import type { Db } from './database';
import { labelWriter } from './label-writer';
import { SiteLookup } from './site-lookup';

export type ImportOptions = ImportLabelsOptions;
export type ImportReport = ImportLabelsReport;

/** Who imports (the edit log's labeller_id: null for the CLI and the local desktop user). */
export interface ImportContext {
  who?: string | null;
}

/** A feature that cannot be imported: listed in `skipped`, the rest goes on. */
class Skip extends Error {}
const skip = (reason: string) => new Skip(reason);

const bad = (m: string) => new ApiError('BAD_ARGUMENTS', `import: ${m}`);

/** Refuses contradictory or missing options (before anything is read). */
export function checkImportOptions(o: ImportOptions): void {
  if (o.reference && (o.labeller !== undefined || o.labellerField !== undefined)) throw bad('--reference takes no labeller');
  if (!o.reference && (o.labeller === undefined) === (o.labellerField === undefined)) {
    throw bad('give one of --labeller ID, --labeller-field NAME or --reference');
  }
  if (o.site !== undefined && o.siteField !== undefined) throw bad('give --site or --site-field, not both');
  for (const [name, v] of [['labeller', o.labeller], ['site', o.site]] as const) {
    if (v !== undefined && !idSchema.safeParse(v).success) throw bad(`--${name} "${oneLine(v).slice(0, 60)}" is not a valid id`);
  }
}

/** Reads `file` and imports it into `db` (see the module comment). */
export async function importLabelFile(db: Db, file: string, opts: ImportOptions = {}, ctx: ImportContext = {}): Promise<ImportReport> {
  checkImportOptions(opts);
  const read = await readLabels(file, opts.layer !== undefined ? { layer: opts.layer } : {});
  return importFeatures(db, read, file, opts, ctx);
}

interface SiteRow {
  id: string;
  cls: SiteClass;
  campaign_id: string;
  min_lon: number;
  min_lat: number;
  max_lon: number;
  max_lat: number;
}

/** The database part of the import: one transaction, all or nothing. */
export function importFeatures(db: Db, read: ReadResult, file: string, opts: ImportOptions = {}, ctx: ImportContext = {}): ImportReport {
  checkImportOptions(opts);
  const campaign = currentCampaign(db);
  if (!campaign) throw new ApiError('NOT_FOUND', 'import: this database holds no campaign yet');
  const cats = campaign.settings.categories;
  const catByLower = new Map(cats.map((c) => [c.id.toLowerCase(), c.id]));
  const defaultCategory = opts.category ?? cats.find((c) => c.group === 'field')?.id ?? cats[0]?.id;
  if (defaultCategory === undefined || !catByLower.has(defaultCategory.toLowerCase())) {
    throw bad(`--category "${opts.category}" is not one of the campaign's categories (${cats.map((c) => c.id).join(', ')})`);
  }
  const categoryField = opts.categoryField ?? 'category';
  const siteStmt = db.prepare('SELECT id, cls, campaign_id, min_lon, min_lat, max_lon, max_lat FROM sites WHERE id = ?');
  const siteRow = (id: string) => {
    const r = siteStmt.get(id) as SiteRow | undefined;
    return r && r.campaign_id === campaign.id ? r : null;
  };
  const fixedSite = opts.site !== undefined ? siteRow(opts.site) : null;
  if (opts.site !== undefined) {
    if (!fixedSite) throw new ApiError('NOT_FOUND', `import: no site ${opts.site} in campaign ${campaign.id}`);
    if (opts.reference && fixedSite.cls !== 1) throw bad(`site ${opts.site} is Class ${fixedSite.cls}; reference labels belong to Class 1 sites`);
  }
  const labellerExists = db.prepare('SELECT 1 FROM labellers WHERE id = ?').pluck();
  if (opts.labeller !== undefined && !opts.createLabeller && labellerExists.get(opts.labeller) === undefined) {
    throw new ApiError('NOT_FOUND', `import: no labeller "${opts.labeller}" in this database (pass --create-labeller to create the account)`);
  }
  const hasAssignment = db.prepare('SELECT 1 FROM assignments WHERE site_id = ? AND labeller_id = ?').pluck();
  const lookup = new SiteLookup(db, campaign.id);
  const writer = labelWriter(db);
  const now = new Date().toISOString();

  const report: ImportReport = {
    imported: 0,
    skipped: [...read.skipped],
    repaired: read.features.filter((f) => f.repaired).map((f) => ({ feature: featureLabel(f.index, f.id), repair: f.repaired! })),
    target: opts.reference ? 'reference' : 'labels',
    format: read.format,
    layer: read.layer,
    sourceCrs: read.sourceCrs,
    sites: 0,
    assignmentsCreated: 0,
    labellersCreated: [],
  };
  const sitesUsed = new Set<string>();
  const text = (v: unknown) => (v === null || v === undefined ? '' : oneLine(String(v)).trim());

  const place = (f: ImportedFeature, labellerId: string | null): string => {
    if (fixedSite) {
      const [x0, y0, x1, y1] = bboxOf(f.geometry);
      const [cx0, cy0, cx1, cy1] = contextWindow([fixedSite.min_lon, fixedSite.min_lat, fixedSite.max_lon, fixedSite.max_lat]);
      if (x0 > cx1 || x1 < cx0 || y0 > cy1 || y1 < cy0) throw skip(`lies outside the context window of site ${fixedSite.id}`);
      return fixedSite.id;
    }
    if (opts.siteField !== undefined) {
      const id = text(f.properties[opts.siteField]);
      if (!id) throw skip(`no site in attribute "${opts.siteField}"`);
      const s = siteRow(id);
      if (!s) throw skip(`site "${id.slice(0, 60)}" is not a site of campaign ${campaign.id}`);
      if (opts.reference && s.cls !== 1) throw skip(`site ${id} is Class ${s.cls}; reference labels belong to Class 1 sites`);
      return s.id;
    }
    let hits = lookup.touching(f.geometry);
    if (opts.reference) hits = hits.filter((h) => h.cls === 1);
    if (hits.length === 0) throw skip(opts.reference ? 'touches no Class 1 site of the campaign' : 'touches no site of the campaign');
    const mine = labellerId === null ? [] : hits.filter((h) => hasAssignment.get(h.id, labellerId) !== undefined);
    return (mine[0] ?? hits[0]!).id;
  };

  const labeller = (f: ImportedFeature): string => {
    let id = opts.labeller;
    if (id === undefined) {
      id = text(f.properties[opts.labellerField!]);
      if (!id) throw skip(`no labeller in attribute "${opts.labellerField}"`);
      if (!idSchema.safeParse(id).success) throw skip(`labeller "${id.slice(0, 60)}" is not a valid id`);
    }
    if (labellerExists.get(id) === undefined) {
      if (!opts.createLabeller) throw skip(`labeller "${id}" is not in this database (pass --create-labeller to create it)`);
      insertLabeller(db, { id, name: id, role: 'labeller', createdAt: now });
      report.labellersCreated.push(id);
    }
    return id;
  };

  const category = (f: ImportedFeature): string => {
    const v = text(f.properties[categoryField]);
    if (!v) return catByLower.get(defaultCategory.toLowerCase())!;
    const c = catByLower.get(v.toLowerCase());
    if (!c) throw skip(`category "${v.slice(0, 60)}" is not one of the campaign's (${cats.map((x) => x.id).join(', ')})`);
    return c;
  };

  db.transaction(() => {
    for (const f of read.features) {
      try {
        const cat = category(f);
        if (opts.reference) {
          const site = place(f, null);
          writer.reference({ siteId: site, category: cat, geometry: f.geometry, source: 'imported', createdAt: now });
          sitesUsed.add(site);
        } else {
          const who = labeller(f);
          const site = place(f, who);
          const a = writer.assignment(site, who, 'submitted', now);
          if (a.created) report.assignmentsCreated++;
          writer.label({ assignmentId: a.id, category: cat, geometry: f.geometry, provenance: 'imported', createdAt: now });
          sitesUsed.add(site);
        }
        report.imported++;
      } catch (e) {
        if (!(e instanceof Skip)) throw e;
        report.skipped.push({ feature: featureLabel(f.index, f.id), reason: e.message });
      }
    }
    report.sites = sitesUsed.size;
    const first = report.skipped[0];
    const more = report.skipped.length > 1 ? ` (and ${report.skipped.length - 1} more)` : '';
    if (report.imported === 0) {
      const n = read.features.length + read.skipped.length;
      throw new ApiError('BAD_INPUT', oneLine(n === 0 ? `${file}: holds no features` : `${file}: nothing to import: feature ${first!.feature}: ${first!.reason}${more}`));
    }
    if (opts.strict && first) {
      throw new ApiError('BAD_INPUT', oneLine(`${file}: feature ${first.feature}: ${first.reason}${more}; nothing imported (--strict)`));
    }
    const entry = {
      type: 'import.labels',
      file: basename(file),
      target: report.target,
      format: report.format,
      imported: report.imported,
      skipped: report.skipped.length,
      repaired: report.repaired.length,
      sites: report.sites,
      assignmentsCreated: report.assignmentsCreated,
      labellersCreated: report.labellersCreated,
    };
    db.prepare('INSERT INTO edit_log (assignment_id, labeller_id, at, command, suggestion_id) VALUES (NULL, ?, ?, ?, NULL)').run(ctx.who ?? null, now, JSON.stringify(entry));
  }).immediate();
  return report;
}
