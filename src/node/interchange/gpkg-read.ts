/**
 * Reads polygon features from a GeoPackage with better-sqlite3 (read-only). Picks the layer
 * (`layer` option, else the first feature layer that holds polygons), reads its CRS from its own
 * gpkg_spatial_ref_sys row and reprojects to EPSG:4326.
 */
import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { ApiError } from '../../common/api/errors';
import { sqliteBindingOptions } from '../store/sqlite-binding';
import { Collector } from './collect';
import { peekGpkgType, readGpkgGeometry } from './gpkg-binary';
import { CrsError, crsFromEpsg, crsFromWkt, type ResolvedCrs } from './reproject';
import { badInput, errorMessage, type ReadResult } from './types';

type Db = Database.Database;

interface LayerInfo {
  name: string;
  dataType: string;
  srsId: number | null;
  geomColumn: string | null;
  geomType: string | null;
}

const q = (id: string) => `"${id.replace(/"/g, '""')}"`;
const POLYGON_TYPES = new Set(['POLYGON', 'MULTIPOLYGON']);
const ANY_TYPES = new Set(['GEOMETRY', 'GEOMETRYCOLLECTION']);

/** A SQLite header whose page count says the file should be longer than it is. */
function truncation(path: string): string | null {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(100);
    const n = readSync(fd, head, 0, 100, 0);
    if (n < 100) return `file is truncated (${n} bytes, shorter than a SQLite header)`;
    const raw = head.readUInt16BE(16);
    const pageSize = raw === 1 ? 65536 : raw;
    const pages = head.readUInt32BE(28);
    const size = statSync(path).size;
    if (head.readUInt32BE(92) === head.readUInt32BE(24) && pages > 0 && size < pageSize * pages) {
      return `file is truncated: its header says ${pageSize * pages} bytes, the file has ${size}`;
    }
    return null;
  } finally {
    closeSync(fd);
  }
}

function open(path: string): Db {
  const db = new Database(path, { ...sqliteBindingOptions(), readonly: true, fileMustExist: true });
  try {
    db.prepare('SELECT count(*) FROM sqlite_master').get();
    return db;
  } catch (e) {
    db.close();
    const code = (e as { code?: string }).code ?? '';
    if (!/CANTOPEN|READONLY|IOERR/.test(code)) throw e;
    // A WAL-mode file in a read-only folder: read it into memory as a rollback-journal database.
    const buf = readFileSync(path);
    if (buf[18] === 2) buf[18] = 1;
    if (buf[19] === 2) buf[19] = 1;
    return new Database(buf, sqliteBindingOptions());
  }
}

function listLayers(db: Db): LayerInfo[] {
  const hasGeomCols = db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'gpkg_geometry_columns'").get();
  const sql = hasGeomCols
    ? `SELECT c.table_name AS name, c.data_type AS dataType, coalesce(g.srs_id, c.srs_id) AS srsId,
         g.column_name AS geomColumn, upper(g.geometry_type_name) AS geomType
       FROM gpkg_contents c LEFT JOIN gpkg_geometry_columns g ON lower(g.table_name) = lower(c.table_name) ORDER BY c.rowid`
    : 'SELECT table_name AS name, data_type AS dataType, srs_id AS srsId, NULL AS geomColumn, NULL AS geomType FROM gpkg_contents ORDER BY rowid';
  return db.prepare(sql).all() as LayerInfo[];
}

function describe(layers: LayerInfo[]): string {
  if (!layers.length) return 'none (gpkg_contents is empty)';
  return layers.map((l) => `${l.name} (${l.geomColumn ? (l.geomType ?? 'GEOMETRY') : l.dataType})`).join(', ');
}

function hasRows(db: Db, l: LayerInfo): boolean {
  return !!db.prepare(`SELECT 1 FROM ${q(l.name)} WHERE ${q(l.geomColumn!)} IS NOT NULL LIMIT 1`).get();
}

function holdsPolygons(db: Db, l: LayerInfo): boolean {
  const col = q(l.geomColumn!);
  const rows = db.prepare(`SELECT ${col} FROM ${q(l.name)} WHERE ${col} IS NOT NULL LIMIT 1000`).raw().all() as [Uint8Array][];
  return rows.some(([g]) => {
    const t = g instanceof Uint8Array ? peekGpkgType(g) : null;
    return t === 3 || t === 6 || t === 7;
  });
}

function pickLayer(db: Db, layers: LayerInfo[], wanted: string | undefined): LayerInfo | string {
  if (wanted !== undefined) {
    const l = layers.find((x) => x.name === wanted) ?? layers.find((x) => x.name.toLowerCase() === wanted.toLowerCase());
    if (!l) return `no layer "${wanted}"; layers: ${describe(layers)}`;
    if (!l.geomColumn) return `layer "${l.name}" is a ${l.dataType} table without geometries; layers: ${describe(layers)}`;
    return l;
  }
  const features = layers.filter((l) => l.geomColumn);
  for (const l of features) {
    if (POLYGON_TYPES.has(l.geomType ?? '') && hasRows(db, l)) return l;
    if (ANY_TYPES.has(l.geomType ?? '') && holdsPolygons(db, l)) return l;
  }
  const emptyPolygonLayer = features.find((l) => POLYGON_TYPES.has(l.geomType ?? ''));
  if (emptyPolygonLayer) return emptyPolygonLayer;
  return `no feature layer holds polygons; layers: ${describe(layers)}`;
}

function layerCrs(db: Db, l: LayerInfo): ResolvedCrs {
  const srsId = l.srsId ?? 0;
  const row = db.prepare('SELECT * FROM gpkg_spatial_ref_sys WHERE srs_id = ?').get(srsId) as Record<string, unknown> | undefined;
  if (!row && srsId > 0) {
    const known = crsFromEpsg(srsId);
    if (known) return known;
  }
  if (!row) throw new CrsError(`srs_id ${srsId} is not defined in gpkg_spatial_ref_sys`);
  const org = String(row.organization ?? '').toUpperCase();
  const code = Number(row.organization_coordsys_id);
  if (srsId === -1 || (org === 'NONE' && code === -1)) throw new CrsError('undefined Cartesian CRS (srs_id -1): cannot place it on the map');
  if (srsId === 0 || (org === 'NONE' && code === 0)) return { label: 'undefined geographic CRS (srs_id 0), read as EPSG:4326', transform: null };
  if (org === 'EPSG') {
    const known = crsFromEpsg(code);
    if (known) return known;
  }
  for (const col of ['definition', 'definition_12_063']) {
    const wkt = row[col];
    if (typeof wkt === 'string' && wkt.trim() && wkt.trim().toLowerCase() !== 'undefined') return crsFromWkt(wkt);
  }
  throw new CrsError(`CRS ${org}:${code} has no usable definition and is not built in`);
}

function toProperty(v: unknown, isBool: boolean): unknown {
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (isBool && (v === 0 || v === 1)) return v === 1;
  return v;
}

function readLayer(db: Db, l: LayerInfo, display: string): Omit<ReadResult, 'format'> {
  let crs: ResolvedCrs;
  try {
    crs = layerCrs(db, l);
  } catch (e) {
    throw badInput(display, `layer "${l.name}": ${errorMessage(e)}`);
  }
  const cols = db.prepare(`PRAGMA table_info(${q(l.name)})`).all() as { name: string; type: string; pk: number }[];
  const isView = !!db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'view' AND name = ?").get(l.name);
  const pk = cols.find((c) => c.pk === 1 && /INT/i.test(c.type)) ?? (isView && /INT/i.test(cols[0]?.type ?? '') ? cols[0] : undefined);
  const geomLower = l.geomColumn!.toLowerCase();
  const stmt = db.prepare(`SELECT * FROM ${q(l.name)}${pk && !isView ? ` ORDER BY ${q(pk.name)}` : ''}`).raw(true);
  const names = stmt.columns().map((c) => c.name);
  const geomIdx = names.findIndex((n) => n.toLowerCase() === geomLower);
  if (geomIdx < 0) throw badInput(display, `layer "${l.name}" has no geometry column "${l.geomColumn}"`);
  const pkIdx = pk ? names.indexOf(pk.name) : -1;
  const boolCols = new Set(cols.filter((c) => /^BOOL/i.test(c.type)).map((c) => c.name));
  const out = new Collector(crs.label, crs.transform, false);
  let index = 0;
  for (const row of stmt.iterate() as Iterable<unknown[]>) {
    const i = index++;
    const idRaw = pkIdx >= 0 ? row[pkIdx] : null;
    const id = typeof idRaw === 'number' || typeof idRaw === 'string' ? idRaw : typeof idRaw === 'bigint' ? Number(idRaw) : null;
    const properties: Record<string, unknown> = {};
    for (let c = 0; c < names.length; c++) {
      if (c === geomIdx || c === pkIdx) continue;
      properties[names[c]!] = toProperty(row[c], boolCols.has(names[c]!));
    }
    const blob = row[geomIdx];
    if (blob === null || blob === undefined) {
      out.skip(i, id, 'no geometry (null)');
      continue;
    }
    if (!(blob instanceof Uint8Array)) {
      out.skip(i, id, `geometry column holds a ${typeof blob}, not a geometry blob`);
      continue;
    }
    out.add(i, id, readGpkgGeometry(blob), properties);
  }
  return { layer: l.name, sourceCrs: crs.label, features: out.features, skipped: out.skipped };
}

/** `display` names the file in messages (e.g. "x.zip!/a.gpkg"). */
export function readGeoPackage(path: string, display: string, layer?: string): Omit<ReadResult, 'format'> {
  const cut = truncation(path);
  if (cut) throw badInput(display, cut);
  let db: Db | null = null;
  try {
    db = open(path);
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type IN ('table', 'view') ORDER BY name").all() as { name: string }[]).map((r) => r.name);
    if (!tables.includes('gpkg_contents')) {
      const shown = tables.slice(0, 8).join(', ') + (tables.length > 8 ? ', ...' : '');
      throw badInput(display, `SQLite database but not a GeoPackage (no gpkg_contents table; tables: ${shown || 'none'})`);
    }
    const layers = listLayers(db);
    const picked = pickLayer(db, layers, layer);
    if (typeof picked === 'string') throw badInput(display, picked);
    return readLayer(db, picked, display);
  } catch (e) {
    if (e instanceof ApiError) throw e;
    const code = (e as { code?: string }).code ?? '';
    if (/CORRUPT|NOTADB|IOERR/.test(code)) throw badInput(display, `truncated or corrupt GeoPackage (${errorMessage(e)})`);
    if (code.startsWith('SQLITE')) throw badInput(display, `cannot read GeoPackage: ${errorMessage(e)}`);
    throw e;
  } finally {
    db?.close();
  }
}
