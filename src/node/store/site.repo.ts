/** Sites (0.005-degree cells) and the scenes that cover them. */
import type { SceneSummary, SiteClass, SiteSummary } from '../../common/api/contract';
import { bboxOf, type BBox, type Polygon } from '../../common/geo/geojson';
import { contextWindowPolygon } from '../../common/geo/site-cell';
import type { Db } from './database';

export interface SceneRecord {
  id: string;
  campaignId: string;
  path: string;
  maskPath: string | null;
  date: string;
  season: string | null;
  kind: string;
  crs: string;
  width: number;
  height: number;
  bands: number;
  bandRoles: string[];
  bounds4326: BBox;
}

export function insertScene(db: Db, s: SceneRecord): void {
  db.prepare(
    `INSERT INTO scenes (id, campaign_id, path, mask_path, date, season, kind, crs, width, height, bands, band_roles,
                         min_lon, min_lat, max_lon, max_lat)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    s.id, s.campaignId, s.path, s.maskPath, s.date, s.season, s.kind, s.crs, s.width, s.height, s.bands,
    JSON.stringify(s.bandRoles), ...s.bounds4326,
  );
}

interface SceneRow {
  id: string;
  campaign_id: string;
  path: string;
  mask_path: string | null;
  date: string;
  season: string | null;
  kind: string;
  crs: string;
  width: number;
  height: number;
  bands: number;
  band_roles: string;
  min_lon: number;
  min_lat: number;
  max_lon: number;
  max_lat: number;
}

function toScene(r: SceneRow): SceneRecord {
  return {
    id: r.id,
    campaignId: r.campaign_id,
    path: r.path,
    maskPath: r.mask_path,
    date: r.date,
    season: r.season,
    kind: r.kind,
    crs: r.crs,
    width: r.width,
    height: r.height,
    bands: r.bands,
    bandRoles: JSON.parse(r.band_roles) as string[],
    bounds4326: [r.min_lon, r.min_lat, r.max_lon, r.max_lat],
  };
}

export function sceneById(db: Db, id: string): SceneRecord | null {
  const r = db.prepare('SELECT * FROM scenes WHERE id = ?').get(id) as SceneRow | undefined;
  return r ? toScene(r) : null;
}

export function sceneSummary(s: SceneRecord): SceneSummary {
  return {
    id: s.id,
    date: s.date,
    season: s.season,
    kind: s.kind,
    crs: s.crs,
    width: s.width,
    height: s.height,
    bands: s.bands,
    bandRoles: s.bandRoles,
    bounds4326: s.bounds4326,
    hasMask: s.maskPath !== null,
  };
}

/**
 * The campaign's other scenes with the same CRS, size and footprint as `scene` (other dates of
 * one grid, e.g. the monthly quads of one NICFI quad id), oldest first.
 */
export function otherDatesOf(db: Db, scene: SceneRecord): SceneRecord[] {
  const [a, b, c, d] = scene.bounds4326;
  const eps = 1e-7;
  const rows = db
    .prepare(
      `SELECT * FROM scenes WHERE campaign_id = ? AND id <> ? AND crs = ? AND width = ? AND height = ?
         AND abs(min_lon - ?) < ? AND abs(min_lat - ?) < ? AND abs(max_lon - ?) < ? AND abs(max_lat - ?) < ?
       ORDER BY date, id`,
    )
    .all(scene.campaignId, scene.id, scene.crs, scene.width, scene.height, a, eps, b, eps, c, eps, d, eps) as SceneRow[];
  return rows.map(toScene);
}

export function scenesOfSite(db: Db, siteId: string): SceneRecord[] {
  const rows = db
    .prepare('SELECT sc.* FROM scenes sc JOIN site_scenes ss ON ss.scene_id = sc.id WHERE ss.site_id = ? ORDER BY sc.date, sc.id')
    .all(siteId) as SceneRow[];
  return rows.map(toScene);
}

export function insertSite(db: Db, s: { id: string; campaignId: string; cls: SiteClass; cell: Polygon; status?: string; sceneIds: string[] }): void {
  const b = bboxOf(s.cell);
  db.prepare(
    'INSERT INTO sites (id, campaign_id, cls, status, cell, min_lon, min_lat, max_lon, max_lat) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
  ).run(s.id, s.campaignId, s.cls, s.status ?? 'open', JSON.stringify(s.cell), ...b);
  const link = db.prepare('INSERT INTO site_scenes (site_id, scene_id) VALUES (?, ?)');
  for (const sc of s.sceneIds) link.run(s.id, sc);
}

interface SiteRow {
  id: string;
  campaign_id: string;
  cls: SiteClass;
  status: string;
  cell: string;
  min_lon: number;
  min_lat: number;
  max_lon: number;
  max_lat: number;
  scene_count: number;
  assignment_count: number;
}

const SITE_SELECT = `
  SELECT s.*,
    (SELECT count(*) FROM site_scenes ss WHERE ss.site_id = s.id) AS scene_count,
    (SELECT count(*) FROM assignments a WHERE a.site_id = s.id) AS assignment_count
  FROM sites s`;

function toSite(r: SiteRow): SiteSummary {
  const bbox: BBox = [r.min_lon, r.min_lat, r.max_lon, r.max_lat];
  return {
    id: r.id,
    campaignId: r.campaign_id,
    cls: r.cls,
    status: r.status,
    center: [(bbox[0] + bbox[2]) / 2, (bbox[1] + bbox[3]) / 2],
    cell: JSON.parse(r.cell) as Polygon,
    context: contextWindowPolygon(bbox),
    bbox,
    sceneCount: r.scene_count,
    assignmentCount: r.assignment_count,
  };
}

export function listSites(db: Db, campaignId: string, cls?: SiteClass): SiteSummary[] {
  const rows = (
    cls === undefined
      ? db.prepare(`${SITE_SELECT} WHERE s.campaign_id = ? ORDER BY s.id`).all(campaignId)
      : db.prepare(`${SITE_SELECT} WHERE s.campaign_id = ? AND s.cls = ? ORDER BY s.id`).all(campaignId, cls)
  ) as SiteRow[];
  return rows.map(toSite);
}

export function siteById(db: Db, id: string): SiteSummary | null {
  const r = db.prepare(`${SITE_SELECT} WHERE s.id = ?`).get(id) as SiteRow | undefined;
  return r ? toSite(r) : null;
}
