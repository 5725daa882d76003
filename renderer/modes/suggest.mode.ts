/**
 * Suggest (S): click inside a field on the imagery, get its polygon from the suggestion API,
 * joined to the task's fields (`joinSuggestion`: snapped, trimmed, never overlapping), drawn as a
 * dashed preview. Enter / A accepts it (one `field.add`, provenance 'suggested', with the model,
 * version, provider, prompt and time to decision); Delete / X rejects it (`suggestion.reject`);
 * Alt-click adds a negative point and asks again; Esc drops the preview, again: back to Select.
 * idle --click--> asking --reply--> preview --accept / reject--> idle.
 *
 * Accepted and rejected suggestions are derived from the history (Rapid-style): after an undo the
 * entry that redo would bring back names the suggestion, and its preview is shown again.
 */
import type { SuggestionResult } from '../../src/common/api/suggest-contract';
import type { EditCommand, SuggestionMeta } from '../../src/common/commands/types';
import type { EditPolygon, XY } from '../../src/common/editing/geom';
import { joinSuggestion } from '../../src/common/suggest/join';
import type { EditorContext, Mode, Pointer } from './mode';

interface Shown {
  id: string;
  result: SuggestionResult;
  click: XY;
  negatives: XY[];
  /** joined to the fields when shown */
  polygon: EditPolygon | null;
  shownAt: number;
}

const suggestionOf = (c: EditCommand | null): string | null => {
  if (!c) return null;
  if (c.type === 'batch') return c.commands.map((x) => suggestionOf(x)).find((s) => s !== null) ?? null;
  if (c.type === 'field.add') return c.suggestionId ?? null;
  if (c.type === 'suggestion.reject') return c.suggestionId;
  return null;
};

export class SuggestMode implements Mode {
  readonly id = 'suggest' as const;
  state: 'idle' | 'asking' | 'preview' = 'idle';
  readonly cursor = 'crosshair';
  /** every suggestion shown in this task, by id (undo can bring any back) */
  private readonly known = new Map<string, Shown>();
  private current: Shown | null = null;
  private ask = 0;
  private seq = 0;
  private active = false;
  private taskId: string | null = null;
  /** "boundary-v1 1.0.0 on cpu" once getSuggestionInfo answered */
  info: string | null = null;
  private infoAsked = false;

  constructor(private readonly ctx: EditorContext) {}

  enter(): void {
    this.active = true;
    const task = document.body.dataset['taskId'] ?? null;
    if (task !== this.taskId) {
      this.known.clear();
      this.current = null;
      this.taskId = task;
    }
    if (!this.infoAsked) {
      this.infoAsked = true;
      void this.ctx.suggestionInfo().then((t) => {
        this.info = t;
        document.body.dataset['suggestModel'] = t;
        this.publish();
      });
    }
    this.derive();
  }

  exit(): void {
    this.active = false;
    this.ask++;
    if (this.state === 'asking') this.state = 'idle';
    this.ctx.layers.staging([]);
    this.ctx.hint(null);
    delete document.body.dataset['suggestion'];
  }

  /** The preview after an undo / redo or on entering: the suggestion redo would decide, else the current one if still undecided. */
  private derive(): void {
    const h = this.ctx.history();
    const decided = new Set<string>();
    if (h) for (let i = 1; i <= h.index; i++) {
      const s = suggestionOf(h.entries[i]!.command);
      if (s) decided.add(s);
    }
    const redoId = h && h.canRedo ? suggestionOf(h.entries[h.index + 1]!.command) : null;
    const back = redoId ? this.known.get(redoId) : undefined;
    const next = back ?? (this.current && !decided.has(this.current.id) ? this.current : null);
    if (next) this.show(next, back !== undefined);
    else this.clear();
  }

  private clear(): void {
    this.current = null;
    this.state = 'idle';
    this.ctx.layers.staging([]);
    this.publish();
  }

  private publish(): void {
    if (!this.active) return;
    const d = document.body.dataset;
    d['suggestion'] = this.state;
    if (this.current) d['suggestionId'] = this.current.id;
    else delete d['suggestionId'];
    const others = this.state === 'preview' ? (this.current?.result.provenance.otherSceneIds ?? []) : [];
    const model = this.info ? ` (${this.info}${others.length ? `, with ${others.join(', ')}` : ''})` : '';
    this.ctx.hint(
      this.state === 'preview'
        ? `Suggestion${model}: Enter / A accepts, Delete / X rejects, Alt+click excludes a spot, Esc drops it`
        : this.state === 'asking'
          ? `Suggest${model}: asking…`
          : `Suggest${model}: click inside a field`,
    );
    this.ctx.changedState();
  }

  private show(s: Shown, rejoin: boolean): void {
    if (rejoin || !s.polygon) s.polygon = this.join(s);
    this.current = s;
    if (!s.polygon) {
      this.clear();
      this.ctx.hint('Suggest: nothing left once the existing fields are cut out', true);
      return;
    }
    this.state = 'preview';
    s.shownAt = performance.now();
    this.ctx.layers.staging([{ type: 'Feature', properties: { role: 'fill' }, geometry: s.polygon }]);
    this.publish();
  }

  private join(s: Shown): EditPolygon | null {
    const g = this.ctx.graph();
    const existing = g.ids().map((id) => g.get(id)!.geometry);
    const j = joinSuggestion(s.result.polygon, existing, { seed: s.click });
    if (!j.polygon) return null;
    return { type: 'Polygon', coordinates: j.polygon.coordinates.map((r) => r.map((p) => [p[0], p[1]] as XY)) };
  }

  private async request(click: XY, negatives: XY[]): Promise<void> {
    const n = ++this.ask;
    this.state = 'asking';
    this.ctx.layers.staging([]);
    this.current = null;
    this.publish();
    try {
      const result = await this.ctx.suggest({ lon: click[0], lat: click[1], ...(negatives.length ? { negatives } : {}) });
      if (n !== this.ask || !this.active) return;
      const s: Shown = { id: `s${Date.now().toString(36)}${(this.seq++).toString(36)}`, result, click, negatives, polygon: null, shownAt: 0 };
      this.known.set(s.id, s);
      this.show(s, true);
    } catch (e) {
      if (n !== this.ask || !this.active) return;
      this.state = 'idle';
      this.publish();
      this.ctx.hint(`No suggestion: ${e instanceof Error ? e.message : String(e)}`, true);
    }
  }

  click(p: Pointer): void {
    if (!this.ctx.editable()) return;
    if (p.alt && this.current) {
      void this.request(this.current.click, [...this.current.negatives, p.lngLat]);
      return;
    }
    if (this.ctx.fieldAt(p.lngLat)) {
      this.ctx.hint('Suggest: that spot is already mapped; click inside an unmapped field', true);
      return;
    }
    void this.request(p.lngLat, []);
  }

  private meta(s: Shown): SuggestionMeta {
    const pv = s.result.provenance;
    return {
      sceneId: pv.sceneId,
      ...(pv.otherSceneIds.length ? { otherSceneIds: [...pv.otherSceneIds] } : {}),
      model: pv.model.id,
      version: pv.model.version,
      provider: pv.executionProvider,
      prompt: { ...pv.prompt },
      score: Math.max(0, Math.min(1, s.result.score)),
      decisionMs: Math.round(performance.now() - s.shownAt),
    };
  }

  accept(): boolean {
    const s = this.current;
    if (this.state !== 'preview' || !s?.polygon) return false;
    const id = this.ctx.newFieldId();
    const ok = this.ctx.commit({
      type: 'field.add',
      id,
      category: this.ctx.category(),
      geometry: s.polygon,
      provenance: 'suggested',
      suggestionId: s.id,
      suggestion: this.meta(s),
      trim: 0,
    });
    if (ok) this.clear();
    return true;
  }

  reject(): boolean {
    const s = this.current;
    if (this.state !== 'preview' || !s) return false;
    if (this.ctx.commit({ type: 'suggestion.reject', suggestionId: s.id, suggestion: this.meta(s) })) this.clear();
    return true;
  }

  key(e: KeyboardEvent): boolean {
    if (e.ctrlKey || e.metaKey || e.altKey) return false;
    const k = e.key.toLowerCase();
    if (k === 'enter' || k === 'a') return this.accept();
    if (k === 'delete' || k === 'x' || k === 'backspace') return this.reject();
    if (k === 'escape') {
      if (this.state !== 'idle') {
        this.ask++;
        this.clear();
      } else this.ctx.setMode('select');
      return true;
    }
    return false;
  }
}
