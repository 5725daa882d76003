/**
 * The editor's map layers. `edit-fields` holds the task's fields and is fed incrementally:
 * one GeoJSON `updateData` diff per edit (MapLibre 6 updates its geojson-vt index in place), never
 * a full re-upload; selection, issues and "being dragged" are feature-state. Re-tiling a zoomed-out
 * tile of thousands of fields still takes the worker a while, so an edited field is drawn at once
 * from the small `edit-hot` source while its stale copy in `edit-fields` is hidden (feature-state);
 * once `edit-fields` has re-tiled, the hot copy goes. `edit-staging` shows what a gesture is doing
 * (drawing, dragging, box); `edit-handles` the selected fields' vertices and edge midpoints.
 */
import type { GeoJSONSource, Map as MlMap } from 'maplibre-gl';
import type { Category } from '../../src/common/api/contract';
import type { EditPolygon, XY } from '../../src/common/editing/geom';
import type { Field } from '../../src/common/graph/field';
import type { Graph, GraphDiff } from '../../src/common/graph/graph';
import { categoryColourExpression, categoryColours } from './palette';
import { sourceData } from './geojson-data';

export const FIELDS_SOURCE = 'edit-fields';
export const HOT_SOURCE = 'edit-hot';
export const STAGING_SOURCE = 'edit-staging';
export const HANDLES_SOURCE = 'edit-handles';

type Geo = { type: 'Polygon'; coordinates: XY[][] } | { type: 'LineString'; coordinates: XY[] } | { type: 'Point'; coordinates: XY };
export interface StagingFeature {
  type: 'Feature';
  properties: { role: 'fill' | 'line' | 'vertex' | 'snap' | 'box' | 'invalid'; category?: string };
  geometry: Geo;
}

export function fieldFeature(f: Field): { type: 'Feature'; id: string; properties: { fid: string; category: string }; geometry: EditPolygon } {
  return { type: 'Feature', id: f.id, properties: { fid: f.id, category: f.category }, geometry: f.geometry };
}

/** The big source is updated once edits pause this long (ms). */
export const FLUSH_MS = 400;

const EMPTY = { type: 'FeatureCollection' as const, features: [] };

export class EditLayers {
  private colourExpr: unknown = '#e0e0e0';
  private visible = false;
  /** Edited fields drawn from the hot source (null: deleted), with the update generation that carried them. */
  private readonly hot = new Map<string, { feature: ReturnType<typeof fieldFeature> | null; gen: number }>();
  private gen = 0;
  private shownGen = 0;
  /** Fields changed since the big source's last update. */
  private readonly dirty = new Set<string>();
  private inBig = new Set<string>();
  private latest!: Graph;
  private flushTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly map: MlMap, beforeId?: string) {
    map.addSource(FIELDS_SOURCE, { type: 'geojson', data: sourceData(EMPTY), promoteId: 'fid' });
    map.addSource(HOT_SOURCE, { type: 'geojson', data: sourceData(EMPTY), promoteId: 'fid' });
    map.addSource(STAGING_SOURCE, { type: 'geojson', data: sourceData(EMPTY) });
    map.addSource(HANDLES_SOURCE, { type: 'geojson', data: sourceData(EMPTY) });
    const hidden = ['any', ['boolean', ['feature-state', 'dragging'], false], ['boolean', ['feature-state', 'stale'], false]];
    const selected = ['boolean', ['feature-state', 'selected'], false];
    const issue = ['coalesce', ['feature-state', 'issue'], 'none'];
    const fillPaint = { 'fill-color': '#e0e0e0', 'fill-opacity': ['case', hidden, 0, selected, 0.45, 0.22] as never };
    const linePaint = {
      'line-color': ['case', selected, '#ffffff', ['==', issue, 'error'], '#ff4d4f', ['==', issue, 'warning'], '#ffb020', '#e0e0e0'] as never,
      'line-width': ['case', selected, 2.6, ['!=', issue, 'none'], 2.2, 1.4] as never,
      'line-opacity': ['case', hidden, 0, 1] as never,
    };
    for (const [name, source] of [['fields', FIELDS_SOURCE], ['hot', HOT_SOURCE]] as const) {
      map.addLayer({ id: `edit-${name}-fill`, type: 'fill', source, paint: fillPaint }, beforeId);
      map.addLayer({ id: `edit-${name}-line`, type: 'line', source, layout: { 'line-join': 'round' }, paint: linePaint }, beforeId);
    }
    map.on('sourcedata', (e) => {
      if ((e as { sourceId?: string }).sourceId === FIELDS_SOURCE && map.isSourceLoaded(FIELDS_SOURCE)) this.release();
    });
    map.addLayer({ id: 'edit-staging-fill', type: 'fill', source: STAGING_SOURCE, filter: ['==', ['get', 'role'], 'fill'], paint: { 'fill-color': '#ffffff', 'fill-opacity': 0.25 } }, beforeId);
    map.addLayer(
      {
        id: 'edit-staging-line',
        type: 'line',
        source: STAGING_SOURCE,
        filter: ['in', ['get', 'role'], ['literal', ['fill', 'line', 'box', 'invalid']]],
        paint: {
          'line-color': ['match', ['get', 'role'], 'invalid', '#ff4d4f', 'box', '#7aa2f7', '#ffffff'] as never,
          'line-width': 2,
          'line-dasharray': [2, 1],
        },
      },
      beforeId,
    );
    map.addLayer({ id: 'edit-handles-mid', type: 'circle', source: HANDLES_SOURCE, filter: ['==', ['get', 'kind'], 'mid'], paint: { 'circle-radius': 3, 'circle-color': '#ffffff', 'circle-opacity': 0.55 } }, beforeId);
    map.addLayer(
      {
        id: 'edit-handles-vertex',
        type: 'circle',
        source: HANDLES_SOURCE,
        filter: ['==', ['get', 'kind'], 'vertex'],
        paint: { 'circle-radius': 4.5, 'circle-color': '#0b0e12', 'circle-stroke-color': '#ffffff', 'circle-stroke-width': 2 },
      },
      beforeId,
    );
    map.addLayer(
      {
        id: 'edit-staging-points',
        type: 'circle',
        source: STAGING_SOURCE,
        filter: ['in', ['get', 'role'], ['literal', ['vertex', 'snap']]],
        paint: {
          'circle-radius': ['match', ['get', 'role'], 'snap', 7, 4] as never,
          'circle-color': ['match', ['get', 'role'], 'snap', 'rgba(0,0,0,0)', '#ffffff'] as never,
          'circle-stroke-color': ['match', ['get', 'role'], 'snap', '#ff4fd8', '#0b0e12'] as never,
          'circle-stroke-width': 2,
        },
      },
      beforeId,
    );
    this.setVisible(false);
  }

  setCategories(categories: readonly Category[]): void {
    this.colourExpr = categoryColourExpression(categoryColours(categories));
    this.map.setPaintProperty('edit-fields-fill', 'fill-color', this.colourExpr as string);
    this.map.setPaintProperty('edit-hot-fill', 'fill-color', this.colourExpr as string);
  }

  setVisible(v: boolean): void {
    this.visible = v;
    for (const id of ['edit-fields-fill', 'edit-fields-line', 'edit-hot-fill', 'edit-hot-line', 'edit-staging-fill', 'edit-staging-line', 'edit-staging-points', 'edit-handles-mid', 'edit-handles-vertex']) {
      if (this.map.getLayer(id)) this.map.setLayoutProperty(id, 'visibility', v ? 'visible' : 'none');
    }
  }

  get isVisible(): boolean {
    return this.visible;
  }

  private fields(): GeoJSONSource | undefined {
    return this.map.getSource<GeoJSONSource>(FIELDS_SOURCE);
  }

  /** The whole graph (opening a task). */
  reset(graph: Graph): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    this.map.removeFeatureState({ source: FIELDS_SOURCE });
    this.map.removeFeatureState({ source: HOT_SOURCE });
    this.hot.clear();
    this.dirty.clear();
    this.latest = graph;
    this.inBig = new Set(graph.ids());
    this.pushHot();
    void this.fields()?.setData(sourceData({ type: 'FeatureCollection', features: [...graph.fields()].map(fieldFeature) }));
  }

  /**
   * One edit: the changed fields show at once from the hot source (their copies in the big source
   * hidden); the big source gets them as one updateData diff when edits pause (FLUSH_MS), so its
   * worker re-tiles while the labeller looks, not while they draw.
   */
  apply(graph: Graph, diff: GraphDiff): void {
    this.latest = graph;
    const ids = [...diff.added, ...diff.changed, ...diff.removed];
    if (ids.length === 0) return;
    for (const id of ids) {
      const f = graph.get(id);
      if (!this.hot.has(id)) {
        // the hot copy looks like the stale one did (selected, issue)
        const { stale: _s, ...state } = this.map.getFeatureState({ source: FIELDS_SOURCE, id }) as Record<string, unknown>;
        this.map.setFeatureState({ source: HOT_SOURCE, id }, state);
      }
      this.hot.set(id, { feature: f ? fieldFeature(f) : null, gen: Infinity });
      this.dirty.add(id);
      if (this.inBig.has(id)) this.map.setFeatureState({ source: FIELDS_SOURCE, id }, { stale: true });
    }
    this.pushHot();
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = setTimeout(() => this.flush(), FLUSH_MS);
  }

  /** Sends the dirty fields to the big source as one diff. */
  flush(): void {
    this.flushTimer = null;
    const src = this.fields();
    if (!src || this.dirty.size === 0) return;
    const g = this.latest;
    const gen = ++this.gen;
    const add: ReturnType<typeof fieldFeature>[] = [];
    const update: unknown[] = [];
    const remove: string[] = [];
    for (const id of this.dirty) {
      const f = g.get(id);
      const h = this.hot.get(id);
      if (h) h.gen = gen;
      if (!f) {
        if (this.inBig.delete(id)) remove.push(id);
      } else if (this.inBig.has(id)) update.push({ id, newGeometry: f.geometry, addOrUpdateProperties: [{ key: 'category', value: f.category }] });
      else {
        this.inBig.add(id);
        add.push(fieldFeature(f));
      }
    }
    this.dirty.clear();
    void src.updateData({ remove, add: add as never, update: update as never }).then(() => {
      this.shownGen = Math.max(this.shownGen, gen);
      if (this.map.isSourceLoaded(FIELDS_SOURCE)) this.release();
    });
  }

  private pushHot(): void {
    const features = [...this.hot.values()].map((h) => h.feature).filter((f) => f !== null);
    this.map.getSource<GeoJSONSource>(HOT_SOURCE)?.setData(sourceData({ type: 'FeatureCollection', features }));
  }

  /** The big source has re-tiled up to `shownGen`: its copies of those fields are current again. */
  private release(): void {
    let n = 0;
    for (const [id, h] of this.hot) {
      if (h.gen > this.shownGen) continue;
      this.hot.delete(id);
      this.map.setFeatureState({ source: FIELDS_SOURCE, id }, { stale: false });
      n++;
    }
    if (n) this.pushHot();
  }

  /** Fields drawn from the hot source now (tests, bench). */
  get hotCount(): number {
    return this.hot.size;
  }

  setState(id: string, state: Record<string, unknown>): void {
    this.map.setFeatureState({ source: FIELDS_SOURCE, id }, state);
    if (this.hot.has(id)) this.map.setFeatureState({ source: HOT_SOURCE, id }, state);
  }

  staging(features: StagingFeature[]): void {
    this.map.getSource<GeoJSONSource>(STAGING_SOURCE)?.setData(sourceData({ type: 'FeatureCollection', features }));
  }

  handles(fields: readonly Field[]): void {
    const features: unknown[] = [];
    for (const f of fields) {
      f.geometry.coordinates.forEach((ring, r) => {
        for (let i = 0; i < ring.length - 1; i++) {
          const a = ring[i]!;
          const b = ring[i + 1]!;
          features.push({ type: 'Feature', properties: { kind: 'vertex', fid: f.id, ring: r, index: i }, geometry: { type: 'Point', coordinates: a } });
          features.push({ type: 'Feature', properties: { kind: 'mid', fid: f.id, ring: r, index: i }, geometry: { type: 'Point', coordinates: [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2] } });
        }
      });
    }
    this.map.getSource<GeoJSONSource>(HANDLES_SOURCE)?.setData(sourceData({ type: 'FeatureCollection', features }));
  }
}
