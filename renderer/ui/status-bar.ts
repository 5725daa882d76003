/**
 * The status bar: connection indicator, cursor lon/lat (5 decimals), zoom, the scene's date,
 * CRS and bands, and whether the view's tiles are loaded.
 */
import type { ConnectionState } from '../api/connection';
import { bandsLabel } from '../map/imagery-layer';
import { currentScene, type Store, type ViewState } from '../state/store';
import { h } from './dom';
import { coord, shortDate } from './format';

const CONNECTION_TEXT: Record<ConnectionState, string> = {
  connecting: 'Connecting',
  online: 'Connected',
  reconnecting: 'Reconnecting',
  offline: 'Offline',
};

function field(label: string, id: string, cls = ''): [HTMLElement, HTMLElement] {
  const value = h('span', { class: 'sb-value', id });
  return [h('span', { class: `sb-field ${cls}` }, h('span', { class: 'sb-label' }, label), value), value];
}

export class StatusBar {
  readonly el: HTMLElement;
  private readonly conn: HTMLElement;
  private readonly lonLat: HTMLElement;
  private readonly zoom: HTMLElement;
  private readonly date: HTMLElement;
  private readonly crs: HTMLElement;
  private readonly bandsEl: HTMLElement;
  private readonly load: HTMLElement;

  constructor(store: Store, host: string) {
    this.conn = h('span', { class: 'sb-conn', id: 'connection', 'data-state': 'connecting' }, h('span', { class: 'dot' }), h('span', { class: 'sb-conn-text' }));
    const [lonLatF, lonLat] = field('Lon, Lat', 'sb-cursor', 'sb-cursor');
    const [zoomF, zoom] = field('Zoom', 'sb-zoom');
    const [dateF, date] = field('Scene', 'sb-date');
    const [crsF, crs] = field('CRS', 'sb-crs');
    const [bandsF, bandsEl] = field('Bands', 'sb-bands');
    this.lonLat = lonLat;
    this.zoom = zoom;
    this.date = date;
    this.crs = crs;
    this.bandsEl = bandsEl;
    this.load = h('span', { class: 'sb-load', id: 'sb-load', 'data-state': 'idle' });
    this.el = h(
      'footer',
      { class: 'statusbar' },
      this.conn,
      h('span', { class: 'sb-host' }, host),
      h('span', { class: 'sb-sep' }),
      lonLatF,
      zoomF,
      h('span', { class: 'sb-spacer' }),
      dateF,
      crsF,
      bandsF,
      h('span', { class: 'sb-sep' }),
      this.load,
    );
    this.lonLat.textContent = '-';
    store.subscribe((s, prev) => this.render(s, prev));
    this.render(store.state, null);
  }

  private render(s: ViewState, prev: ViewState | null): void {
    if (!prev || s.connection !== prev.connection) {
      this.conn.dataset['state'] = s.connection;
      this.conn.querySelector('.sb-conn-text')!.textContent = CONNECTION_TEXT[s.connection];
      this.conn.title = `Service events: ${CONNECTION_TEXT[s.connection].toLowerCase()}`;
    }
    const scene = currentScene(s);
    this.date.textContent = scene ? `${shortDate(scene.date)}${scene.season ? ` ${scene.season}` : ''}` : '-';
    this.date.title = scene ? `${scene.id}: ${scene.kind}, ${scene.width}x${scene.height} px` : '';
    this.crs.textContent = scene?.crs ?? '-';
    this.bandsEl.textContent = scene ? bandsLabel(s.bands, s.image) : '-';
  }

  setCursor(lngLat: { lng: number; lat: number } | null): void {
    this.lonLat.textContent = lngLat ? `${coord(lngLat.lng)}, ${coord(lngLat.lat)}` : '-';
  }

  setZoom(z: number): void {
    this.zoom.textContent = z.toFixed(2);
  }

  setLoading(state: 'loading' | 'ready' | 'idle' | 'error', text?: string): void {
    this.load.dataset['state'] = state;
    this.load.textContent = text ?? (state === 'loading' ? 'Loading tiles' : state === 'ready' ? 'Ready' : state === 'error' ? 'Tile errors' : '');
  }
}
