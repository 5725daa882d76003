/**
 * Whole-view proposals on the map (renderer/modes/propose.mode.ts): every proposal still to be
 * decided drawn faint, the current one bright (its joined outline is also the dashed staging
 * preview, like a click suggestion). Its own source and two layers, added on first use under the
 * editor's staging layer so the preview stays on top.
 */
import type { GeoJSONSource, Map as MlMap } from 'maplibre-gl';
import type { EditPolygon } from '../../src/common/editing/geom';
import { sourceData } from './geojson-data';

export const PROPOSALS_SOURCE = 'suggest-proposals';

export interface ProposalFeature {
  id: string;
  polygon: EditPolygon;
  current: boolean;
}

export class ProposalLayers {
  private added = false;

  constructor(private readonly map: MlMap) {}

  private ensure(): void {
    if (this.added || this.map.getSource(PROPOSALS_SOURCE)) {
      this.added = true;
      return;
    }
    const before = this.map.getLayer('edit-staging-fill') ? 'edit-staging-fill' : undefined;
    this.map.addSource(PROPOSALS_SOURCE, { type: 'geojson', data: sourceData({ type: 'FeatureCollection', features: [] }) });
    const current = ['boolean', ['get', 'current'], false];
    this.map.addLayer(
      { id: 'suggest-proposals-fill', type: 'fill', source: PROPOSALS_SOURCE, paint: { 'fill-color': '#7aa2f7', 'fill-opacity': ['case', current, 0.18, 0.06] as never } },
      before,
    );
    this.map.addLayer(
      {
        id: 'suggest-proposals-line',
        type: 'line',
        source: PROPOSALS_SOURCE,
        layout: { 'line-join': 'round' },
        paint: { 'line-color': ['case', current, '#ffffff', '#7aa2f7'] as never, 'line-width': ['case', current, 2.4, 1] as never, 'line-opacity': ['case', current, 1, 0.45] as never },
      },
      before,
    );
    this.added = true;
  }

  show(features: readonly ProposalFeature[]): void {
    if (features.length === 0 && !this.added) return;
    this.ensure();
    this.map.getSource<GeoJSONSource>(PROPOSALS_SOURCE)?.setData(
      sourceData({ type: 'FeatureCollection', features: features.map((f) => ({ type: 'Feature', properties: { pid: f.id, current: f.current }, geometry: f.polygon })) }),
    );
  }

  clear(): void {
    this.show([]);
  }
}
