import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import type { MultiPolygon, Polygon } from '../../common/geo/geojson';
import { inferFields, readLabels, registerGpkgFunctions, writeGeoPackage } from './index';

const dir = mkdtempSync(join(tmpdir(), 'fm-gpkg-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// --- hand-made WKB / GeoPackage blobs -------------------------------------------------------
interface WkbOpts { le?: boolean; z?: boolean; m?: boolean; ewkb?: boolean }
function head(type: number, o: WkbOpts): number[] {
  const le = o.le ?? true;
  let code = type;
  if (o.ewkb) code = (type | (o.z ? 0x80000000 : 0) | (o.m ? 0x40000000 : 0)) >>> 0;
  else code = type + (o.z && o.m ? 3000 : o.z ? 1000 : o.m ? 2000 : 0);
  const b = Buffer.alloc(5);
  b[0] = le ? 1 : 0;
  if (le) b.writeUInt32LE(code, 1);
  else b.writeUInt32BE(code, 1);
  return [...b];
}
function u32(n: number, le = true): number[] {
  const b = Buffer.alloc(4);
  if (le) b.writeUInt32LE(n >>> 0);
  else b.writeUInt32BE(n >>> 0);
  return [...b];
}
function f64(x: number, le = true): number[] {
  const b = Buffer.alloc(8);
  if (le) b.writeDoubleLE(x);
  else b.writeDoubleBE(x);
  return [...b];
}
function wkbPoly(rings: number[][][], o: WkbOpts = {}): number[] {
  const le = o.le ?? true;
  const out = [...head(3, o), ...u32(rings.length, le)];
  for (const r of rings) {
    out.push(...u32(r.length, le));
    for (const p of r) {
      out.push(...f64(p[0]!, le), ...f64(p[1]!, le));
      if (o.z) out.push(...f64(99, le));
      if (o.m) out.push(...f64(-1, le));
    }
  }
  return out;
}
const wkbMulti = (type: number, parts: number[][], o: WkbOpts = {}) => [...head(type, o), ...u32(parts.length, o.le ?? true), ...parts.flat()];
const wkbPoint = (x: number, y: number) => [...head(1, {}), ...f64(x), ...f64(y)];
function gp(wkb: number[], o: { le?: boolean; env?: number; empty?: boolean; srs?: number } = {}): Buffer {
  const le = o.le ?? true;
  const env = o.env ?? 1;
  const flags = (le ? 1 : 0) | (env << 1) | (o.empty ? 1 << 4 : 0);
  const envDoubles = [0, 4, 6, 6, 8][env]!;
  return Buffer.from([0x47, 0x50, 0, flags, ...(le ? u32(o.srs ?? 4326) : u32(o.srs ?? 4326, false)), ...Array.from({ length: envDoubles }, () => f64(0, le)).flat(), ...wkb]);
}

const sq = (x: number, y: number, s = 1) => [[x, y], [x + s, y], [x + s, y + s], [x, y + s], [x, y]];
const UTM31_WKT = 'PROJCS["WGS 84 / UTM zone 31N",GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563]],PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["latitude_of_origin",0],PARAMETER["central_meridian",3],PARAMETER["scale_factor",0.9996],PARAMETER["false_easting",500000],PARAMETER["false_northing",0],UNIT["metre",1],AXIS["Easting",EAST],AXIS["Northing",NORTH],AUTHORITY["EPSG","32631"]]';
const CUSTOM_WKT = UTM31_WKT.replace('WGS 84 / UTM zone 31N', 'my local TM').replace(',AUTHORITY["EPSG","32631"]]', ']').replace('"central_meridian",3', '"central_meridian",9');

/** A GeoPackage written with plain SQL (as other tools do), with every blob variant we read. */
function handMade(path: string): void {
  const db = new Database(path);
  db.pragma('application_id = 1196444487');
  db.pragma('user_version = 10300');
  db.exec(`
    CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY, organization TEXT NOT NULL, organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT);
    CREATE TABLE gpkg_contents (table_name TEXT PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT, description TEXT, last_change TEXT, min_x REAL, min_y REAL, max_x REAL, max_y REAL, srs_id INTEGER);
    CREATE TABLE gpkg_geometry_columns (table_name TEXT, column_name TEXT, geometry_type_name TEXT, srs_id INTEGER, z INTEGER, m INTEGER);
    CREATE TABLE pts (fid INTEGER PRIMARY KEY, geom POINT);
    CREATE TABLE attrs (id INTEGER PRIMARY KEY, x TEXT);
    CREATE TABLE mixed (fid INTEGER PRIMARY KEY, shape GEOMETRY, name TEXT, ok BOOLEAN, raw BLOB);
    CREATE TABLE utm (fid INTEGER PRIMARY KEY, geom POLYGON);
    CREATE TABLE custom (fid INTEGER PRIMARY KEY, geom POLYGON);
    CREATE TABLE cartesian (fid INTEGER PRIMARY KEY, geom POLYGON);
  `);
  const srs = db.prepare('INSERT INTO gpkg_spatial_ref_sys VALUES (?, ?, ?, ?, ?, NULL)');
  srs.run('undef', -1, 'NONE', -1, 'undefined');
  srs.run('undef geo', 0, 'NONE', 0, 'undefined');
  srs.run('WGS 84', 4326, 'EPSG', 4326, 'GEOGCS["WGS 84"]');
  srs.run('UTM 31N', 32631, 'EPSG', 32631, UTM31_WKT);
  srs.run('custom', 990001, 'ACME', 1, CUSTOM_WKT);
  const content = db.prepare("INSERT INTO gpkg_contents (table_name, data_type, srs_id) VALUES (?, ?, ?)");
  const gcol = db.prepare('INSERT INTO gpkg_geometry_columns VALUES (?, ?, ?, ?, 0, 0)');
  for (const [t, type, col, s] of [['pts', 'POINT', 'geom', 4326], ['mixed', 'GEOMETRY', 'shape', 4326], ['utm', 'POLYGON', 'geom', 32631], ['custom', 'POLYGON', 'geom', 990001], ['cartesian', 'POLYGON', 'geom', -1]] as const) {
    content.run(t, 'features', s);
    gcol.run(t, col, type, s);
  }
  content.run('attrs', 'attributes', null);
  db.prepare('INSERT INTO pts VALUES (1, ?)').run(gp(wkbPoint(1, 2)));
  const m = db.prepare('INSERT INTO mixed VALUES (?, ?, ?, ?, ?)');
  m.run(10, gp(wkbPoly([sq(0, 0)]), { env: 0 }), 'plain', 1, Buffer.from([1, 2, 3]));
  m.run(11, gp(wkbPoly([sq(0, 0)], { le: false }), { le: false, env: 1 }), 'big-endian', 0, null);
  m.run(12, gp(wkbPoly([sq(0, 0)], { z: true }), { env: 2 }), 'polygon Z', null, null);
  m.run(13, gp(wkbMulti(6, [wkbPoly([sq(0, 0)], { z: true, m: true }), wkbPoly([sq(2, 2)], { z: true, m: true })], { z: true, m: true }), { env: 4 }), 'multipolygon ZM', null, null);
  m.run(14, gp(wkbPoly([sq(0, 0)], { z: true, ewkb: true })), 'EWKB Z', null, null);
  m.run(15, gp(wkbMulti(7, [wkbPoly([sq(0, 0)]), wkbPoint(5, 5)])), 'collection', null, null);
  m.run(16, gp([...head(10, {}), ...u32(0)]), 'curve polygon', null, null);
  m.run(17, gp(wkbPoint(1, 1)), 'point', null, null);
  m.run(18, null, 'null', null, null);
  m.run(19, gp([], { env: 0, empty: true }), 'empty', null, null);
  m.run(20, gp(wkbPoly([[[0, 0], [NaN, 0], [1, 1], [0, 0]]])), 'NaN', null, null);
  m.run(21, gp(wkbPoly([sq(0, 0)]).slice(0, 30)), 'truncated WKB', null, null);
  m.run(22, Buffer.from(wkbPoly([sq(0, 0)])), 'bare WKB', null, null);
  db.prepare('INSERT INTO utm VALUES (1, ?)').run(gp(wkbPoly([sq(500000, 0, 1000)]), { srs: 32631 }));
  db.prepare('INSERT INTO custom VALUES (1, ?)').run(gp(wkbPoly([sq(500000, 5000000, 100)]), { srs: 990001 }));
  db.prepare('INSERT INTO cartesian VALUES (1, ?)').run(gp(wkbPoly([sq(0, 0)]), { srs: -1 }));
  db.close();
}

const path = join(dir, 'hand.gpkg');
handMade(path);

async function bad(p: string, opts = {}): Promise<string> {
  const e = await readLabels(p, opts).then(() => null, (x: unknown) => x as { code: string; message: string });
  expect(e?.code).toBe('BAD_INPUT');
  expect(e!.message).not.toContain('\n');
  return e!.message;
}

describe('GeoPackage reading', () => {
  it('picks the first layer holding polygons, reads every blob variant and skips the rest with reasons', async () => {
    const r = await readLabels(path);
    expect(r.format).toBe('gpkg');
    expect(r.layer).toBe('mixed'); // pts holds points, attrs has no geometry
    const byName = new Map(r.features.map((f) => [f.properties.name, f]));
    expect([...byName.keys()]).toEqual(['plain', 'big-endian', 'polygon Z', 'multipolygon ZM', 'EWKB Z', 'collection', 'bare WKB']);
    expect(byName.get('plain')!.properties).toEqual({ name: 'plain', ok: true, raw: 'AQID' });
    expect(byName.get('plain')!.id).toBe(10);
    for (const f of r.features) {
      const first = f.geometry.type === 'Polygon' ? f.geometry.coordinates[0]! : f.geometry.coordinates[0]![0]!;
      expect(first.every((p) => p.length === 2)).toBe(true); // Z and M dropped
      expect(first).toEqual(sq(0, 0));
    }
    expect((byName.get('multipolygon ZM')!.geometry as MultiPolygon).coordinates).toHaveLength(2);
    expect(byName.get('collection')!.repaired).toMatch(/dropped 1 non-area member \(Point\)/);
    const reasons = Object.fromEntries(r.skipped.map((s) => [s.feature, s.reason]));
    expect(reasons).toEqual({
      16: expect.stringMatching(/curve geometry \(CurvePolygon\) is not supported/),
      17: expect.stringMatching(/Point is not an area/),
      18: expect.stringMatching(/no geometry/),
      19: 'empty geometry',
      20: expect.stringMatching(/NaN or infinite coordinate/),
      21: expect.stringMatching(/corrupt geometry: WKB truncated/),
    });
  });

  it('reprojects a layer from its own CRS: EPSG code, and a custom WKT without a code', async () => {
    const utm = await readLabels(path, { layer: 'utm' });
    expect(utm.sourceCrs).toBe('EPSG:32631');
    const p = (utm.features[0]!.geometry as Polygon).coordinates[0]![0]!;
    expect(p[0]).toBeCloseTo(3, 9);
    expect(p[1]).toBeCloseTo(0, 9);
    const custom = await readLabels(path, { layer: 'CUSTOM' });
    expect(custom.sourceCrs).toBe('my local TM');
    const c = (custom.features[0]!.geometry as Polygon).coordinates[0]![0]!;
    expect(c[0]).toBeCloseTo(9, 6);
    expect(c[1]).toBeCloseTo(45.1534772, 5);
  });

  it('refuses layers it cannot place or find, listing the layers', async () => {
    expect(await bad(path, { layer: 'cartesian' })).toMatch(/layer "cartesian": undefined Cartesian CRS \(srs_id -1\)/);
    expect(await bad(path, { layer: 'nope' })).toMatch(/no layer "nope"; layers: pts \(POINT\), mixed \(GEOMETRY\), utm \(POLYGON\), custom \(POLYGON\), cartesian \(POLYGON\), attrs \(attributes\)/);
    expect(await bad(path, { layer: 'attrs' })).toMatch(/attributes table without geometries/);
    const pts = await readLabels(path, { layer: 'pts' });
    expect(pts.features).toEqual([]);
    expect(pts.skipped[0]!.reason).toMatch(/Point is not an area/);
  });

  it('refuses a SQLite file that is not a GeoPackage, and a truncated one', async () => {
    const plain = join(dir, 'plain.sqlite');
    const db = new Database(plain);
    db.exec('CREATE TABLE things (a); INSERT INTO things VALUES (1)');
    db.close();
    expect(await bad(plain)).toMatch(/SQLite database but not a GeoPackage \(no gpkg_contents table; tables: things\)/);
    const cut = join(dir, 'cut.gpkg');
    writeFileSync(cut, readFileSync(path));
    truncateSync(cut, 4096 * 3);
    expect(await bad(cut)).toMatch(/file is truncated: its header says \d+ bytes, the file has 12288/);
    const head100 = join(dir, 'head.gpkg');
    writeFileSync(head100, readFileSync(path).subarray(0, 60));
    expect(await bad(head100)).toMatch(/truncated/);
  });
});

describe('GeoPackage writing', () => {
  const features: { geometry: Polygon | MultiPolygon; properties: Record<string, unknown> }[] = [
    { geometry: { type: 'Polygon', coordinates: [sq(10, 50, 0.01), [[10.002, 50.002], [10.002, 50.004], [10.004, 50.004], [10.002, 50.002]]] } as Polygon, properties: { labeller: 'ann', score: 0.71, n: 3, when: '2024-05-01T10:00:00.000Z', ok: true } },
    { geometry: { type: 'MultiPolygon', coordinates: [[sq(11, 51, 0.01)], [sq(12, 52, 0.01)]] } as MultiPolygon, properties: { labeller: "o'brien \"q\"", score: null, n: 4, when: null } },
  ];

  it('writes a GeoPackage 1.3 with its tables, rtree index and triggers, and reads it back losslessly', async () => {
    const out = join(dir, 'out.gpkg');
    const fields = inferFields(features);
    expect(fields).toEqual([
      { name: 'labeller', type: 'TEXT' }, { name: 'score', type: 'REAL' }, { name: 'n', type: 'INTEGER' }, { name: 'when', type: 'DATETIME' }, { name: 'ok', type: 'BOOLEAN' },
    ]);
    const res = await writeGeoPackage(out, [{ name: 'labels', features, fields, description: 'test labels' }, { name: 'empty layer', features: [], fields: [] }]);
    expect(res.layers[0]).toMatchObject({ name: 'labels', features: 2, geometryType: 'MULTIPOLYGON', extent: [10, 50, 12.01, 52.01] });
    const bytes = readFileSync(out);
    expect(bytes.readUInt32BE(68)).toBe(0x47504b47); // application_id 'GPKG'
    expect(bytes.readUInt32BE(60)).toBe(10300); // user_version
    expect(bytes[18]).toBe(1); // rollback journal (not WAL): one self-contained file
    const db = new Database(out, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('delete');
    expect(db.prepare('SELECT srs_id FROM gpkg_spatial_ref_sys ORDER BY srs_id').pluck().all()).toEqual([-1, 0, 4326]);
    expect(db.prepare("SELECT min_x, min_y, max_x, max_y, srs_id, description FROM gpkg_contents WHERE table_name = 'labels'").get()).toEqual({ min_x: 10, min_y: 50, max_x: 12.01, max_y: 52.01, srs_id: 4326, description: 'test labels' });
    expect(db.prepare('SELECT count(*) FROM "rtree_labels_geom" WHERE minx <= 11.005 AND maxx >= 11.005').pluck().get()).toBe(1);
    expect(db.prepare("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'rtree_labels_geom_%'").pluck().get()).toBe(6);
    expect(db.prepare("SELECT extension_name, scope FROM gpkg_extensions WHERE table_name = 'labels'").get()).toEqual({ extension_name: 'gpkg_rtree_index', scope: 'write-only' });
    db.close();
    const back = await readLabels(out);
    expect(back.layer).toBe('labels');
    expect(back.features.map((f) => f.geometry)).toEqual([
      { type: 'MultiPolygon', coordinates: [features[0]!.geometry.coordinates] },
      features[1]!.geometry,
    ]);
    expect(back.features.map((f) => f.properties)).toEqual([
      { labeller: 'ann', score: 0.71, n: 3, when: '2024-05-01T10:00:00.000Z', ok: true },
      { labeller: "o'brien \"q\"", score: null, n: 4, when: null, ok: null },
    ]);
    expect((await readLabels(out, { layer: 'empty layer' })).features).toEqual([]);
  });

  it('keeps the spatial index in step when the file is edited later (triggers + our ST_ functions)', async () => {
    const out = join(dir, 'edit.gpkg');
    await writeGeoPackage(out, [{ name: 't', features: features.slice(0, 1), fields: [] }]);
    const db = new Database(out);
    registerGpkgFunctions(db);
    const moved = (await import('./gpkg-binary')).writeGpkgGeometry([[sq(30, 10, 1)]], false, 4326, { minX: 30, minY: 10, maxX: 31, maxY: 11 });
    db.prepare('UPDATE t SET geom = ? WHERE fid = 1').run(moved);
    db.prepare('INSERT INTO t (geom) VALUES (?)').run(moved);
    expect(db.prepare('SELECT id, minx, maxy FROM rtree_t_geom ORDER BY id').all()).toEqual([{ id: 1, minx: 30, maxy: 11 }, { id: 2, minx: 30, maxy: 11 }]);
    db.prepare('DELETE FROM t WHERE fid = 2').run();
    expect(db.prepare('SELECT count(*) FROM rtree_t_geom').pluck().get()).toBe(1);
    db.close();
  });

  it('refuses reserved or repeated names', async () => {
    const out = join(dir, 'never.gpkg');
    await expect(writeGeoPackage(out, [{ name: 'gpkg_x', features: [], fields: [] }])).rejects.toMatchObject({ code: 'BAD_ARGUMENTS' });
    await expect(writeGeoPackage(out, [{ name: 'a', features: [], fields: [{ name: 'FID', type: 'TEXT' }] }])).rejects.toThrow(/reserved/);
    await expect(writeGeoPackage(out, [{ name: 'a', features: [], fields: [] }, { name: 'A', features: [], fields: [] }])).rejects.toThrow(/duplicate layer/);
    expect(() => readFileSync(out)).toThrow();
  });
});
