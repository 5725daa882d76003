/**
 * Creates the MapLibre map: a blank dark style (no glyphs, sprites or network), the worker
 * loaded from beside the page (CSP: `worker-src 'self' blob:`), a preserved drawing buffer so
 * screenshots read real pixels, and Bearer tokens added to tile requests.
 */
import * as maplibregl from 'maplibre-gl';

export const MAP_BACKGROUND = '#0b0e12';

/** MapLibre 6 ships its worker as an ES module next to `maplibre-gl.mjs`; the build copies it beside the page. */
export const WORKER_FILE = 'maplibre-gl-worker.mjs';

export interface MapViewOptions {
  container: HTMLElement;
  tileBase: string;
  token: string | null;
}

export function createMap(opts: MapViewOptions): maplibregl.Map {
  // Resolved against the page (http://host/ or app://fieldmark/): MapLibre's own guess uses
  // import.meta.url, which is the bundle and is not http(s) under Electron.
  maplibregl.setWorkerUrl(new URL(WORKER_FILE, document.baseURI).href);
  // At least two workers: the editor's small hot source must not queue behind the big field
  // source's re-tiling (MapLibre's default on a 2-core machine is one worker).
  maplibregl.setWorkerCount(Math.max(2, Math.min(4, Math.floor((navigator.hardwareConcurrency || 2) / 2))));
  const tilePrefix = `${opts.tileBase}/tiles/`;
  const riskPrefix = `${opts.tileBase}/risk/`;
  const map = new maplibregl.Map({
    container: opts.container,
    style: {
      version: 8,
      sources: {},
      layers: [{ id: 'background', type: 'background', paint: { 'background-color': MAP_BACKGROUND } }],
    },
    center: [0, 0],
    zoom: 1,
    maxZoom: 21,
    fadeDuration: 0,
    attributionControl: false,
    dragRotate: false,
    pitchWithRotate: false,
    touchPitch: false,
    canvasContextAttributes: { antialias: true, preserveDrawingBuffer: true },
    transformRequest: (url) => {
      if (opts.token && (url.startsWith(tilePrefix) || url.startsWith(riskPrefix))) {
        return { url, headers: { Authorization: `Bearer ${opts.token}` } };
      }
      return undefined;
    },
  });
  map.touchZoomRotate.disableRotation();
  map.keyboard.disableRotation();
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
  map.addControl(new maplibregl.ScaleControl({ unit: 'metric', maxWidth: 120 }), 'bottom-right');
  return map;
}

/** Resolves once the style is loaded (immediately if it already is). */
export function whenStyleLoaded(map: maplibregl.Map): Promise<void> {
  if (map.isStyleLoaded()) return Promise.resolve();
  return new Promise((resolve) => map.once('load', () => resolve()));
}
