/**
 * GeoPackage 1.3 writer on better-sqlite3, no GDAL: application_id 'GPKG', user_version 10300,
 * the mandatory gpkg_spatial_ref_sys rows, gpkg_contents with extents, gpkg_geometry_columns,
 * StandardGeoPackageBinary geometries (xy envelope + little-endian WKB) and the R*Tree spatial
 * index extension (virtual table, spec triggers, populated). Built in a temporary file in one
 * transaction and renamed into place; the result is a single file (journal_mode DELETE).
 */
import { renameSync, rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import { ApiError } from '../../common/api/errors';
import { sqliteBindingOptions } from '../store/sqlite-binding';
import type { BBox, MultiPolygon, Polygon } from '../../common/geo/geojson';
import { envelopeOf, parseGpkgHeader, writeGpkgGeometry } from './gpkg-binary';
import { readWkb } from './wkb';

/** BOOLEAN (stored 0/1, read back as true/false) is an addition to the four the brief named. */
export type GpkgFieldType = 'TEXT' | 'INTEGER' | 'REAL' | 'DATETIME' | 'BOOLEAN';
export interface GpkgField {
  name: string;
  type: GpkgFieldType;
}
export interface GpkgLayer {
  name: string;
  features: { geometry: Polygon | MultiPolygon; properties: Record<string, unknown> }[];
  fields: GpkgField[];
  description?: string;
}
export interface GpkgWriteResult {
  path: string;
  layers: { name: string; features: number; extent: BBox | null; geometryType: 'POLYGON' | 'MULTIPOLYGON' }[];
}

const APPLICATION_ID = 0x47504b47; // 'GPKG'
const USER_VERSION = 10300;
const WGS84_WKT =
  'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],' +
  'PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],' +
  'AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["EPSG","4326"]]';

const q = (id: string) => `"${id.replace(/"/g, '""')}"`;
const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;

const CORE_SQL = `
CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER NOT NULL PRIMARY KEY, organization TEXT NOT NULL,
  organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT);
CREATE TABLE gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT UNIQUE,
  description TEXT DEFAULT '', last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER,
  CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id));
CREATE TABLE gpkg_geometry_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL,
  srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL,
  CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name), CONSTRAINT uk_gc_table_name UNIQUE (table_name),
  CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
  CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id));
CREATE TABLE gpkg_extensions (table_name TEXT, column_name TEXT, extension_name TEXT NOT NULL, definition TEXT NOT NULL,
  scope TEXT NOT NULL, CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name));
INSERT INTO gpkg_spatial_ref_sys VALUES
  ('Undefined Cartesian SRS', -1, 'NONE', -1, 'undefined', 'undefined Cartesian coordinate reference system'),
  ('Undefined geographic SRS', 0, 'NONE', 0, 'undefined', 'undefined geographic coordinate reference system'),
  ('WGS 84 geodetic', 4326, 'EPSG', 4326, ${lit(WGS84_WKT)}, 'longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid');
`;

/** The R*Tree triggers of GeoPackage 1.3 Annex F.3 (the ones validate_gpkg.py checks). */
function rtreeSql(t: string, c: string, pk: string): string {
  const r = `rtree_${t}_${c}`;
  const T = q(t), C = q(c), I = q(pk), R = q(r);
  const vals = `(NEW.${I}, ST_MinX(NEW.${C}), ST_MaxX(NEW.${C}), ST_MinY(NEW.${C}), ST_MaxY(NEW.${C}))`;
  return `
CREATE TRIGGER ${q(`${r}_insert`)} AFTER INSERT ON ${T} WHEN (new.${C} NOT NULL AND NOT ST_IsEmpty(NEW.${C}))
BEGIN INSERT OR REPLACE INTO ${R} VALUES ${vals}; END;
CREATE TRIGGER ${q(`${r}_update1`)} AFTER UPDATE OF ${C} ON ${T} WHEN OLD.${I} = NEW.${I} AND (NEW.${C} NOTNULL AND NOT ST_IsEmpty(NEW.${C}))
BEGIN INSERT OR REPLACE INTO ${R} VALUES ${vals}; END;
CREATE TRIGGER ${q(`${r}_update2`)} AFTER UPDATE OF ${C} ON ${T} WHEN OLD.${I} = NEW.${I} AND (NEW.${C} ISNULL OR ST_IsEmpty(NEW.${C}))
BEGIN DELETE FROM ${R} WHERE id = OLD.${I}; END;
CREATE TRIGGER ${q(`${r}_update3`)} AFTER UPDATE ON ${T} WHEN OLD.${I} != NEW.${I} AND (NEW.${C} NOTNULL AND NOT ST_IsEmpty(NEW.${C}))
BEGIN DELETE FROM ${R} WHERE id = OLD.${I}; INSERT OR REPLACE INTO ${R} VALUES ${vals}; END;
CREATE TRIGGER ${q(`${r}_update4`)} AFTER UPDATE ON ${T} WHEN OLD.${I} != NEW.${I} AND (NEW.${C} ISNULL OR ST_IsEmpty(NEW.${C}))
BEGIN DELETE FROM ${R} WHERE id IN (OLD.${I}, NEW.${I}); END;
CREATE TRIGGER ${q(`${r}_delete`)} AFTER DELETE ON ${T} WHEN old.${C} NOT NULL
BEGIN DELETE FROM ${R} WHERE id = OLD.${I}; END;`;
}

/**
 * Registers ST_MinX/MaxX/MinY/MaxY/IsEmpty so the R*Tree triggers work when our own code edits
 * a GeoPackage later (GDAL and QGIS bring their own).
 */
export function registerGpkgFunctions(db: Database.Database): void {
  const env = (blob: unknown) => {
    if (!(blob instanceof Uint8Array)) return null;
    const r = readWkb(blob, (() => {
      const h = parseGpkgHeader(blob);
      return typeof h === 'string' ? 0 : h.wkbOffset;
    })());
    return 'skip' in r ? null : envelopeOf(r.polygons);
  };
  const opts = { deterministic: true };
  db.function('ST_MinX', opts, (b: unknown) => env(b)?.minX ?? null);
  db.function('ST_MaxX', opts, (b: unknown) => env(b)?.maxX ?? null);
  db.function('ST_MinY', opts, (b: unknown) => env(b)?.minY ?? null);
  db.function('ST_MaxY', opts, (b: unknown) => env(b)?.maxY ?? null);
  db.function('ST_IsEmpty', opts, (b: unknown) => {
    if (!(b instanceof Uint8Array)) return 1;
    const h = parseGpkgHeader(b);
    return typeof h === 'string' || h.empty ? 1 : 0;
  });
}

const iso = (v: unknown): string | null => {
  const d = v instanceof Date ? v : typeof v === 'string' || typeof v === 'number' ? new Date(v) : null;
  if (!d || Number.isNaN(d.getTime())) return typeof v === 'string' ? v : null;
  return d.toISOString(); // YYYY-MM-DDTHH:MM:SS.sssZ, the GeoPackage DATETIME form
};

function bindValue(v: unknown, type: GpkgFieldType): string | number | bigint | null {
  if (v === null || v === undefined) return null;
  if (type === 'DATETIME') return iso(v);
  if (typeof v === 'boolean') return type === 'TEXT' ? String(v) : v ? 1 : 0;
  if (type === 'BOOLEAN' && (v === 'true' || v === 'false')) return v === 'true' ? 1 : 0;
  if (typeof v === 'number') return type === 'TEXT' ? String(v) : Number.isFinite(v) ? v : null;
  if (typeof v === 'bigint') return v;
  if (typeof v === 'string') {
    if (type === 'TEXT') return v;
    const n = Number(v);
    return v.trim() !== '' && Number.isFinite(n) ? n : v;
  }
  return JSON.stringify(v);
}

function checkLayer(l: GpkgLayer, names: Set<string>): void {
  const bad = (m: string) => new ApiError('BAD_ARGUMENTS', `writeGeoPackage: ${m}`);
  if (!l.name || /^(gpkg_|rtree_|sqlite_)/i.test(l.name)) throw bad(`invalid layer name "${l.name}"`);
  if (names.has(l.name.toLowerCase())) throw bad(`duplicate layer name "${l.name}"`);
  names.add(l.name.toLowerCase());
  const seen = new Set(['fid', 'geom']);
  for (const f of l.fields) {
    if (!f.name || seen.has(f.name.toLowerCase())) throw bad(`layer "${l.name}": field name "${f.name}" is empty, reserved (fid, geom) or repeated`);
    if (!['TEXT', 'INTEGER', 'REAL', 'DATETIME', 'BOOLEAN'].includes(f.type)) throw bad(`layer "${l.name}": field "${f.name}" has type ${f.type}`);
    seen.add(f.name.toLowerCase());
  }
}

export async function writeGeoPackage(path: string, layers: GpkgLayer[]): Promise<GpkgWriteResult> {
  const names = new Set<string>();
  for (const l of layers) checkLayer(l, names);
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
  const db = new Database(tmp, sqliteBindingOptions());
  const result: GpkgWriteResult = { path, layers: [] };
  try {
    db.pragma('journal_mode = OFF');
    db.pragma('synchronous = OFF');
    db.pragma(`application_id = ${APPLICATION_ID}`);
    db.pragma(`user_version = ${USER_VERSION}`);
    db.transaction(() => {
      db.exec(CORE_SQL);
      for (const l of layers) result.layers.push(writeLayer(db, l));
    })();
    db.pragma('journal_mode = DELETE');
    db.close();
    renameSync(tmp, path);
    return result;
  } catch (e) {
    if (db.open) db.close();
    rmSync(tmp, { force: true });
    throw e;
  }
}

function writeLayer(db: Database.Database, l: GpkgLayer): GpkgWriteResult['layers'][number] {
  const t = l.name;
  const allPolygons = l.features.length > 0 && l.features.every((f) => f.geometry?.type === 'Polygon');
  const geometryType = allPolygons ? 'POLYGON' : 'MULTIPOLYGON';
  const cols = l.fields.map((f) => `, ${q(f.name)} ${f.type}`).join('');
  db.exec(`CREATE TABLE ${q(t)} (fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, geom ${geometryType}${cols})`);
  db.exec(`CREATE VIRTUAL TABLE ${q(`rtree_${t}_geom`)} USING rtree(id, minx, maxx, miny, maxy)`);
  const insert = db.prepare(`INSERT INTO ${q(t)} (fid, geom${l.fields.map((f) => `, ${q(f.name)}`).join('')}) VALUES (?${', ?'.repeat(l.fields.length + 1)})`);
  const index = db.prepare(`INSERT INTO ${q(`rtree_${t}_geom`)} VALUES (?, ?, ?, ?, ?)`);
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  const args: unknown[] = new Array(l.fields.length + 2);
  l.features.forEach((f, i) => {
    const g = f.geometry;
    if (!g || (g.type !== 'Polygon' && g.type !== 'MultiPolygon')) throw new ApiError('BAD_ARGUMENTS', `writeGeoPackage: layer "${t}" feature ${i} has no Polygon/MultiPolygon geometry`);
    const polys = (g.type === 'Polygon' ? [g.coordinates] : g.coordinates) as number[][][][];
    const env = envelopeOf(polys);
    if (![env.minX, env.minY, env.maxX, env.maxY].every(Number.isFinite)) {
      throw new ApiError('BAD_ARGUMENTS', `writeGeoPackage: layer "${t}" feature ${i} has an empty geometry or non-finite coordinates`);
    }
    const fid = i + 1;
    args[0] = fid;
    args[1] = writeGpkgGeometry(polys, !allPolygons, 4326, env);
    for (let k = 0; k < l.fields.length; k++) args[k + 2] = bindValue(f.properties?.[l.fields[k]!.name], l.fields[k]!.type);
    insert.run(args);
    index.run(fid, env.minX, env.maxX, env.minY, env.maxY);
    if (env.minX < minX) minX = env.minX;
    if (env.minY < minY) minY = env.minY;
    if (env.maxX > maxX) maxX = env.maxX;
    if (env.maxY > maxY) maxY = env.maxY;
  });
  const extent: BBox | null = l.features.length ? [minX, minY, maxX, maxY] : null;
  db.prepare(
    `INSERT INTO gpkg_contents (table_name, data_type, identifier, description, last_change, min_x, min_y, max_x, max_y, srs_id)
     VALUES (?, 'features', ?, ?, strftime('%Y-%m-%dT%H:%M:%fZ','now'), ?, ?, ?, ?, 4326)`,
  ).run(t, t, l.description ?? '', extent?.[0] ?? null, extent?.[1] ?? null, extent?.[2] ?? null, extent?.[3] ?? null);
  db.prepare("INSERT INTO gpkg_geometry_columns VALUES (?, 'geom', ?, 4326, 0, 0)").run(t, geometryType);
  db.prepare("INSERT INTO gpkg_extensions VALUES (?, 'geom', 'gpkg_rtree_index', 'http://www.geopackage.org/spec120/#extension_rtree', 'write-only')").run(t);
  db.exec(rtreeSql(t, 'geom', 'fid'));
  return { name: t, features: l.features.length, extent, geometryType };
}
