/**
 * The suggestion methods of FieldmarkApi for one caller (FieldmarkService.as spreads them in).
 * One SuggestClient (worker) per database, created on first use; the campaign's retrained
 * models live in `<database folder>/models/` and are searched before the built-in ones.
 */
import { dirname, isAbsolute, join, resolve } from 'node:path';
import type { Caller } from '../../common/api/contract';
import type { ProposeViewOptions, SuggestApi, SuggestPrompt, SuggestionInfo, ViewProposals } from '../../common/api/suggest-contract';
import { ApiError } from '../../common/api/errors';
import type { AreaGeometry, BBox } from '../../common/geo/geojson';
import { filterProposals } from '../../common/suggest/proposals';
import { currentCampaign } from '../store/campaign.repo';
import type { Db } from '../store/database';
import { otherDatesOf, sceneById, type SceneRecord } from '../store/site.repo';
import { SuggestClient } from './client';
import { providerOrder } from './providers';
import { nearestDates } from './protocol';
import { campaignSuggestionTelemetry } from './telemetry-db';

export class SuggestRuntime {
  private client: SuggestClient | null = null;
  constructor(private readonly db: Db) {}

  modelDir(): string {
    return join(dirname(resolve(this.db.name)), 'models');
  }

  get(): SuggestClient {
    this.client ??= new SuggestClient({ modelDirs: [this.modelDir()] });
    return this.client;
  }

  async reset(): Promise<void> {
    await this.client?.reset().catch(() => undefined);
  }

  async close(): Promise<void> {
    const c = this.client;
    this.client = null;
    await c?.close();
  }
}

const runtimes = new WeakMap<Db, SuggestRuntime>();

export function suggestRuntime(db: Db): SuggestRuntime {
  let r = runtimes.get(db);
  if (!r) runtimes.set(db, (r = new SuggestRuntime(db)));
  return r;
}

export async function closeSuggestRuntime(db: Db): Promise<void> {
  await runtimes.get(db)?.close();
  runtimes.delete(db);
}

const isStaff = (c: Caller) => c.role === 'admin' || c.role === 'supervisor';

function sees(db: Db, caller: Caller, sceneId: string): boolean {
  return (
    isStaff(caller) ||
    (caller.userId !== null &&
      db.prepare('SELECT 1 FROM site_scenes ss JOIN assignments a ON a.site_id = ss.site_id WHERE ss.scene_id = ? AND a.labeller_id = ?').get(sceneId, caller.userId) !== undefined)
  );
}

function visibleScene(db: Db, caller: Caller, sceneId: string): SceneRecord {
  const scene = sceneById(db, sceneId);
  if (!scene || !sees(db, caller, sceneId)) throw new ApiError('NOT_FOUND', `no scene ${sceneId}`);
  return scene;
}

function pathOf(db: Db, p: string): string {
  return /^https?:\/\//i.test(p) || isAbsolute(p) ? p : resolve(dirname(db.name), p);
}

/** The images of a scene and (unless turned off) of its other dates the caller sees, for the host. */
function imagesOf(db: Db, caller: Caller, scene: SceneRecord, otherDates = true) {
  const others = otherDates ? nearestDates(otherDatesOf(db, scene).filter((o) => sees(db, caller, o.id)), scene.date) : [];
  const image = (s: SceneRecord) => ({ image: pathOf(db, s.path), mask: s.maskPath ? pathOf(db, s.maskPath) : null });
  return {
    ...image(scene),
    also: others.map(image),
    /** scene ids of the images the host used */
    idsOf: (used: string[]) => others.filter((o) => used.includes(pathOf(db, o.path))).map((o) => o.id),
  };
}

/** The fields a proposal is compared with: an assignment's labels, or the labels the caller sees in the view. */
function existingFields(db: Db, caller: Caller, bbox: BBox, assignmentId?: number): AreaGeometry[] {
  if (assignmentId !== undefined) {
    const a = db.prepare('SELECT labeller_id FROM assignments WHERE id = ?').get(assignmentId) as { labeller_id: string } | undefined;
    if (!a || (!isStaff(caller) && a.labeller_id !== caller.userId)) throw new ApiError('NOT_FOUND', `no assignment ${assignmentId}`);
    return (db.prepare('SELECT geometry FROM labels WHERE assignment_id = ?').all(assignmentId) as { geometry: string }[]).map((r) => JSON.parse(r.geometry) as AreaGeometry);
  }
  const rows = db
    .prepare(
      `SELECT x.geometry FROM labels_rtree r JOIN labels x ON x.id = r.id JOIN assignments a ON a.id = x.assignment_id
        WHERE r.max_lon >= ? AND r.min_lon <= ? AND r.max_lat >= ? AND r.min_lat <= ? ${isStaff(caller) ? '' : 'AND a.labeller_id = ?'}`,
    )
    .all(...[bbox[0], bbox[2], bbox[1], bbox[3]], ...(isStaff(caller) ? [] : [caller.userId ?? ''])) as { geometry: string }[];
  return rows.map((r) => JSON.parse(r.geometry) as AreaGeometry);
}

export function suggestApi(db: Db, caller: Caller): SuggestApi {
  const rt = () => suggestRuntime(db);
  return {
    suggestAt: async (sceneId: string, prompt: SuggestPrompt) => {
      const scene = visibleScene(db, caller, sceneId);
      const { otherDates, ...rest } = prompt;
      const { idsOf, ...images } = imagesOf(db, caller, scene, otherDates);
      const r = await rt().get().suggest({ ...images, ...rest });
      const { lon, lat, negatives, box } = prompt;
      return {
        polygon: r.polygon,
        score: r.score,
        areaM2: r.areaM2,
        vertices: r.vertices,
        provenance: { sceneId, otherSceneIds: idsOf(r.otherDates), model: r.model, executionProvider: r.executionProvider, prompt: { lon, lat, negatives, box } },
        ms: r.ms,
        warnings: r.warnings,
      };
    },
    proposeView: async (sceneId: string, bbox: BBox, opts: ProposeViewOptions = {}): Promise<ViewProposals> => {
      const scene = visibleScene(db, caller, sceneId);
      const minAreaM2 = currentCampaign(db)?.settings.minFieldAreaM2 ?? 0;
      const existing = existingFields(db, caller, bbox, opts.assignmentId);
      const { idsOf, ...images } = imagesOf(db, caller, scene, opts.otherDates);
      const r = await rt().get().propose({ ...images, bbox, model: opts.model, minAreaM2 });
      const kept = filterProposals(r.proposals, existing, { minAreaM2, maxOverlap: opts.maxOverlap });
      return {
        proposals: kept.slice(0, opts.max ?? 300),
        minAreaM2,
        dropped: r.proposals.length - kept.length,
        provenance: { sceneId, otherSceneIds: idsOf(r.otherDates), model: r.model, executionProvider: r.executionProvider, bbox },
        ms: r.ms,
      };
    },
    getSuggestionInfo: async (): Promise<SuggestionInfo> => {
      const c = rt().get();
      let engineError: string | null = null;
      await c.load().catch((e: unknown) => {
        engineError = e instanceof Error ? e.message : String(e);
      });
      const info = await c.info();
      const engine = info.engines.find((e) => e.model.id === info.defaultModel) ?? null;
      return {
        defaultModel: info.defaultModel,
        models: info.models.map(({ id, version, kind, description, validation }) => ({ id, version, kind, description, validation })),
        broken: info.broken.map((b) => b.problem),
        engine: engine ? { model: engine.model, executionProvider: engine.executionProvider, providers: engine.providers } : null,
        engineError,
        forceCpu: providerOrder().length === 1,
      };
    },
    suggestionTelemetry: async () => campaignSuggestionTelemetry(db),
    retrainSuggestionModel: async (opts = {}) => {
      const { retrainFromCampaign } = await import('./retrain');
      const r = await retrainFromCampaign({ dbPath: resolve(db.name), baseModel: opts.model });
      await rt().reset();
      return r;
    },
  };
}
