/**
 * Propose (P): every field of the current view from the suggestion API (`proposeView` on the shown
 * scene, the view clipped to the task's context window, compared with the task's saved fields;
 * those touching the site cell kept), ranked by confidence and walked one at a time: the current proposal bright and dashed (joined to
 * the task's fields with `joinSuggestion`, as a click suggestion), the others faint.
 * Tab / J next, Shift+Tab / K previous, Enter / A accepts (the same `field.add` with provenance
 * 'suggested' as a click suggestion: telemetry and undo work alike), Delete / X / Backspace
 * rejects (`suggestion.reject`), P asks again for the view as it is now, Esc stops.
 * idle --P--> asking --reply--> walking --last decided--> done.
 *
 * Decisions are derived from the history (Rapid-style): a proposal whose accept or reject is undone
 * comes back and becomes the current one; one mostly covered by fields accepted since is skipped.
 */
import type { ViewProposal } from '../../src/common/api/suggest-contract';
import type { EditCommand, SuggestionMeta } from '../../src/common/commands/types';
import type { EditPolygon, XY } from '../../src/common/editing/geom';
import { bboxOf, type BBox } from '../../src/common/geo/geojson';
import type { Graph } from '../../src/common/graph/graph';
import { joinSuggestion } from '../../src/common/suggest/join';
import { ProposalLayers } from '../map/proposal-layers';
import type { EditorContext, Mode } from './mode';

interface Item {
  id: string;
  raw: ViewProposal;
  /** joined to the fields of `joinedFor` (null: nothing left once they are cut out) */
  polygon: EditPolygon | null;
  joinedFor: Graph | null;
  shownAt: number;
}

interface Walk {
  taskId: string;
  sceneId: string;
  otherSceneIds: string[];
  bbox: BBox;
  model: { id: string; version: string };
  provider: string;
  items: Item[];
}

/** A proposal counts as covered when fields accepted since took more than this share of it. */
const COVERED_SHARE = 0.5;

const idsOf = (c: EditCommand | null): string[] => {
  if (!c) return [];
  if (c.type === 'batch') return c.commands.flatMap((x) => idsOf(x));
  if (c.type === 'field.add' && c.suggestionId) return [c.suggestionId];
  if (c.type === 'suggestion.reject') return [c.suggestionId];
  return [];
};

const boxesMeet = (a: BBox, b: BBox) => a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3];

/** The map view clipped to a box; null when they do not meet. */
export function clipBox(view: BBox, to: BBox): BBox | null {
  const b: BBox = [Math.max(view[0], to[0]), Math.max(view[1], to[1]), Math.min(view[2], to[2]), Math.min(view[3], to[3])];
  return b[0] < b[2] && b[1] < b[3] ? b : null;
}

export class ProposeMode implements Mode {
  readonly id = 'propose' as const;
  state: 'idle' | 'asking' | 'walking' | 'done' = 'idle';
  readonly cursor = 'default';
  /** set by Editor.proposeInView: the next enter asks for the view anew */
  fresh = false;
  private walk: Walk | null = null;
  private currentId: string | null = null;
  private ask = 0;
  private seq = 0;
  private active = false;
  private infoAsked = false;
  private readonly layers: ProposalLayers;
  /** "Proposal 3 of 12 · confidence 0.87", for the tool palette */
  counter: string | null = null;

  constructor(private readonly ctx: EditorContext) {
    this.layers = new ProposalLayers(ctx.map);
  }

  enter(): void {
    this.active = true;
    if (!this.infoAsked) {
      this.infoAsked = true;
      void this.ctx.suggestionInfo().then(() => this.ctx.changedState());
    }
    const task = document.body.dataset['taskId'] ?? null;
    if (this.fresh || !this.walk || this.walk.taskId !== task || this.walk.sceneId !== this.ctx.sceneId()) {
      this.fresh = false;
      void this.request();
    } else this.derive();
  }

  exit(): void {
    this.active = false;
    this.ask++;
    if (this.state === 'asking') this.state = 'idle';
    this.layers.clear();
    this.ctx.layers.staging([]);
    this.ctx.hint(null);
    this.counter = null;
    for (const k of ['proposal', 'proposalIndex', 'proposalCount', 'proposalScore', 'proposalId']) delete document.body.dataset[k];
  }

  /** Asks again for the view as it is now. */
  restart(): void {
    void this.request();
  }

  private async request(): Promise<void> {
    const n = ++this.ask;
    const task = document.body.dataset['taskId'] ?? '';
    const scene = this.ctx.sceneId();
    this.walk = null;
    this.currentId = null;
    this.layers.clear();
    this.ctx.layers.staging([]);
    const view = this.ctx.proposalView();
    if (!scene || !view) {
      this.state = 'idle';
      this.publish();
      this.ctx.hint(!scene ? 'Propose: no scene is shown' : 'Propose: the view does not meet the task site; press Z to fit it', true);
      return;
    }
    const { bbox, cell } = view;
    this.state = 'asking';
    this.publish();
    try {
      const r = await this.ctx.proposeView(bbox);
      if (n !== this.ask || !this.active) return;
      // only fields that touch the site cell are to be mapped (the outside-cell rule)
      const touching = r.proposals.filter((p) => boxesMeet(bboxOf(p.polygon), cell));
      const items = touching.map((raw) => ({ id: `p${Date.now().toString(36)}${(this.seq++).toString(36)}`, raw, polygon: null, joinedFor: null, shownAt: 0 }));
      this.walk = { taskId: task, sceneId: scene, otherSceneIds: r.provenance.otherSceneIds, bbox, model: { id: r.provenance.model.id, version: r.provenance.model.version }, provider: r.provenance.executionProvider, items };
      this.state = 'walking';
      this.currentId = null;
      this.derive();
      if (items.length === 0) this.ctx.hint(`Propose: no new fields touching the cell in this view (${r.dropped} already mapped or below ${Math.round(r.minAreaM2)} m²)`);
    } catch (e) {
      if (n !== this.ask || !this.active) return;
      this.state = 'idle';
      this.publish();
      this.ctx.hint(`No proposals: ${e instanceof Error ? e.message : String(e)}`, true);
    }
  }

  /** Joins an item to the current fields (cached per graph); false when it is covered by them. */
  private usable(it: Item): boolean {
    const g = this.ctx.graph();
    if (it.joinedFor !== g) {
      it.joinedFor = g;
      const existing = g.ids().map((id) => g.get(id)!.geometry);
      const j = joinSuggestion(it.raw.polygon, existing);
      const whole = j.areaM2 + j.trimmedM2;
      it.polygon =
        j.polygon && !(whole > 0 && j.trimmedM2 / whole > COVERED_SHARE)
          ? { type: 'Polygon', coordinates: j.polygon.coordinates.map((ring) => ring.map((p) => [p[0], p[1]] as XY)) }
          : null;
    }
    return it.polygon !== null;
  }

  /** Proposals not decided in the history up to its index, in rank order. */
  private open(): Item[] {
    if (!this.walk) return [];
    const h = this.ctx.history();
    const decided = new Set<string>();
    if (h) for (let i = 1; i <= h.index; i++) for (const id of idsOf(h.entries[i]!.command)) decided.add(id);
    return this.walk.items.filter((it) => !decided.has(it.id));
  }

  /** After a reply, an undo / redo, a decision or on entering: which proposal is current. */
  private derive(): void {
    if (!this.walk) return this.publish();
    const h = this.ctx.history();
    const redo = h && h.canRedo ? idsOf(h.entries[h.index + 1]!.command) : [];
    const open = this.open();
    const back = open.find((it) => redo.includes(it.id));
    if (back && this.usable(back)) this.currentId = back.id;
    else {
      const cur = this.currentId ? open.findIndex((it) => it.id === this.currentId) : -1;
      // still open: stay; decided: the one after it in rank order
      const from = cur >= 0 ? cur : this.nextAfter(open);
      this.currentId = this.findUsable(open, from, 1)?.id ?? null;
    }
    this.show();
  }

  /** Index in `open` of the first item ranked after the (decided) current one. */
  private nextAfter(open: Item[]): number {
    const all = this.walk!.items;
    const at = this.currentId ? all.findIndex((it) => it.id === this.currentId) : -1;
    const i = open.findIndex((it) => all.indexOf(it) > at);
    return i < 0 ? 0 : i;
  }

  private findUsable(open: Item[], from: number, step: 1 | -1): Item | null {
    for (let k = 0; k < open.length; k++) {
      const it = open[(((from + k * step) % open.length) + open.length) % open.length]!;
      if (this.usable(it)) return it;
    }
    return null;
  }

  private show(): void {
    const open = this.open().filter((it) => it.joinedFor !== this.ctx.graph() || it.polygon);
    const cur = open.find((it) => it.id === this.currentId) ?? null;
    if (!cur || !cur.polygon) {
      this.currentId = null;
      this.state = this.walk ? 'done' : 'idle';
      this.layers.clear();
      this.ctx.layers.staging([]);
      this.publish();
      return;
    }
    this.state = 'walking';
    cur.shownAt = performance.now();
    this.layers.show(open.map((it) => ({ id: it.id, polygon: it.polygon ?? (it.raw.polygon as EditPolygon), current: it === cur })));
    this.ctx.layers.staging([{ type: 'Feature', properties: { role: 'fill' }, geometry: cur.polygon }]);
    this.publish(open.indexOf(cur) + 1, open.length, cur.raw.score);
  }

  private publish(index = 0, count = 0, score = 0): void {
    if (!this.active) return;
    const d = document.body.dataset;
    d['proposal'] = this.state;
    d['proposalIndex'] = String(index);
    d['proposalCount'] = String(count);
    d['proposalScore'] = score.toFixed(2);
    if (this.currentId) d['proposalId'] = this.currentId;
    else delete d['proposalId'];
    const dates = this.walk?.otherSceneIds.length ? `, with ${this.walk.otherSceneIds.join(', ')}` : '';
    const model = this.walk ? ` (${this.walk.model.id} ${this.walk.model.version} on ${this.walk.provider}${dates})` : '';
    this.counter = this.state === 'walking' ? `Proposal ${index} of ${count} · confidence ${score.toFixed(2)}` : this.state === 'done' ? 'No proposals left' : null;
    this.ctx.hint(
      this.state === 'walking'
        ? `${this.counter}${model}: Tab / J next, Shift+Tab / K previous, Enter / A accepts, X rejects, Esc stops`
        : this.state === 'asking'
          ? 'Propose: asking for every field in the view…'
          : this.state === 'done'
            ? `Propose${model}: every proposal decided; P asks again for this view, Esc stops`
            : 'Propose: P asks for every field in the view',
    );
    this.ctx.changedState();
  }

  private step(dir: 1 | -1): boolean {
    if (this.state !== 'walking') return this.state === 'done';
    const open = this.open();
    const cur = open.findIndex((it) => it.id === this.currentId);
    const next = this.findUsable(open, cur + dir, dir);
    if (next) this.currentId = next.id;
    this.show();
    return true;
  }

  private meta(it: Item): SuggestionMeta {
    const w = this.walk!;
    return {
      sceneId: w.sceneId,
      ...(w.otherSceneIds.length ? { otherSceneIds: [...w.otherSceneIds] } : {}),
      model: w.model.id,
      version: w.model.version,
      provider: w.provider,
      prompt: { box: w.bbox },
      score: Math.max(0, Math.min(1, it.raw.score)),
      decisionMs: Math.round(performance.now() - it.shownAt),
    };
  }

  private current(): Item | null {
    return this.walk?.items.find((it) => it.id === this.currentId && it.polygon) ?? null;
  }

  accept(): boolean {
    const it = this.current();
    if (this.state !== 'walking' || !it?.polygon) return false;
    const ok = this.ctx.commit({
      type: 'field.add',
      id: this.ctx.newFieldId(),
      category: this.ctx.category(),
      geometry: it.polygon,
      provenance: 'suggested',
      suggestionId: it.id,
      suggestion: this.meta(it),
      trim: 0,
    });
    if (ok) this.derive();
    return true;
  }

  reject(): boolean {
    const it = this.current();
    if (this.state !== 'walking' || !it) return false;
    if (this.ctx.commit({ type: 'suggestion.reject', suggestionId: it.id, suggestion: this.meta(it) })) this.derive();
    return true;
  }

  key(e: KeyboardEvent): boolean {
    if (e.ctrlKey || e.metaKey || e.altKey) return false;
    const k = e.key.toLowerCase();
    if (k === 'tab') return this.step(e.shiftKey ? -1 : 1);
    if (e.shiftKey) return false;
    if (k === 'j') return this.step(1);
    if (k === 'k') return this.step(-1);
    if (k === 'enter' || k === 'a') return this.accept();
    if (k === 'delete' || k === 'x' || k === 'backspace') return this.reject();
    if (k === 'p') {
      this.restart();
      return true;
    }
    if (k === 'escape') {
      this.ask++;
      this.walk = null;
      this.ctx.setMode('select');
      return true;
    }
    return false;
  }
}
