/**
 * The review panel's two synchronised maps over the same imagery: left the labeller's map,
 * right the reference (Class 1), the consensus with an optional risk map (Class 4), or nothing
 * (a Class 2 map: the left map alone, with a note). Both are made by `createMap` (map-view.ts:
 * worker URL, preserved drawing buffer, tokens on tile requests) with the main map's layers:
 * the site frame (site-layers.ts), labels by category (label-layers.ts), the imagery stack
 * (imagery-layer.ts) and, right, the consensus / risk layers (quality-layers.ts). Panning or
 * zooming one moves the other. Each pane carries data-ready ("true" once its tiles are in);
 * `window.__fieldmarkReviewMaps` holds [left, right] with `?test=1`.
 */
import type { GeoJSONSource, Map as MlMap } from 'maplibre-gl';
import type { Category, ConsensusDetail, LabelCollection, ReferenceCollection, SiteDetail } from '../../src/common/api/contract';
import { bboxOf } from '../../src/common/geo/geojson';
import type { BandMode, ImageStyle } from '../compare/image-style';
import { ImageryLayer } from '../map/imagery-layer';
import { EMPTY_COLLECTION, sourceData } from '../map/geojson-data';
import { LABEL_SOURCE, LabelLayers } from '../map/label-layers';
import { createMap, whenStyleLoaded } from '../map/map-view';
import { SITE_DIM_LAYER, SiteLayers } from '../map/site-layers';
import { QualityLayers } from '../quality/quality-layers';
import { h } from '../ui/dom';

declare global {
  interface Window {
    /** The review panel's [left, right] maps, only with `?test=1` in the page URL. */
    __fieldmarkReviewMaps?: MlMap[];
  }
}

export type RightSide = { kind: 'reference'; labels: ReferenceCollection } | { kind: 'consensus'; detail: ConsensusDetail; risk: boolean } | { kind: 'none'; note: string };

export interface ReviewMapContent {
  site: SiteDetail;
  sceneId: string | null;
  bands: BandMode;
  image: ImageStyle;
  categories: readonly Category[];
  left: LabelCollection;
  leftCaption: string;
  right: RightSide;
}

interface Pane {
  el: HTMLElement;
  caption: HTMLElement;
  map: MlMap;
  ready: Promise<{ site: SiteLayers; labels: LabelLayers; imagery: ImageryLayer; quality: QualityLayers }>;
}

export class ReviewMaps {
  readonly el: HTMLElement;
  private panes: [Pane, Pane] | null = null;
  private syncing = false;
  private seq = 0;
  private lastSite: string | null = null;

  constructor(
    private readonly tileBase: string,
    private readonly token: string | null,
    private readonly onError: (message: string) => void,
  ) {
    this.el = h('div', { class: 'rv-maps', id: 'review-maps' });
  }

  private makePane(side: 'left' | 'right'): Pane {
    const caption = h('div', { class: 'rv-map-caption', id: `review-map-${side}-caption` });
    const box = h('div', { class: 'rv-map-canvas' });
    const el = h('div', { class: `rv-map rv-map-${side}`, id: `review-map-${side}`, 'data-ready': 'false' }, box, caption);
    this.el.append(el);
    const map = createMap({ container: box, tileBase: this.tileBase, token: this.token });
    map.on('error', (e) => this.onError(`Review map (${side}): ${(e as unknown as { error?: { message?: string } }).error?.message ?? 'error'}`));
    new ResizeObserver(() => map.resize()).observe(box);
    const ready = whenStyleLoaded(map).then(() => {
      const site = new SiteLayers(map);
      const labels = new LabelLayers(map);
      site.addOutlines();
      const imagery = new ImageryLayer(map, this.tileBase, SITE_DIM_LAYER);
      const quality = new QualityLayers(map, this.tileBase);
      return { site, labels, imagery, quality };
    });
    return { el, caption, map, ready };
  }

  /** Creates both maps (the panel must be in the document and laid out). */
  private ensure(): [Pane, Pane] {
    if (this.panes) return this.panes;
    const left = this.makePane('left');
    const right = this.makePane('right');
    this.panes = [left, right];
    const follow = (from: MlMap, to: MlMap) =>
      from.on('move', () => {
        if (this.syncing) return;
        this.syncing = true;
        try {
          to.jumpTo({ center: from.getCenter(), zoom: from.getZoom(), bearing: from.getBearing(), pitch: from.getPitch() });
        } finally {
          this.syncing = false;
        }
      });
    follow(left.map, right.map);
    follow(right.map, left.map);
    if (new URLSearchParams(window.location.search).get('test') === '1') window.__fieldmarkReviewMaps = [left.map, right.map];
    return this.panes;
  }

  /** Shows an item; resolves once both maps have drawn their tiles (or the view moved on). */
  async show(c: ReviewMapContent): Promise<void> {
    const seq = ++this.seq;
    const [left, right] = this.ensure();
    document.body.dataset['reviewMaps'] = 'loading';
    const single = c.right.kind === 'none';
    this.el.classList.toggle('is-single', single);
    right.el.hidden = single;
    const [L, R] = await Promise.all([left.ready, right.ready]);
    if (seq !== this.seq) return;
    const view = { sceneId: c.sceneId, sceneB: null, compare: 'off' as const, bands: c.bands, image: c.image };
    for (const [p, layers] of [
      [left, L],
      [right, R],
    ] as const) {
      p.map.resize();
      if (this.lastSite !== c.site.id) layers.imagery.setScenes(c.site.scenes);
      layers.imagery.show(view);
      layers.site.setSite(c.site);
      layers.labels.setCategories(c.categories);
      p.el.dataset['ready'] = 'false';
    }
    L.labels.setLabels(c.left);
    left.caption.textContent = c.leftCaption;
    left.el.dataset['features'] = String(c.left.features.length);
    const r = c.right;
    // The reference has the labels' `category`, so it is drawn like the labeller's map.
    right.map.getSource<GeoJSONSource>(LABEL_SOURCE)?.setData(sourceData(r.kind === 'reference' ? r.labels : EMPTY_COLLECTION));
    R.quality.setConsensus(r.kind === 'consensus' ? r.detail.consensus : null, r.kind === 'consensus');
    R.quality.setRisk(r.kind === 'consensus' ? c.site.id : null, r.kind === 'consensus' ? r.detail.method : 'bayes', c.site.bbox, r.kind === 'consensus' && r.risk);
    right.caption.textContent = r.kind === 'reference' ? `Reference: ${r.labels.features.length} polygon${r.labels.features.length === 1 ? '' : 's'}` : r.kind === 'consensus' ? `Consensus (${r.detail.method})${r.risk ? ' with the risk map' : ''}` : '';
    right.el.dataset['kind'] = r.kind;
    right.el.dataset['features'] = r.kind === 'reference' ? String(r.labels.features.length) : r.kind === 'consensus' ? '1' : '0';
    if (this.lastSite !== c.site.id) {
      const [minX, minY, maxX, maxY] = bboxOf(c.site.context);
      left.map.fitBounds(
        [
          [minX, minY],
          [maxX, maxY],
        ],
        { padding: 16, animate: false },
      );
      this.lastSite = c.site.id;
    }
    await Promise.all([this.settled(left), single ? Promise.resolve() : this.settled(right)]);
    if (seq === this.seq) document.body.dataset['reviewMaps'] = 'ready';
  }

  /** Resolves when the pane's map is idle with every tile loaded. */
  private settled(p: Pane): Promise<void> {
    return new Promise((resolve) => {
      const check = () => {
        if (p.map.loaded() && p.map.areTilesLoaded()) {
          p.map.off('idle', check);
          p.el.dataset['ready'] = 'true';
          resolve();
        }
      };
      p.map.on('idle', check);
      p.map.triggerRepaint();
    });
  }

  /** The maps' containers were shown again (tab switch): fit their canvases. */
  resize(): void {
    for (const p of this.panes ?? []) p.map.resize();
  }
}
