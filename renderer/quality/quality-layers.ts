/**
 * Map layers of label quality:
 * - the consensus risk map of a Class 4 site (raster tiles from `riskTileUrlTemplate`, staff
 *   only), drawn over the imagery and the labels' fills, under every outline;
 * - the consensus polygons (lime outline, light fill);
 * - each labeller's map as an outline in that labeller's colour, shown per labeller;
 * - a Class 1 feedback view: the reference (cyan) and the labeller's map (magenta).
 * Vector layers go above the labels and below the site frame and the editor.
 */
import type { FilterSpecification, GeoJSONSource, Map as MlMap, RasterTileSource } from 'maplibre-gl';
import type { LabelCollection, ReferenceCollection } from '../../src/common/api/contract';
import type { AreaGeometry } from '../../src/common/geo/geojson';
import { riskTileUrlTemplate, type RiskTileMethod } from '../../src/common/api/tiles';
import type { BBox } from '../../src/common/geo/geojson';
import { EMPTY_COLLECTION, sourceData, type SourceData } from '../map/geojson-data';
import { LABEL_LINE_LAYER } from '../map/label-layers';
import { SITE_DIM_LAYER } from '../map/site-layers';

export const RISK_LAYER = 'qa-risk';
const CONSENSUS = 'qa-consensus';
const LABELLERS = 'qa-labellers';
const REFERENCE = 'qa-reference';
const OWN = 'qa-own';
/** The layer the vector overlays go under: the context window's outline (then the cell box, the editor). */
const VECTOR_BEFORE = 'site-context';

export const CONSENSUS_COLOUR = '#a3ff12';
export const REFERENCE_COLOUR = '#22d3ee';
export const OWN_COLOUR = '#ff4fd8';
/** Labeller outline colours, in the order of the site's assignments. */
export const LABELLER_COLOURS = ['#ff4fd8', '#22d3ee', '#ffe45d', '#ff8a3d', '#9d7dff', '#5dff9d', '#ff5d5d', '#ffffff'];

const EMPTY = sourceData(EMPTY_COLLECTION);

export class QualityLayers {
  private riskUrl: string | null = null;

  constructor(
    private readonly map: MlMap,
    private readonly tileBase: string,
  ) {
    const before = map.getLayer(VECTOR_BEFORE) ? VECTOR_BEFORE : undefined;
    for (const id of [CONSENSUS, LABELLERS, REFERENCE, OWN]) map.addSource(id, { type: 'geojson', data: EMPTY });
    map.addLayer({ id: `${REFERENCE}-fill`, type: 'fill', source: REFERENCE, layout: { visibility: 'none' }, paint: { 'fill-color': REFERENCE_COLOUR, 'fill-opacity': 0.2 } }, before);
    map.addLayer({ id: `${REFERENCE}-line`, type: 'line', source: REFERENCE, layout: { visibility: 'none', 'line-join': 'round' }, paint: { 'line-color': REFERENCE_COLOUR, 'line-width': 2 } }, before);
    map.addLayer({ id: `${OWN}-line`, type: 'line', source: OWN, layout: { visibility: 'none', 'line-join': 'round' }, paint: { 'line-color': OWN_COLOUR, 'line-width': 2, 'line-dasharray': [3, 1.5] } }, before);
    map.addLayer(
      { id: `${LABELLERS}-line`, type: 'line', source: LABELLERS, layout: { visibility: 'none', 'line-join': 'round' }, paint: { 'line-color': '#ffffff', 'line-width': 1.4, 'line-opacity': 0.9 } },
      before,
    );
    map.addLayer({ id: `${CONSENSUS}-fill`, type: 'fill', source: CONSENSUS, layout: { visibility: 'none' }, paint: { 'fill-color': CONSENSUS_COLOUR, 'fill-opacity': 0.12 } }, before);
    map.addLayer({ id: `${CONSENSUS}-line`, type: 'line', source: CONSENSUS, layout: { visibility: 'none', 'line-join': 'round' }, paint: { 'line-color': CONSENSUS_COLOUR, 'line-width': 2.6 } }, before);
  }

  private vis(id: string, on: boolean): void {
    if (this.map.getLayer(id)) this.map.setLayoutProperty(id, 'visibility', on ? 'visible' : 'none');
  }

  private data(source: string, data: SourceData): void {
    this.map.getSource<GeoJSONSource>(source)?.setData(data);
  }

  /** The risk map of a site (null: none), over the imagery. */
  setRisk(siteId: string | null, method: RiskTileMethod, bounds: BBox | null, visible: boolean): void {
    const url = siteId ? riskTileUrlTemplate(this.tileBase, siteId, method) : null;
    const source = this.map.getSource<RasterTileSource>(RISK_LAYER);
    if (!url || !visible) {
      this.vis(RISK_LAYER, false);
      return;
    }
    if (!source || url !== this.riskUrl) {
      if (this.map.getLayer(RISK_LAYER)) this.map.removeLayer(RISK_LAYER);
      if (source) this.map.removeSource(RISK_LAYER);
      this.map.addSource(RISK_LAYER, { type: 'raster', tiles: [url], tileSize: 256, minzoom: 0, maxzoom: 20, ...(bounds ? { bounds } : {}) });
      // Over the labels' fills (risk sits on the fields they disagree about), under every outline.
      this.map.addLayer({ id: RISK_LAYER, type: 'raster', source: RISK_LAYER, paint: { 'raster-fade-duration': 0, 'raster-opacity': 0.9, 'raster-resampling': 'linear' } }, this.map.getLayer(LABEL_LINE_LAYER) ? LABEL_LINE_LAYER : SITE_DIM_LAYER);
      this.riskUrl = url;
    }
    this.vis(RISK_LAYER, true);
  }

  setConsensus(geometry: AreaGeometry | null, visible: boolean): void {
    this.data(CONSENSUS, geometry ? sourceData({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: {}, geometry }] }) : EMPTY);
    this.vis(`${CONSENSUS}-fill`, visible && !!geometry);
    this.vis(`${CONSENSUS}-line`, visible && !!geometry);
  }

  /** Each labeller's map in their colour; only the labellers in `shown`. */
  setLabellerMaps(labels: LabelCollection | null, colours: Map<string, string>, shown: ReadonlySet<string>): void {
    this.data(LABELLERS, labels ? sourceData(labels) : EMPTY);
    const match: unknown[] = ['match', ['get', 'labellerId']];
    for (const [id, c] of colours) match.push(id, c);
    match.push('#ffffff');
    this.map.setPaintProperty(`${LABELLERS}-line`, 'line-color', colours.size ? (match as never) : '#ffffff');
    const filter: FilterSpecification = ['in', ['get', 'labellerId'], ['literal', [...shown]]];
    this.map.setFilter(`${LABELLERS}-line`, filter);
    this.vis(`${LABELLERS}-line`, shown.size > 0 && !!labels);
  }

  /** The feedback view: the reference and one labeller's map (null: hide both). */
  setFeedback(reference: ReferenceCollection | null, own: LabelCollection | null, show: { reference: boolean; own: boolean }): void {
    this.data(REFERENCE, reference ? sourceData(reference) : EMPTY);
    this.data(OWN, own ? sourceData(own) : EMPTY);
    this.vis(`${REFERENCE}-fill`, show.reference && !!reference);
    this.vis(`${REFERENCE}-line`, show.reference && !!reference);
    this.vis(`${OWN}-line`, show.own && !!own);
  }
}
