/**
 * Label quality in the app (issue 7), wired in one place: the Quality tables (staff), the
 * consensus panel of a Class 4 site (staff: risk map, consensus, each labeller's map, figures)
 * and the feedback panel of a Class 1 map (a labeller after submitting; staff for any labeller),
 * with their map layers once the map is ready; the view's Review tab (renderer/review/) holds the
 * supervisor's review queue and panel. The app places `button`, `panels` and `overlay`.
 */
import type { Map as MlMap } from 'maplibre-gl';
import type { FieldmarkEvent } from '../../src/common/api/events';
import type { FieldmarkApi } from '../../src/common/api/contract';
import type { Store } from '../state/store';
import { ConsensusPanel } from './consensus-panel';
import { FeedbackPanel } from './feedback-panel';
import { QualityLayers } from './quality-layers';
import { QualityView } from './quality-view';

export interface QualityUiDeps {
  store: Store;
  api: FieldmarkApi;
  tileBase: string;
  /** Bearer token for tile requests (the review maps), null without one */
  token: string | null;
  openSite(id: string): void;
  problem(message: string): void;
}

export class QualityUi {
  readonly view: QualityView;
  readonly consensus: ConsensusPanel;
  readonly feedback: FeedbackPanel;
  private layers: QualityLayers | null = null;

  constructor(private readonly deps: QualityUiDeps) {
    this.view = new QualityView(deps.store, deps.api, { openSite: deps.openSite, problem: deps.problem }, { tileBase: deps.tileBase, token: deps.token });
    this.consensus = new ConsensusPanel(deps.store, deps.api);
    this.feedback = new FeedbackPanel(deps.store, deps.api);
  }

  /** The app bar button (staff only). */
  get button(): HTMLElement {
    return this.view.button;
  }

  /** Sidebar sections. */
  get panels(): HTMLElement[] {
    return [this.consensus.el, this.feedback.el];
  }

  /** Over the map. */
  get overlay(): HTMLElement {
    return this.view.el;
  }

  /** The map's style has loaded (and the site layers exist). */
  attach(map: MlMap): void {
    const layers = new QualityLayers(map, this.deps.tileBase);
    this.layers = layers;
    this.consensus.attach(layers);
    this.feedback.attach({ setFeedback: (f, show) => layers.setFeedback(f?.reference ?? null, f?.labels ?? null, show) });
  }

  /** Service events: a submission or review changes feedback; a consensus run changes risk. */
  onEvent(ev: FieldmarkEvent): void {
    if (ev.type !== 'changed') return;
    const site = this.deps.store.state.site;
    if (ev.entity === 'assignments' && site) {
      void this.deps.api.getSite(site.id).then(
        (fresh) => this.feedback.refresh(fresh),
        () => undefined,
      );
    }
    if ((ev.entity === 'sites' || ev.entity === 'campaign') && this.view.open) void this.view.load();
    if (ev.entity === 'sites' || ev.entity === 'campaign') this.consensus.reload();
  }

  get ready(): boolean {
    return this.layers !== null;
  }
}
