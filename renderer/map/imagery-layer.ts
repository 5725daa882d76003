/**
 * The imagery of the open site: one MapLibre raster source per scene (`imagery:<id>`) and, when
 * the cloud mask is on, one per scene's UDM2 (`mask:<id>`), tiles from `tileUrlTemplate` with the
 * shared image style (compare/image-style.ts). Only the layers on screen are visible, so only
 * their tiles load; a style change rewrites their tile URLs.
 *
 * The stack, bottom to top, under the site overlays:
 *   off:     A, mask A
 *   flicker: B (opacity 0: its tiles load, so a flip is instant), A, mask A
 *   swipe:   A, mask A, [clip on] B, mask B, [clip off]   (B only right of the divider)
 * where A is the scene on screen (`sceneId`) and B the comparison date.
 */
import type { Map as MlMap, RasterTileSource } from 'maplibre-gl';
import type { SceneSummary } from '../../src/common/api/contract';
import { tileUrlTemplate } from '../../src/common/api/tiles';
import { bandTriple, bandsLabel, tileOptionsFor, type BandMode, type CompareMode, type ImageStyle } from '../compare/image-style';
import { CLIP_OFF_LAYER, CLIP_ON_LAYER, SwipeClip } from '../compare/swipe-clip';

export const IMAGERY_PREFIX = 'imagery:';
export const MASK_PREFIX = 'mask:';

/** The RGB triple of a band mode with the default custom triple (status text, tests). */
export function bandsFor(mode: BandMode): [number, number, number] {
  return bandTriple(mode, { custom: [4, 3, 2] });
}

export { bandsLabel };

export interface ImageryView {
  /** The scene on screen (A). */
  sceneId: string | null;
  /** The comparison date (B), shown when `compare` is not 'off'. */
  sceneB: string | null;
  compare: CompareMode;
  bands: BandMode;
  image: ImageStyle;
}

export class ImageryLayer {
  private scenes: SceneSummary[] = [];
  /** The tile URL each source currently uses. */
  private readonly urls = new Map<string, string>();
  /** The layer ids of the last stack, bottom to top (skip reordering when unchanged). */
  private stack = '';
  readonly clip: SwipeClip;

  constructor(
    private readonly map: MlMap,
    private readonly tileBase: string,
    /** The layer the imagery goes under (the site overlays). */
    beforeId: string,
  ) {
    this.clip = new SwipeClip(map);
    // clip-off is the permanent top of the imagery stack; the raster layers go under it.
    map.addLayer(this.clip.off, beforeId);
    map.addLayer(this.clip.on, CLIP_OFF_LAYER);
  }

  /** Replaces the scenes (a new site opened). */
  setScenes(scenes: SceneSummary[]): void {
    for (const s of this.scenes) {
      for (const id of [IMAGERY_PREFIX + s.id, MASK_PREFIX + s.id]) {
        if (this.map.getLayer(id)) this.map.removeLayer(id);
        if (this.map.getSource(id)) this.map.removeSource(id);
      }
    }
    this.urls.clear();
    this.stack = '';
    this.scenes = scenes;
  }

  /** Shows the view's scene(s) in its style (no scene: no imagery). */
  show(view: ImageryView): void {
    const A = this.scenes.find((s) => s.id === view.sceneId) ?? null;
    const B = view.compare !== 'off' ? (this.scenes.find((s) => s.id === view.sceneB && s.id !== view.sceneId) ?? null) : null;
    const mask = (s: SceneSummary | null) => (s && view.image.mask && s.hasMask ? MASK_PREFIX + s.id : null);
    const order: (string | null)[] =
      !A ? [] : !B ? [IMAGERY_PREFIX + A.id, mask(A)] : view.compare === 'flicker' ? [IMAGERY_PREFIX + B.id, IMAGERY_PREFIX + A.id, mask(A)] : [IMAGERY_PREFIX + A.id, mask(A), CLIP_ON_LAYER, IMAGERY_PREFIX + B.id, mask(B)];
    const visible = order.filter((x): x is string => x !== null);
    for (const s of this.scenes) {
      this.ensure(IMAGERY_PREFIX + s.id, s, visible, () => tileUrlTemplate(this.tileBase, s.id, tileOptionsFor(view.bands, view.image, s)));
      this.ensure(MASK_PREFIX + s.id, s, visible, () => tileUrlTemplate(this.tileBase, s.id, { mode: 'mask' }));
    }
    if (B && view.compare === 'flicker') this.map.setPaintProperty(IMAGERY_PREFIX + B.id, 'raster-opacity', 0);
    if (A) this.map.setPaintProperty(IMAGERY_PREFIX + A.id, 'raster-opacity', 1);
    if (B && view.compare === 'swipe') this.map.setPaintProperty(IMAGERY_PREFIX + B.id, 'raster-opacity', 1);
    const key = visible.join('|');
    if (key !== this.stack) {
      // Each moved layer lands right under clip-off, so moving bottom to top builds the order.
      for (const id of visible) if (id !== CLIP_ON_LAYER) this.map.moveLayer(id, CLIP_OFF_LAYER);
      if (!visible.includes(CLIP_ON_LAYER)) this.map.moveLayer(CLIP_ON_LAYER, CLIP_OFF_LAYER);
      else {
        const bId = IMAGERY_PREFIX + B!.id;
        this.map.moveLayer(CLIP_ON_LAYER, bId);
      }
      this.stack = key;
    }
    if (!(B && view.compare === 'swipe')) this.clip.set(null);
  }

  /** Creates, shows or hides one raster layer; its URL is rewritten only when visible and changed. */
  private ensure(id: string, scene: SceneSummary, visible: string[], url: () => string): void {
    const on = visible.includes(id);
    if (!on) {
      if (this.map.getLayer(id)) this.map.setLayoutProperty(id, 'visibility', 'none');
      return;
    }
    const u = url();
    const source = this.map.getSource<RasterTileSource>(id);
    if (!source) {
      this.map.addSource(id, { type: 'raster', tiles: [u], tileSize: 256, bounds: scene.bounds4326, minzoom: 0, maxzoom: 18 });
      this.map.addLayer({ id, type: 'raster', source: id, paint: { 'raster-fade-duration': 0, 'raster-resampling': id.startsWith(MASK_PREFIX) ? 'nearest' : 'linear' } }, CLIP_OFF_LAYER);
    } else {
      this.map.setLayoutProperty(id, 'visibility', 'visible');
      if (this.urls.get(id) !== u) source.setTiles([u]);
    }
    this.urls.set(id, u);
  }

  /** The swipe divider, CSS pixels from the map's left edge (null: no clip). */
  setSwipe(x: number | null): void {
    this.clip.set(x);
  }

  /** The tile URL template on screen (for the status bar and tests). */
  currentUrl(sceneId: string | null): string | null {
    return sceneId ? (this.urls.get(IMAGERY_PREFIX + sceneId) ?? null) : null;
  }
}
