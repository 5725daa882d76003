/**
 * Image style controls: a toolbar button ("Image", key I is the editor's, so none) opening a
 * compact panel over the map with the band combination (true / false colour, NDVI, any R,G,B
 * triple of the scene's bands, named by role), the percentile stretch (presets and two sliders),
 * gamma / brightness / contrast sliders, the UDM2 cloud-mask overlay (key U; scenes with a mask)
 * and a reset. Every date on screen uses the same style (compare/image-style.ts), so a swipe or
 * flicker compares like with like. Slider changes are applied after a short pause (every change
 * is a new set of tiles). Key U toggles the mask.
 */
import { currentScene, type BandMode, type Store, type ViewState } from '../state/store';
import { canNdvi, DEFAULT_IMAGE_STYLE, isNeutralTone, STRETCH_PRESETS, type ImageStyle } from '../compare/image-style';
import { clear, h, isTyping } from './dom';

/** Cloud-mask legend: the server's UDM2 overlay colours (tile-compose.ts MASK_CLASSES). */
const MASK_LEGEND: [string, string][] = [
  ['cloud', 'rgba(255,0,255,0.75)'],
  ['heavy haze', 'rgba(255,140,0,0.75)'],
  ['shadow', 'rgba(0,70,255,0.75)'],
  ['light haze', 'rgba(255,230,0,0.6)'],
  ['snow', 'rgba(0,255,255,0.6)'],
];

/** The NDVI ramp of the server (tile-compose.ts NDVI_RAMP), as a CSS gradient from -1 to 1. */
const NDVI_GRADIENT = 'linear-gradient(90deg, rgb(20,40,140) 0%, rgb(175,140,100) 50%, rgb(235,220,120) 60%, rgb(150,200,80) 70%, rgb(60,150,45) 80%, rgb(0,80,20) 100%)';

interface Slider {
  row: HTMLElement;
  input: HTMLInputElement;
  value: HTMLElement;
}

export class ImageControls {
  /** The toolbar button. */
  readonly button: HTMLButtonElement;
  /** The panel (append to the map's wrapper). */
  readonly panel: HTMLElement;
  private readonly bandSeg: HTMLElement;
  private readonly customRow: HTMLElement;
  private readonly presetSel: HTMLSelectElement;
  private readonly lo: Slider;
  private readonly hi: Slider;
  private readonly gamma: Slider;
  private readonly brightness: Slider;
  private readonly contrast: Slider;
  private readonly mask: HTMLInputElement;
  private readonly maskRow: HTMLElement;
  private readonly ndviLegend: HTMLElement;
  private pending: ReturnType<typeof setTimeout> | null = null;
  private draft: ImageStyle;

  constructor(private readonly store: Store) {
    this.draft = store.state.image;
    this.button = h(
      'button',
      { type: 'button', class: 'tb-btn', id: 'image-toggle', 'aria-expanded': 'false', 'aria-controls': 'image-panel', title: 'Image: bands, stretch, gamma / brightness / contrast, cloud mask', onclick: () => this.toggle() },
      sliderIcon(),
      h('span', { class: 'tb-btn-text' }, 'Image'),
    );
    this.bandSeg = h('div', { class: 'seg seg-sm', role: 'group', 'aria-label': 'Band combination' });
    for (const [mode, text, title] of [
      ['true', 'True', 'True colour: bands 3,2,1'],
      ['false', 'False', 'False colour: bands 4,3,2'],
      ['ndvi', 'NDVI', 'NDVI through a colour ramp'],
      ['custom', 'R,G,B', 'Any three bands'],
    ] as [BandMode, string, string][]) {
      this.bandSeg.append(h('button', { type: 'button', class: 'seg-btn', 'data-mode': mode, title, onclick: () => this.setBands(mode) }, text));
    }
    this.customRow = h('div', { class: 'ic-custom', id: 'image-custom' });
    this.presetSel = h('select', { class: 'select ic-preset', id: 'image-stretch', 'aria-label': 'Stretch percentiles', onchange: () => this.pickPreset() });
    for (const [a, b] of STRETCH_PRESETS) this.presetSel.append(h('option', { value: `${a},${b}` }, `${a}–${b} %`));
    this.presetSel.append(h('option', { value: 'custom', hidden: true }, 'custom'));
    this.lo = this.slider('Low %', 'image-lo', 0, 20, 0.5, (v) => this.edit({ stretch: [v, Math.max(v + 1, this.draft.stretch[1])] }));
    this.hi = this.slider('High %', 'image-hi', 80, 100, 0.5, (v) => this.edit({ stretch: [Math.min(this.draft.stretch[0], v - 1), v] }));
    this.gamma = this.slider('Gamma', 'image-gamma', 0.2, 3, 0.05, (v) => this.edit({ gamma: v }));
    this.brightness = this.slider('Brightness', 'image-brightness', -0.5, 0.5, 0.02, (v) => this.edit({ brightness: v }));
    this.contrast = this.slider('Contrast', 'image-contrast', 0.2, 3, 0.05, (v) => this.edit({ contrast: v }));
    this.mask = h('input', { type: 'checkbox', id: 'image-mask', onchange: () => this.apply({ mask: this.mask.checked }) });
    this.maskRow = h(
      'label',
      { class: 'ic-check', title: 'Planet UDM2 cloud mask over the imagery. Key: U' },
      this.mask,
      'Cloud mask (UDM2)',
      h('kbd', { class: 'kbd' }, 'U'),
      h('span', { class: 'ic-mask-legend' }, ...MASK_LEGEND.map(([n, c]) => h('span', { class: 'legend-item' }, swatch(c), n))),
    );
    this.ndviLegend = h('div', { class: 'ic-ndvi' }, h('span', { class: 'mono' }, '-1'), h('span', { class: 'ic-ramp', style: `background:${NDVI_GRADIENT}` }), h('span', { class: 'mono' }, '1'));
    this.panel = h(
      'div',
      { class: 'image-panel', id: 'image-panel', hidden: true, role: 'dialog', 'aria-label': 'Image style' },
      h('div', { class: 'ic-head' }, h('h2', { class: 'panel-title' }, 'Image'), h('span', { class: 'panel-hint' }, 'same for every date'), h('button', { type: 'button', class: 'ic-close', title: 'Close', onclick: () => this.toggle(false) }, '×')),
      h('div', { class: 'ic-section' }, h('div', { class: 'ic-label' }, 'Bands'), this.bandSeg, this.customRow, this.ndviLegend),
      h('div', { class: 'ic-section' }, h('div', { class: 'ic-label' }, 'Stretch', this.presetSel), this.lo.row, this.hi.row),
      h('div', { class: 'ic-section' }, h('div', { class: 'ic-label' }, 'Tone'), this.gamma.row, this.brightness.row, this.contrast.row),
      h('div', { class: 'ic-section' }, this.maskRow),
      h('div', { class: 'ic-foot' }, h('button', { type: 'button', class: 'tb-btn', id: 'image-reset', onclick: () => this.reset() }, 'Reset')),
    );
    store.subscribe((s, prev) => {
      if (s.image !== prev.image || s.bands !== prev.bands || s.site !== prev.site || s.sceneId !== prev.sceneId) this.render(s);
    });
    document.addEventListener('keydown', (e) => {
      if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || e.repeat || isTyping(e.target)) return;
      if (e.key === 'u' || e.key === 'U') {
        if (!currentScene(this.store.state)?.hasMask) return;
        this.apply({ mask: !this.store.state.image.mask });
        e.preventDefault();
      } else if (e.key === 'Escape' && !this.panel.hidden) this.toggle(false);
    });
    this.render(store.state);
  }

  toggle(open: boolean = this.panel.hidden === true): void {
    this.panel.hidden = !open;
    this.button.setAttribute('aria-expanded', String(open));
  }

  private slider(label: string, id: string, min: number, max: number, step: number, onInput: (v: number) => void): Slider {
    const input = h('input', { type: 'range', id, min, max, step, 'aria-label': label });
    const value = h('span', { class: 'ic-value mono' });
    input.addEventListener('input', () => {
      value.textContent = fmt(Number(input.value));
      onInput(Number(input.value));
    });
    input.addEventListener('dblclick', () => this.resetOne(id));
    return { row: h('label', { class: 'ic-slider', title: 'Double-click: back to the default' }, h('span', { class: 'ic-name' }, label), input, value), input, value };
  }

  private setBands(mode: BandMode): void {
    if (!this.store.state.site) return;
    this.store.set({ bands: mode });
  }

  private pickPreset(): void {
    const v = this.presetSel.value;
    if (v === 'custom') return;
    const [a, b] = v.split(',').map(Number) as [number, number];
    this.apply({ stretch: [a, b] });
  }

  /** A slider moved: keep the draft, apply after a short pause. */
  private edit(patch: Partial<ImageStyle>): void {
    this.draft = { ...this.draft, ...patch };
    if (this.pending) clearTimeout(this.pending);
    this.pending = setTimeout(() => {
      this.pending = null;
      this.store.set({ image: this.draft });
    }, 180);
  }

  private apply(patch: Partial<ImageStyle>): void {
    if (this.pending) clearTimeout(this.pending);
    this.pending = null;
    this.store.set({ image: { ...this.store.state.image, ...patch } });
  }

  private resetOne(id: string): void {
    const d = DEFAULT_IMAGE_STYLE;
    if (id === 'image-lo' || id === 'image-hi') this.apply({ stretch: d.stretch });
    else if (id === 'image-gamma') this.apply({ gamma: d.gamma });
    else if (id === 'image-brightness') this.apply({ brightness: d.brightness });
    else if (id === 'image-contrast') this.apply({ contrast: d.contrast });
  }

  private reset(): void {
    const mask = this.store.state.image.mask;
    this.apply({ ...DEFAULT_IMAGE_STYLE, custom: this.store.state.image.custom, mask });
  }

  private render(s: ViewState): void {
    const st = s.image;
    this.draft = st;
    const scene = currentScene(s);
    const nBands = scene?.bands ?? 4;
    for (const b of this.bandSeg.querySelectorAll<HTMLButtonElement>('.seg-btn')) {
      const mode = b.dataset['mode'] as BandMode;
      b.setAttribute('aria-pressed', String(mode === s.bands));
      b.disabled = !scene || (mode === 'ndvi' && !canNdvi(scene)) || (mode === 'false' && nBands < 4);
    }
    this.renderCustom(s);
    this.customRow.hidden = s.bands !== 'custom';
    this.ndviLegend.hidden = s.bands !== 'ndvi';
    const key = `${st.stretch[0]},${st.stretch[1]}`;
    this.presetSel.value = STRETCH_PRESETS.some(([a, b]) => `${a},${b}` === key) ? key : 'custom';
    const set = (sl: Slider, v: number) => {
      sl.input.value = String(v);
      sl.value.textContent = fmt(v);
    };
    set(this.lo, st.stretch[0]);
    set(this.hi, st.stretch[1]);
    set(this.gamma, st.gamma);
    set(this.brightness, st.brightness);
    set(this.contrast, st.contrast);
    const stretchOff = s.bands === 'ndvi';
    this.lo.input.disabled = stretchOff;
    this.hi.input.disabled = stretchOff;
    this.presetSel.disabled = stretchOff;
    this.mask.checked = st.mask;
    this.mask.disabled = !scene?.hasMask;
    this.maskRow.title = scene?.hasMask ? 'Planet UDM2 cloud mask over the imagery. Key: U' : 'This scene has no cloud mask';
    const changed = s.bands === 'custom' || !isNeutralTone(st) || key !== `${DEFAULT_IMAGE_STYLE.stretch[0]},${DEFAULT_IMAGE_STYLE.stretch[1]}` || st.mask;
    this.button.classList.toggle('is-modified', changed);
    this.button.disabled = !s.site;
  }

  private renderCustom(s: ViewState): void {
    clear(this.customRow);
    const scene = currentScene(s);
    const roles = scene?.bandRoles ?? ['blue', 'green', 'red', 'nir'];
    const n = scene?.bands ?? roles.length;
    (['R', 'G', 'B'] as const).forEach((ch, i) => {
      const sel = h('select', {
        class: 'select ic-band',
        'data-channel': ch,
        'aria-label': `Band for ${ch}`,
        onchange: () => {
          const c = [...this.store.state.image.custom] as [number, number, number];
          c[i] = Number(sel.value);
          this.store.set({ image: { ...this.store.state.image, custom: c }, bands: 'custom' });
        },
      });
      for (let b = 1; b <= n; b++) sel.append(h('option', { value: b, selected: s.image.custom[i] === b }, `${b}${roles[b - 1] ? ` ${roles[b - 1]}` : ''}`));
      this.customRow.append(h('label', { class: 'ic-band-row' }, h('span', { class: `ic-ch ic-ch-${ch}` }, ch), sel));
    });
  }
}

function fmt(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toFixed(2).replace(/0$/, '');
}

function swatch(colour: string): HTMLElement {
  return h('span', { class: 'sw', style: `background:${colour}` });
}

function sliderIcon(): SVGSVGElement {
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('viewBox', '0 0 16 16');
  svg.setAttribute('class', 'icon');
  svg.setAttribute('aria-hidden', 'true');
  for (const d of ['M2 4h12', 'M2 8h12', 'M2 12h12']) {
    const p = document.createElementNS('http://www.w3.org/2000/svg', 'path');
    p.setAttribute('d', d);
    svg.append(p);
  }
  for (const [cx, cy] of [[5, 4], [10, 8], [7, 12]] as const) {
    const c = document.createElementNS('http://www.w3.org/2000/svg', 'circle');
    c.setAttribute('cx', String(cx));
    c.setAttribute('cy', String(cy));
    c.setAttribute('r', '1.6');
    c.setAttribute('fill', 'currentColor');
    svg.append(c);
  }
  return svg;
}
