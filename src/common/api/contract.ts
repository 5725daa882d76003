/**
 * The one API every host exposes: Electron IPC, HTTP (`fieldmark serve`) and in-process (CLI,
 * tests). DTOs are JSON-safe; binary data (tiles, rasters) travels as URLs, never through here.
 * Arguments are validated by the schema registry (`schemas.ts`) before a method runs.
 */
import type { AreaGeometry, BBox, Polygon } from '../geo/geojson';
import type { EditCommand } from '../commands/types';
import type { Field } from '../graph/field';
import type { SuggestApi } from './suggest-contract';
import type { CampaignApi } from './campaign-contract';

// The suggestion methods and their DTOs (issue 6): suggest-contract.ts.
export type * from './suggest-contract';
// Campaigns, accounts, scheduling and review (issue 8): campaign-contract.ts.
export type * from './campaign-contract';

export type Role = 'labeller' | 'supervisor' | 'admin';
export const ROLES: readonly Role[] = ['labeller', 'supervisor', 'admin'];

/** Who is calling: resolved by the host (token, local desktop user) before dispatch. */
export interface Caller {
  userId: string | null;
  role: Role;
  /** The network address of the request (HTTP), for sign-in rate limits. */
  address?: string;
  /** The sha256 of the session token the request carried, when it was a session (signOut ends it). */
  session?: string;
}

export type CategoryGroup = 'field' | 'no_field';
export interface Category {
  id: string;
  group: CategoryGroup;
}

/** Task classes of DOMAIN.md: 1 = quality control (Q), 2 = mapped once (F), 4 = multi-labeller (N). */
export type SiteClass = 1 | 2 | 4;

export interface CampaignSummary {
  id: string;
  name: string;
  categories: Category[];
  sites: number;
  labellers: number;
  assignments: number;
}

export interface AppInfo {
  version: string;
  /** The open campaign, or null when the database holds none yet. */
  campaign: CampaignSummary | null;
  user: { id: string | null; name: string; role: Role };
}

export interface SiteSummary {
  id: string;
  campaignId: string;
  cls: SiteClass;
  status: string;
  center: [number, number];
  cell: Polygon;
  /** The labeller's context window (2.56x the cell). */
  context: Polygon;
  bbox: BBox;
  sceneCount: number;
  assignmentCount: number;
}

export interface SceneSummary {
  id: string;
  date: string;
  season: string | null;
  kind: string;
  crs: string;
  width: number;
  height: number;
  bands: number;
  /** e.g. ['blue','green','red','nir'] */
  bandRoles: string[];
  bounds4326: BBox;
  /** A UDM2-like cloud mask exists for this scene. */
  hasMask: boolean;
}

export type AssignmentStatus =
  | 'assigned'
  | 'submitted'
  | 'approved'
  | 'rejected'
  | 'untrusted'
  | 'returned'
  | 'abandoned';

export interface AssignmentSummary {
  id: number;
  siteId: string;
  labellerId: string;
  labellerName: string;
  status: AssignmentStatus;
  submittedAt: string | null;
  labels: number;
}

export interface SiteDetail extends SiteSummary {
  scenes: SceneSummary[];
  assignments: AssignmentSummary[];
}

export type LabelProvenance = 'drawn' | 'suggested' | 'imported' | 'simulated';

export interface LabelFeature {
  type: 'Feature';
  id: number;
  geometry: AreaGeometry;
  properties: {
    siteId: string;
    assignmentId: number;
    labellerId: string;
    category: string;
    provenance: LabelProvenance;
  };
}

export interface LabelCollection {
  type: 'FeatureCollection';
  features: LabelFeature[];
}

export interface LabellerSummary {
  id: string;
  name: string;
  role: Role;
  assignments: number;
}

/** The header of a GeoTIFF, as `fieldmark info` prints it. */
export interface ImageInfo {
  width: number;
  height: number;
  bands: number;
  dtype: string;
  crs: string;
  bounds4326: BBox;
  overviews: number;
  tileSize: [number, number] | null;
  nodata: number | null;
}

/** `addScene(path, opts)`: a scene for the campaign's catalog (imagery issue). */
export interface AddSceneOptions {
  /** Acquisition date, YYYY-MM-DD. */
  date: string;
  /** One role per band (blue, green, red, nir, rededge, ...); default: what the file says, else Planet's order for its band count. */
  bandRoles?: string[];
  /** The scene's UDM2 (or legacy UDM) cloud mask: path or URL. */
  maskPath?: string;
  season?: string;
  /** e.g. 'nicfi-quad', 'planetscope'; default 'scene'. */
  kind?: string;
  /** Default: from the file name. */
  id?: string;
}

export interface AddSceneResult {
  scene: SceneSummary;
  /** Sites whose cell lies inside the scene, now linked to it. */
  siteIds: string[];
  bandRolesFrom: 'explicit' | 'file' | 'assumed';
  warnings: string[];
}

export interface ListSitesFilter {
  cls?: SiteClass;
}

export interface ListLabelsFilter {
  assignmentId?: number;
  labellerId?: string;
}

// ---- Label quality and consensus (DOMAIN.md 2-3; src/node/quality) ----

/** The scores of one Class 1 assignment against the site's reference (DOMAIN.md 2). */
export interface AssignmentScores {
  score: number;
  area: number;
  fragmentation: number;
  edge: number;
  legacyEdge: number;
  categorical: number;
  fieldSkill: number;
  noFieldSkill: number;
  iou: number;
  f1: number;
  objectPrecision: number;
  objectRecall: number;
  objectF1: number;
  boundaryF: number;
  /** metres; null when exactly one map has fields */
  meanBoundaryDistance: number | null;
  p95BoundaryDistance: number | null;
  overSegmentation: number;
  underSegmentation: number;
}

/** 'unscored': no Class 1 score yet; 'untrusted': running quality below the trust threshold. */
export type TrustStatus = 'trusted' | 'untrusted' | 'unscored';

export interface LabellerQuality {
  id: string;
  name: string;
  /** scored Class 1 assignments */
  scored: number;
  meanScore: number | null;
  /** mean of the last 5 Class 1 scores minus the return rate over the last 10 tasks */
  runningQuality: number | null;
  meanLast5: number | null;
  returnRate: number;
  trust: TrustStatus;
  /** Class 1 scores below the campaign's rejection threshold */
  rejected: number;
  /** pooled over the Class 1 history: sum tp / sum (tp + fn), sum tn / sum (tn + fp) */
  fieldSkill: number | null;
  noFieldSkill: number | null;
  lastScoredAt: string | null;
}

export interface ScoreHistoryEntry {
  assignmentId: number;
  siteId: string;
  submittedAt: string | null;
  scores: AssignmentScores;
  rejected: boolean;
  /** running quality and trust right after this score */
  runningQuality: number | null;
  trust: TrustStatus;
}

export interface CategoryBreakdown {
  category: string;
  /** areas over the Class 1 history, m^2 */
  referenceM2: number;
  labelsM2: number;
  agreeM2: number;
  /** agree / reference and agree / labels; null when 0/0 */
  recall: number | null;
  precision: number | null;
}

export interface LabellerHistory extends LabellerQuality {
  history: ScoreHistoryEntry[];
  /** mean score components over the history (null without scores) */
  components: { area: number; fragmentation: number; edge: number; legacyEdge: number; categorical: number } | null;
  categories: CategoryBreakdown[];
  tasks: { finished: number; returned: number; byClass: { 1: number; 2: number; 4: number } };
}

export type ConsensusMethod = 'bayes' | 'staple' | 'majority';

export interface SiteRisk {
  siteId: string;
  method: ConsensusMethod;
  computedAt: string;
  meanRisk: number;
  riskyFraction: number;
  meanEntropy: number;
  riskThreshold: number;
  /** labellers merged */
  labellers: string[];
  /** of those, the ones without Class 1 history (no weight: the site mean was used) */
  noHistory: string[];
}

export interface ConsensusDetail extends SiteRisk {
  consensus: AreaGeometry;
  /** the float32 risk COG, relative to the database folder */
  riskPath: string | null;
  /** DOMAIN.md 3: why a 2-1 split of three equal labellers is never "risky" at 0.34 (null when it does not apply) */
  caveat: string | null;
  weights: { id: string; q: number; fieldSkill: number; noFieldSkill: number; history: boolean }[];
  iterations?: number;
  sensitivity?: number[];
  specificity?: number[];
  notes: string[];
}

export interface ReferenceCollection {
  type: 'FeatureCollection';
  features: { type: 'Feature'; id: number; geometry: AreaGeometry; properties: { siteId: string; category: string; source: string } }[];
}

/** A labeller's Class 1 map against the reference, after submitting. */
export interface AssignmentFeedback {
  assignmentId: number;
  siteId: string;
  labellerId: string;
  submittedAt: string | null;
  cell: Polygon;
  scores: AssignmentScores;
  rejected: boolean;
  reference: ReferenceCollection;
  labels: LabelCollection;
}

export interface ListSiteRiskFilter {
  method?: ConsensusMethod;
}

// ---- Label store and interchange (src/node/store; `fieldmark import`) ----

/** A polygon a user drew (the API's addLabel): EPSG:4326, RFC 7946 rings. */
export interface NewLabel {
  geometry: AreaGeometry;
  category: string;
}

/** How `importLabels` attaches features; see src/node/store/import-labels.ts for the rules. */
export interface ImportLabelsOptions {
  /** Every feature is this labeller's work ... */
  labeller?: string;
  /** ... or the labeller is read from this attribute of each feature. */
  labellerField?: string;
  /** Create unknown labellers as 'labeller' accounts (default: refuse them). */
  createLabeller?: boolean;
  /** Reference labels of Class 1 sites instead of labeller work. */
  reference?: boolean;
  /** Every feature goes to this site ... */
  site?: string;
  /** ... or to the site named by this attribute; default: the site whose cell the feature overlaps. */
  siteField?: string;
  layer?: string;
  /** Category of features without one (default: the campaign's first field category). */
  category?: string;
  /** Attribute holding the category (default "category"). */
  categoryField?: string;
  /** Refuse the whole file when any feature would be skipped. */
  strict?: boolean;
}

export interface ImportLabelsReport {
  imported: number;
  skipped: { feature: string; reason: string }[];
  repaired: { feature: string; repair: string }[];
  target: 'labels' | 'reference';
  format: string;
  layer: string | null;
  sourceCrs: string;
  /** distinct sites the imported features went to */
  sites: number;
  assignmentsCreated: number;
  labellersCreated: string[];
}

// ---- The editor (issue 5; src/common/{graph,commands,history,validation}, src/node/tasks) ----
// Every edit carries the revision the client last saw; a stale one is refused (CONFLICT) and
// nothing is written. See ARCHITECTURE.md "Editor".

/** One field of a task's map (the editor graph's field, JSON-safe). */
export type TaskField = Field;

/** Entries of the task's history after its base, in order: replaying them rebuilds the history. */
export type TaskLogEntry = EditCommand | { type: 'history.undo' } | { type: 'history.redo' };

export interface TaskState {
  assignment: AssignmentSummary;
  site: SiteSummary;
  categories: Category[];
  /** Campaign minimum field area, m^2 (validation). */
  minAreaM2: number;
  /** Whether this caller may edit it now; else `readOnlyReason` says why. */
  editable: boolean;
  readOnlyReason: string | null;
  /** Send it back with the next edit; 0 = nothing logged yet. */
  revision: number;
  /** The map when the history starts ... */
  base: TaskField[];
  /** ... and what happened since (replay with src/common/history/edit-log.ts `replay`). */
  log: TaskLogEntry[];
}

export interface EditResult {
  revision: number;
  /** Fields added or changed by this step, as the server stored them. */
  changed: TaskField[];
  removed: string[];
  /** What undo / redo would do next (annotations), or null. */
  undo: string | null;
  redo: string | null;
}

export interface TaskIssueSummary {
  rule: string;
  severity: 'error' | 'warning';
  fieldIds: string[];
  message: string;
}

export interface SubmitResult {
  assignment: AssignmentSummary;
  /** Warnings that did not block the submission. */
  warnings: TaskIssueSummary[];
}

export interface TaskApi {
  /** The caller's oldest open ('assigned') task, or null (the campaign scheduler comes later). */
  nextTask(): Promise<TaskState | null>;
  openTask(assignmentId: number): Promise<TaskState>;
  editTask(assignmentId: number, revision: number, command: EditCommand): Promise<EditResult>;
  undoTask(assignmentId: number, revision: number): Promise<EditResult>;
  redoTask(assignmentId: number, revision: number): Promise<EditResult>;
  /** Refused (CONFLICT, the error-level issues in `details.issues`) while any rule fails. */
  submitTask(assignmentId: number, revision: number): Promise<SubmitResult>;
  /** Gives the task back unfinished: counts against the labeller's return rate. */
  returnTask(assignmentId: number, reason?: string): Promise<{ assignment: AssignmentSummary }>;
}

/** Every method a client can call. One object implements it per caller (see FieldmarkService.as). */
export interface FieldmarkApi extends TaskApi, SuggestApi, CampaignApi {
  getAppInfo(): Promise<AppInfo>;
  listSites(filter?: ListSitesFilter): Promise<SiteSummary[]>;
  getSite(siteId: string): Promise<SiteDetail>;
  listLabels(siteId: string, filter?: ListLabelsFilter): Promise<LabelCollection>;
  listLabellers(): Promise<LabellerSummary[]>;
  getSceneInfo(sceneId: string): Promise<ImageInfo>;
  addLabel(assignmentId: number, label: NewLabel): Promise<LabelFeature>;
  importLabels(path: string, opts?: ImportLabelsOptions): Promise<ImportLabelsReport>;
  listLabellerQuality(): Promise<LabellerQuality[]>;
  getLabellerHistory(labellerId: string): Promise<LabellerHistory>;
  listSiteRisk(filter?: ListSiteRiskFilter): Promise<SiteRisk[]>;
  getConsensus(siteId: string, method?: ConsensusMethod): Promise<ConsensusDetail>;
  getMyFeedback(assignmentId: number): Promise<AssignmentFeedback>;
  /** Staff: adds a GeoTIFF / COG (path on the machine running Fieldmark, or http(s) URL) to the scene catalog. */
  addScene(path: string, opts: AddSceneOptions): Promise<AddSceneResult>;
}

export type MethodName = keyof FieldmarkApi;
export type MethodArgs<M extends MethodName> = Parameters<FieldmarkApi[M]>;
export type MethodResult<M extends MethodName> = Awaited<ReturnType<FieldmarkApi[M]>>;
