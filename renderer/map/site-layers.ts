/**
 * The open site's frame: everything outside the context window dimmed, the context window as a
 * subtle outline and the site cell as a white box (with a dark casing so it reads over bright
 * imagery). Also the anchor the imagery is inserted under.
 */
import type { GeoJSONSource, Map as MlMap } from 'maplibre-gl';
import type { SiteSummary } from '../../src/common/api/contract';
import type { Polygon, Position } from '../../src/common/geo/geojson';
import { EMPTY_COLLECTION, type OverlayCollection, sourceData } from './geojson-data';

export const SITE_SOURCE = 'site';
/** The lowest overlay layer: imagery goes below it. */
export const SITE_DIM_LAYER = 'site-dim';
export const SITE_CELL_LAYER = 'site-cell';


/** Signed area (shoelace); > 0 is counter-clockwise. */
function signedArea(ring: Position[]): number {
  let a = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    a += (ring[j]![0] - ring[i]![0]) * (ring[j]![1] + ring[i]![1]);
  }
  return a / 2;
}

function oriented(ring: Position[], ccw: boolean): Position[] {
  const isCcw = signedArea(ring) > 0;
  return isCcw === ccw ? ring : [...ring].reverse();
}

/** The world with the context window cut out: the dimmed outside. */
export function outsideMask(context: Polygon): Polygon {
  const world: Position[] = [
    [-180, -85],
    [180, -85],
    [180, 85],
    [-180, 85],
    [-180, -85],
  ];
  const hole = context.coordinates[0] ?? [];
  return { type: 'Polygon', coordinates: [oriented(world, true), oriented(hole, false)] };
}

export function siteFeatures(site: SiteSummary | null): OverlayCollection {
  if (!site) return EMPTY_COLLECTION;
  return {
    type: 'FeatureCollection',
    features: [
      { type: 'Feature', properties: { role: 'mask' }, geometry: outsideMask(site.context) },
      { type: 'Feature', properties: { role: 'context' }, geometry: site.context },
      { type: 'Feature', properties: { role: 'cell' }, geometry: site.cell },
    ],
  };
}

export class SiteLayers {
  constructor(private readonly map: MlMap) {
    map.addSource(SITE_SOURCE, { type: 'geojson', data: sourceData(EMPTY_COLLECTION) });
    map.addLayer({
      id: SITE_DIM_LAYER,
      type: 'fill',
      source: SITE_SOURCE,
      filter: ['==', ['get', 'role'], 'mask'],
      paint: { 'fill-color': '#05070a', 'fill-opacity': 0.68, 'fill-antialias': false },
    });
  }

  /** Adds the outlines; call after the label layers so the frame stays on top. */
  addOutlines(): void {
    const map = this.map;
    map.addLayer({
      id: 'site-context',
      type: 'line',
      source: SITE_SOURCE,
      filter: ['==', ['get', 'role'], 'context'],
      paint: { 'line-color': '#ffffff', 'line-opacity': 0.45, 'line-width': 1, 'line-dasharray': [4, 3] },
    });
    map.addLayer({
      id: 'site-cell-casing',
      type: 'line',
      source: SITE_SOURCE,
      filter: ['==', ['get', 'role'], 'cell'],
      paint: { 'line-color': '#000000', 'line-opacity': 0.55, 'line-width': 4.5 },
    });
    map.addLayer({
      id: SITE_CELL_LAYER,
      type: 'line',
      source: SITE_SOURCE,
      filter: ['==', ['get', 'role'], 'cell'],
      layout: { 'line-join': 'miter' },
      paint: { 'line-color': '#ffffff', 'line-width': 2 },
    });
  }

  setSite(site: SiteSummary | null): void {
    this.map.getSource<GeoJSONSource>(SITE_SOURCE)?.setData(sourceData(siteFeatures(site)));
  }
}
