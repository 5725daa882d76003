/**
 * The assignment catalog as CSV, in the spirit of the published label catalog (one row per
 * assignment: site `name`, centre `x`,`y`, image date, labeller, class and type, number of
 * fields, and the quality scores when the assignment was scored). RFC 4180 quoting, CRLF rows,
 * UTF-8; written to a temporary file and renamed into place.
 */
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import type { Db } from './database';
import { checkOutPath, exportWhere, type ExportFilter } from './export-fields';

export const CATALOG_COLUMNS = [
  'name', 'assignment_id', 'labeller', 'labeller_name', 'class', 'type', 'x', 'y', 'image_date', 'status',
  'started', 'completed', 'nflds', 'score', 'area', 'fragmentation', 'edge', 'legacy_edge', 'categorical',
  'field_skill', 'no_field_skill', 'review_rating', 'reviews',
] as const;

const TYPE: Record<number, string> = { 1: 'Q', 2: 'F', 4: 'N' };

/** One CSV field: quoted when it holds a comma, quote, CR/LF or edge spaces; quotes doubled. */
export function csvField(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : String(v);
  return /[",\r\n]|^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function catalogRows(db: Db, filter: ExportFilter = {}): Record<(typeof CATALOG_COLUMNS)[number], unknown>[] {
  const { sql, params } = exportWhere(filter, 'catalog');
  const rows = db
    .prepare(
      `SELECT s.id AS name, a.id AS assignment_id, a.labeller_id AS labeller, lb.name AS labeller_name, s.cls AS class,
              (s.min_lon + s.max_lon) / 2 AS x, (s.min_lat + s.max_lat) / 2 AS y,
              (SELECT min(sc.date) FROM site_scenes ss JOIN scenes sc ON sc.id = ss.scene_id WHERE ss.site_id = s.id) AS image_date,
              a.status, a.started_at AS started, a.submitted_at AS completed,
              (SELECT count(*) FROM labels x WHERE x.assignment_id = a.id) AS nflds,
              q.score, q.area, q.fragmentation, q.edge, q.legacy_edge, q.categorical, q.field_skill, q.no_field_skill,
              (SELECT rv.rating FROM reviews rv WHERE rv.assignment_id = a.id ORDER BY rv.at DESC, rv.id DESC LIMIT 1) AS review_rating,
              (SELECT count(*) FROM reviews rv WHERE rv.assignment_id = a.id) AS reviews
         FROM assignments a JOIN sites s ON s.id = a.site_id JOIN labellers lb ON lb.id = a.labeller_id
         LEFT JOIN scores q ON q.assignment_id = a.id
         ${sql} ORDER BY s.id, a.id`,
    )
    .all(...params) as Record<string, unknown>[];
  const round = (v: unknown, d: number) => (typeof v === 'number' ? Math.round(v * 10 ** d) / 10 ** d : v);
  return rows.map((r) => ({ ...r, type: TYPE[r.class as number] ?? null, x: round(r.x, 6), y: round(r.y, 6) })) as never;
}

export function writeCatalogCsv(db: Db, out: string, filter: ExportFilter = {}): { path: string; rows: number } {
  const path = checkOutPath(db, out);
  const rows = catalogRows(db, filter);
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
  const fd = openSync(tmp, 'w');
  try {
    let chunk = CATALOG_COLUMNS.join(',') + '\r\n';
    for (const r of rows) {
      chunk += CATALOG_COLUMNS.map((c) => csvField(r[c])).join(',') + '\r\n';
      if (chunk.length > 1 << 20) {
        writeSync(fd, chunk);
        chunk = '';
      }
    }
    writeSync(fd, chunk);
    fsyncSync(fd);
    closeSync(fd);
    renameSync(tmp, path);
  } catch (e) {
    try {
      closeSync(fd);
    } catch {
      // already closed
    }
    rmSync(tmp, { force: true });
    throw e;
  }
  return { path, rows: rows.length };
}
