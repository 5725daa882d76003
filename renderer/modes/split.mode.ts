/** Split a field with a line drawn across it (the selected field, or the one the line crosses). */
import type { XY } from '../../src/common/editing/geom';
import { splitPolygon } from '../../src/common/editing/split';
import type { EditorContext } from './mode';
import { PathMode } from './path-mode';

export class SplitMode extends PathMode {
  readonly id = 'split' as const;

  constructor(ctx: EditorContext) {
    super(ctx, false);
  }

  protected idleHint(): string {
    return 'Split: draw a line across the field, from outside to outside; Enter finishes';
  }

  protected finish(points: XY[]): boolean {
    const sel = this.ctx.selection();
    let target = sel.length === 1 ? sel[0]! : null;
    if (!target) {
      const xs = points.map((p) => p[0]);
      const ys = points.map((p) => p[1]);
      const box: [number, number, number, number] = [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
      const hit = this.ctx.graph().fieldsInBox(box).find((f) => {
        try {
          splitPolygon(f.geometry, points);
          return true;
        } catch {
          return false;
        }
      });
      target = hit?.id ?? null;
    }
    if (!target) {
      this.ctx.hint('Cannot split: the line does not cross a field from one side to another', true);
      return false;
    }
    const newId = this.ctx.newFieldId();
    const ok = this.ctx.commit({ type: 'field.split', id: target, line: points, newId });
    if (ok) this.ctx.select([target, newId]);
    return ok;
  }
}
