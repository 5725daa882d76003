/**
 * Move fields: drag a field (the selection, when it is part of it); the moved copy is staged and
 * mouse-up commits one field.move (trimmed to the fields that stay). Esc reverts.
 *   idle --down on a field--> dragging --up--> idle (committed) | --Esc--> idle
 */
import { translatePolygon, type XY } from '../../src/common/editing/geom';
import type { EditorContext, Mode, Pointer } from './mode';

export class MoveMode implements Mode {
  readonly id = 'move' as const;
  state: 'idle' | 'dragging' = 'idle';
  readonly cursor = 'move';
  private from: XY | null = null;
  private delta: XY = [0, 0];
  private ids: string[] = [];

  constructor(private readonly ctx: EditorContext) {}

  enter(): void {
    this.state = 'idle';
    this.ctx.hint('Move: drag a field (or the selection)');
  }

  exit(): void {
    this.cancel();
    this.ctx.hint(null);
  }

  down(p: Pointer): void {
    if (!this.ctx.editable()) return;
    const f = this.ctx.fieldAt(p.lngLat);
    if (!f) return;
    p.preventDefault();
    const sel = this.ctx.selection();
    this.ids = sel.includes(f.id) ? [...sel] : [f.id];
    if (!sel.includes(f.id)) this.ctx.select([f.id]);
    this.from = p.lngLat;
    this.delta = [0, 0];
    this.state = 'dragging';
    for (const id of this.ids) this.ctx.layers.setState(id, { dragging: true });
  }

  move(p: Pointer): void {
    if (this.state !== 'dragging' || !this.from) return;
    this.delta = [p.lngLat[0] - this.from[0], p.lngLat[1] - this.from[1]];
    const g = this.ctx.graph();
    this.ctx.layers.staging(
      this.ids.map((id) => ({ type: 'Feature' as const, properties: { role: 'fill' as const }, geometry: translatePolygon(g.get(id)!.geometry, this.delta[0], this.delta[1]) })),
    );
  }

  up(): void {
    if (this.state !== 'dragging') return;
    const [dx, dy] = this.delta;
    const ids = this.ids;
    this.cancel();
    if (dx !== 0 || dy !== 0) this.ctx.commit({ type: 'field.move', ids, delta: [dx, dy], trim: this.ctx.snapToleranceM() });
  }

  private cancel(): void {
    for (const id of this.ids) this.ctx.layers.setState(id, { dragging: false });
    this.ctx.layers.staging([]);
    this.state = 'idle';
    this.from = null;
  }

  key(e: KeyboardEvent): boolean {
    if (e.key !== 'Escape') return false;
    if (this.state === 'dragging') this.cancel();
    else this.ctx.setMode('select');
    return true;
  }
}
