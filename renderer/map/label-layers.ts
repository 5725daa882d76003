/**
 * The open site's labels: semi-transparent fills coloured by category with solid outlines.
 * The labeller filter is a layer filter on `assignmentId` (no refetch).
 */
import type { FilterSpecification, GeoJSONSource, Map as MlMap } from 'maplibre-gl';
import type { Category, LabelCollection } from '../../src/common/api/contract';
import { categoryColourExpression, categoryColours } from './palette';
import { EMPTY_COLLECTION, sourceData } from './geojson-data';

export const LABEL_SOURCE = 'labels';
export const LABEL_FILL_LAYER = 'labels-fill';
export const LABEL_LINE_LAYER = 'labels-line';
/** Fill opacity of one labeller's polygons. */
const SINGLE_FILL_OPACITY = 0.3;

export class LabelLayers {
  constructor(private readonly map: MlMap) {
    map.addSource(LABEL_SOURCE, { type: 'geojson', data: sourceData(EMPTY_COLLECTION) });
    map.addLayer({
      id: LABEL_FILL_LAYER,
      type: 'fill',
      source: LABEL_SOURCE,
      paint: { 'fill-color': '#e0e0e0', 'fill-opacity': SINGLE_FILL_OPACITY },
    });
    map.addLayer({
      id: LABEL_LINE_LAYER,
      type: 'line',
      source: LABEL_SOURCE,
      layout: { 'line-join': 'round' },
      paint: { 'line-color': '#e0e0e0', 'line-width': 1.6, 'line-opacity': 0.95 },
    });
  }

  setCategories(categories: readonly Category[]): void {
    const expr = categoryColourExpression(categoryColours(categories)) as string;
    this.map.setPaintProperty(LABEL_FILL_LAYER, 'fill-color', expr);
    this.map.setPaintProperty(LABEL_LINE_LAYER, 'line-color', expr);
  }

  setLabels(labels: LabelCollection | null): void {
    this.map.getSource<GeoJSONSource>(LABEL_SOURCE)?.setData(sourceData(labels ?? EMPTY_COLLECTION));
  }

  /**
   * Shows one assignment's labels, or all (null). With several labellers on screen their fills
   * stack, so each gets a thinner fill: n layers of opacity a add up to about one layer's.
   */
  setAssignment(assignmentId: number | null, labellersShown: number): void {
    const filter: FilterSpecification | null = assignmentId === null ? null : ['==', ['get', 'assignmentId'], assignmentId];
    this.map.setFilter(LABEL_FILL_LAYER, filter);
    this.map.setFilter(LABEL_LINE_LAYER, filter);
    const n = Math.max(1, labellersShown);
    const fill = 1 - Math.pow(1 - SINGLE_FILL_OPACITY, 1 / n);
    this.map.setPaintProperty(LABEL_FILL_LAYER, 'fill-opacity', Math.max(0.05, fill));
    this.map.setPaintProperty(LABEL_LINE_LAYER, 'line-opacity', n > 2 ? 0.75 : 0.95);
    this.map.setPaintProperty(LABEL_LINE_LAYER, 'line-width', n > 2 ? 1.2 : 1.6);
  }

  setVisible(visible: boolean): void {
    const v = visible ? 'visible' : 'none';
    this.map.setLayoutProperty(LABEL_FILL_LAYER, 'visibility', v);
    this.map.setLayoutProperty(LABEL_LINE_LAYER, 'visibility', v);
  }
}
