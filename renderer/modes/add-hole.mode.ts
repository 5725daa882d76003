/** Add a hole: click a ring inside a field (the selected one, or the one under the first click). */
import type { XY } from '../../src/common/editing/geom';
import type { EditorContext, Pointer } from './mode';
import { PathMode } from './path-mode';

export class AddHoleMode extends PathMode {
  readonly id = 'hole' as const;
  private target: string | null = null;

  constructor(ctx: EditorContext) {
    super(ctx, true, () => true); // a hole snaps to nothing
  }

  protected idleHint(): string {
    return 'Add a hole: click its corners inside a field';
  }

  protected override startProblem(p: Pointer): string | null {
    const sel = this.ctx.selection();
    const under = this.ctx.fieldAt(p.lngLat);
    this.target = under?.id ?? (sel.length === 1 ? sel[0]! : null);
    return this.target ? null : 'Click inside the field that gets the hole';
  }

  protected finish(points: XY[]): boolean {
    if (!this.target) return false;
    const ok = this.ctx.commit({ type: 'hole.add', id: this.target, ring: [...points, points[0]!] });
    if (ok) this.ctx.select([this.target]);
    return ok;
  }
}
