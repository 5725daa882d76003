/** Shift-drag on the map: a box that selects every field it touches (shift-drag again adds). */
import type { BBox } from '../../src/common/geo/geojson';
import type { XY } from '../../src/common/editing/geom';
import type { EditorContext, Pointer } from '../modes/mode';

/** A shift-press that moves less than this (px) is a shift-click, not a box. */
const MIN_BOX_PX = 4;

export class BoxSelect {
  private to: XY;
  private moved = false;

  constructor(
    private readonly ctx: EditorContext,
    private readonly from: XY,
    private readonly fromPx: { x: number; y: number },
  ) {
    this.to = from;
  }

  /** Did the pointer travel far enough for a box? */
  get isBox(): boolean {
    return this.moved;
  }

  private box(): BBox {
    return [Math.min(this.from[0], this.to[0]), Math.min(this.from[1], this.to[1]), Math.max(this.from[0], this.to[0]), Math.max(this.from[1], this.to[1])];
  }

  move(p: Pointer): void {
    this.to = p.lngLat;
    if (Math.hypot(p.point.x - this.fromPx.x, p.point.y - this.fromPx.y) >= MIN_BOX_PX) this.moved = true;
    if (!this.moved) return;
    const [x0, y0, x1, y1] = this.box();
    this.ctx.layers.staging([{ type: 'Feature', properties: { role: 'box' }, geometry: { type: 'Polygon', coordinates: [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]] } }]);
  }

  commit(add: boolean): void {
    this.ctx.layers.staging([]);
    if (!this.moved) return;
    const ids = this.ctx.graph().fieldsInBox(this.box()).map((f) => f.id);
    this.ctx.select(add ? [...new Set([...this.ctx.selection(), ...ids])] : ids);
  }

  cancel(): void {
    this.ctx.layers.staging([]);
  }
}
