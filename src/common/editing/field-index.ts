/**
 * A flat grid over lon/lat for the editor's hit-testing and snapping: each field is listed in
 * every cell its bounding box covers. Updates are incremental (set / delete one field, or a graph
 * diff), so an edit costs O(cells of the changed fields), never a rebuild.
 */
import type { BBox } from '../geo/geojson';
import { type Field, fieldBBox, type GraphDiff } from '../graph/field';
import { pointInPolygon } from './geom';

/** Cell side in degrees (~55 m): a few cells per smallholder field. */
export const DEFAULT_CELL_DEG = 0.0005;
const SPAN = 1 << 21;

export class FieldIndex {
  private readonly cells = new Map<number, Set<string>>();
  private readonly fields = new Map<string, { field: Field; keys: number[] }>();

  constructor(readonly cellDeg = DEFAULT_CELL_DEG) {}

  static of(graph: { fields(): Iterable<Field> }, cellDeg = DEFAULT_CELL_DEG): FieldIndex {
    const ix = new FieldIndex(cellDeg);
    for (const f of graph.fields()) ix.set(f);
    return ix;
  }

  get size(): number {
    return this.fields.size;
  }

  private cellRange(b: BBox): [number, number, number, number] {
    const c = this.cellDeg;
    return [Math.floor(b[0] / c), Math.floor(b[1] / c), Math.floor(b[2] / c), Math.floor(b[3] / c)];
  }

  private key(ix: number, iy: number): number {
    return (ix + SPAN) * 2 * SPAN + (iy + SPAN);
  }

  set(field: Field): void {
    const old = this.fields.get(field.id);
    if (old?.field === field) return;
    if (old) this.delete(field.id);
    const [x0, y0, x1, y1] = this.cellRange(fieldBBox(field));
    const keys: number[] = [];
    for (let ix = x0; ix <= x1; ix++)
      for (let iy = y0; iy <= y1; iy++) {
        const k = this.key(ix, iy);
        let s = this.cells.get(k);
        if (!s) this.cells.set(k, (s = new Set()));
        s.add(field.id);
        keys.push(k);
      }
    this.fields.set(field.id, { field, keys });
  }

  delete(id: string): void {
    const old = this.fields.get(id);
    if (!old) return;
    for (const k of old.keys) {
      const s = this.cells.get(k);
      s?.delete(id);
      if (s && s.size === 0) this.cells.delete(k);
    }
    this.fields.delete(id);
  }

  /** Brings the index from the graph it mirrored to `graph`, given their diff. */
  apply(graph: { get(id: string): Field | undefined }, diff: GraphDiff): void {
    for (const id of diff.removed) this.delete(id);
    for (const id of [...diff.added, ...diff.changed]) {
      const f = graph.get(id);
      if (f) this.set(f);
      else this.delete(id);
    }
  }

  get(id: string): Field | undefined {
    return this.fields.get(id)?.field;
  }

  /** Fields whose bounding box touches `box` (each once). */
  query(box: BBox): Field[] {
    const [x0, y0, x1, y1] = this.cellRange(box);
    const seen = new Set<string>();
    const out: Field[] = [];
    if ((x1 - x0 + 1) * (y1 - y0 + 1) > this.cells.size) {
      for (const { field } of this.fields.values()) {
        const b = fieldBBox(field);
        if (b[0] <= box[2] && box[0] <= b[2] && b[1] <= box[3] && box[1] <= b[3]) out.push(field);
      }
      return out;
    }
    for (let ix = x0; ix <= x1; ix++)
      for (let iy = y0; iy <= y1; iy++) {
        const s = this.cells.get(this.key(ix, iy));
        if (!s) continue;
        for (const id of s) {
          if (seen.has(id)) continue;
          seen.add(id);
          const f = this.fields.get(id)!.field;
          const b = fieldBBox(f);
          if (b[0] <= box[2] && box[0] <= b[2] && b[1] <= box[3] && box[1] <= b[3]) out.push(f);
        }
      }
    return out;
  }

  /** The topmost (last added) field containing the point, if any. */
  fieldAt(p: readonly number[]): Field | undefined {
    const hits = this.query([p[0]!, p[1]!, p[0]!, p[1]!]).filter((f) => pointInPolygon(p, f.geometry));
    if (hits.length === 0) return undefined;
    // Smallest first: a field inside another's hole is picked before the one around it.
    return hits.sort((a, b) => bboxArea(fieldBBox(a)) - bboxArea(fieldBBox(b)))[0];
  }
}

function bboxArea(b: BBox): number {
  return (b[2] - b[0]) * (b[3] - b[1]);
}
