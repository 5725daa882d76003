/**
 * An assignment's labels as editor fields, and the write of one edit's effect: the rows of the
 * fields a graph diff names are inserted, updated or deleted (with their R*Tree rows), keyed by
 * the editor's field key. The caller owns the transaction.
 */
import { type EditPolygon, polygonBBox } from '../../common/editing/geom';
import type { Field, FieldProvenance } from '../../common/graph/field';
import type { Graph, GraphDiff } from '../../common/graph/graph';
import type { Db } from './database';

interface Row {
  id: number;
  field_key: string | null;
  category: string;
  geometry: string;
  provenance: FieldProvenance;
  comment: string;
}

/** Polygon geometries as stored; a MultiPolygon label (imported) becomes one field per part. */
function toFields(r: Row): Field[] {
  const g = JSON.parse(r.geometry) as { type: string; coordinates: unknown };
  const key = r.field_key ?? `L${r.id}`;
  const base = { category: r.category, comment: r.comment ?? '', provenance: r.provenance };
  const norm = (poly: number[][][]): EditPolygon => ({ type: 'Polygon', coordinates: poly.map((ring) => ring.map((p) => [p[0]!, p[1]!] as [number, number])) });
  if (g.type === 'Polygon') return [{ id: key, geometry: norm(g.coordinates as number[][][]), ...base }];
  if (g.type === 'MultiPolygon') return (g.coordinates as number[][][][]).map((p, i) => ({ id: i === 0 ? key : `${key}.${i + 1}`, geometry: norm(p), ...base }));
  return [];
}

/**
 * The assignment's fields. `assignKeys`: give rows without a field key theirs ('L<id>') and split
 * stored MultiPolygons into one row per part, so every field has its own row (write transaction).
 */
export function fieldsOfAssignment(db: Db, assignmentId: number, assignKeys = false): Field[] {
  const rows = db.prepare('SELECT id, field_key, category, geometry, provenance, comment FROM labels WHERE assignment_id = ? ORDER BY id').all(assignmentId) as Row[];
  const out: Field[] = [];
  for (const r of rows) {
    const fields = toFields(r);
    out.push(...fields);
    if (!assignKeys) continue;
    if (r.field_key === null || fields.length !== 1) {
      db.prepare('DELETE FROM labels WHERE id = ?').run(r.id);
      for (const f of fields) insertField(db, assignmentId, f);
    }
  }
  return out;
}

function writeBox(db: Db, id: number, g: EditPolygon): void {
  const [minX, minY, maxX, maxY] = polygonBBox(g);
  db.prepare('INSERT OR REPLACE INTO labels_rtree (id, min_lon, max_lon, min_lat, max_lat) VALUES (?, ?, ?, ?, ?)').run(id, minX, maxX, minY, maxY);
}

function insertField(db: Db, assignmentId: number, f: Field): void {
  const info = db
    .prepare('INSERT INTO labels (assignment_id, category, geometry, provenance, created_at, field_key, comment) VALUES (?, ?, ?, ?, ?, ?, ?)')
    .run(assignmentId, f.category, JSON.stringify(f.geometry), f.provenance, new Date().toISOString(), f.id, f.comment);
  writeBox(db, Number(info.lastInsertRowid), f.geometry);
}

/** Writes what changed from `prev` to `next` (their `diff`) into the assignment's label rows. */
export function writeFieldDiff(db: Db, assignmentId: number, next: Graph, diff: GraphDiff): void {
  const del = db.prepare('DELETE FROM labels WHERE assignment_id = ? AND field_key = ?');
  for (const id of diff.removed) del.run(assignmentId, id);
  const upd = db.prepare('UPDATE labels SET category = ?, geometry = ?, provenance = ?, comment = ? WHERE assignment_id = ? AND field_key = ? RETURNING id');
  for (const id of [...diff.added, ...diff.changed]) {
    const f = next.get(id);
    if (!f) continue;
    const row = upd.get(f.category, JSON.stringify(f.geometry), f.provenance, f.comment, assignmentId, f.id) as { id: number } | undefined;
    if (row) writeBox(db, row.id, f.geometry);
    else insertField(db, assignmentId, f);
  }
}

/** Do the stored fields equal the graph's (ids, shapes, categories, comments)? */
export function sameFields(stored: readonly Field[], graph: Graph): boolean {
  if (stored.length !== graph.size) return false;
  for (const s of stored) {
    const g = graph.get(s.id);
    if (!g || g.category !== s.category || g.comment !== s.comment || JSON.stringify(g.geometry) !== JSON.stringify(s.geometry)) return false;
  }
  return true;
}
