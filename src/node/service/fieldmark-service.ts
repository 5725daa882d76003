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
import type { RiskTileRequest, TileRequest } from '../../common/api/tiles';
import { campaignSummary, currentCampaign, listLabellers } from '../store/campaign.repo';
import type { Db } from '../store/database';
import { assignmentsOfSite, labelsOfSite } from '../store/label.repo';
import { listSites, sceneById, sceneSummary, scenesOfSite, siteById, type SceneRecord } from '../store/site.repo';
import { addLabel } from '../store/add-label';
import { importLabelFile } from '../store/import-labels';
import type { ImportLabelsOptions, ImportLabelsReport, LabelFeature, NewLabel } from '../../common/api/contract';
import { dirname, isAbsolute, resolve } from 'node:path';
import type { ServiceHost } from './host';
import { ImageryCache, imageryOptionsFromEnv } from './imagery-cache';
import { addScene, prefetchPlan, resolveScenePath, siblingScenes, tileTarget } from './scene-catalog';
import type { AddSceneOptions, AddSceneResult } from '../../common/api/contract';
import { apiGetConsensus, apiGetLabellerHistory, apiGetMyFeedback, apiListLabellerQuality, apiListSiteRisk } from '../quality/quality-api';
import type { ConsensusMethod, ListSiteRiskFilter } from '../../common/api/contract';
import { VERSION } from './version';
import { taskApi } from '../tasks/task-api';
import { campaignApi } from '../campaign/campaign-api';
import { callerForToken } from '../auth/accounts';
import { packageCaller } from '../offline/package-db';
import { offlineHost } from '../offline/offline-service';
import { exportHost } from '../campaign/http-export';
import { importHost } from '../campaign/http-import';
import { closeSuggestRuntime, suggestApi } from '../suggest/suggest-api';

export const LOCAL_ADMIN: Caller = { userId: null, role: 'admin' };

export class FieldmarkService implements ServiceHost {
  readonly events = new EventHub();
  /** The desktop user: admin, or the labeller of an offline package (src/node/offline). */
  readonly localCaller: Caller;
  /** Open images + the tile engine (caches, workers); public for stats and tests. */
  readonly imagery = new ImageryCache(imageryOptionsFromEnv());
  /** Offline packages: take and return (src/node/offline). */
  readonly offline = offlineHost(this);
  /** Staff exports over HTTP (src/node/campaign/http-export.ts). */
  readonly exports = exportHost(this);
  /** Staff uploads: labels, sites, scenes (src/node/campaign/http-import.ts). */
  readonly imports = importHost(this);
  /** Q-rate draws of the scheduler (tests may fix them). */
  random: () => number = Math.random;

  constructor(readonly db: Db) {
    this.localCaller = packageCaller(db) ?? LOCAL_ADMIN;
  }

  /** Scene paths are stored relative to the database's folder (or absolute, or http(s) URLs). */
  private scenePath(scene: SceneRecord): string {
    if (/^https?:\/\//i.test(scene.path) || isAbsolute(scene.path)) return scene.path;
    return resolve(dirname(this.db.name), scene.path);
  }

  as(caller: Caller): FieldmarkApi {
    // The campaign's methods, and its masking / scheduling over the others: src/node/campaign.
    return campaignApi(this, caller, {
      getAppInfo: async () => this.getAppInfo(caller),
      listSites: async (filter?: ListSitesFilter) => this.listSites(caller, filter),
      getSite: async (siteId: string) => this.getSite(caller, siteId),
      listLabels: async (siteId: string, filter?: ListLabelsFilter) => this.listLabels(caller, siteId, filter),
      listLabellers: async () => this.listLabellers(),
      getSceneInfo: async (sceneId: string) => this.getSceneInfo(caller, sceneId),
      addScene: async (path: string, opts: AddSceneOptions) => this.addScene(path, opts),
      listLabellerQuality: async () => apiListLabellerQuality(this.db),
      getLabellerHistory: async (labellerId: string) => apiGetLabellerHistory(this.db, caller, labellerId),
      listSiteRisk: async (filter?: ListSiteRiskFilter) => apiListSiteRisk(this.db, filter),
      getConsensus: async (siteId: string, method?: ConsensusMethod) => apiGetConsensus(this.db, siteId, method),
      getMyFeedback: async (assignmentId: number) => apiGetMyFeedback(this.db, caller, assignmentId),
      addLabel: async (assignmentId: number, label: NewLabel) => this.addLabel(caller, assignmentId, label),
      importLabels: async (path: string, opts?: ImportLabelsOptions) => this.importLabels(path, opts, caller),
      ...taskApi(this.db, this.events, caller),
      ...suggestApi(this.db, caller),
    });
  }

  /** A static account token or a live session (src/node/auth). */
  callerForToken(token: string): Caller | null {
    return callerForToken(this.db, token);
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

  /**
   * A PNG of the tile (null when it misses the scene). `signal`: the client went away (the render
   * is dropped unless another request waits for the same tile). Afterwards the neighbours and the
   * same tile of the site's other dates are prefetched at low priority.
   */
  async renderTile(caller: Caller, req: TileRequest, opts: { signal?: AbortSignal } = {}): Promise<Buffer | null> {
    const scene = this.requireScene(caller, req.sceneId);
    const target = tileTarget(this.db, scene, req);
    const png = await this.imagery.tile({ path: target.path, z: req.z, x: req.x, y: req.y, options: target.options }, opts);
    this.imagery.prefetch(prefetchPlan(this.db, scene, req, siblingScenes(this.db, caller, scene.id, this.isStaff(caller))));
    return png;
  }

  /** computed_at of each risk map last rendered (risk path -> time): a rewritten map drops its cached tiles. */
  private readonly riskSeen = new Map<string, string>();

  /**
   * A PNG of a site's consensus risk map (`consensus_results.risk_path`, relative to the database
   * folder), or null when the tile misses it. Staff only: FORBIDDEN for a labeller (whose answer
   * says nothing about the site); NOT_FOUND when the site has no stored risk map for the method.
   */
  async renderRiskTile(caller: Caller, req: RiskTileRequest, opts: { signal?: AbortSignal } = {}): Promise<Buffer | null> {
    if (!this.isStaff(caller)) throw new ApiError('FORBIDDEN', 'risk maps are for supervisors');
    const row = this.db.prepare('SELECT risk_path, computed_at FROM consensus_results WHERE site_id = ? AND method = ?').get(req.siteId, req.method) as
      | { risk_path: string | null; computed_at: string }
      | undefined;
    if (!row?.risk_path) throw new ApiError('NOT_FOUND', `site ${req.siteId} has no ${req.method} risk map (run \`fieldmark consensus --db\`)`);
    const path = resolveScenePath(this.db, row.risk_path);
    const seen = this.riskSeen.get(path);
    if (seen !== undefined && seen !== row.computed_at) this.imagery.forget(path);
    this.riskSeen.set(path, row.computed_at);
    return this.imagery.tile({ path, z: req.z, x: req.x, y: req.y, options: { mode: 'risk', size: req.size } }, opts);
  }

  /** Staff only (schemas.ts): checks the file and adds it to the scene catalog. */
  async addScene(path: string, opts: AddSceneOptions): Promise<AddSceneResult> {
    const r = await addScene(this.db, this.imagery, path, opts);
    this.events.emit({ type: 'changed', entity: 'sites', ids: r.siteIds });
    return r;
  }

  /** Staff only (schemas.ts); the editor will open it to labellers on their own assignments. */
  addLabel(caller: Caller, assignmentId: number, label: NewLabel): LabelFeature {
    const f = addLabel(this.db, caller.userId, assignmentId, label);
    this.events.emit({ type: 'changed', entity: 'labels', ids: [f.id] });
    return f;
  }

  /** Reads a file on this machine (path checked by labelFilePathSchema) and imports it in one transaction. */
  async importLabels(path: string, opts: ImportLabelsOptions = {}, caller?: Caller): Promise<ImportLabelsReport> {
    const r = await importLabelFile(this.db, path, opts, { who: caller?.userId ?? null });
    this.events.emit({ type: 'changed', entity: 'labels' });
    if (r.assignmentsCreated) this.events.emit({ type: 'changed', entity: 'assignments' });
    return r;
  }

  close(): void {
    void this.imagery.close();
    void closeSuggestRuntime(this.db);
    if (this.db.open) this.db.close();
  }
}
