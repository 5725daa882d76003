/**
 * Adding sites to the campaign: 0.005-degree grid cells (src/common/scheduling/grid.ts) over a
 * box, a polygon or a file, or the cells of given centres. A cell that already has a site is
 * left alone; new sites are numbered after the highest id of their country code (CC + 7 digits),
 * get their class (fixed, or a seeded random split so ids tell nothing about the class), and are
 * linked to the catalog's scenes whose footprint holds their cell. One transaction.
 */
import type { AddSitesResult, AddSitesSpec, SiteClass } from '../../common/api/contract';
import { ApiError } from '../../common/api/errors';
import { bboxPolygon } from '../../common/geo/geojson';
import { cellBBox, cellOf, cellsInBBox, cellsInGeometry, cellsOfCentres, GridError, siteId, splitClasses, type CellIndex } from '../../common/scheduling/grid';
import type { Db } from '../store/database';
import { insertSite } from '../store/site.repo';
import { readSiteFile } from './site-file';
import { campaignRules } from './settings';

export const DEFAULT_MAX_SITES = 100_000;

function cellsOf(spec: AddSitesSpec, max: number): CellIndex[] {
  const a = spec.area;
  try {
    if ('bbox' in a) return cellsInBBox(a.bbox, max);
    if ('polygon' in a) return cellsInGeometry(a.polygon, max);
    if ('centres' in a) return cellsOfCentres(a.centres, max);
    const content = readSiteFile(a.file);
    if (content.kind === 'centres') return cellsOfCentres(content.centres, max);
    const seen = new Set<string>();
    const out: CellIndex[] = [];
    for (const g of content.geometries)
      for (const c of cellsInGeometry(g, max)) {
        const k = `${c[0]},${c[1]}`;
        if (!seen.has(k)) (seen.add(k), out.push(c));
      }
    if (out.length > max) throw new GridError(`the area holds ${out.length} cells, more than the limit of ${max}`);
    return out;
  } catch (e) {
    if (e instanceof GridError) throw new ApiError('BAD_INPUT', `addSites: ${e.message}`);
    throw e;
  }
}

export function addSites(db: Db, spec: AddSitesSpec): AddSitesResult {
  const rules = campaignRules(db);
  const max = spec.maxSites ?? DEFAULT_MAX_SITES;
  const cells = cellsOf(spec, max);
  if (cells.length === 0) throw new ApiError('BAD_INPUT', 'addSites: the area holds no cell centre (cells are 0.005 degrees; a site is made where its centre lies inside the area)');
  return db
    .transaction(() => {
      const existing = new Set(
        (db.prepare('SELECT min_lon, min_lat, max_lon, max_lat FROM sites WHERE campaign_id = ?').all(rules.campaignId) as { min_lon: number; min_lat: number; max_lon: number; max_lat: number }[]).map((s) => {
          const c = cellOf((s.min_lon + s.max_lon) / 2, (s.min_lat + s.max_lat) / 2);
          return `${c[0]},${c[1]}`;
        }),
      );
      const fresh = cells.filter((c) => !existing.has(`${c[0]},${c[1]}`));
      const classes: SiteClass[] = spec.qualification
        ? fresh.map(() => 1 as const)
        : spec.shares
          ? splitClasses(fresh.length, spec.shares, spec.seed ?? 1)
          : fresh.map(() => spec.cls ?? 2);
      const highest = (db
        .prepare("SELECT max(CAST(substr(id, 3) AS INTEGER)) FROM sites WHERE substr(id, 1, 2) = ? AND length(id) = 9 AND substr(id, 3) GLOB '[0-9][0-9][0-9][0-9][0-9][0-9][0-9]'")
        .pluck()
        .get(spec.country) as number | null) ?? 0;
      if (highest + fresh.length > 9_999_999) throw new ApiError('BAD_INPUT', `addSites: site numbers of ${spec.country} would pass 9999999`);
      const scenes = db.prepare('SELECT id FROM scenes WHERE campaign_id = ? AND min_lon <= ? AND min_lat <= ? AND max_lon >= ? AND max_lat >= ?');
      const byClass = { 1: 0, 2: 0, 4: 0 };
      const ids: string[] = [];
      let linked = 0;
      fresh.forEach((c, k) => {
        const b = cellBBox(c);
        const id = siteId(spec.country, highest + k + 1);
        const sceneIds = (scenes.all(rules.campaignId, b[0], b[1], b[2], b[3]) as { id: string }[]).map((s) => s.id);
        insertSite(db, { id, campaignId: rules.campaignId, cls: classes[k]!, cell: bboxPolygon(b), sceneIds });
        linked += sceneIds.length;
        byClass[classes[k]!]++;
        ids.push(id);
      });
      if (spec.qualification) {
        const last = (db.prepare('SELECT max(position) FROM qualification_sites').pluck().get() as number | null) ?? 0;
        const ins = db.prepare('INSERT INTO qualification_sites (site_id, position) VALUES (?, ?)');
        ids.forEach((id, k) => ins.run(id, last + k + 1));
      }
      return { added: ids.length, siteIds: ids, existing: cells.length - fresh.length, byClass, qualification: spec.qualification ? ids.length : 0, scenesLinked: linked };
    })
    .immediate();
}
