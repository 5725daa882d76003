/**
 * Fast GeoPackage export of the campaign's layers. `writeGeoPackage` lays out the file (core
 * tables, the layer table with its fields, R*Tree and its triggers) from one seed feature; the
 * rows are then copied by SQLite itself (`INSERT ... SELECT` from the campaign database attached
 * read-only), with only the geometry (GeoJSON text -> GeoPackage binary) converted in JavaScript,
 * and the spatial index filled from the campaign's own R*Tree. The R*Tree triggers are dropped
 * for the copy and re-created after. All in a temporary file renamed into place at the end.
 */
import { renameSync, rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import type { AreaGeometry, Polygon } from '../../common/geo/geojson';
import { writeGeoPackage } from '../interchange/gpkg-write';
import type { Db } from './database';
import { geojsonToGpkg, type GpkgGeometry } from './geojson-gpkg';
import { exportWhere, LAYER_FIELDS, type ExportFilter, type ExportWhat } from './export-fields';
import { sqliteBindingOptions } from './sqlite-binding';

const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;
const q = (s: string) => `"${s.replace(/"/g, '""')}"`;
/** GeoPackage DATETIME text; values already in that form (all the store writes) skip strftime. */
const dt = (col: string) =>
  `CASE WHEN length(${col}) = 24 AND substr(${col}, 11, 1) = 'T' AND substr(${col}, 24) = 'Z' THEN ${col} ELSE strftime('%Y-%m-%dT%H:%M:%fZ', ${col}) END`;

/** Per layer: the source rows, the expression of every output field, the geometry and id columns. */
function layerSql(what: ExportWhat, groupCase: string): { from: string; cols: Record<string, string>; geom: string; fid: string; rtree: string | null } {
  const scores = {
    score: 'sc.score', score_area: 'sc.area', score_fragmentation: 'sc.fragmentation', score_edge: 'sc.edge',
    score_legacy_edge: 'sc.legacy_edge', score_categorical: 'sc.categorical', field_skill: 'sc.field_skill', no_field_skill: 'sc.no_field_skill',
  };
  if (what === 'labels') {
    return {
      from: `src.labels x JOIN src.assignments a ON a.id = x.assignment_id JOIN src.sites s ON s.id = a.site_id
             JOIN src.labellers lb ON lb.id = a.labeller_id LEFT JOIN src.scores sc ON sc.assignment_id = a.id`,
      cols: {
        label_id: 'x.id', site: 's.id', class: 's.cls', labeller: 'a.labeller_id', labeller_name: 'lb.name', assignment: 'a.id',
        category: 'x.category', category_group: groupCase.replace('$', 'x.category'), status: 'a.status', provenance: 'x.provenance',
        created: dt('x.created_at'), started: dt('a.started_at'), submitted: dt('a.submitted_at'), area_ha: 'fm_area_ha(x.geometry)', ...scores,
      },
      geom: 'x.geometry',
      fid: 'x.id',
      rtree: 'src.labels_rtree',
    };
  }
  if (what === 'reference') {
    return {
      from: 'src.reference_labels r JOIN src.sites s ON s.id = r.site_id',
      cols: {
        reference_id: 'r.id', site: 's.id', class: 's.cls', category: 'r.category', category_group: groupCase.replace('$', 'r.category'),
        source: 'r.source', created: dt('r.created_at'), area_ha: 'fm_area_ha(r.geometry)',
      },
      geom: 'r.geometry',
      fid: 'r.id',
      rtree: 'src.reference_rtree',
    };
  }
  return {
    from: 'src.consensus_results c JOIN src.sites s ON s.id = c.site_id',
    cols: {
      site: 's.id', class: 's.cls', method: 'c.method', mean_risk: 'c.mean_risk', risky_fraction: 'c.risky_fraction',
      assignments: '(SELECT count(*) FROM src.assignments a WHERE a.site_id = s.id)', computed: dt('c.computed_at'), risk_path: 'c.risk_path',
      area_ha: 'fm_area_ha(c.consensus)',
    },
    geom: 'c.consensus',
    fid: 'row_number() OVER (ORDER BY s.id, c.method)',
    rtree: null,
  };
}

/**
 * The campaign's R*Tree can be copied node for node when the layer holds exactly its rows (no
 * filter, no stale index rows) and both trees use the same node size. Both hold the same
 * float32 boxes of the same geometries under the same ids (fid = label id).
 */
function canCopyIndex(out: Database.Database, src: string, dst: string, table: string, rows: number, unfiltered: boolean): boolean {
  if (!unfiltered) return false;
  const [schema, name] = src.split('.') as [string, string];
  const nodeSize = (s: string, n: string) => out.prepare(`SELECT length(data) FROM ${s}.${q(`${n}_node`)} WHERE nodeno = 1`).pluck().get() as number | undefined;
  if (nodeSize(schema, name) === undefined || nodeSize(schema, name) !== nodeSize('main', dst)) return false;
  // The `_rowid` shadow table has one row per index entry: cheaper to count and scan.
  if ((out.prepare(`SELECT count(*) FROM ${src}_rowid`).pluck().get() as number) !== rows) return false;
  return out.prepare(`SELECT 1 FROM ${src}_rowid r WHERE NOT EXISTS (SELECT 1 FROM ${table} f WHERE f.fid = r.rowid) LIMIT 1`).get() === undefined;
}

const SEED: Polygon = { type: 'Polygon', coordinates: [[[0, 0], [1, 0], [0, 1], [0, 0]]] };

export async function exportGeoPackage(db: Db, path: string, what: ExportWhat[], filter: ExportFilter = {}): Promise<LayerResult[]> {
  const groups = new Map<string, string>();
  for (const row of db.prepare('SELECT settings FROM campaigns').pluck().all() as string[]) {
    for (const c of (JSON.parse(row) as { categories?: { id: string; group: string }[] }).categories ?? []) groups.set(c.id, c.group);
  }
  const groupCase = groups.size ? `CASE $ ${[...groups].map(([k, v]) => `WHEN ${lit(k)} THEN ${lit(v)}`).join(' ')} END` : 'NULL';
  const plans = what.map((w) => {
    const sql = layerSql(w, groupCase);
    const { sql: where, params } = exportWhere(filter, w);
    // Labels and reference labels are never empty (checked on the way in); a consensus may be.
    const nonEmpty = w === 'consensus' ? `json_array_length(${sql.geom}, '$.coordinates') > 0` : '';
    const cond = [where.replace(/^WHERE /, ''), nonEmpty].filter(Boolean).join(' AND ') || '1';
    // Optimistic: labels are Polygons; a MultiPolygon met on the way restarts with a MULTIPOLYGON layer.
      return { what: w, sql, cond, params, multi: w === 'consensus' };
  });
  for (;;) {
    const r = await writeOnce(db, path, plans, filter);
    if (Array.isArray(r)) return r;
    plans.find((p) => p.what === r.needMulti)!.multi = true;
  }
}

interface Plan {
  what: ExportWhat;
  sql: ReturnType<typeof layerSql>;
  cond: string;
  params: (string | number)[];
  multi: boolean;
}

/** Thrown from the geometry function when a Polygon layer meets a MultiPolygon. */
class NeedMulti extends Error {}

type LayerResult = { name: ExportWhat; features: number; emptySkipped: number };

/** Per-row conversion state shared with the SQL functions. */
interface Conversion {
  multi: boolean;
  ext: number[];
  last: { text: string; g: GpkgGeometry } | null;
}

function registerFunctions(out: Database.Database, c: Conversion): void {
  // One conversion per row, shared by the geometry and area columns (evaluated in turn).
  const convert = (text: string) => (c.last && c.last.text === text ? c.last.g : (c.last = { text, g: geojsonToGpkg(text, c.multi) }).g);
  out.function('fm_gpkg_geom', { deterministic: true }, (text: unknown) => {
    const g = convert(text as string);
    if (g.multi && !c.multi) throw new NeedMulti();
    const e = c.ext;
    if (g.minX < e[0]!) e[0] = g.minX;
    if (g.minY < e[1]!) e[1] = g.minY;
    if (g.maxX > e[2]!) e[2] = g.maxX;
    if (g.maxY > e[3]!) e[3] = g.maxY;
    return g.blob;
  });
  out.function('fm_area_ha', { deterministic: true }, (text: unknown) => convert(text as string).areaHa);
}

/** Fills one layer's table and spatial index; returns the number of rows. */
function copyLayer(out: Database.Database, p: Plan, c: Conversion): number {
  const t = q(p.what);
  const rt = q(`rtree_${p.what}_geom`);
  const triggers = out.prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?`).all(p.what) as { name: string; sql: string }[];
  for (const tr of triggers) out.exec(`DROP TRIGGER ${q(tr.name)}`);
  out.exec(`DELETE FROM ${t}; DELETE FROM ${rt}; DELETE FROM sqlite_sequence WHERE name = ${lit(p.what)}`);
  Object.assign(c, { multi: p.multi, last: null, ext: [Infinity, Infinity, -Infinity, -Infinity] });
  const names = Object.keys(p.sql.cols);
  const n = out
    .prepare(
      `INSERT INTO ${t} (fid, geom, ${names.map(q).join(', ')})
       SELECT ${p.sql.fid}, fm_gpkg_geom(${p.sql.geom}), ${names.map((k) => p.sql.cols[k]).join(', ')}
         FROM ${p.sql.from} WHERE ${p.cond} ORDER BY 1`,
    )
    .run(...p.params).changes;
  if (p.sql.rtree && canCopyIndex(out, p.sql.rtree, `rtree_${p.what}_geom`, t, n, p.cond === '1')) {
    // Every row of the campaign's index is exported: copy its R*Tree nodes as they are (shadow
    // tables are writable only outside SQLite's defensive mode: this private connection to our
    // own temporary file leaves it for these three statements).
    out.unsafeMode(true);
    try {
      for (const part of ['node', 'parent', 'rowid']) {
        out.exec(`DELETE FROM ${q(`rtree_${p.what}_geom_${part}`)}; INSERT INTO ${q(`rtree_${p.what}_geom_${part}`)} SELECT * FROM ${p.sql.rtree}_${part}`);
      }
    } finally {
      out.unsafeMode(false);
    }
  } else if (p.sql.rtree) {
    out.exec(`INSERT INTO ${rt} SELECT r.id, r.min_lon, r.max_lon, r.min_lat, r.max_lat FROM ${p.sql.rtree} r JOIN ${t} f ON f.fid = r.id`);
  } else {
    // No campaign index (consensus): the envelope from each blob's header.
    const idx = out.prepare(`INSERT INTO ${rt} VALUES (?, ?, ?, ?, ?)`);
    for (const [fid, e] of out.prepare(`SELECT fid, geom FROM ${t}`).raw().all() as [number, Buffer][]) {
      idx.run(fid, e.readDoubleLE(8), e.readDoubleLE(16), e.readDoubleLE(24), e.readDoubleLE(32));
    }
  }
  for (const tr of triggers) out.exec(tr.sql);
  const [x0, y0, x1, y1] = n > 0 ? c.ext : [null, null, null, null];
  out
    .prepare(`UPDATE gpkg_contents SET min_x = ?, min_y = ?, max_x = ?, max_y = ?, last_change = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE table_name = ?`)
    .run(x0, y0, x1, y1, p.what);
  return n;
}

async function writeOnce(db: Db, path: string, plans: Plan[], filter: ExportFilter): Promise<LayerResult[] | { needMulti: ExportWhat }> {
  // The layout: core tables, one table per layer with its fields, R*Tree and triggers.
  const tmp = `${path}.${process.pid}.${Date.now()}.bulk.tmp`;
  const seed = (multi: boolean): AreaGeometry => (multi ? { type: 'MultiPolygon', coordinates: [SEED.coordinates] } : SEED);
  await writeGeoPackage(tmp, plans.map((p) => ({ name: p.what, fields: LAYER_FIELDS[p.what], features: [{ geometry: seed(p.multi), properties: {} }] })));
  const out = new Database(tmp, sqliteBindingOptions());
  const result: LayerResult[] = [];
  let current = plans[0]!.what;
  try {
    out.pragma('journal_mode = OFF');
    out.pragma('synchronous = OFF');
    out.pragma('cache_size = -65536');
    out.prepare('ATTACH DATABASE ? AS src').run(db.name);
    const conversion: Conversion = { multi: false, ext: [], last: null };
    registerFunctions(out, conversion);
    out.transaction(() => {
      for (const p of plans) {
        current = p.what;
        const n = copyLayer(out, p, conversion);
        const all = p.what !== 'consensus' ? n : (db.prepare(`SELECT count(*) FROM ${p.sql.from.replace(/src\./g, 'main.')} ${exportWhere(filter, p.what).sql}`).pluck().get(...p.params) as number);
        result.push({ name: p.what, features: n, emptySkipped: all - n });
      }
    })();
    out.exec('DETACH DATABASE src');
    out.pragma('journal_mode = DELETE');
    out.close();
    renameSync(tmp, path);
    return result;
  } catch (e) {
    if (out.open) out.close();
    rmSync(tmp, { force: true });
    if (e instanceof NeedMulti) return { needMulti: current };
    throw e;
  }
}
