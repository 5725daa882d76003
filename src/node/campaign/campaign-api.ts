/**
 * The campaign methods of FieldmarkApi for one caller, and the campaign's say over the methods of
 * others: FieldmarkService.as() builds the base API and passes it through `campaignApi`, which
 *  - masks what a labeller reads: every site looks like Class 2 (F), status 'open', one
 *    assignment (theirs), in listSites, getSite and the task state (nextTask, openTask), so a
 *    hidden Q site cannot be told from F work before it is submitted;
 *  - schedules a labeller's nextTask by the campaign rules (scheduler.ts) instead of only
 *    reopening their open task (staff, and a labeller working in an offline package, keep the
 *    editor's behaviour);
 *  - applies the submission rules after submitTask (scoring.ts).
 */
import type { Caller, CampaignApi, FieldmarkApi, ReferenceCollection, SiteSummary, TaskState, WhoAmI } from '../../common/api/contract';
import { ApiError } from '../../common/api/errors';
import type { EventHub } from '../../common/api/events';
import type { AreaGeometry } from '../../common/geo/geojson';
import { addUser, sessionExpiry, setPassword, signIn, signOut } from '../auth/accounts';
import { isPackageDb } from '../offline/package-db';
import type { Db } from '../store/database';
import { assignmentSummary } from '../tasks/task-access';
import { qualificationStatus, setQualificationOverride, setQualificationSet } from './qualification';
import { listReviewQueue, listReviews, reviewAssignment } from './review';
import { requestTaskThen } from './scheduler';
import { taskEditor } from '../tasks/task-api';
import { afterSubmit } from './scoring';
import { campaignInfo, campaignRules, createCampaign, updateCampaign } from './settings';
import { addSites } from './sites';
import { listLabellerTable, listSiteTable } from './tables';

export interface CampaignHost {
  readonly db: Db;
  readonly events: EventHub;
  /** uniform [0, 1) draws for the Q rate (default Math.random) */
  random?: () => number;
}

export type BaseApi = Omit<FieldmarkApi, keyof CampaignApi>;

/** What a labeller may see of a site: nothing that tells its class. */
export function maskSite<T extends SiteSummary>(site: T): T {
  return { ...site, cls: 2, status: 'open', assignmentCount: 1 };
}

function maskTask(t: TaskState | null): TaskState | null {
  return t && { ...t, site: maskSite(t.site) };
}

function referenceLabels(db: Db, siteId: string): ReferenceCollection {
  if (db.prepare('SELECT 1 FROM sites WHERE id = ?').get(siteId) === undefined) throw new ApiError('NOT_FOUND', `no site ${siteId}`);
  const rows = db.prepare('SELECT id, category, geometry, source FROM reference_labels WHERE site_id = ? ORDER BY id').all(siteId) as { id: number; category: string; geometry: string; source: string }[];
  return {
    type: 'FeatureCollection',
    features: rows.map((r) => ({ type: 'Feature', id: r.id, geometry: JSON.parse(r.geometry) as AreaGeometry, properties: { siteId, category: r.category, source: r.source } })),
  };
}

function whoAmI(db: Db, caller: Caller): WhoAmI {
  const row = caller.userId ? (db.prepare('SELECT name FROM labellers WHERE id = ?').get(caller.userId) as { name: string } | undefined) : undefined;
  let qualification = null;
  if (caller.role === 'labeller' && caller.userId) {
    const pass = db.prepare('SELECT 1 FROM campaigns').get() ? campaignRules(db).qualificationPassScore : 0.4;
    qualification = qualificationStatus(db, caller.userId, pass);
  }
  return { id: caller.userId, name: row?.name ?? (caller.userId ?? 'Local user'), role: caller.role, sessionExpiresAt: sessionExpiry(db, caller), qualification };
}

export function campaignApi(host: CampaignHost, caller: Caller, base: BaseApi): FieldmarkApi {
  const { db, events } = host;
  const masked = caller.role === 'labeller';
  const schedules = masked && caller.userId !== null && !isPackageDb(db);
  const changed = (entity: 'campaign' | 'sites' | 'assignments', ids?: (string | number)[]) => events.emit({ type: 'changed', entity, ...(ids ? { ids } : {}) });
  return {
    ...base,
    listSites: async (filter) => {
      if (!masked) return base.listSites(filter);
      const sites = (await base.listSites()).map(maskSite);
      return filter?.cls === undefined ? sites : sites.filter((s) => s.cls === filter.cls);
    },
    getSite: async (siteId) => (masked ? maskSite(await base.getSite(siteId)) : base.getSite(siteId)),
    openTask: async (id) => (masked ? maskTask(await base.openTask(id))! : base.openTask(id)),
    nextTask: async () => {
      if (!schedules) return masked ? maskTask(await base.nextTask()) : base.nextTask();
      const editor = taskEditor(db, events);
      const r = requestTaskThen(db, caller.userId!, host.random ? { random: host.random } : {}, (served) => served && { served, state: editor.openTask(caller, served.assignmentId) });
      if (!r) return null;
      if (r.served.kind !== 'open') changed('assignments', [r.served.assignmentId]);
      return maskTask(r.state);
    },
    submitTask: async (id, revision) => {
      const r = await base.submitTask(id, revision);
      if (isPackageDb(db)) return r;
      afterSubmit(db, id, () => changed('assignments', [id]));
      return { ...r, assignment: assignmentSummary(db, id) };
    },
    signIn: async (name, password) => signIn(db, caller, name, password),
    signOut: async () => signOut(db, caller),
    whoAmI: async () => whoAmI(db, caller),
    addUser: async (u) => addUser(db, caller, u),
    setPassword: async (userId, password) => setPassword(db, caller, userId, password),
    setQualification: async (labellerId, state) => {
      setQualificationOverride(db, labellerId, state);
      return qualificationStatus(db, labellerId, campaignRules(db).qualificationPassScore);
    },
    createCampaign: async (spec) => {
      const c = createCampaign(db, spec);
      changed('campaign');
      return c;
    },
    getCampaign: async () => campaignInfo(db),
    updateCampaign: async (patch) => {
      const c = updateCampaign(db, patch);
      changed('campaign');
      return c;
    },
    addSites: async (spec) => {
      const r = addSites(db, spec);
      changed('sites', r.siteIds);
      return r;
    },
    setQualificationSet: async (siteIds) => setQualificationSet(db, siteIds),
    listReferenceLabels: async (siteId) => referenceLabels(db, siteId),
    listReviewQueue: async (filter) => listReviewQueue(db, filter),
    reviewAssignment: async (id, review) => {
      const r = reviewAssignment(db, caller, id, review);
      changed('assignments', [id]);
      return r;
    },
    listReviews: async (filter) => listReviews(db, filter),
    listLabellerTable: async () => listLabellerTable(db),
    listSiteTable: async (filter) => listSiteTable(db, filter),
  };
}
