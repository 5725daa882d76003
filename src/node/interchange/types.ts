/**
 * Shared shapes of the label interchange readers/writers (GeoJSON, GeoPackage, KML/KMZ,
 * shapefile). Readers return polygons in EPSG:4326 with RFC 7946 winding; whatever could not be
 * imported is listed in `skipped` with a one-line reason instead of failing the whole file.
 */
import { ApiError } from '../../common/api/errors';
import type { MultiPolygon, Polygon } from '../../common/geo/geojson';

export type LabelFormat = 'geojson' | 'gpkg' | 'kml' | 'kmz' | 'shapefile-zip' | 'shapefile' | 'gpkg-zip';

export interface ImportedFeature {
  /** Position of the feature in its source (array index, row order, placemark order, record number). */
  index: number;
  /** The source's own id (GeoJSON `id`, GeoPackage primary key, KML `id` attribute), else null. */
  id: string | number | null;
  geometry: Polygon | MultiPolygon;
  properties: Record<string, unknown>;
  /** What was repaired, when something was (e.g. "closed 1 unclosed ring"). */
  repaired?: string;
}

export interface SkippedFeature {
  /** The feature's id when it has one, else its index, as a string. */
  feature: string;
  reason: string;
}

export interface ReadResult {
  format: LabelFormat;
  /** GeoPackage layer / shapefile name; null for single-layer formats (GeoJSON, KML). */
  layer: string | null;
  /** The CRS the coordinates were read in, e.g. 'EPSG:2056' (always reprojected to EPSG:4326). */
  sourceCrs: string;
  features: ImportedFeature[];
  skipped: SkippedFeature[];
}

export interface ReadOptions {
  /** GeoPackage layer (or shapefile name inside a zip). Default: the first layer holding polygons. */
  layer?: string;
  /** Refuse files (and zip entries) larger than this. Default 2 GB. */
  maxBytes?: number;
  /** GeoJSON files above this size are parsed feature by feature instead of whole. Default 64 MiB. */
  streamAboveBytes?: number;
}

export const DEFAULT_MAX_BYTES = 2 * 1024 ** 3;
export const DEFAULT_STREAM_ABOVE = 64 * 1024 ** 2;

/** A feature to write: EPSG:4326 polygons plus flat properties. */
export interface WritableFeature {
  geometry: Polygon | MultiPolygon;
  properties: Record<string, unknown>;
  id?: string | number | null;
}

/** One line: the file, then the problem. */
export function badInput(file: string, problem: string): ApiError {
  return new ApiError('BAD_INPUT', oneLine(`${file}: ${problem}`));
}

export function oneLine(s: string): string {
  return s.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}

/** The label a skipped feature is listed under. */
export function featureLabel(index: number, id: string | number | null | undefined): string {
  return id === null || id === undefined ? String(index) : String(id);
}

export function errorMessage(e: unknown): string {
  return oneLine(e instanceof Error ? e.message : String(e));
}
