import type { MultiPolygon, Polygon } from '../geo/geojson';

/** One mapped polygon: EPSG:4326 lon/lat geometry and its category id. */
export interface Feature {
  geometry: Polygon | MultiPolygon;
  category: string;
}

/** A campaign category and its group (DOMAIN.md 1). */
export interface Category {
  id: string;
  group: 'field' | 'no_field';
}

/** The lab's categories: annualcropland and fallow are fields; noncropland and unsure are not. */
export const DEFAULT_CATEGORIES: readonly Category[] = [
  { id: 'annualcropland', group: 'field' },
  { id: 'fallow', group: 'field' },
  { id: 'noncropland', group: 'no_field' },
  { id: 'unsure', group: 'no_field' },
];

export interface ScoreWeights {
  area: number;
  fragmentation: number;
  edge: number;
  categorical: number;
}

/** The lab's 2023 weights (DOMAIN.md 2). */
export const DEFAULT_WEIGHTS: Readonly<ScoreWeights> = { area: 0.55, fragmentation: 0.225, edge: 0.1, categorical: 0.125 };

/** Counters of what polygon repair did (see repair.ts). */
export interface RepairStats {
  /** polygons dropped: fewer than 3 distinct vertices, zero area, or non-finite coordinates only */
  dropped: number;
  /** rings dropped inside kept polygons (degenerate holes) */
  droppedRings: number;
  /** rings whose orientation was reversed (outer rings -> counter-clockwise, holes -> clockwise) */
  reoriented: number;
  /** polygons rebuilt by a union with the empty set (self-intersections, holes outside or overlapping) */
  unioned: number;
  /** polygons the clipping library could not rebuild (kept as cleaned, rasterised even-odd) */
  failed: number;
}

export function emptyRepairStats(): RepairStats {
  return { dropped: 0, droppedRings: 0, reoriented: 0, unioned: 0, failed: 0 };
}
