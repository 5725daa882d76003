/**
 * Campaigns, accounts, scheduling and supervisor review (issue 8; src/node/campaign, src/node/auth,
 * src/node/offline, pure rules in src/common/scheduling). One campaign per database file: the API
 * says which (`getAppInfo().campaign`, `getCampaign()`), and `createCampaign` refuses a second one.
 */
import type { AreaGeometry, BBox } from '../geo/geojson';

// Local names for contract.ts types (structurally the same; contract.ts imports this file, so
// importing back would make a cycle).
type Role = 'labeller' | 'supervisor' | 'admin';
type SiteClass = 1 | 2 | 4;
type TrustStatus = 'trusted' | 'untrusted' | 'unscored';
type Category = { id: string; group: 'field' | 'no_field' };
type AssignmentSummary = { id: number; siteId: string; labellerId: string; labellerName: string; status: string; submittedAt: string | null; labels: number };
type ReferenceCollection = {
  type: 'FeatureCollection';
  features: { type: 'Feature'; id: number; geometry: AreaGeometry; properties: { siteId: string; category: string; source: string } }[];
};

// ---- Accounts (src/node/auth) ----

export interface UserInfo {
  id: string;
  name: string;
  role: Role;
}

export interface SignInResult {
  /** A session token: send it as `Authorization: Bearer <token>` (or `?token=` for tiles). */
  token: string;
  expiresAt: string;
  user: UserInfo;
}

/** Where a labeller stands with the qualification set (DOMAIN.md 1: pass with a mean score >= 0.4). */
export interface QualificationStatus {
  /** 'none': the campaign has no qualification set; 'pending': tasks left or not scored yet */
  state: 'none' | 'pending' | 'passed' | 'failed';
  done: number;
  total: number;
  meanScore: number | null;
  passScore: number;
  /** set by staff (setQualification) rather than computed */
  override: boolean;
}

export interface WhoAmI {
  /** null: the local desktop user (or the server's admin token) */
  id: string | null;
  name: string;
  role: Role;
  /** the session's expiry, when signed in with a password */
  sessionExpiresAt: string | null;
  /** labellers only (null for staff) */
  qualification: QualificationStatus | null;
}

export interface NewUser {
  name: string;
  role: Role;
  /** default: made from the name */
  id?: string;
  /** at least 8 characters; default: token sign-in only */
  password?: string;
}

export interface NewUserResult extends UserInfo {
  /** A static sign-in token (only its sha256 is stored: shown once). */
  token: string;
}

// ---- Campaign setup (src/node/campaign) ----

export interface CampaignSettingsDto {
  categories: Category[];
  /** DOMAIN.md 2 score weights */
  weights: { area: number; fragmentation: number; edge: number; categorical: number };
  /** share of requests served a hidden Class 1 (Q) site */
  qRate: number;
  /** running quality below this: the labeller's Class 2/4 work is untrusted and re-served */
  trustThreshold: number;
  /** a Class 1 score below this is rejected */
  rejectBelow: number;
  minFieldAreaM2: number;
  labellersPerClass4: number;
  /** mean qualification score needed to pass */
  qualificationPassScore: number;
  /** an online task not submitted within this is abandoned (counts as returned) */
  taskTimeoutHours: number;
  /** deadline of tasks taken offline in a package */
  offlineTimeoutHours: number;
}

export interface CampaignInfo {
  id: string;
  name: string;
  createdAt: string;
  settings: CampaignSettingsDto;
  /** Always true: a database file holds one campaign (make another file for another campaign). */
  oneCampaignPerDatabase: true;
  sites: { 1: number; 2: number; 4: number };
  qualificationSites: number;
  /** the qualification set's site ids, in the order they are served */
  qualificationSet: string[];
}

export interface NewCampaign {
  /** default: made from the name */
  id?: string;
  name: string;
  settings?: Partial<CampaignSettingsDto>;
}

/** Where to put sites: 0.005-degree grid cells over a box or polygon, or the cells of given centres. */
export type SiteArea =
  | { bbox: BBox }
  | { polygon: AreaGeometry }
  | { centres: [number, number][] }
  /** a GeoJSON (polygons: area of interest; points: centres) or CSV of centres (lon/lat columns) on the machine running Fieldmark */
  | { file: string };

export interface AddSitesSpec {
  area: SiteArea;
  /** two-letter country code of the site ids (CC + 7 digits) */
  country: string;
  /** every new site of this class ... */
  cls?: SiteClass;
  /** ... or a random split: shares of Class 1 and 4, the rest Class 2 (seeded) */
  shares?: { q?: number; n?: number };
  seed?: number;
  /** the new sites (Class 1) form the qualification set, in order */
  qualification?: boolean;
  /** refuse areas with more cells than this (default 100000) */
  maxSites?: number;
}

export interface AddSitesResult {
  added: number;
  siteIds: string[];
  /** cells that already had a site (left as they are) */
  existing: number;
  byClass: { 1: number; 2: number; 4: number };
  qualification: number;
  /** scenes of the catalog linked to the new sites */
  scenesLinked: number;
}

// ---- Supervisor review (src/node/campaign/review*.ts) ----

export interface ReviewQueueFilter {
  /** include work already reviewed (default false) */
  includeReviewed?: boolean;
  kind?: 'site' | 'assignment';
  limit?: number;
}

export interface ReviewQueueAssignment {
  id: number;
  labellerId: string;
  labellerName: string;
  status: string;
  /** the Class 1 score, when scored */
  score: number | null;
  lastRating: number | null;
}

/** One entry of the review queue: a Class 4 site (consensus risk) or one Class 1/2 assignment. */
export interface ReviewQueueItem {
  kind: 'site' | 'assignment';
  siteId: string;
  cls: SiteClass;
  /** 0 (safe) to 1 (riskiest): the queue's order */
  risk: number;
  reason: string;
  /** Class 4: the consensus figures (null before `fieldmark consensus`) */
  meanRisk: number | null;
  riskyFraction: number | null;
  assignments: ReviewQueueAssignment[];
  reviewed: boolean;
}

export interface ReviewInput {
  /** DOMAIN.md rubric: 0-3 by the share mapped correctly (<50/50-70/70-90/>=90 %), 4 a correct empty site; 2-4 pass */
  rating: 0 | 1 | 2 | 3 | 4;
  comment?: string;
}

export interface ReviewRecord {
  id: number;
  assignmentId: number;
  reviewerId: string | null;
  rating: number;
  pass: boolean;
  comment: string | null;
  at: string;
}

export interface ReviewFigures {
  n: number;
  passed: number;
  passRate: number | null;
  meanRating: number | null;
}

export interface ReviewResult {
  review: ReviewRecord;
  assignment: AssignmentSummary;
  /** the labeller's review record after this review */
  labeller: { id: string; reviews: ReviewFigures };
}

export interface ListReviewsFilter {
  assignmentId?: number;
  labellerId?: string;
  siteId?: string;
}

/** One point of a labeller's trend: after each finished task. */
export interface TrendPoint {
  at: string;
  assignmentId: number;
  runningQuality: number | null;
  /** the Class 1 score of this task, if it is one */
  score: number | null;
  returned: boolean;
}

export interface LabellerTableRow {
  id: string;
  name: string;
  role: Role;
  tasks: { open: number; finished: number; submitted: number; returned: number; abandoned: number; approved: number; rejected: number; untrusted: number };
  returnRate: number;
  meanScore: number | null;
  runningQuality: number | null;
  trust: TrustStatus;
  trend: TrendPoint[];
  reviews: ReviewFigures;
  qualification: QualificationStatus;
  lastActiveAt: string | null;
}

export type SiteState = 'open' | 'in_progress' | 'complete' | 'quality_control' | 'closed';

export interface SiteTableRow {
  id: string;
  cls: SiteClass;
  qualification: boolean;
  state: SiteState;
  /** trusted maps needed (1 for Class 2, labellersPerClass4 for Class 4, 0 for Class 1) */
  needed: number;
  counted: number;
  pending: number;
  /** finished maps that do not count (untrusted, rejected) */
  notCounted: number;
  returned: number;
  assignments: number;
  meanRisk: number | null;
  riskyFraction: number | null;
  scenes: number;
}

export interface SiteTableFilter {
  cls?: SiteClass;
  state?: SiteState;
}

export interface CampaignApi {
  /** Public (no token needed): a session token for a name (or id) and password. Failed attempts are rate-limited per name and address. */
  signIn(name: string, password: string): Promise<SignInResult>;
  /** Ends the caller's session (a no-op for static tokens and the local user). */
  signOut(): Promise<{ signedOut: boolean }>;
  whoAmI(): Promise<WhoAmI>;
  /** Staff: an account with a static token (a supervisor may add labellers only). */
  addUser(user: NewUser): Promise<NewUserResult>;
  /** A user's password (admin: anyone's; a supervisor: labellers'; anyone: their own). */
  setPassword(userId: string, password: string): Promise<{ userId: string }>;
  /** Staff: pass or fail a labeller's qualification by hand, or go back to the computed state. */
  setQualification(labellerId: string, state: 'passed' | 'failed' | 'computed'): Promise<QualificationStatus>;
  /** Staff: creates the campaign of this database (refused when it holds one: one campaign per file). */
  createCampaign(spec: NewCampaign): Promise<CampaignInfo>;
  getCampaign(): Promise<CampaignInfo>;
  updateCampaign(settings: Partial<CampaignSettingsDto> & { name?: string }): Promise<CampaignInfo>;
  /** Staff: sites as 0.005-degree cells (ids CC + 7 digits), linked to the catalog's scenes covering them. */
  addSites(spec: AddSitesSpec): Promise<AddSitesResult>;
  /** Staff: the qualification set (Class 1 sites, in order); replaces the previous one. */
  setQualificationSet(siteIds: string[]): Promise<{ siteIds: string[] }>;
  /** Staff: a site's reference labels (never readable by labellers). */
  listReferenceLabels(siteId: string): Promise<ReferenceCollection>;
  listReviewQueue(filter?: ReviewQueueFilter): Promise<ReviewQueueItem[]>;
  /** Staff: rates a submitted map 0-4 (2-4 pass: 'approved', else 'rejected': a rejected Class 2/4 map sends its site back to the pool). */
  reviewAssignment(assignmentId: number, review: ReviewInput): Promise<ReviewResult>;
  listReviews(filter?: ListReviewsFilter): Promise<ReviewRecord[]>;
  listLabellerTable(): Promise<LabellerTableRow[]>;
  listSiteTable(filter?: SiteTableFilter): Promise<SiteTableRow[]>;
}

/** `POST /offline/take` and `fieldmark offline take`: what went into a package. */
export interface OfflineTakeResult {
  packageId: string;
  labellerId: string;
  tasks: number;
  assignmentIds: number[];
  scenes: number;
  bytes: number;
  dueAt: string;
  warnings: string[];
}

export interface OfflineTaskOutcome {
  assignmentId: number;
  siteId: string;
  /** imported: written now; unchanged: this package's state is already on the server; conflict: refused */
  result: 'imported' | 'unchanged' | 'conflict';
  status: string;
  labels: number;
  /** CONFLICT for refusals */
  code: 'CONFLICT' | null;
  message: string;
}

/** `POST /offline/return` and `fieldmark offline return`. */
export interface OfflineReturnResult {
  packageId: string;
  labellerId: string;
  imported: number;
  unchanged: number;
  conflicts: number;
  tasks: OfflineTaskOutcome[];
}
