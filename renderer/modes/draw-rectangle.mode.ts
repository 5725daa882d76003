/**
 * Draw a rectangular field: click one corner, then the opposite one (or drag from one to the
 * other). idle --click--> placing --click--> idle (committed); placing --Esc--> idle.
 */
import type { XY } from '../../src/common/editing/geom';
import type { EditorContext, Mode, Pointer } from './mode';

export class DrawRectangleMode implements Mode {
  readonly id = 'rectangle' as const;
  state: 'idle' | 'placing' = 'idle';
  readonly cursor = 'crosshair';
  private first: XY | null = null;
  private downAt: XY | null = null;

  constructor(private readonly ctx: EditorContext) {}

  enter(): void {
    this.reset();
  }

  exit(): void {
    this.ctx.layers.staging([]);
    this.ctx.hint(null);
  }

  private reset(): void {
    this.first = null;
    this.state = 'idle';
    this.ctx.layers.staging([]);
    this.ctx.hint('Rectangle: click one corner, then the opposite corner');
  }

  private ring(a: XY, b: XY): XY[] {
    const [x0, x1] = [Math.min(a[0], b[0]), Math.max(a[0], b[0])];
    const [y0, y1] = [Math.min(a[1], b[1]), Math.max(a[1], b[1])];
    return [[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]];
  }

  down(p: Pointer): void {
    if (this.state === 'idle' && this.ctx.editable()) {
      p.preventDefault();
      this.downAt = this.ctx.snap(p).point;
    }
  }

  up(p: Pointer): void {
    // a drag from one corner to the other draws it in one gesture
    const start = this.downAt;
    this.downAt = null;
    if (start && this.state === 'idle') {
      const end = this.ctx.snap(p).point;
      const q = this.ctx.map.project(start);
      if (Math.hypot(q.x - p.point.x, q.y - p.point.y) > 6) this.finish(start, end);
    }
  }

  click(p: Pointer): void {
    if (!this.ctx.editable()) return;
    const at = this.ctx.snap(p).point;
    if (this.state === 'idle') {
      this.first = at;
      this.state = 'placing';
      return;
    }
    if (this.first) this.finish(this.first, at);
  }

  private finish(a: XY, b: XY): void {
    const id = this.ctx.newFieldId();
    if (this.ctx.commit({ type: 'field.add', id, category: this.ctx.category(), geometry: { type: 'Polygon', coordinates: [this.ring(a, b)] }, trim: this.ctx.snapToleranceM() })) {
      this.ctx.select([id]);
    }
    this.reset();
  }

  move(p: Pointer): void {
    const at = this.ctx.snap(p).point;
    const start = this.first ?? this.downAt;
    if (start) this.ctx.layers.staging([{ type: 'Feature', properties: { role: 'fill' }, geometry: { type: 'Polygon', coordinates: [this.ring(start, at)] } }]);
  }

  key(e: KeyboardEvent): boolean {
    if (e.key !== 'Escape') return false;
    if (this.state === 'placing') this.reset();
    else this.ctx.setMode('select');
    return true;
  }
}
