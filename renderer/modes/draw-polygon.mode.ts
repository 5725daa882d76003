/** Draw a field: click its vertices (snapping, tracing); the new field is trimmed to its neighbours. */
import { closeRing, type XY } from '../../src/common/editing/geom';
import type { EditorContext } from './mode';
import { PathMode } from './path-mode';

export class DrawPolygonMode extends PathMode {
  readonly id = 'draw' as const;

  constructor(ctx: EditorContext) {
    super(ctx, true);
  }

  protected idleHint(): string {
    return 'Draw a field: click its corners; snapping follows neighbours (S toggles)';
  }

  protected finish(points: XY[]): boolean {
    const id = this.ctx.newFieldId();
    const ok = this.ctx.commit({
      type: 'field.add',
      id,
      category: this.ctx.category(),
      geometry: { type: 'Polygon', coordinates: [closeRing(points)] },
      trim: this.ctx.snapToleranceM(),
    });
    if (ok) this.ctx.select([id]);
    return ok;
  }
}
