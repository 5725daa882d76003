/**
 * The editor controller: one open task (EditSession), its map layers, the modes, the selection,
 * the current category and snapping. It is the EditorContext every mode works through, turns map
 * events into mode events and keys into actions (keymap.ts), and keeps the layers in step with the
 * session incrementally (one updateData diff per edit, feature-state for selection and issues).
 */
import type { Map as MlMap, MapMouseEvent } from 'maplibre-gl';
import type { FieldmarkApi, TaskState } from '../../src/common/api/contract';
import { CommandError, type EditCommand } from '../../src/common/commands/types';
import type { XY } from '../../src/common/editing/geom';
import { snapPoint } from '../../src/common/editing/snap';
import type { Field } from '../../src/common/graph/field';
import type { Graph, GraphDiff } from '../../src/common/graph/graph';
import type { Issue } from '../../src/common/validation/issue';
import type { EditLayers } from '../map/edit-layers';
import { AddHoleMode } from '../modes/add-hole.mode';
import { BrowseMode } from '../modes/browse.mode';
import { DrawPolygonMode } from '../modes/draw-polygon.mode';
import { DrawRectangleMode } from '../modes/draw-rectangle.mode';
import type { EditorContext, Handle, Mode, ModeId, Pointer, Snapped } from '../modes/mode';
import { MoveMode } from '../modes/move.mode';
import { ReshapeMode } from '../modes/reshape.mode';
import { SelectMode } from '../modes/select.mode';
import { SplitMode } from '../modes/split.mode';
import { SuggestMode } from '../modes/suggest.mode';
import { clipBox, ProposeMode } from '../modes/propose.mode';
import type { SuggestPrompt, SuggestionResult, ViewProposals } from '../../src/common/api/suggest-contract';
import { bboxOf, type BBox } from '../../src/common/geo/geojson';
import type { History } from '../../src/common/history/history';
import { EditSession } from './session';
import { syncIssueStates } from './issue-states';

export interface EditorUi {
  /** Selection, issues, save state, mode or hint changed: panels re-render. */
  onUpdate(): void;
  problem(message: string): void;
}

const HANDLE_PX = 9;
const EARTH_M = 40_075_016.686;

export class Editor implements EditorContext {
  session: EditSession | null = null;
  snapping = true;
  tolerancePx = 10;
  hintText: { text: string; bad: boolean } | null = null;
  /** The scene shown now (the app sets it): suggestions are asked on it. */
  currentScene: () => string | null = () => null;
  private readonly modes: Record<ModeId, Mode>;
  private readonly proposeMode: ProposeMode;
  private current: Mode;
  private sel: string[] = [];
  private cat = '';
  private issueStates = new Map<string, string>();
  private seq = 0;
  private issueCursor = -1;

  constructor(
    readonly map: MlMap,
    readonly layers: EditLayers,
    private readonly api: FieldmarkApi,
    private readonly ui: EditorUi,
  ) {
    this.proposeMode = new ProposeMode(this);
    this.modes = {
      browse: new BrowseMode(this),
      select: new SelectMode(this),
      draw: new DrawPolygonMode(this),
      rectangle: new DrawRectangleMode(this),
      move: new MoveMode(this),
      hole: new AddHoleMode(this),
      split: new SplitMode(this),
      reshape: new ReshapeMode(this),
      suggest: new SuggestMode(this),
      propose: this.proposeMode,
    };
    this.current = this.modes.browse;
    const ptr = (e: MapMouseEvent): Pointer => ({
      lngLat: [e.lngLat.lng, e.lngLat.lat],
      point: { x: e.point.x, y: e.point.y },
      shift: e.originalEvent.shiftKey,
      alt: e.originalEvent.altKey,
      preventDefault: () => e.preventDefault(),
    });
    const on = (name: 'mousedown' | 'mousemove' | 'mouseup' | 'click' | 'dblclick', f: (m: Mode, p: Pointer) => void) =>
      map.on(name, (e: MapMouseEvent) => {
        if (this.session && e.originalEvent.button === 0) f(this.current, ptr(e));
      });
    on('mousedown', (m, p) => m.down?.(p));
    on('mousemove', (m, p) => m.move?.(p));
    on('mouseup', (m, p) => m.up?.(p));
    on('click', (m, p) => m.click?.(p));
    on('dblclick', (m, p) => m.dblclick?.(p));
  }

  // ---- the open task ----

  open(task: TaskState): void {
    this.close();
    this.layers.setCategories(task.categories);
    this.cat = task.categories[0]?.id ?? '';
    const session = new EditSession(task, this.api, {
      changed: (prev, next, diff) => this.changed(prev, next, diff),
      saved: () => this.refresh(),
      problem: (m) => this.ui.problem(m),
    });
    this.session = session;
    this.layers.reset(session.graph);
    this.layers.setVisible(true);
    this.setMode(task.editable ? 'select' : 'browse');
    this.refresh();
  }

  close(): void {
    this.current.exit();
    this.session?.close();
    this.session = null;
    this.sel = [];
    this.issueStates.clear();
    this.layers.handles([]);
    this.layers.staging([]);
    this.layers.setVisible(false);
    this.current = this.modes.browse;
    this.refresh();
  }

  private changed(_prev: Graph, next: Graph, diff: GraphDiff | null): void {
    if (diff === null) this.layers.reset(next);
    else this.layers.apply(next, diff);
    const kept = this.sel.filter((id) => next.has(id));
    if (kept.length !== this.sel.length || diff === null || diff.changed.some((id) => this.sel.includes(id))) this.select(kept, diff === null);
    if (this.session) this.issueStates = syncIssueStates(this.layers, this.session.validator.issues(), this.issueStates, diff === null);
    this.refresh();
  }

  /** Body data-* for tests and styling; then the panels. */
  private refresh(): void {
    const d = document.body.dataset;
    const s = this.session;
    d['editor'] = s ? 'open' : 'closed';
    d['mode'] = this.current.id;
    d['modeState'] = this.current.state;
    d['snapping'] = String(this.snapping);
    if (s) {
      const issues = s.validator.issues();
      d['taskId'] = String(s.task.assignment.id);
      d['taskStatus'] = s.task.assignment.status;
      d['fields'] = String(s.graph.size);
      d['pending'] = String(s.pending);
      d['revision'] = String(s.revision);
      d['selected'] = String(this.sel.length);
      d['errors'] = String(issues.filter((i) => i.severity === 'error').length);
      d['warnings'] = String(issues.filter((i) => i.severity === 'warning').length);
      d['canUndo'] = String(s.history.canUndo);
      d['canRedo'] = String(s.history.canRedo);
    } else for (const k of ['taskId', 'taskStatus', 'fields', 'pending', 'revision', 'selected', 'errors', 'warnings']) delete d[k];
    this.map.getCanvas().style.cursor = this.current.cursor;
    this.ui.onUpdate();
  }

  get mode(): Mode {
    return this.current;
  }

  // ---- EditorContext ----

  graph(): Graph {
    return this.session!.graph;
  }

  editable(): boolean {
    return !!this.session?.editable;
  }

  selection(): readonly string[] {
    return this.sel;
  }

  select(ids: readonly string[], force = false): void {
    const next = [...new Set(ids)];
    if (!force && next.length === this.sel.length && next.every((id, i) => id === this.sel[i])) return;
    for (const id of this.sel) if (!next.includes(id)) this.layers.setState(id, { selected: false });
    for (const id of next) this.layers.setState(id, { selected: true });
    this.sel = next;
    const g = this.session?.graph;
    this.layers.handles(g && this.editable() ? next.map((id) => g.get(id)).filter((f): f is Field => !!f) : []);
    this.refresh();
  }

  category(): string {
    return this.cat;
  }

  metresPerPixel(): number {
    const lat = this.map.getCenter().lat;
    return (EARTH_M * Math.cos((lat * Math.PI) / 180)) / (512 * Math.pow(2, this.map.getZoom()));
  }

  snapToleranceM(): number {
    return this.snapping ? this.metresPerPixel() * this.tolerancePx : 0;
  }

  snap(p: Pointer, exclude?: (id: string) => boolean): Snapped {
    if (!this.snapping || !this.session) return { point: p.lngLat, target: null };
    const t = snapPoint(p.lngLat, this.session.index, this.snapToleranceM(), exclude ? { exclude } : {});
    return t ? { point: t.point, target: t } : { point: p.lngLat, target: null };
  }

  fieldAt(p: XY): Field | undefined {
    return this.session?.index.fieldAt(p);
  }

  handleAt(p: Pointer): Handle | null {
    if (!this.session) return null;
    let best: (Handle & { d: number }) | null = null;
    for (const id of this.sel) {
      const f = this.session.graph.get(id);
      if (!f) continue;
      f.geometry.coordinates.forEach((ring, r) => {
        for (let i = 0; i < ring.length - 1; i++) {
          const a = ring[i]!;
          const b = ring[i + 1]!;
          for (const [kind, q] of [['vertex', a], ['mid', [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2]]] as const) {
            const s = this.map.project(q as XY);
            const d = Math.hypot(s.x - p.point.x, s.y - p.point.y) + (kind === 'mid' ? 0.5 : 0);
            if (d <= HANDLE_PX && (!best || d < best.d)) best = { kind, fieldId: id, ring: r, index: i, d };
          }
        }
      });
    }
    const found = best as (Handle & { d: number }) | null;
    return found ? { kind: found.kind, fieldId: found.fieldId, ring: found.ring, index: found.index } : null;
  }

  commit(cmd: EditCommand): boolean {
    if (!this.session) return false;
    try {
      this.session.commit(cmd);
      this.hint(null);
      return true;
    } catch (e) {
      if (!(e instanceof CommandError)) throw e;
      this.hint(`Not applied: ${e.message}`, true);
      return false;
    }
  }

  hint(text: string | null, bad = false): void {
    this.hintText = text ? { text, bad } : null;
    document.body.dataset['hint'] = text ?? '';
    this.ui.onUpdate();
  }

  setMode(id: ModeId): void {
    const next = this.modes[!this.editable() ? 'browse' : id === 'browse' ? 'select' : id];
    if (next === this.current) {
      this.refresh();
      return;
    }
    this.current.exit();
    this.current = next;
    next.enter();
    this.refresh();
  }

  newFieldId(): string {
    return `f${Date.now().toString(36)}${(this.seq++).toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`;
  }

  history(): History | null {
    return this.session?.history ?? null;
  }

  sceneId(): string | null {
    return this.currentScene();
  }

  suggest(prompt: SuggestPrompt): Promise<SuggestionResult> {
    const scene = this.currentScene();
    if (!scene) return Promise.reject(new Error('no scene is shown'));
    return this.api.suggestAt(scene, prompt);
  }

  proposalView(): { bbox: BBox; cell: BBox } | null {
    if (!this.session) return null;
    const b = this.map.getBounds();
    const bbox = clipBox([b.getWest(), b.getSouth(), b.getEast(), b.getNorth()], bboxOf(this.session.task.site.context));
    return bbox ? { bbox, cell: bboxOf(this.session.task.site.cell) } : null;
  }

  proposeView(bbox: BBox): Promise<ViewProposals> {
    const scene = this.currentScene();
    if (!scene || !this.session) return Promise.reject(new Error('no scene is shown'));
    return this.api.proposeView(scene, bbox, { assignmentId: this.session.task.assignment.id });
  }

  /** P / the toolbar: proposals for the view as it is now (asks again when already walking). */
  proposeInView(): void {
    if (this.current === this.proposeMode) return this.proposeMode.restart();
    this.proposeMode.fresh = true;
    this.setMode('propose');
  }

  /** The proposal counter of the walk ("Proposal 3 of 12 · confidence 0.87"), or null. */
  get proposalCounter(): string | null {
    return this.current === this.proposeMode ? this.proposeMode.counter : null;
  }

  /** The active suggestion model and provider, one line (also in the task panel). */
  suggestInfo: string | null = null;
  suggestionInfo(): Promise<string> {
    return this.api.getSuggestionInfo().then(
      (i) => (this.suggestInfo = i.engine ? `${i.engine.model.id} ${i.engine.model.version} on ${i.engine.executionProvider}` : `unavailable: ${i.engineError ?? 'no model'}`),
      (e: unknown) => (this.suggestInfo = `unavailable: ${e instanceof Error ? e.message : String(e)}`),
    );
  }

  /** Re-renders the panels (a mode's state changed outside a gesture, e.g. a suggestion arrived). */
  changedState(): void {
    this.refresh();
  }

  // ---- actions ----

  undo(): void {
    this.current.exit();
    if (!this.session?.undo()) this.hint('Nothing to undo');
    this.current.enter();
  }

  redo(): void {
    this.current.exit();
    if (!this.session?.redo()) this.hint('Nothing to redo');
    this.current.enter();
  }

  merge(): void {
    if (this.sel.length < 2) return this.hint('Merge: select two or more adjacent fields first (Shift+click)', true);
    const ids = [...this.sel];
    if (this.commit({ type: 'fields.merge', ids })) this.select([ids[0]!]);
  }

  deleteSelected(): void {
    if (this.sel.length === 0) return this.hint('Delete: select fields first', true);
    this.commit({ type: 'field.delete', ids: [...this.sel] });
  }

  /** Key 1-9: the n-th category for new fields, and for the selected ones. */
  pickCategory(n: number): void {
    const c = this.session?.task.categories[n - 1];
    if (!c) return;
    this.cat = c.id;
    if (this.sel.length && this.editable()) this.commit({ type: 'field.setCategory', ids: [...this.sel], category: c.id });
    this.refresh();
  }

  setComment(comment: string): void {
    if (this.sel.length !== 1) return;
    const f = this.session?.graph.get(this.sel[0]!);
    if (f && f.comment !== comment) this.commit({ type: 'field.setComment', id: f.id, comment });
  }

  toggleSnapping(): void {
    this.snapping = !this.snapping;
    this.hint(`Snapping ${this.snapping ? 'on' : 'off'}`);
    this.refresh();
  }

  /** Zooms to an issue and selects its fields. */
  showIssue(issue: Issue): void {
    const [x0, y0, x1, y1] = issue.bbox;
    this.map.fitBounds([[x0, y0], [x1, y1]], { padding: 120, maxZoom: 18, animate: false });
    this.select(issue.fieldIds.filter((id) => this.session?.graph.has(id)));
  }

  nextIssue(): void {
    const issues = this.session?.validator.issues() ?? [];
    if (issues.length === 0) return this.hint('No issues');
    this.issueCursor = (this.issueCursor + 1) % issues.length;
    this.showIssue(issues[this.issueCursor]!);
  }

  fixIssue(issue: Issue, k: number): void {
    const fix = issue.fixes[k];
    if (fix) this.commit(fix.command);
  }

  /** A mode's key first (Enter, Backspace, Esc while drawing), then the caller's actions. */
  modeKey(e: KeyboardEvent): boolean {
    return !!this.session && !!this.current.key?.(e);
  }
}
