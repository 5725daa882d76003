/**
 * Multi-date comparison: swipe and flicker between the scene on screen (A, `sceneId`) and a
 * second date (B, `compare.sceneB`), both drawn in the same image style.
 * - Swipe (key W): a draggable vertical divider over the map, A left and B right (the clip is
 *   a scissor inside the one map, swipe-clip.ts); drag it with the mouse, or focus it and use the
 *   arrow keys.
 * - Flicker (toolbar toggle; key B flips, turning it on when nothing compares yet): swaps A and B
 *   at once (B's tiles are kept loaded, so the flip is instant); holding Space shows B until it
 *   is released. In swipe mode B swaps the sides.
 * Toolbar controls: Swipe / Flicker toggles and the B date. Test hooks on `body`: data-compare
 * (off | swipe | flicker), data-scene-b, data-swipe (divider position, 0-1).
 */
import type { SceneSummary } from '../../src/common/api/contract';
import type { Store, ViewState } from '../state/store';
import { clear, h, isTyping } from '../ui/dom';
import { shortDate } from '../ui/format';
import { COMPARE_OFF, type CompareMode } from './image-style';

export interface CompareTarget {
  /** Moves the clip (CSS px from the map's left edge; null = none). */
  setSwipe(x: number | null): void;
}

export class CompareController {
  /** The toolbar group: Swipe / Flicker toggles and the B date. */
  readonly controls: HTMLElement;
  /** The divider, over the map (append to the map's wrapper). */
  readonly divider: HTMLElement;
  private readonly swipeBtn: HTMLButtonElement;
  private readonly flickerBtn: HTMLButtonElement;
  private readonly dateB: HTMLElement;
  private readonly labelA: HTMLElement;
  private readonly labelB: HTMLElement;
  /** Divider position as a share of the map's width. */
  private fraction = 0.5;
  private target: CompareTarget | null = null;
  private spaceHeld = false;

  constructor(
    private readonly store: Store,
    private readonly mapEl: HTMLElement,
  ) {
    this.swipeBtn = h('button', { type: 'button', class: 'seg-btn', id: 'compare-swipe', 'aria-pressed': 'false', title: 'Swipe: the scene on screen left of a divider, the comparison date right of it. Key: W', onclick: () => this.toggle('swipe') }, 'Swipe');
    this.flickerBtn = h('button', { type: 'button', class: 'seg-btn', id: 'compare-flicker', 'aria-pressed': 'false', title: 'Flicker: keep both dates loaded; key B flips between them (hold Space to peek)', onclick: () => this.toggle('flicker') }, 'Flicker');
    this.dateB = h('span', { class: 'cmp-date-b' });
    this.controls = h(
      'div',
      { class: 'tb-group cmp-controls', id: 'compare-controls' },
      h('div', { class: 'seg', role: 'group', 'aria-label': 'Compare dates' }, this.swipeBtn, this.flickerBtn),
      this.dateB,
    );
    this.labelA = h('span', { class: 'swipe-tag swipe-tag-a' });
    this.labelB = h('span', { class: 'swipe-tag swipe-tag-b' });
    const handle = h('div', { class: 'swipe-handle', 'aria-hidden': 'true' }, h('span', { class: 'swipe-grip' }));
    this.divider = h(
      'div',
      {
        class: 'swipe',
        id: 'swipe-divider',
        hidden: true,
        role: 'slider',
        tabindex: 0,
        'aria-label': 'Swipe divider: left the scene on screen, right the comparison date',
        'aria-valuemin': 0,
        'aria-valuemax': 100,
      },
      h('div', { class: 'swipe-line' }),
      handle,
      this.labelA,
      this.labelB,
    );
    this.wireDrag();
    store.subscribe((s, prev) => this.onState(s, prev));
    new ResizeObserver(() => this.place()).observe(mapEl);
    document.addEventListener('keydown', (e) => this.onKey(e));
    document.addEventListener('keyup', (e) => this.onKeyUp(e));
    window.addEventListener('blur', () => this.releaseSpace());
    this.onState(store.state, null);
  }

  /** The map is ready: the imagery stack takes the divider from now on. */
  attach(target: CompareTarget): void {
    this.target = target;
    this.place();
  }

  private scenes(s: ViewState = this.store.state): SceneSummary[] {
    return s.site?.scenes ?? [];
  }

  /** The comparison date for a site: the kept one if still valid, else the same date, else the next scene. */
  private pickB(s: ViewState, prevB: SceneSummary | null): string | null {
    const scenes = this.scenes(s);
    if (scenes.length < 2) return null;
    const others = scenes.filter((x) => x.id !== s.sceneId);
    const keep = others.find((x) => x.id === s.compare.sceneB) ?? (prevB ? others.find((x) => x.date === prevB.date) ?? others.find((x) => x.season && x.season === prevB.season) : undefined);
    if (keep) return keep.id;
    const i = scenes.findIndex((x) => x.id === s.sceneId);
    return scenes[(i + 1) % scenes.length]!.id === s.sceneId ? others[0]!.id : scenes[(i + 1) % scenes.length]!.id;
  }

  private onState(s: ViewState, prev: ViewState | null): void {
    // Keep B valid: another site, or A picked the date B was showing (then they swap).
    if (!prev || s.site !== prev.site || s.sceneId !== prev.sceneId || s.compare !== prev.compare) {
      let sceneB = s.compare.sceneB;
      if (prev && s.sceneId !== null && s.sceneId === sceneB && prev.sceneId !== s.sceneId) sceneB = prev.sceneId;
      const prevB = prev?.site?.scenes.find((x) => x.id === prev.compare.sceneB) ?? null;
      const want = this.pickB({ ...s, compare: { ...s.compare, sceneB } }, prevB);
      const mode: CompareMode = want === null ? 'off' : s.compare.mode;
      if (want !== s.compare.sceneB || mode !== s.compare.mode) {
        this.store.set({ compare: want === null ? COMPARE_OFF : { mode, sceneB: want } });
        return; // the store calls back with the corrected state
      }
    }
    if (!prev || s.compare !== prev.compare || s.site !== prev.site || s.sceneId !== prev.sceneId) this.render(s);
  }

  private render(s: ViewState): void {
    const body = document.body;
    body.dataset['compare'] = s.compare.mode;
    if (s.compare.sceneB) body.dataset['sceneB'] = s.compare.sceneB;
    else delete body.dataset['sceneB'];
    const scenes = this.scenes(s);
    const usable = scenes.length >= 2;
    this.swipeBtn.disabled = !usable;
    this.flickerBtn.disabled = !usable;
    this.swipeBtn.setAttribute('aria-pressed', String(s.compare.mode === 'swipe'));
    this.flickerBtn.setAttribute('aria-pressed', String(s.compare.mode === 'flicker'));
    this.controls.hidden = !usable;
    clear(this.dateB);
    // With two dates B is simply the other one (the tags on the divider name both); more need a choice.
    if (scenes.length > 2 && s.compare.mode !== 'off') {
      const sel = h('select', { class: 'select', id: 'compare-date', 'aria-label': 'Comparison date', title: 'The date shown right of the divider / flipped to', onchange: () => this.store.set({ compare: { ...this.store.state.compare, sceneB: sel.value } }) });
      for (const sc of scenes) {
        if (sc.id === s.sceneId) continue;
        sel.append(h('option', { value: sc.id, selected: sc.id === s.compare.sceneB }, `${shortDate(sc.date)}${sc.season ? ` · ${sc.season}` : ''}`));
      }
      this.dateB.append(h('span', { class: 'cmp-vs' }, 'vs'), sel);
    }
    const a = scenes.find((x) => x.id === s.sceneId);
    const b = scenes.find((x) => x.id === s.compare.sceneB);
    this.labelA.textContent = a ? shortDate(a.date) : '';
    this.labelB.textContent = b ? shortDate(b.date) : '';
    this.divider.hidden = s.compare.mode !== 'swipe' || !b;
    this.place();
  }

  /** Puts the divider and the clip where `fraction` says. */
  private place(): void {
    const on = !this.divider.hidden;
    const w = this.mapEl.clientWidth;
    const x = Math.round(this.fraction * w);
    if (on) {
      this.divider.style.left = `${x}px`;
      this.divider.setAttribute('aria-valuenow', String(Math.round(this.fraction * 100)));
      document.body.dataset['swipe'] = this.fraction.toFixed(3);
    } else delete document.body.dataset['swipe'];
    this.target?.setSwipe(on ? x : null);
  }

  private setFraction(f: number): void {
    this.fraction = Math.min(1, Math.max(0, f));
    this.place();
  }

  private wireDrag(): void {
    let dragging = false;
    const at = (e: PointerEvent) => {
      const r = this.mapEl.getBoundingClientRect();
      this.setFraction((e.clientX - r.left) / Math.max(1, r.width));
    };
    this.divider.addEventListener('pointerdown', (e) => {
      if (e.button !== 0) return;
      dragging = true;
      this.divider.setPointerCapture(e.pointerId);
      this.divider.classList.add('is-dragging');
      e.preventDefault();
    });
    this.divider.addEventListener('pointermove', (e) => {
      if (dragging) at(e);
    });
    const end = (e: PointerEvent) => {
      if (!dragging) return;
      dragging = false;
      at(e);
      this.divider.classList.remove('is-dragging');
      if (this.divider.hasPointerCapture(e.pointerId)) this.divider.releasePointerCapture(e.pointerId);
    };
    this.divider.addEventListener('pointerup', end);
    this.divider.addEventListener('pointercancel', end);
    this.divider.addEventListener('keydown', (e) => {
      const step = e.shiftKey ? 0.1 : 0.02;
      if (e.key === 'ArrowLeft') this.setFraction(this.fraction - step);
      else if (e.key === 'ArrowRight') this.setFraction(this.fraction + step);
      else if (e.key === 'Home') this.setFraction(0);
      else if (e.key === 'End') this.setFraction(1);
      else return;
      e.preventDefault();
      e.stopPropagation();
    });
  }

  /** Swipe or flicker on / off (the other one turns off). */
  toggle(mode: Exclude<CompareMode, 'off'>): void {
    const s = this.store.state;
    if (this.scenes(s).length < 2) return;
    const next: CompareMode = s.compare.mode === mode ? 'off' : mode;
    this.store.set({ compare: { mode: next, sceneB: s.compare.sceneB ?? this.pickB(s, null) } });
  }

  /** Swaps A and B (turning flicker on when nothing compares yet). */
  flick(): void {
    const s = this.store.state;
    if (this.scenes(s).length < 2) return;
    const b = s.compare.sceneB ?? this.pickB(s, null);
    if (!b || !s.sceneId) return;
    const mode: CompareMode = s.compare.mode === 'off' ? 'flicker' : s.compare.mode;
    // One update: sceneId and B change together, so B's "keep valid" rule sees a swap, not a clash.
    this.store.set({ sceneId: b, compare: { mode, sceneB: s.sceneId } });
  }

  private keyAllowed(e: KeyboardEvent): boolean {
    if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || isTyping(e.target)) return false;
    if (document.body.dataset['help'] === 'true') return false;
    return this.scenes().length >= 2;
  }

  private onKey(e: KeyboardEvent): void {
    if (!this.keyAllowed(e)) return;
    if (e.key === ' ' || e.code === 'Space') {
      // Space on a focused button presses it: leave that alone.
      if (e.target instanceof HTMLElement && e.target.closest('button, [role="slider"], a')) return;
      e.preventDefault();
      if (e.repeat || this.spaceHeld) return;
      this.spaceHeld = true;
      this.flick();
      return;
    }
    if (e.repeat) return;
    const k = e.key.toLowerCase();
    if (k === 'b') this.flick();
    else if (k === 'w') this.toggle('swipe');
    else return;
    e.preventDefault();
  }

  private onKeyUp(e: KeyboardEvent): void {
    if (e.key === ' ' || e.code === 'Space') this.releaseSpace();
  }

  private releaseSpace(): void {
    if (!this.spaceHeld) return;
    this.spaceHeld = false;
    this.flick();
  }
}
