/**
 * The scene catalog of a campaign (imagery side of FieldmarkService): adding a scene (a GeoTIFF /
 * COG path or URL, its acquisition date, band roles, optional UDM2 mask) after opening and
 * checking the file; which file and render options a tile request means for a scene; and which
 * tiles to prefetch after one (the neighbours, and the same tile of the site's other dates).
 */
import { basename, dirname, isAbsolute, resolve } from 'node:path';
import type { AddSceneOptions, AddSceneResult, Caller } from '../../common/api/contract';
import { ApiError } from '../../common/api/errors';
import type { TileRequest } from '../../common/api/tiles';
import { parseBandRoles } from '../imagery/band-roles';
import type { RenderOptions } from '../imagery/render-tile';
import { isUrl } from '../imagery/source';
import { currentCampaign } from '../store/campaign.repo';
import type { Db } from '../store/database';
import { insertScene, sceneById, sceneSummary, type SceneRecord } from '../store/site.repo';
import type { ImageryCache, TileAt } from './imagery-cache';

/** Scene paths are stored relative to the database's folder (or absolute, or http(s) URLs). */
export function resolveScenePath(db: Db, path: string): string {
  if (isUrl(path) || isAbsolute(path)) return path;
  return resolve(dirname(db.name), path);
}

/** The file and render options of a tile request for a scene (mask mode: the scene's UDM2). */
export function tileTarget(db: Db, scene: SceneRecord, req: TileRequest): { path: string; options: RenderOptions } {
  const mode = req.mode ?? 'rgb';
  if (mode === 'rgb' && req.bands.some((b) => b > scene.bands)) {
    throw new ApiError('BAD_ARGUMENTS', `tile: scene ${scene.id} has ${scene.bands} bands, asked for ${req.bands.join(',')}`);
  }
  if (mode === 'mask' && !scene.maskPath) throw new ApiError('NOT_FOUND', `tile: scene ${scene.id} has no cloud mask`);
  const options: RenderOptions = { bands: req.bands, stretch: req.stretch, size: req.size, bandRoles: scene.bandRoles };
  if (mode !== 'rgb') options.mode = mode;
  if (req.gamma !== undefined) options.gamma = req.gamma;
  if (req.brightness !== undefined) options.brightness = req.brightness;
  if (req.contrast !== undefined) options.contrast = req.contrast;
  return { path: resolveScenePath(db, mode === 'mask' ? scene.maskPath! : scene.path), options };
}

/** Other scenes of the sites this scene covers that the caller may see (the site's other dates). */
export function siblingScenes(db: Db, caller: Caller, sceneId: string, staff: boolean): SceneRecord[] {
  const rows = (
    staff
      ? db
          .prepare('SELECT DISTINCT b.scene_id AS id FROM site_scenes a JOIN site_scenes b ON a.site_id = b.site_id WHERE a.scene_id = ? AND b.scene_id <> ?')
          .all(sceneId, sceneId)
      : db
          .prepare(
            `SELECT DISTINCT b.scene_id AS id FROM site_scenes a JOIN site_scenes b ON a.site_id = b.site_id
             WHERE a.scene_id = ? AND b.scene_id <> ? AND a.site_id IN (SELECT site_id FROM assignments WHERE labeller_id = ?)`,
          )
          .all(sceneId, sceneId, caller.userId ?? '')
  ) as Array<{ id: string }>;
  return rows.map((r) => sceneById(db, r.id)).filter((s): s is SceneRecord => s !== null);
}

/**
 * Tiles worth rendering before they are asked for: the 8 neighbours at the same zoom, and the
 * same tile of the site's other dates (same band combination, stretch and tone). The other dates
 * come last so they are rendered first (the prefetch queue is newest-first).
 */
export function prefetchPlan(db: Db, scene: SceneRecord, req: TileRequest, siblings: SceneRecord[]): TileAt[] {
  const out: TileAt[] = [];
  const n = 2 ** req.z;
  const here = tileTarget(db, scene, req);
  for (let dy = -1; dy <= 1; dy++)
    for (let dx = -1; dx <= 1; dx++) {
      if (dx === 0 && dy === 0) continue;
      const x = (req.x + dx + n) % n;
      const y = req.y + dy;
      if (y < 0 || y >= n) continue;
      out.push({ path: here.path, z: req.z, x, y, options: here.options });
    }
  for (const s of siblings) {
    try {
      const t = tileTarget(db, s, req);
      out.push({ path: t.path, z: req.z, x: req.x, y: req.y, options: t.options });
    } catch {
      // that date cannot show this tile (fewer bands, no mask): nothing to prefetch
    }
  }
  return out;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function sceneIdFor(path: string): string {
  const base = (isUrl(path) ? new URL(path).pathname.split('/').pop() ?? 'scene' : basename(path)).replace(/\.(tiff?|cog)$/i, '');
  const id = base.replace(/[^A-Za-z0-9_.:-]+/g, '_').replace(/^[._]+/, '').slice(0, 120);
  return id || 'scene';
}

/**
 * Adds a scene to the campaign after opening it (header, georeferencing, compression, band
 * roles) and its mask if given; links it to every site whose cell lies inside its footprint.
 */
export async function addScene(db: Db, imagery: ImageryCache, path: string, opts: AddSceneOptions): Promise<AddSceneResult> {
  const input = { ...opts, path };
  const campaign = currentCampaign(db);
  if (!campaign) throw new ApiError('NOT_FOUND', 'this database holds no campaign yet (create one, or run `fieldmark demo`)');
  if (!DATE.test(input.date) || Number.isNaN(Date.parse(`${input.date}T00:00:00Z`))) {
    throw new ApiError('BAD_ARGUMENTS', `addScene: date must be YYYY-MM-DD, got "${input.date}"`);
  }
  const id = input.id ?? sceneIdFor(input.path);
  if (sceneById(db, id)) throw new ApiError('CONFLICT', `addScene: a scene ${id} exists already (give another id)`);
  const full = resolveScenePath(db, input.path);
  const { info, roles, from, warnings } = await imagery.use(full, async (img) => {
    let roles = img.bandRoles;
    let from: AddSceneResult['bandRolesFrom'] = img.bandRolesFrom;
    if (input.bandRoles) {
      const r = parseBandRoles(input.bandRoles, img.bands);
      if ('error' in r) throw new ApiError('BAD_ARGUMENTS', `addScene: ${img.name}: ${r.error}`);
      roles = r.roles;
      from = 'explicit';
    }
    return { info: img, roles, from, warnings: [...img.warnings] };
  });
  if (from === 'assumed') warnings.push(`${info.name}: the file does not name its bands; assumed ${roles.join(',')} (give bandRoles to override)`);
  if (input.maskPath) {
    await imagery.use(resolveScenePath(db, input.maskPath), async (m) => {
      if (!(m.bands >= 6 || m.bands === 1)) throw new ApiError('BAD_INPUT', `addScene: mask ${m.name} has ${m.bands} bands; a cloud mask is a Planet UDM2 (8 bands) or UDM (1 band)`);
      const [w, s, e, n] = m.bounds4326;
      const [W, S, E, N] = info.bounds4326;
      if (e < W || w > E || n < S || s > N) throw new ApiError('BAD_INPUT', `addScene: mask ${m.name} does not overlap ${info.name}`);
    });
  }
  const record: SceneRecord = {
    id,
    campaignId: campaign.id,
    path: input.path,
    maskPath: input.maskPath ?? null,
    date: input.date,
    season: input.season ?? null,
    kind: input.kind ?? 'scene',
    crs: info.crs.id,
    width: info.width,
    height: info.height,
    bands: info.bands,
    bandRoles: roles,
    bounds4326: [...info.bounds4326],
  };
  const [W, S, E, N] = record.bounds4326;
  const siteIds = db.transaction(() => {
    insertScene(db, record);
    const sites = (
      W <= E
        ? db.prepare('SELECT id FROM sites WHERE campaign_id = ? AND min_lon >= ? AND max_lon <= ? AND min_lat >= ? AND max_lat <= ?').all(campaign.id, W, E, S, N)
        : db
            .prepare('SELECT id FROM sites WHERE campaign_id = ? AND (min_lon >= ? OR max_lon <= ?) AND min_lat >= ? AND max_lat <= ?')
            .all(campaign.id, W, E, S, N)
    ) as Array<{ id: string }>;
    const link = db.prepare('INSERT OR IGNORE INTO site_scenes (site_id, scene_id) VALUES (?, ?)');
    for (const s of sites) link.run(s.id, id);
    return sites.map((s) => s.id);
  })();
  return { scene: sceneSummary(record), siteIds, bandRolesFrom: from, warnings };
}
