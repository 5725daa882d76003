/**
 * Select and edit vertices (the default mode of an editable task):
 *   idle --click field--> idle (selected; shift-click adds/removes)  --click empty--> idle (none)
 *   idle --drag a vertex / midpoint of a selected field--> dragging --up--> idle (committed) | --Esc--> idle (reverted)
 *   idle --shift-drag--> boxing --up--> idle (fields in the box selected)
 *   idle --alt-click a vertex--> idle (vertex deleted; a shared corner from every field)
 */
import { BoxSelect } from '../behaviors/box-select.behavior';
import { VertexDrag } from '../behaviors/vertex-drag.behavior';
import type { EditorContext, Mode, Pointer } from './mode';

export class SelectMode implements Mode {
  readonly id = 'select' as const;
  state: 'idle' | 'dragging' | 'boxing' = 'idle';
  readonly cursor = '';
  private drag: VertexDrag | null = null;
  private box: BoxSelect | null = null;
  private boxed = false;

  constructor(private readonly ctx: EditorContext) {}

  enter(): void {
    this.state = 'idle';
    this.ctx.hint(null);
  }

  exit(): void {
    this.drag?.cancel();
    this.box?.cancel();
    this.drag = null;
    this.box = null;
    this.state = 'idle';
  }

  down(p: Pointer): void {
    this.boxed = false;
    if (!this.ctx.editable()) return;
    const h = this.ctx.handleAt(p);
    if (h && !p.alt) {
      p.preventDefault();
      this.drag = new VertexDrag(this.ctx, h);
      this.state = 'dragging';
      return;
    }
    if (p.shift) {
      p.preventDefault();
      this.box = new BoxSelect(this.ctx, p.lngLat, p.point);
      this.state = 'boxing';
    }
  }

  move(p: Pointer): void {
    if (this.state === 'dragging') this.drag?.move(p);
    else if (this.state === 'boxing') this.box?.move(p);
  }

  up(p: Pointer): void {
    if (this.state === 'dragging') this.drag?.commit();
    else if (this.state === 'boxing') {
      this.box?.commit(p.shift);
      // a real box swallows the click that follows; a shift-click stays a click
      this.boxed = !!this.box?.isBox;
    }
    this.drag = null;
    this.box = null;
    this.state = 'idle';
  }

  click(p: Pointer): void {
    if (this.state !== 'idle' || this.boxed) {
      this.boxed = false;
      return;
    }
    const h = this.ctx.editable() ? this.ctx.handleAt(p) : null;
    if (h && p.alt && h.kind === 'vertex') {
      this.ctx.commit({ type: 'vertex.delete', id: h.fieldId, ring: h.ring, index: h.index, shared: true });
      return;
    }
    if (h) return; // a click on a handle without dragging changes nothing
    const f = this.ctx.fieldAt(p.lngLat);
    const sel = this.ctx.selection();
    if (!f) {
      if (!p.shift) this.ctx.select([]);
      return;
    }
    if (p.shift) this.ctx.select(sel.includes(f.id) ? sel.filter((id) => id !== f.id) : [...sel, f.id]);
    else this.ctx.select([f.id]);
  }

  key(e: KeyboardEvent): boolean {
    if (e.key !== 'Escape') return false;
    if (this.state === 'dragging') this.drag?.cancel();
    else if (this.state === 'boxing') this.box?.cancel();
    else if (this.ctx.selection().length) this.ctx.select([]);
    else return false;
    this.drag = null;
    this.box = null;
    this.state = 'idle';
    return true;
  }
}
