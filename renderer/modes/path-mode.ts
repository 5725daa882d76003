/**
 * The state machine shared by the clicking modes (draw, hole, split, reshape):
 *   idle --click--> drawing --click--> drawing
 *   drawing --Backspace--> drawing | idle;  --Enter / double-click / click on the first vertex--> finish
 *   drawing --Esc--> idle (nothing committed);  idle --Esc--> select mode
 * `finish` turns the path into a command; when it is refused the path stays for a correction.
 */
import { DrawPath } from '../behaviors/draw-path.behavior';
import type { XY } from '../../src/common/editing/geom';
import type { EditorContext, Mode, ModeId, Pointer } from './mode';

export abstract class PathMode implements Mode {
  abstract readonly id: ModeId;
  state: 'idle' | 'drawing' = 'idle';
  readonly cursor = 'crosshair';
  protected path: DrawPath;
  private cursorAt: Pointer | null = null;

  constructor(
    protected readonly ctx: EditorContext,
    closed: boolean,
    exclude?: (id: string) => boolean,
  ) {
    this.path = new DrawPath(ctx, closed, exclude);
  }

  /** What to tell the user in the idle state. */
  protected abstract idleHint(): string;
  /** Commits the finished path; returns false to keep drawing. */
  protected abstract finish(points: XY[]): boolean;
  /** May the path start here? (null: yes, else why not) */
  protected startProblem(_p: Pointer): string | null {
    return null;
  }

  enter(): void {
    this.reset();
  }

  exit(): void {
    this.path.clear();
    this.ctx.layers.staging([]);
    this.ctx.hint(null);
  }

  protected reset(): void {
    this.path.clear();
    this.state = 'idle';
    this.ctx.layers.staging([]);
    this.ctx.hint(this.idleHint());
  }

  private redraw(): void {
    this.ctx.layers.staging(this.path.preview(this.cursorAt));
  }

  click(p: Pointer): void {
    if (!this.ctx.editable()) return;
    if (this.state === 'idle') {
      const why = this.startProblem(p);
      if (why) return this.ctx.hint(why, true);
    }
    const r = this.path.add(p);
    if (!r.ok) {
      this.ctx.hint(`Not added: ${r.reason}`, true);
      return;
    }
    if (r.closed) return this.complete();
    this.state = 'drawing';
    this.ctx.hint('Click to add vertices · Enter or double-click finishes · Backspace removes the last · Esc cancels');
    this.redraw();
  }

  dblclick(p: Pointer): void {
    p.preventDefault();
    if (this.state === 'drawing') this.complete();
  }

  move(p: Pointer): void {
    this.cursorAt = p;
    if (this.state === 'drawing') this.redraw();
    else this.ctx.layers.staging(this.path.preview(p).filter((f) => f.properties.role === 'snap'));
  }

  private complete(): void {
    const c = this.path.check();
    if (!c.valid) {
      this.ctx.hint(`Cannot finish: ${c.reason}`, true);
      return;
    }
    if (this.finish([...this.path.points])) this.reset();
  }

  key(e: KeyboardEvent): boolean {
    if (e.key === 'Enter' && this.state === 'drawing') {
      this.complete();
      return true;
    }
    if (e.key === 'Backspace') {
      // while a drawing tool is active Backspace only ever removes vertices, never fields
      if (this.state === 'drawing') {
        if (!this.path.removeLast() || this.path.length === 0) this.reset();
        else this.redraw();
      }
      return true;
    }
    if (e.key === 'Escape') {
      if (this.state === 'drawing') this.reset();
      else this.ctx.setMode('select');
      return true;
    }
    return false;
  }
}
