/** Browse a read-only task (submitted, or someone else's): pan, zoom, click a field to see it. */
import type { EditorContext, Mode, Pointer } from './mode';

export class BrowseMode implements Mode {
  readonly id = 'browse' as const;
  readonly state = 'idle';
  readonly cursor = '';

  constructor(private readonly ctx: EditorContext) {}

  enter(): void {
    this.ctx.hint(null);
  }

  exit(): void {}

  click(p: Pointer): void {
    const f = this.ctx.fieldAt(p.lngLat);
    this.ctx.select(f ? [f.id] : []);
  }

  key(e: KeyboardEvent): boolean {
    if (e.key === 'Escape' && this.ctx.selection().length) {
      this.ctx.select([]);
      return true;
    }
    return false;
  }
}
