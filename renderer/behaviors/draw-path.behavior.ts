/**
 * Clicking a path (the shared part of the draw, hole, split and reshape modes): each click adds a
 * snapped vertex; when two consecutive clicks land on the same neighbour's boundary, the
 * neighbour's vertices between them are traced in (tracing). A small undo stack inside the
 * gesture: Backspace removes the last click with what it traced. The cheap while-drawing check
 * refuses a vertex whose new edge would cross the path.
 */
import { checkDrawing } from '../../src/common/editing/polygon-check';
import { samePt, type XY } from '../../src/common/editing/geom';
import type { SnapTarget } from '../../src/common/editing/snap';
import { tracePath } from '../../src/common/editing/trace';
import type { StagingFeature } from '../map/edit-layers';
import type { EditorContext, Pointer } from '../modes/mode';

/** Pixels within which a click on the first vertex closes a polygon. */
const CLOSE_PX = 10;

export type AddResult = { ok: true; closed?: boolean } | { ok: false; reason: string };

export class DrawPath {
  points: XY[] = [];
  /** points each click added (1 + traced vertices) */
  private groups: number[] = [];
  private lastTarget: SnapTarget | null = null;
  private targets: (SnapTarget | null)[] = [];

  constructor(
    private readonly ctx: EditorContext,
    /** a closed ring (polygon, hole) or an open line (split, reshape) */
    private readonly closed: boolean,
    private readonly exclude?: (id: string) => boolean,
  ) {}

  get length(): number {
    return this.points.length;
  }

  clear(): void {
    this.points = [];
    this.groups = [];
    this.targets = [];
    this.lastTarget = null;
  }

  private closesAt(p: Pointer): boolean {
    if (!this.closed || this.points.length < 3) return false;
    const q = this.ctx.map.project(this.points[0]!);
    return Math.hypot(q.x - p.point.x, q.y - p.point.y) <= CLOSE_PX;
  }

  add(p: Pointer): AddResult {
    if (this.closesAt(p)) return { ok: true, closed: true };
    const s = this.ctx.snap(p, this.exclude);
    const added: XY[] = [];
    const prev = this.lastTarget;
    const t = s.target;
    if (prev && t && prev.fieldId === t.fieldId && prev.ring === t.ring && this.ctx.snapToleranceM() > 0) {
      const f = this.ctx.graph().get(t.fieldId);
      const ring = f?.geometry.coordinates[t.ring];
      if (ring) for (const q of tracePath(ring, prev, t)) added.push([q[0], q[1]]);
    }
    added.push(s.point);
    const next = [...this.points];
    for (const q of added) {
      if (next.length && samePt(next[next.length - 1]!, q)) continue;
      next.push(q);
      const c = checkDrawing(next);
      if (!c.valid) return { ok: false, reason: c.reason ?? 'invalid vertex' };
    }
    const n = next.length - this.points.length;
    if (n === 0) return { ok: false, reason: 'the same vertex twice' };
    this.points = next;
    this.groups.push(n);
    this.targets.push(t);
    this.lastTarget = t;
    return { ok: true };
  }

  removeLast(): boolean {
    const n = this.groups.pop();
    if (n === undefined) return false;
    this.points = this.points.slice(0, this.points.length - n);
    this.targets.pop();
    this.lastTarget = this.targets[this.targets.length - 1] ?? null;
    return true;
  }

  /** Can the path be finished now? */
  check(): { valid: boolean; reason?: string } {
    if (this.closed) return checkDrawing(this.points, true);
    return this.points.length >= 2 ? { valid: true } : { valid: false, reason: 'a line needs at least 2 points' };
  }

  /** Staging features: the path so far, the rubber band to the cursor and the snap target. */
  preview(cursor: Pointer | null): StagingFeature[] {
    const out: StagingFeature[] = [];
    let tip: XY | null = null;
    let bad = false;
    if (cursor) {
      const s = this.ctx.snap(cursor, this.exclude);
      tip = s.point;
      if (s.target) out.push({ type: 'Feature', properties: { role: 'snap' }, geometry: { type: 'Point', coordinates: s.point } });
      if (this.points.length) bad = !checkDrawing([...this.points, tip]).valid;
    }
    const line = tip ? [...this.points, tip] : [...this.points];
    if (this.closed && line.length >= 3) out.push({ type: 'Feature', properties: { role: 'fill' }, geometry: { type: 'Polygon', coordinates: [[...line, line[0]!]] } });
    if (line.length >= 2) out.push({ type: 'Feature', properties: { role: bad ? 'invalid' : 'line' }, geometry: { type: 'LineString', coordinates: line } });
    for (const q of this.points) out.push({ type: 'Feature', properties: { role: 'vertex' }, geometry: { type: 'Point', coordinates: q } });
    return out;
  }
}
