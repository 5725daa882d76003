/**
 * The one API every host exposes: Electron IPC, HTTP (`fieldmark serve`) and in-process (CLI,
 * tests). DTOs are JSON-safe; binary data (tiles, rasters) travels as URLs, never through here.
 * Arguments are validated by the schema registry (`schemas.ts`) before a method runs.
 */
import type { AreaGeometry, BBox, Polygon } from '../geo/geojson';

export type Role = 'labeller' | 'supervisor' | 'admin';
export const ROLES: readonly Role[] = ['labeller', 'supervisor', 'admin'];

/** Who is calling: resolved by the host (token, local desktop user) before dispatch. */
export interface Caller {
  userId: string | null;
  role: Role;
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

export interface ListSitesFilter {
  cls?: SiteClass;
}

export interface ListLabelsFilter {
  assignmentId?: number;
  labellerId?: string;
}

/** Every method a client can call. One object implements it per caller (see FieldmarkService.as). */
export interface FieldmarkApi {
  getAppInfo(): Promise<AppInfo>;
  listSites(filter?: ListSitesFilter): Promise<SiteSummary[]>;
  getSite(siteId: string): Promise<SiteDetail>;
  listLabels(siteId: string, filter?: ListLabelsFilter): Promise<LabelCollection>;
  listLabellers(): Promise<LabellerSummary[]>;
  getSceneInfo(sceneId: string): Promise<ImageInfo>;
}

export type MethodName = keyof FieldmarkApi;
export type MethodArgs<M extends MethodName> = Parameters<FieldmarkApi[M]>;
export type MethodResult<M extends MethodName> = Awaited<ReturnType<FieldmarkApi[M]>>;
