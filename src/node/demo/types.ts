/**
 * Public data types of the synthetic demo campaign (src/node/demo). Kept local and minimal; the
 * lead reconciles them with src/common. All polygons are EPSG:4326 GeoJSON (RFC 7946): closed
 * rings, outer ring counter-clockwise, [lon, lat] positions.
 */
export interface Polygon { type: 'Polygon'; coordinates: number[][][] }

export interface DemoOptions {
  outDir: string;
  seed: number;
  /** default 24 */
  sites: number;
  /** default 6 */
  labellers: number;
  /** px of the NICFI-like quad, default 2048 */
  quadSize?: number;
  onProgress?: (done: number, total: number, note: string) => void;
}

export interface DemoScene {
  id: string;
  /** path relative to outDir, e.g. 'imagery/quad_2024-08-15.tif' */
  file: string;
  /** YYYY-MM-DD */
  date: string;
  season: 'growing' | 'off';
  epsg: number;
  width: number;
  height: number;
  /** metres (CRS units) */
  pixelSize: number;
  /** [minLon, minLat, maxLon, maxLat] of the raster extent */
  bounds4326: [number, number, number, number];
  bandRoles: ['blue', 'green', 'red', 'nir'];
  /** relative path of the UDM2-like 8-band uint8 mask COG */
  udmFile?: string;
  kind: 'nicfi-quad' | 'planetscope-utm';
}

export interface DemoField { id: string; polygon: Polygon; crop: string; areaHa: number }

export interface DemoSite {
  /** 'GH' + 7 digits: row-major index of the 0.005-degree cell in a grid over Ghana */
  id: string;
  cls: 1 | 2 | 4;
  /** the 0.005-degree cell */
  cell: Polygon;
  /** [lon, lat] of the cell centre */
  center: [number, number];
  /** scenes whose valid data covers the whole context window (2.56x the cell) */
  sceneIds: string[];
}

/**
 * Skill of a simulated labeller; every number is used by labellers.ts:
 * - missBelowHa / missRate: a true field smaller than missBelowHa is left out with probability missRate.
 * - mergeRate: probability that a field is merged (union) with one adjacent neighbour.
 * - jitterM: boundary displacement scale in ground metres (common shift + smooth warp).
 * - falseFieldRate: mean number (Poisson) of false polygons drawn on non-field land per task.
 * - categoryErrorRate: probability a polygon gets a wrong category.
 * - shiftShare: share (0-1) of jitterM applied as one common shift of the whole map (misregistration).
 * - warpWavelengthM: wavelength of the smooth warp (short = vertex-level noise, long = drift).
 * - returnRate: probability a non-reference task is returned without labels.
 * - secondsPerField: digitizing time per polygon (plus 90 s per task).
 */
export interface DemoLabellerProfile {
  kind: 'near-perfect' | 'misses-small' | 'merges' | 'jitter' | 'false-fields' | 'sloppy';
  missBelowHa: number;
  missRate: number;
  mergeRate: number;
  jitterM: number;
  falseFieldRate: number;
  categoryErrorRate: number;
  shiftShare: number;
  warpWavelengthM: number;
  returnRate: number;
  secondsPerField: number;
}

export interface DemoLabeller { id: string; name: string; profile: DemoLabellerProfile }
export interface DemoLabel { polygon: Polygon; category: string }
export interface DemoAssignment {
  siteId: string;
  labellerId: string;
  status: 'submitted' | 'approved' | 'rejected' | 'returned';
  labels: DemoLabel[];
  startedAt: string;
  /** ISO */
  submittedAt: string;
}

export interface DemoCampaign {
  name: string;
  seed: number;
  categories: { id: string; group: 'field' | 'no_field' }[];
  scenes: DemoScene[];
  fields: DemoField[];
  sites: DemoSite[];
  labellers: DemoLabeller[];
  assignments: DemoAssignment[];
  /** for class-1 sites: the true fields touching the cell, whole */
  reference: { siteId: string; labels: DemoLabel[] }[];
}
