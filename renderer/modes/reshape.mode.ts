/** Reshape: draw a new stretch of the selected field's boundary, starting and ending on it. */
import type { XY } from '../../src/common/editing/geom';
import type { EditorContext, Pointer } from './mode';
import { PathMode } from './path-mode';

export class ReshapeMode extends PathMode {
  readonly id = 'reshape' as const;

  constructor(ctx: EditorContext) {
    super(ctx, false);
  }

  protected idleHint(): string {
    return this.ctx.selection().length === 1 ? 'Reshape: click from a point on the boundary to another point on it' : 'Reshape: select one field first';
  }

  protected override startProblem(_p: Pointer): string | null {
    return this.ctx.selection().length === 1 ? null : 'Reshape: select one field first (V, then click it)';
  }

  protected finish(points: XY[]): boolean {
    const id = this.ctx.selection()[0];
    if (!id) return false;
    return this.ctx.commit({ type: 'field.reshape', id, path: points, trim: this.ctx.snapToleranceM() });
  }
}
