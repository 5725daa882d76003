/**
 * The Quality view's Review tab (staff): the queue ranked by risk (review-queue.ts) beside the
 * review panel of the selected item: its figures, the two synchronised maps (review-maps.ts:
 * the labeller's map left; right the reference of a Class 1 site, the consensus of a Class 4
 * site, or nothing for a Class 2 map, said in a note) and one rubric form per map
 * (review-form.ts) that saves with `reviewAssignment`; the queue and the tables reload after.
 * Keys while the Quality view is open on this tab (QualityView routes them here and stops them
 * reaching the editor): j / k or the arrows walk the queue, 0-4 rate the active map, Enter saves
 * (Ctrl+Enter from the comment).
 * Test hooks on body: data-review-count, data-review-item, data-review-state
 * (saving / saved / error), data-review-last ("<assignment>:<status>"), data-review-maps.
 */
import type { FieldmarkApi, LabelCollection, ReviewQueueItem, ReviewRecord, SiteDetail } from '../../src/common/api/contract';
import type { Store } from '../state/store';
import { append, clear, h } from '../ui/dom';
import { CLASS_TITLE } from '../ui/format';
import { firstToReview, itemKey, reselect, stepIndex } from './queue-model';
import { ReviewForm } from './review-form';
import { ReviewMaps, type RightSide } from './review-maps';
import { QueueList } from './review-queue';
import { ratingFromKey } from './rubric';

export interface ReviewTabDeps {
  api: FieldmarkApi;
  store: Store;
  tileBase: string;
  token: string | null;
  problem(message: string): void;
  openSite(id: string): void;
  /** A review was saved: the other tables are stale. */
  reviewed(): void;
  /** The queue was (re)loaded. */
  queueChanged(): void;
}

const body = () => document.body.dataset;
const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Keys typed into text must stay text (radios and checkboxes are not text). */
export function isTextEntry(t: EventTarget | null): boolean {
  if (!(t instanceof HTMLElement)) return false;
  if (t.isContentEditable || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT') return true;
  return t.tagName === 'INPUT' && !['radio', 'checkbox', 'button', 'submit'].includes((t as HTMLInputElement).type);
}

export class ReviewTab {
  readonly el: HTMLElement;
  private readonly queue: QueueList;
  private readonly maps: ReviewMaps;
  private readonly head: HTMLElement;
  private readonly note: HTMLElement;
  private readonly formsEl: HTMLElement;
  private items: ReviewQueueItem[] = [];
  private index = -1;
  private includeReviewed = false;
  private forms: ReviewForm[] = [];
  private active: ReviewForm | null = null;
  private site: SiteDetail | null = null;
  private right: RightSide | null = null;
  private sceneId: string | null = null;
  private riskOn = false;
  private readonly labels = new Map<number, LabelCollection>();
  private seq = 0;
  private visible = false;

  constructor(private readonly deps: ReviewTabDeps) {
    this.queue = new QueueList({ select: (i) => this.select(i, false), setIncludeReviewed: (on) => void this.setIncludeReviewed(on) });
    this.maps = new ReviewMaps(deps.tileBase, deps.token, deps.problem);
    this.head = h('div', { class: 'rv-head', id: 'review-head' });
    this.note = h('div', { class: 'rv-note', id: 'review-note', hidden: true });
    this.formsEl = h('div', { class: 'rv-forms', id: 'review-forms' });
    const panel = h('div', { class: 'rv-panel', id: 'review-panel', tabindex: -1 }, this.head, this.note, this.maps.el, this.formsEl);
    this.el = h('div', { class: 'rv-tab', id: 'review-tab' }, this.queue.el, panel);
  }

  get current(): ReviewQueueItem | null {
    return this.items[this.index] ?? null;
  }

  summary(): string {
    const sites = this.items.filter((i) => i.kind === 'site').length;
    return `${this.items.length} to review${this.includeReviewed ? ' (with reviewed)' : ''} · ${sites} Class 4 site${sites === 1 ? '' : 's'} · ${this.items.length - sites} single map${this.items.length - sites === 1 ? '' : 's'}`;
  }

  /** The tab is on screen (or not): the maps are made and fitted only then. */
  setVisible(on: boolean): void {
    const was = this.visible;
    this.visible = on;
    if (on && !was) {
      this.maps.resize();
      void this.openSelected();
    }
  }

  async load(): Promise<void> {
    const key = this.current ? itemKey(this.current) : null;
    const items = await this.deps.api.listReviewQueue({ includeReviewed: this.includeReviewed });
    this.items = items;
    this.index = reselect(items, key, this.index);
    body()['reviewCount'] = String(items.length);
    this.queue.render(items, this.index, this.includeReviewed);
    this.deps.queueChanged();
    if (this.visible) await this.openSelected();
  }

  private async setIncludeReviewed(on: boolean): Promise<void> {
    this.includeReviewed = on;
    try {
      await this.load();
    } catch (e) {
      this.deps.problem(`Cannot read the review queue: ${message(e)}`);
    }
  }

  private select(i: number, focusRow: boolean): void {
    if (i < 0 || i >= this.items.length) return;
    this.index = i;
    this.queue.render(this.items, i, this.includeReviewed);
    this.queue.reveal(i, focusRow);
    void this.openSelected();
  }

  /** Loads the selected item into the panel: site, right-hand side, past reviews, forms, maps. */
  private async openSelected(): Promise<void> {
    const item = this.current;
    const seq = ++this.seq;
    if (!item) {
      delete body()['reviewItem'];
      clear(this.head);
      clear(this.formsEl);
      this.forms = [];
      this.active = null;
      this.note.hidden = false;
      this.note.textContent = 'Nothing selected.';
      return;
    }
    try {
      const api = this.deps.api;
      const [site, past, right] = await Promise.all([this.site?.id === item.siteId ? Promise.resolve(this.site) : api.getSite(item.siteId), api.listReviews({ siteId: item.siteId }), this.rightSide(item)]);
      if (seq !== this.seq) return;
      if (this.site?.id !== site.id) {
        this.labels.clear();
        this.sceneId = site.scenes[0]?.id ?? null;
      }
      this.site = site;
      this.right = right;
      this.buildPanel(item, past);
      body()['reviewItem'] = itemKey(item);
      await this.showMaps(seq);
    } catch (e) {
      if (seq === this.seq) this.deps.problem(`Cannot open ${item.siteId} for review: ${message(e)}`);
    }
  }

  private async rightSide(item: ReviewQueueItem): Promise<RightSide> {
    const api = this.deps.api;
    if (item.cls === 4) {
      try {
        return { kind: 'consensus', detail: await api.getConsensus(item.siteId), risk: this.riskOn };
      } catch {
        return { kind: 'none', note: 'No consensus for this site yet (run `fieldmark consensus --db`): each map is shown alone over the imagery.' };
      }
    }
    const ref = await api.listReferenceLabels(item.siteId);
    if (item.cls === 1 || ref.features.length) return { kind: 'reference', labels: ref };
    return { kind: 'none', note: 'A Class 2 map has no reference and no consensus: judge it against the imagery.' };
  }

  private buildPanel(item: ReviewQueueItem, past: ReviewRecord[]): void {
    const site = this.site!;
    const scene = h('select', { class: 'select', id: 'review-scene', 'aria-label': 'Image date', onchange: (e: Event) => ((this.sceneId = (e.target as HTMLSelectElement).value), void this.showMaps(this.seq)) });
    for (const s of site.scenes) scene.append(h('option', { value: s.id }, `${s.date.slice(0, 10)}${s.season ? ` (${s.season})` : ''}`));
    if (this.sceneId) scene.value = this.sceneId;
    const right = this.right!;
    const risk =
      right.kind === 'consensus'
        ? h('label', { class: 'rv-toggle', title: 'The consensus risk map over the right-hand imagery' }, h('input', { type: 'checkbox', id: 'review-risk', checked: this.riskOn, onchange: (e: Event) => this.setRisk((e.target as HTMLInputElement).checked) }), 'risk map')
        : null;
    clear(this.head);
    append(this.head, [
      h('span', { class: 'rv-title' }, item.kind === 'site' ? 'Site ' : 'Map on ', h('span', { class: 'mono' }, item.siteId)),
      h('span', { class: 'rv-sub', title: CLASS_TITLE[item.cls] }, `Class ${item.cls} · risk ${item.risk.toFixed(2)} · ${item.reason}`),
      h('span', { class: 'tb-spacer' }),
      scene,
      risk,
      h('button', { type: 'button', class: 'tb-btn', id: 'review-open-site', title: 'Close the Quality view and open the site on the main map', onclick: () => this.deps.openSite(item.siteId) }, 'Open on map'),
    ]);
    this.note.hidden = right.kind !== 'none';
    this.note.textContent = right.kind === 'none' ? right.note : '';
    const keep = this.active?.assignment.id;
    clear(this.formsEl);
    this.forms = item.assignments.map((a) => new ReviewForm(a, past.filter((r) => r.assignmentId === a.id), { activate: (f) => this.activate(f), save: (f) => void this.save(f) }));
    for (const f of this.forms) this.formsEl.append(f.el);
    const start = this.forms.find((f) => f.assignment.id === keep && f.assignment.lastRating === null) ?? this.forms.find((f) => f.assignment.id === firstToReview(item.assignments)?.id) ?? null;
    this.setActive(start);
  }

  private setActive(form: ReviewForm | null): void {
    this.active = form;
    for (const f of this.forms) f.setActive(f === form);
  }

  private activate(form: ReviewForm): void {
    if (form === this.active) return;
    this.setActive(form);
    void this.showMaps(this.seq);
  }

  private setRisk(on: boolean): void {
    this.riskOn = on;
    if (this.right?.kind === 'consensus') this.right = { ...this.right, risk: on };
    void this.showMaps(this.seq);
  }

  private async showMaps(seq: number): Promise<void> {
    const site = this.site;
    const a = this.active?.assignment;
    if (!site || !this.right || !a) return;
    let labels = this.labels.get(a.id);
    if (!labels) {
      labels = await this.deps.api.listLabels(site.id, { assignmentId: a.id });
      this.labels.set(a.id, labels);
    }
    if (seq !== this.seq) return;
    const s = this.deps.store.state;
    await this.maps.show({
      site,
      sceneId: this.sceneId,
      bands: s.bands,
      image: s.image,
      categories: s.info?.campaign?.categories ?? [],
      left: labels,
      leftCaption: `${a.labellerName}: map ${a.id}, ${labels.features.length} polygon${labels.features.length === 1 ? '' : 's'}`,
      right: this.right,
    });
  }

  private async save(form: ReviewForm): Promise<void> {
    const rating = form.rating;
    if (rating === null) return;
    body()['reviewState'] = 'saving';
    form.setBusy(true);
    try {
      const res = await this.deps.api.reviewAssignment(form.assignment.id, { rating, ...(form.commentText ? { comment: form.commentText } : {}) });
      body()['reviewLast'] = `${res.assignment.id}:${res.assignment.status}`;
      this.deps.reviewed();
      const hadFocus = this.el.contains(document.activeElement);
      await this.load();
      if (hadFocus && !this.el.contains(document.activeElement)) this.queue.reveal(this.index, true);
      body()['reviewState'] = 'saved';
    } catch (e) {
      body()['reviewState'] = 'error';
      this.deps.problem(`Cannot save the review of map ${form.assignment.id}: ${message(e)}`);
    } finally {
      form.setBusy(false);
    }
  }

  /** A key while the tab is open; true when it was ours (the caller stops it). */
  onKey(e: KeyboardEvent): boolean {
    const t = e.target;
    if (e.altKey) return false;
    if (e.ctrlKey || e.metaKey) {
      if (e.key !== 'Enter' || !this.active) return false;
      void this.save(this.active);
      e.preventDefault();
      return true;
    }
    if (isTextEntry(t)) return false;
    const el = t instanceof HTMLElement ? t : null;
    const arrowsTaken = !!el && (!!el.closest('.rv-map') || (el instanceof HTMLInputElement && el.type === 'radio'));
    const rating = ratingFromKey(e.key);
    if (rating !== null) {
      if (!this.active) return false;
      this.active.setRating(rating);
    } else if (e.key === 'j' || (e.key === 'ArrowDown' && !arrowsTaken)) this.select(stepIndex(this.index, 1, this.items.length), true);
    else if (e.key === 'k' || (e.key === 'ArrowUp' && !arrowsTaken)) this.select(stepIndex(this.index, -1, this.items.length), true);
    else if (e.key === 'Enter') {
      if (!this.active || (el && ['BUTTON', 'A', 'SUMMARY'].includes(el.tagName))) return false;
      void this.save(this.active);
    } else return false;
    e.preventDefault();
    return true;
  }
}
