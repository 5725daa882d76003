/**
 * The map toolbar: the open site's id, class and status; the scene date picker (when the site
 * has several scenes); true / false colour (key F) and NDVI; label visibility (key L); fit to the
 * context window (key Z). The labeller filter lives in the site panel; compare and image-style
 * controls come from renderer/compare and ui/image-controls.ts (`extras`).
 */
import type { SceneSummary, SiteDetail } from '../../src/common/api/contract';
import { canNdvi } from '../compare/image-style';
import type { BandMode, Store, ViewState } from '../state/store';
import { clear, h, icon } from './dom';
import { CLASS_LETTER, CLASS_TITLE, shortDate } from './format';

export interface ToolbarActions {
  setScene(id: string): void;
  setBands(mode: BandMode): void;
  setLabelsVisible(v: boolean): void;
  fitSite(): void;
}

/** Controls other modules add to the toolbar (compare dates, image style). */
export interface ToolbarExtras {
  afterDates?: Node[];
  afterBands?: Node[];
}

export class Toolbar {
  readonly el: HTMLElement;
  private readonly title: HTMLElement;
  private readonly dates: HTMLElement;
  private readonly bands: HTMLElement;
  private readonly labelsBtn: HTMLButtonElement;
  private readonly fitBtn: HTMLButtonElement;

  constructor(
    private readonly store: Store,
    private readonly actions: ToolbarActions,
    extras: ToolbarExtras = {},
  ) {
    this.title = h('div', { class: 'tb-title' });
    this.dates = h('div', { class: 'tb-group tb-dates', id: 'date-picker' });
    this.bands = h(
      'div',
      { class: 'seg', role: 'group', 'aria-label': 'Band combination', id: 'band-toggle' },
      this.bandButton('true', 'True colour', 'Bands 3,2,1 (R,G,B)'),
      this.bandButton('false', 'False colour', 'Bands 4,3,2 (NIR,R,G): vegetation shows red'),
      this.bandButton('ndvi', 'NDVI', 'NDVI (NIR - R) / (NIR + R) through a colour ramp: brown bare, green vegetation'),
    );
    this.labelsBtn = h(
      'button',
      {
        type: 'button',
        class: 'tb-btn',
        id: 'labels-toggle',
        title: 'Show or hide labels (L)',
        onclick: () => this.actions.setLabelsVisible(!this.store.state.labelsVisible),
      },
      icon('eye'),
      h('span', { class: 'tb-btn-text' }, 'Labels'),
    );
    this.fitBtn = h('button', { type: 'button', class: 'tb-btn', title: 'Fit the context window (Z)', onclick: () => this.actions.fitSite() }, icon('fit'));
    this.el = h(
      'div',
      { class: 'toolbar', role: 'toolbar', 'aria-label': 'Map tools' },
      this.title,
      h('div', { class: 'tb-sep' }),
      this.dates,
      ...(extras.afterDates ?? []),
      h('div', { class: 'tb-group' }, this.bands, h('kbd', { class: 'kbd', title: 'Toggle with F' }, 'F')),
      ...(extras.afterBands ?? []),
      h('div', { class: 'tb-spacer' }),
      h('div', { class: 'tb-group' }, this.labelsBtn),
      h('div', { class: 'tb-sep' }),
      this.fitBtn,
    );
    store.subscribe((s, prev) => this.render(s, prev));
    this.render(store.state, null);
  }

  private bandButton(mode: BandMode, text: string, title: string): HTMLButtonElement {
    return h('button', { type: 'button', class: 'seg-btn', 'data-bands': mode, title: mode === 'ndvi' ? title : `${title}. Key: F`, onclick: () => this.actions.setBands(mode) }, text);
  }

  private render(s: ViewState, prev: ViewState | null): void {
    const site = s.site;
    this.el.classList.toggle('is-empty', !site);
    if (!prev || s.site !== prev.site) this.renderTitle(site);
    if (!prev || s.site !== prev.site || s.sceneId !== prev.sceneId) this.renderDates(site?.scenes ?? [], s.sceneId);
    for (const b of this.bands.querySelectorAll<HTMLButtonElement>('.seg-btn')) {
      b.setAttribute('aria-pressed', String(b.dataset['bands'] === s.bands));
      b.disabled = !site;
    }
    const falseOk = (site?.scenes.find((x) => x.id === s.sceneId)?.bands ?? 4) >= 4;
    const falseBtn = this.bands.querySelector<HTMLButtonElement>('[data-bands="false"]');
    if (falseBtn && !falseOk) falseBtn.disabled = true;
    const scene = site?.scenes.find((x) => x.id === s.sceneId);
    const ndviBtn = this.bands.querySelector<HTMLButtonElement>('[data-bands="ndvi"]');
    if (ndviBtn && scene && !canNdvi(scene)) ndviBtn.disabled = true;
    this.labelsBtn.setAttribute('aria-pressed', String(s.labelsVisible));
    this.labelsBtn.disabled = !site;
    this.fitBtn.disabled = !site;
  }

  private renderTitle(site: SiteDetail | null): void {
    clear(this.title);
    if (!site) {
      this.title.append(h('span', { class: 'tb-placeholder' }, 'No site open'));
      return;
    }
    this.title.append(
      h('span', { class: `cls-badge cls-${CLASS_LETTER[site.cls]}`, title: CLASS_TITLE[site.cls] }, CLASS_LETTER[site.cls]),
      h('span', { class: 'tb-site-id' }, site.id),
      h('span', { class: `status status-${site.status.replace(/[^a-z_-]/gi, '')}` }, site.status),
    );
  }

  private renderDates(scenes: SceneSummary[], sceneId: string | null): void {
    clear(this.dates);
    if (scenes.length === 0) {
      this.dates.append(h('span', { class: 'tb-placeholder' }, this.store.state.site ? 'No imagery' : ''));
      return;
    }
    this.dates.append(icon('calendar'));
    if (scenes.length === 1) {
      const sc = scenes[0]!;
      this.dates.append(h('span', { class: 'tb-date-single', title: sceneTitle(sc) }, shortDate(sc.date)));
      return;
    }
    if (scenes.length <= 5) {
      const seg = h('div', { class: 'seg', role: 'radiogroup', 'aria-label': 'Scene date' });
      for (const sc of scenes) {
        seg.append(
          h(
            'button',
            {
              type: 'button',
              class: 'seg-btn',
              role: 'radio',
              'data-scene-id': sc.id,
              'aria-checked': String(sc.id === sceneId),
              'aria-pressed': String(sc.id === sceneId),
              title: `${sceneTitle(sc)}. Keys: [ and ]`,
              onclick: () => this.actions.setScene(sc.id),
            },
            shortDate(sc.date),
            sc.season ? h('span', { class: 'seg-count' }, sc.season) : null,
          ),
        );
      }
      this.dates.append(seg);
      return;
    }
    const sel = h('select', { class: 'select', 'aria-label': 'Scene date', onchange: () => this.actions.setScene(sel.value) });
    for (const sc of scenes) {
      sel.append(h('option', { value: sc.id, selected: sc.id === sceneId }, `${shortDate(sc.date)}${sc.season ? ` · ${sc.season}` : ''}`));
    }
    this.dates.append(sel);
  }
}

function sceneTitle(sc: SceneSummary): string {
  return `${sc.date}${sc.season ? ` (${sc.season} season)` : ''}, ${sc.kind}, ${sc.crs}, ${sc.width}x${sc.height} px, ${sc.bands} bands`;
}
