/**
 * Dragging a vertex (or an edge midpoint, which inserts one) of a selected field. The drag edits
 * staging only: the moved shapes are drawn in the staging layer while the originals are hidden
 * through feature-state; mouse-up commits one command (a shared corner moves in every field that
 * has it), Esc reverts.
 */
import type { EditCommand } from '../../src/common/commands/types';
import { type EditPolygon, samePt, type XY } from '../../src/common/editing/geom';
import { polygonProblem } from '../../src/common/editing/polygon-check';
import type { Field } from '../../src/common/graph/field';
import type { StagingFeature } from '../map/edit-layers';
import type { EditorContext, Handle, Pointer } from '../modes/mode';

function moveVertex(g: EditPolygon, from: XY, to: XY): EditPolygon {
  return { type: 'Polygon', coordinates: g.coordinates.map((r) => r.map((p) => (samePt(p, from) ? to : p))) };
}

export class VertexDrag {
  private readonly field: Field;
  /** the position being dragged (for a midpoint: where it was inserted) */
  private readonly from: XY;
  private readonly base: Field[];
  private to: XY | null = null;
  private hidden: string[] = [];

  constructor(
    private readonly ctx: EditorContext,
    private readonly handle: Handle,
  ) {
    const f = ctx.graph().get(handle.fieldId)!;
    this.field = f;
    const ring = f.geometry.coordinates[handle.ring]!;
    const a = ring[handle.index]!;
    if (handle.kind === 'vertex') {
      this.from = a;
      this.base = [f, ...ctx.graph().fieldsInBox([a[0], a[1], a[0], a[1]]).filter((n) => n.id !== f.id && n.geometry.coordinates.some((r) => r.some((p) => samePt(p, a))))];
    } else {
      const b = ring[handle.index + 1]!;
      this.from = [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2];
      const coords = f.geometry.coordinates.map((r, k) => (k === handle.ring ? [...r.slice(0, handle.index + 1), this.from, ...r.slice(handle.index + 1)] : r));
      this.base = [{ ...f, geometry: { type: 'Polygon', coordinates: coords } }];
    }
  }

  move(p: Pointer): void {
    const moving = new Set(this.base.map((f) => f.id));
    const s = this.ctx.snap(p, (id) => moving.has(id));
    this.to = s.point;
    const staged = this.base.map((f) => moveVertex(f.geometry, this.from, s.point));
    const bad = staged.some((g) => polygonProblem(g) !== null);
    const features: StagingFeature[] = staged.map((g) => ({ type: 'Feature', properties: { role: bad ? 'invalid' : 'fill' }, geometry: g }));
    if (s.target) features.push({ type: 'Feature', properties: { role: 'snap' }, geometry: { type: 'Point', coordinates: s.point } });
    features.push({ type: 'Feature', properties: { role: 'vertex' }, geometry: { type: 'Point', coordinates: s.point } });
    this.ctx.layers.staging(features);
    if (this.hidden.length === 0) {
      this.hidden = [...moving];
      for (const id of this.hidden) this.ctx.layers.setState(id, { dragging: true });
    }
    this.ctx.hint(bad ? 'This position would make the outline cross itself: release to refuse, Esc to cancel' : null, bad);
  }

  private clear(): void {
    for (const id of this.hidden) this.ctx.layers.setState(id, { dragging: false });
    this.hidden = [];
    this.ctx.layers.staging([]);
  }

  /** Mouse-up: one command for the whole gesture. */
  commit(): void {
    this.clear();
    const to = this.to;
    if (!to || samePt(to, this.from)) return;
    const h = this.handle;
    const trim = this.ctx.snapToleranceM();
    const cmd: EditCommand =
      h.kind === 'vertex'
        ? { type: 'vertex.move', id: h.fieldId, ring: h.ring, index: h.index, to, shared: true, trim }
        : {
            type: 'batch',
            annotation: 'Added a vertex',
            commands: [
              { type: 'vertex.insert', id: h.fieldId, ring: h.ring, index: h.index + 1, at: this.from },
              { type: 'vertex.move', id: h.fieldId, ring: h.ring, index: h.index + 1, to, shared: true, trim },
            ],
          };
    this.ctx.commit(cmd);
  }

  cancel(): void {
    this.clear();
    this.ctx.hint(null);
  }
}
