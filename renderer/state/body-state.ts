/**
 * Mirrors the view state into `document.body.dataset` (the hooks end-to-end tests and the
 * benchmark wait on: siteId, sceneId, sceneCount, bands, labels, connection, sitesLoaded) and
 * into the app bar's campaign and user lines and the empty-map hint.
 */
import { bandsLabel } from '../map/imagery-layer';
import { plural } from '../ui/format';
import type { Store } from './store';

export interface BodyStateTargets {
  campaign: HTMLElement;
  user: HTMLElement;
  empty: HTMLElement;
}

export function mirrorStateToBody(store: Store, t: BodyStateTargets): void {
  const body = document.body;
  store.subscribe((s, prev) => {
    if (s.info !== prev.info) {
      const c = s.info?.campaign;
      t.campaign.textContent = c ? `${c.name}  ·  ${plural(c.sites, 'site')}  ·  ${plural(c.labellers, 'labeller')}` : 'No campaign';
      t.user.textContent = s.info ? `${s.info.user.name} (${s.info.user.role})` : '';
    }
    if (s.site !== prev.site) {
      t.empty.hidden = !!s.site;
      if (s.site) body.dataset['siteId'] = s.site.id;
      else delete body.dataset['siteId'];
      body.dataset['sceneCount'] = String(s.site?.scenes.length ?? 0);
    }
    if (s.sceneId !== prev.sceneId) {
      if (s.sceneId) body.dataset['sceneId'] = s.sceneId;
      else delete body.dataset['sceneId'];
    }
    if (s.bands !== prev.bands || s.image !== prev.image) body.dataset['bands'] = bandsLabel(s.bands, s.image);
    if (s.labels !== prev.labels) body.dataset['labels'] = String(s.labels?.features.length ?? 0);
    if (s.connection !== prev.connection) body.dataset['connection'] = s.connection;
    if (s.sitesLoading !== prev.sitesLoading) body.dataset['sitesLoaded'] = String(!s.sitesLoading);
  });
  body.dataset['bands'] = bandsLabel(store.state.bands, store.state.image);
  body.dataset['connection'] = store.state.connection;
}
