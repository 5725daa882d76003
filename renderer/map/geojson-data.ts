/**
 * The GeoJSON a MapLibre source accepts, typed through maplibre-gl itself (the renderer imports
 * only src/common and maplibre-gl). Our common geometry types are structurally RFC 7946.
 */
import type { GeoJSONSourceSpecification } from 'maplibre-gl';
import type { AreaGeometry } from '../../src/common/geo/geojson';

export type SourceData = Exclude<GeoJSONSourceSpecification['data'], string>;

export interface OverlayFeature {
  type: 'Feature';
  id?: number | string;
  properties: Record<string, unknown>;
  geometry: AreaGeometry;
}

export interface OverlayCollection {
  type: 'FeatureCollection';
  features: OverlayFeature[];
}

export const EMPTY_COLLECTION: OverlayCollection = { type: 'FeatureCollection', features: [] };

/** Hands our feature collections to MapLibre (the shapes agree; only the nominal types differ). */
export function sourceData(fc: OverlayCollection | { type: 'FeatureCollection'; features: readonly unknown[] }): SourceData {
  return fc as unknown as SourceData;
}
