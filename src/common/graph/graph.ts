/**
 * The immutable label graph (after iD's coreGraph): a `base` map of the fields as loaded and a
 * small `local` overlay of what changed since (null = deleted). Every edit returns a new Graph
 * that copies only the overlay, so a history of thousands of graphs over 10,000 fields costs
 * memory in proportion to the edits, and `diff` between two graphs of one lineage is O(changes).
 */
import type { BBox } from '../geo/geojson';
import { FieldIndex } from '../editing/field-index';
import { type Field, fieldBBox, type GraphDiff } from './field';

export { fieldBBox, type GraphDiff };

/** The spatial index of a base map, built on the first query and shared by every graph over it. */
interface BaseIndex {
  index: FieldIndex | null;
}

export class Graph {
  private constructor(
    private readonly base: ReadonlyMap<string, Field>,
    private readonly local: ReadonlyMap<string, Field | null>,
    /** Number of fields. */
    readonly size: number,
    private readonly baseIndex: BaseIndex = { index: null },
  ) {}

  static from(fields: Iterable<Field>): Graph {
    const m = new Map<string, Field>();
    for (const f of fields) {
      if (m.has(f.id)) throw new Error(`duplicate field id ${f.id}`);
      m.set(f.id, Object.freeze(f));
    }
    return new Graph(m, new Map(), m.size);
  }

  static empty(): Graph {
    return Graph.from([]);
  }

  get(id: string): Field | undefined {
    if (this.local.has(id)) return this.local.get(id) ?? undefined;
    return this.base.get(id);
  }

  has(id: string): boolean {
    return this.get(id) !== undefined;
  }

  /** Every field (base order, then fields added since). */
  *fields(): IterableIterator<Field> {
    for (const [id, f] of this.base) {
      if (this.local.has(id)) {
        const g = this.local.get(id);
        if (g) yield g;
      } else yield f;
    }
    for (const [id, g] of this.local) if (g && !this.base.has(id)) yield g;
  }

  ids(): string[] {
    return [...this.fields()].map((f) => f.id);
  }

  /**
   * Fields whose bounding box touches `box`: the base through its grid index (built once, shared
   * by every graph of this lineage), the overlay by a scan (it holds only what was edited).
   */
  fieldsInBox(box: BBox, pad = 0): Field[] {
    const q: BBox = [box[0] - pad, box[1] - pad, box[2] + pad, box[3] + pad];
    const touches = (f: Field) => {
      const b = fieldBBox(f);
      return b[0] <= q[2] && q[0] <= b[2] && b[1] <= q[3] && q[1] <= b[3];
    };
    const out: Field[] = [];
    if (this.base.size < 64) {
      for (const f of this.fields()) if (touches(f)) out.push(f);
      return out;
    }
    const ix = (this.baseIndex.index ??= FieldIndex.of({ fields: () => this.base.values() }));
    for (const f of ix.query(q)) if (!this.local.has(f.id)) out.push(f);
    for (const g of this.local.values()) if (g && touches(g)) out.push(g);
    return out;
  }

  /** Same as fieldsInBox: lets a Graph stand in where a FieldIndex is expected. */
  query(box: BBox): Field[] {
    return this.fieldsInBox(box);
  }

  /** A graph with these fields put (added or replaced) and these ids removed. */
  with(put: readonly Field[], remove: readonly string[] = []): Graph {
    if (put.length === 0 && remove.length === 0) return this;
    const local = new Map(this.local);
    let size = this.size;
    for (const id of remove) {
      if (!this.has(id)) continue;
      size--;
      if (this.base.has(id)) local.set(id, null);
      else local.delete(id);
    }
    for (const f of put) {
      const existed = this.has(f.id) && !remove.includes(f.id);
      if (!existed) size++;
      local.set(f.id, Object.freeze(f));
    }
    return new Graph(this.base, local, size, this.baseIndex);
  }

  /** What changed from `prev` to this graph (same lineage: O(overlays); else a full compare). */
  diff(prev: Graph): GraphDiff {
    const added: string[] = [];
    const changed: string[] = [];
    const removed: string[] = [];
    const keys = this.base === prev.base ? new Set([...this.local.keys(), ...prev.local.keys()]) : new Set([...prev.ids(), ...this.ids()]);
    for (const id of keys) {
      const a = prev.get(id);
      const b = this.get(id);
      if (a === b) continue;
      if (!a) added.push(id);
      else if (!b) removed.push(id);
      else changed.push(id);
    }
    return { added, changed, removed };
  }

  /** A graph whose base is this graph's current state (drops the overlay; used after loading). */
  compact(): Graph {
    return Graph.from(this.fields());
  }
}
