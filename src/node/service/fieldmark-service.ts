/**
 * FieldmarkService: the one implementation of FieldmarkApi. Every host binds it to a caller with
 * `as(caller)`; data-level authorization (a labeller sees only their own work) lives here, the
 * method-level role check in `dispatch`.
 */
import type {
  AppInfo,
  Caller,
  FieldmarkApi,
  ImageInfo,
  LabelCollection,
  LabellerSummary,
  ListLabelsFilter,
  ListSitesFilter,
  SiteDetail,
  SiteSummary,
} from '../../common/api/contract';
import { ApiError } from '../../common/api/errors';
import { EventHub } from '../../common/api/events';
import type { TileRequest } from '../../common/api/tiles';
import { campaignSummary, currentCampaign, labellerByToken, listLabellers } from '../store/campaign.repo';
import type { Db } from '../store/database';
import { assignmentsOfSite, labelsOfSite } from '../store/label.repo';
import { listSites, sceneById, sceneSummary, scenesOfSite, siteById, type SceneRecord } from '../store/site.repo';
import { dirname, isAbsolute, resolve } from 'node:path';
import type { ServiceHost } from './host';
import { ImageryCache } from './imagery-cache';
import { VERSION } from './version';

export const LOCAL_ADMIN: Caller = { userId: null, role: 'admin' };

export class FieldmarkService implements ServiceHost {
  readonly events = new EventHub();
  readonly localCaller: Caller = LOCAL_ADMIN;
  private readonly imagery = new ImageryCache();

  constructor(readonly db: Db) {}

  /** Scene paths are stored relative to the database's folder (or absolute, or http(s) URLs). */
  private scenePath(scene: SceneRecord): string {
    if (/^https?:\/\//i.test(scene.path) || isAbsolute(scene.path)) return scene.path;
    return resolve(dirname(this.db.name), scene.path);
  }

  as(caller: Caller): FieldmarkApi {
    return {
      getAppInfo: async () => this.getAppInfo(caller),
      listSites: async (filter?: ListSitesFilter) => this.listSites(caller, filter),
      getSite: async (siteId: string) => this.getSite(caller, siteId),
      listLabels: async (siteId: string, filter?: ListLabelsFilter) => this.listLabels(caller, siteId, filter),
      listLabellers: async () => this.listLabellers(),
      getSceneInfo: async (sceneId: string) => this.getSceneInfo(caller, sceneId),
    };
  }

  callerForToken(token: string): Caller | null {
    const row = labellerByToken(this.db, token);
    return row ? { userId: row.id, role: row.role } : null;
  }

  private campaign() {
    const c = currentCampaign(this.db);
    if (!c) throw new ApiError('NOT_FOUND', 'this database holds no campaign yet (create one, or run `fieldmark demo`)');
    return c;
  }

  private isStaff(caller: Caller): boolean {
    return caller.role === 'admin' || caller.role === 'supervisor';
  }

  /** A labeller may open only the sites they hold an assignment for. */
  private canSeeSite(caller: Caller, siteId: string): boolean {
    if (this.isStaff(caller)) return true;
    if (!caller.userId) return false;
    return this.db.prepare('SELECT 1 FROM assignments WHERE site_id = ? AND labeller_id = ?').get(siteId, caller.userId) !== undefined;
  }

  private requireSite(caller: Caller, siteId: string): SiteSummary {
    const site = siteById(this.db, siteId);
    // Same answer for "absent" and "not yours": a labeller learns nothing about other sites.
    if (!site || !this.canSeeSite(caller, siteId)) throw new ApiError('NOT_FOUND', `no site ${siteId}`);
    return site;
  }

  private requireScene(caller: Caller, sceneId: string): SceneRecord {
    const scene = sceneById(this.db, sceneId);
    const visible =
      scene !== null &&
      (this.isStaff(caller) ||
        (caller.userId !== null &&
          this.db
            .prepare('SELECT 1 FROM site_scenes ss JOIN assignments a ON a.site_id = ss.site_id WHERE ss.scene_id = ? AND a.labeller_id = ?')
            .get(sceneId, caller.userId) !== undefined));
    if (!scene || !visible) throw new ApiError('NOT_FOUND', `no scene ${sceneId}`);
    return scene;
  }

  getAppInfo(caller: Caller): AppInfo {
    const c = currentCampaign(this.db);
    let name = 'Local user';
    if (caller.userId) {
      const row = this.db.prepare('SELECT name FROM labellers WHERE id = ?').get(caller.userId) as { name: string } | undefined;
      name = row?.name ?? caller.userId;
    }
    return { version: VERSION, campaign: c ? campaignSummary(this.db, c) : null, user: { id: caller.userId, name, role: caller.role } };
  }

  listSites(caller: Caller, filter: ListSitesFilter = {}): SiteSummary[] {
    const sites = listSites(this.db, this.campaign().id, filter.cls);
    return this.isStaff(caller) ? sites : sites.filter((s) => this.canSeeSite(caller, s.id));
  }

  getSite(caller: Caller, siteId: string): SiteDetail {
    const site = this.requireSite(caller, siteId);
    const scenes = scenesOfSite(this.db, siteId).map(sceneSummary);
    const assignments = assignmentsOfSite(this.db, siteId, this.isStaff(caller) ? undefined : caller.userId ?? undefined);
    return { ...site, scenes, assignments };
  }

  listLabels(caller: Caller, siteId: string, filter: ListLabelsFilter = {}): LabelCollection {
    this.requireSite(caller, siteId);
    if (!this.isStaff(caller)) {
      if (filter.labellerId !== undefined && filter.labellerId !== caller.userId) {
        throw new ApiError('FORBIDDEN', "listLabels: a labeller may read only their own labels");
      }
      return labelsOfSite(this.db, siteId, { ...filter, labellerId: caller.userId ?? '' });
    }
    return labelsOfSite(this.db, siteId, filter);
  }

  listLabellers(): LabellerSummary[] {
    return listLabellers(this.db);
  }

  async getSceneInfo(caller: Caller, sceneId: string): Promise<ImageInfo> {
    const scene = this.requireScene(caller, sceneId);
    return this.imagery.info(this.scenePath(scene));
  }

  async renderTile(caller: Caller, req: TileRequest): Promise<Buffer | null> {
    const scene = this.requireScene(caller, req.sceneId);
    if (req.bands.some((b) => b > scene.bands)) {
      throw new ApiError('BAD_ARGUMENTS', `tile: scene ${scene.id} has ${scene.bands} bands, asked for ${req.bands.join(',')}`);
    }
    return this.imagery.tile(this.scenePath(scene), req);
  }

  close(): void {
    this.imagery.clear();
    if (this.db.open) this.db.close();
  }
}
