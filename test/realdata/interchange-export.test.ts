/**
 * Export of real label data: GeoPackages written by our own code pass GDAL's validate_gpkg.py and
 * `ogrinfo -so` sees the same features and extent; GeoJSON passes the RFC 7946 rules; import ->
 * export -> import gives back the same geometry (GeoPackage: exactly; GeoJSON: within 1e-7 deg)
 * and the same properties. Skips without ../shared/realdata; GDAL parts skip without ogrinfo.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MultiPolygon, Polygon } from '../../src/common/geo/geojson';
import { inferFields, readLabels, writeGeoJson, writeGeoPackage, type ImportedFeature } from '../../src/node/interchange/index';
import { checkRfc7946 } from '../../src/node/interchange/rfc7946-check';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const REAL = resolve(repoRoot, '../shared/realdata');
const haveReal = existsSync(join(REAL, 'gis_files'));
const hasGdal = spawnSync('ogrinfo', ['--version']).status === 0;
const VALIDATOR = ['/usr/lib/python3/dist-packages/osgeo_utils/samples/validate_gpkg.py', '/usr/share/doc/python3-gdal/examples/validate_gpkg.py'].find((p) => existsSync(p));
const PYTHON = ['/usr/bin/python3', 'python3'].find((p) => spawnSync(p, ['--version']).status === 0);

const SOURCES: Record<string, string> = {
  ghana_labels: 'labels/activemapper_ghana/derived/top_label_maps.gpkg',
  ghana_reference: 'labels/activemapper_ghana/original/map_reference_labels.geojson',
  nl_parcels: 'gis_files/fiboa_lpis_exports/nl/brpgewaspercelen_definitief_2023.gpkg',
  fi_parcels: 'gis_files/fiboa_lpis_exports/fi/LandUse.ExistingLandUse.GSAAAgriculturalParcel.gpkg',
  hr_parcels: 'gis_files/fiboa_lpis_exports/hr/land_parcels.gpkg',
  de_blocks: 'gis_files/fiboa_lpis_exports/de_sh/Feldbloecke_2026_GPKG.zip',
  nigeria_kml: 'gis_files/kml_google_earth_nigeria/id_1.0.shp.kml',
  india_shp: 'gis_files/fiboa_lpis_exports/india_10k/india_10k.zip',
};

const parts = (g: Polygon | MultiPolygon) => (g.type === 'Polygon' ? [g.coordinates] : g.coordinates) as number[][][][];
const extentOf = (fs: ImportedFeature[]) => {
  const e = [Infinity, Infinity, -Infinity, -Infinity];
  for (const f of fs) for (const p of parts(f.geometry).flat(2)) {
    e[0] = Math.min(e[0]!, p[0]!); e[1] = Math.min(e[1]!, p[1]!); e[2] = Math.max(e[2]!, p[0]!); e[3] = Math.max(e[3]!, p[1]!);
  }
  return e;
};

/** A GeoPackage has one schema per layer: a key a feature lacks comes back as null. */
const withAllKeys = (props: Record<string, unknown>, keys: string[]) => Object.fromEntries(keys.map((k) => [k, props[k] ?? null]));

/** Largest distance (deg, per axis) from any vertex of one ring to the nearest vertex of the other, both ways. */
function ringDistance(a: number[][], b: number[][]): number {
  const one = (x: number[][], y: number[][]) => Math.max(...x.map((p) => Math.min(...y.map((q) => Math.max(Math.abs(p[0]! - q[0]!), Math.abs(p[1]! - q[1]!))))));
  return Math.max(one(a, b), one(b, a));
}

describe.skipIf(!haveReal)('export of real labels', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fm-export-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const imported = new Map<string, ImportedFeature[]>();
  const gpkg = join(dir, 'labels.gpkg');

  beforeAll(async () => {
    for (const [name, f] of Object.entries(SOURCES)) imported.set(name, (await readLabels(join(REAL, f))).features);
    await writeGeoPackage(gpkg, [...imported].map(([name, features]) => ({ name, features, fields: inferFields(features), description: SOURCES[name] })));
  });

  it.skipIf(!VALIDATOR || !PYTHON)('the written GeoPackage passes validate_gpkg.py (with --extra checks)', () => {
    const r = spawnSync(PYTHON!, [VALIDATOR!, '--extra', '--warning-as-error', gpkg], { encoding: 'utf8' });
    expect(`${r.stdout}${r.stderr}`.trim()).toBe('');
    expect(r.status).toBe(0);
  });

  it.skipIf(!hasGdal)('ogrinfo -so sees the same features, extent and fields', () => {
    for (const [name, fs] of imported) {
      const out = execFileSync('ogrinfo', ['-ro', '-so', gpkg, name], { encoding: 'utf8' });
      expect(Number(out.match(/Feature Count: (\d+)/)![1]), name).toBe(fs.length);
      const m = out.match(/Extent: \(([-\d.]+), ([-\d.]+)\) - \(([-\d.]+), ([-\d.]+)\)/)!;
      const e = extentOf(fs);
      for (let i = 0; i < 4; i++) expect(Math.abs(Number(m[i + 1]) - e[i]!), `${name} extent`).toBeLessThan(1e-6);
      expect(out).toMatch(/Geometry Column = geom/);
      for (const f of inferFields(fs)) expect(out, `${name}.${f.name}`).toContain(`${f.name}: `);
    }
  });

  it('GeoPackage round trip is lossless: same geometry (exact) and same properties', async () => {
    for (const [name, fs] of imported) {
      const back = await readLabels(gpkg, { layer: name });
      expect(back.skipped, name).toEqual([]);
      expect(back.features.length, name).toBe(fs.length);
      const keys = inferFields(fs).map((k) => k.name);
      back.features.forEach((f, i) => {
        expect(parts(f.geometry), `${name} ${i}`).toEqual(parts(fs[i]!.geometry));
        expect(f.properties, `${name} ${i}`).toEqual(withAllKeys(fs[i]!.properties, keys));
        expect(f.repaired).toBeUndefined();
      });
    }
  });

  it('GeoJSON export passes RFC 7946 and round-trips within 1e-7 degrees with the same properties', async () => {
    for (const [name, fs] of imported) {
      const out = join(dir, `${name}.geojson`);
      const res = await writeGeoJson(out, fs.map((f) => ({ geometry: f.geometry, properties: f.properties, id: f.id })), { bbox: true });
      expect(res.features).toBe(fs.length);
      const doc = JSON.parse(readFileSync(out, 'utf8'));
      expect(checkRfc7946(doc), name).toEqual([]);
      const back = await readLabels(out);
      expect(back.skipped, name).toEqual([]);
      expect(back.features.length, name).toBe(fs.length);
      let worst = 0;
      back.features.forEach((f, i) => {
        const a = parts(f.geometry), b = parts(fs[i]!.geometry);
        // Rounding to 7 decimals may merge vertices closer than ~1 cm; compare the rings as shapes.
        expect(a.map((p) => p.length), `${name} ${i} rings`).toEqual(b.map((p) => p.length));
        a.forEach((p, pi) => p.forEach((r, ri) => (worst = Math.max(worst, ringDistance(r, b[pi]![ri]!)))));
        expect(f.repaired, `${name} ${i}`).toBeUndefined();
        expect(f.properties, `${name} ${i}`).toEqual(fs[i]!.properties);
        expect(f.id).toEqual(fs[i]!.id);
      });
      expect(worst, name).toBeLessThanOrEqual(0.5e-7 + 1e-12);
      if (hasGdal) expect(Number(execFileSync('ogrinfo', ['-ro', '-so', '-al', out], { encoding: 'utf8' }).match(/Feature Count: (\d+)/)![1])).toBe(fs.length);
    }
  });
});
