/**
 * One MapLibre raster source per scene of the open site (`scene:<id>`), tiles from
 * `tileUrlTemplate(tileBase, scene, {bands})`. Only the chosen scene's layer is visible, so only
 * its tiles load; switching bands rewrites that source's tile URL.
 */
import type { Map as MlMap, RasterTileSource } from 'maplibre-gl';
import type { SceneSummary } from '../../src/common/api/contract';
import { DEFAULT_BANDS, FALSE_COLOUR_BANDS, tileUrlTemplate } from '../../src/common/api/tiles';
import type { BandMode } from '../state/store';

export const IMAGERY_PREFIX = 'imagery:';

export function bandsFor(mode: BandMode): [number, number, number] {
  return mode === 'false' ? FALSE_COLOUR_BANDS : DEFAULT_BANDS;
}

export class ImageryLayer {
  private scenes: SceneSummary[] = [];
  /** The tile URL each source currently uses. */
  private readonly urls = new Map<string, string>();

  constructor(
    private readonly map: MlMap,
    private readonly tileBase: string,
    /** The layer the imagery goes under (the site overlays). */
    private readonly beforeId: string,
  ) {}

  /** Replaces the scenes (a new site opened). */
  setScenes(scenes: SceneSummary[]): void {
    for (const s of this.scenes) {
      const id = IMAGERY_PREFIX + s.id;
      if (this.map.getLayer(id)) this.map.removeLayer(id);
      if (this.map.getSource(id)) this.map.removeSource(id);
    }
    this.urls.clear();
    this.scenes = scenes;
  }

  /** Shows one scene with the given bands (null: no imagery). */
  show(sceneId: string | null, mode: BandMode): void {
    for (const s of this.scenes) {
      const id = IMAGERY_PREFIX + s.id;
      const visible = s.id === sceneId;
      if (!visible) {
        if (this.map.getLayer(id)) this.map.setLayoutProperty(id, 'visibility', 'none');
        continue;
      }
      const bands = bandsFor(mode).filter((b) => b <= s.bands) as number[];
      // A scene with fewer than 4 bands cannot show false colour: fall back to its own bands.
      const usable: [number, number, number] = bands.length === 3 ? (bands as [number, number, number]) : DEFAULT_BANDS;
      const url = tileUrlTemplate(this.tileBase, s.id, { bands: usable });
      const source = this.map.getSource<RasterTileSource>(id);
      if (!source) {
        this.map.addSource(id, {
          type: 'raster',
          tiles: [url],
          tileSize: 256,
          bounds: s.bounds4326,
          minzoom: 0,
          maxzoom: 18,
        });
        this.map.addLayer(
          {
            id,
            type: 'raster',
            source: id,
            paint: { 'raster-fade-duration': 0, 'raster-resampling': 'linear' },
          },
          this.beforeId,
        );
      } else {
        this.map.setLayoutProperty(id, 'visibility', 'visible');
        if (this.urls.get(id) !== url) source.setTiles([url]);
      }
      this.urls.set(id, url);
    }
  }

  /** The tile URL template on screen (for the status bar and tests). */
  currentUrl(sceneId: string | null): string | null {
    return sceneId ? (this.urls.get(IMAGERY_PREFIX + sceneId) ?? null) : null;
  }
}
