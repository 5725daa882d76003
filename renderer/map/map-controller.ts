/**
 * Keeps the map in step with the view state: imagery of the chosen scene and bands, the site
 * frame, the labels and the labeller filter; fits the context window when a site opens. Reports
 * tile loading through `onLoading` and `body[data-ready]`: "false" from a view change until the
 * map's `idle` after it (all tiles of the view loaded), then "true".
 */
import type { Map as MlMap, MapSourceDataEvent } from 'maplibre-gl';
import type { SiteSummary } from '../../src/common/api/contract';
import { bboxOf } from '../../src/common/geo/geojson';
import type { Store, ViewState } from '../state/store';
import { IMAGERY_PREFIX, ImageryLayer } from './imagery-layer';
import { EditLayers } from './edit-layers';
import { LabelLayers } from './label-layers';
import { SITE_DIM_LAYER, SiteLayers } from './site-layers';
import { whenStyleLoaded } from './map-view';

export type LoadingState = 'loading' | 'ready' | 'error';

export interface MapControllerHooks {
  onLoading(state: LoadingState, text?: string): void;
  onTileError(message: string): void;
}

export class MapController {
  /** The imagery stack (public for the swipe divider, renderer/compare/). */
  imagery!: ImageryLayer;
  private site!: SiteLayers;
  private labels!: LabelLayers;
  /** The editor's layers (on top of everything); set once the style has loaded. */
  edit: EditLayers | null = null;
  /** Resolves once the style has loaded and every layer exists. */
  readonly ready: Promise<void>;
  private loaded = false;
  /** A view change was applied; the next `idle` means its tiles are in. */
  private awaitingIdle = false;
  private tileErrors = 0;

  constructor(
    readonly map: MlMap,
    private readonly store: Store,
    private readonly tileBase: string,
    private readonly hooks: MapControllerHooks,
  ) {
    this.ready = whenStyleLoaded(map).then(() => this.init());
    map.on('idle', () => this.onIdle());
    map.on('error', (e) => this.onError(e as { error?: unknown; sourceId?: string }));
    map.on('dataloading', (e) => {
      const ev = e as MapSourceDataEvent;
      if (ev.sourceId?.startsWith(IMAGERY_PREFIX) && ev.tile && this.loaded) this.hooks.onLoading('loading');
    });
  }

  private init(): void {
    this.site = new SiteLayers(this.map);
    this.labels = new LabelLayers(this.map);
    this.site.addOutlines();
    this.edit = new EditLayers(this.map);
    this.imagery = new ImageryLayer(this.map, this.tileBase, SITE_DIM_LAYER);
    this.loaded = true;
    this.store.subscribe((s, prev) => this.apply(s, prev));
    this.apply(this.store.state, null);
  }

  /** Marks the view as changing: data-ready goes false until the next idle. */
  private viewChanged(): void {
    this.tileErrors = 0;
    document.body.dataset['ready'] = 'false';
    this.awaitingIdle = true;
    this.hooks.onLoading('loading');
    this.map.triggerRepaint();
  }

  private apply(s: ViewState, prev: ViewState | null): void {
    let changed = false;
    if (!prev || s.info !== prev.info) this.labels.setCategories(s.info?.campaign?.categories ?? []);
    if (!prev || s.site !== prev.site) {
      this.imagery.setScenes(s.site?.scenes ?? []);
      this.site.setSite(s.site);
      if (s.site && (!prev || s.site.id !== prev.site?.id)) this.fit(s.site);
      changed = true;
    }
    if (!prev || changed || s.sceneId !== prev.sceneId || s.bands !== prev.bands || s.image !== prev.image || s.compare !== prev.compare) {
      this.imagery.show({ sceneId: s.sceneId, sceneB: s.compare.sceneB, compare: s.compare.mode, bands: s.bands, image: s.image });
      changed = true;
    }
    if (!prev || s.labels !== prev.labels) {
      this.labels.setLabels(s.labels);
      changed = true;
    }
    if (!prev || s.assignmentId !== prev.assignmentId || s.labels !== prev.labels) {
      const shown = s.assignmentId === null ? new Set(s.labels?.features.map((f) => f.properties.assignmentId)).size : 1;
      this.labels.setAssignment(s.assignmentId, shown);
    }
    if (!prev || s.labelsVisible !== prev.labelsVisible) this.labels.setVisible(s.labelsVisible);
    if (changed && s.site) this.viewChanged();
  }

  fit(site: SiteSummary | null = this.store.state.site): void {
    if (!site) return;
    const [minX, minY, maxX, maxY] = bboxOf(site.context);
    this.map.fitBounds(
      [
        [minX, minY],
        [maxX, maxY],
      ],
      { padding: 28, animate: false },
    );
  }

  /** The raster tile URL template of the scene on screen. */
  currentTileUrl(): string | null {
    return this.loaded ? this.imagery.currentUrl(this.store.state.sceneId) : null;
  }

  private onIdle(): void {
    if (!this.loaded) return;
    if (!this.map.areTilesLoaded()) return;
    if (this.tileErrors > 0) this.hooks.onLoading('error', `${this.tileErrors} tile${this.tileErrors === 1 ? '' : 's'} failed`);
    else this.hooks.onLoading('ready');
    if (this.awaitingIdle && this.store.state.site) {
      this.awaitingIdle = false;
      document.body.dataset['ready'] = 'true';
    }
  }

  private onError(e: { error?: unknown; sourceId?: string }): void {
    const err = e.error;
    const message = err instanceof Error ? err.message : String(err ?? 'unknown map error');
    if (e.sourceId?.startsWith(IMAGERY_PREFIX)) {
      this.tileErrors += 1;
      this.hooks.onTileError(`Imagery tiles of ${e.sourceId.slice(IMAGERY_PREFIX.length)} failed to load: ${message}`);
      return;
    }
    this.hooks.onTileError(`Map: ${message}`);
  }
}
