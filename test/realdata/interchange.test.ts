/**
 * Label import on the real GIS files of ../shared/realdata (MANIFEST.md sections 2-4): every
 * GeoPackage imports or is refused for a stated reason; projected layers land within 1 m of
 * `ogr2ogr -t_srs EPSG:4326`; KML and zipped-shapefile counts match `ogrinfo`; the geojsonhint
 * corpus never crashes the reader. Skips without the folder; GDAL checks skip without ogrinfo.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { isApiError } from '../../src/common/api/errors';
import { readLabels, type ReadResult } from '../../src/node/interchange/index';
import { ZipReader } from '../../src/node/interchange/zip';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const REAL = resolve(repoRoot, '../shared/realdata');
const haveReal = existsSync(join(REAL, 'gis_files'));
const hasGdal = spawnSync('ogrinfo', ['--version']).status === 0;
const rel = (p: string) => relative(REAL, p);

function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}
const all = haveReal ? walk(REAL) : [];
const zipHolds = (p: string, re: RegExp) => {
  const z = new ZipReader(p);
  try {
    return z.files().filter((e) => re.test(e.name)).map((e) => e.name);
  } finally {
    z.close();
  }
};

/** Expected outcome of the default import of every GeoPackage (plain or zipped). */
type Expect = { layer: string; features: number; skipped: number } | { refused: RegExp };
const GPKG: Record<string, Expect> = {
  'format_suites/ogc_ets_gpkg12/bentiu_southsudan-osm-20170213.gpkg': { layer: 'health_schools_polygons', features: 4, skipped: 0 },
  'format_suites/ogc_ets_gpkg12/elevation.gpkg': { refused: /no feature layer holds polygons; layers: elevation \(2d-gridded-coverage\), ogr_empty_table \(GEOMETRY\)/ },
  'format_suites/ogc_ets_gpkg12/empty.gpkg': { refused: /no feature layer holds polygons; layers: none \(gpkg_contents is empty\)/ },
  'format_suites/ogc_ets_gpkg12/features-0.gpkg': { layer: '0', features: 51, skipped: 0 },
  'format_suites/ogc_ets_gpkg12/features-0_FIXED.gpkg': { layer: '0', features: 51, skipped: 0 },
  'format_suites/ogc_ets_gpkg12/gdal_sample.gpkg': { layer: 'polygon2d', features: 1, skipped: 1 },
  'format_suites/ogc_ets_gpkg12/gdal_sample_v1.2_no_extensions.gpkg': { layer: 'polygon2d', features: 1, skipped: 1 },
  'format_suites/ogc_ets_gpkg12/gdal_sample_v1.2_spatial_index_extension.gpkg': { layer: 'polygon2d', features: 1, skipped: 1 },
  'format_suites/ogc_ets_gpkg12/gdal_sample_v1.2_spi_nonlinear_webp_elevation.gpkg': { layer: 'polygon2d', features: 1, skipped: 1 },
  'format_suites/ogc_ets_gpkg12/gdal_sample_view.gpkg': { layer: 'polygon2d', features: 1, skipped: 1 },
  'format_suites/ogc_ets_gpkg12/gpkg-test-5208.gpkg': { refused: /no feature layer holds polygons; layers: geojson \(POINT\)/ },
  'format_suites/ogc_ets_gpkg12/null_geometry.gpkg': { layer: 'new_geopackage', features: 1, skipped: 2 },
  'format_suites/ogc_ets_gpkg12/simple_sewer_features.gpkg': { refused: /no feature layer holds polygons; layers: s_manhole \(POINT\), foul_sewer \(MULTILINESTRING\)/ },
  'format_suites/ogc_ets_gpkg12/states10.gpkg': { layer: 'statesQGIS', features: 51, skipped: 0 },
  'format_suites/ogc_ets_gpkg12/uint16.gpkg': { refused: /no feature layer holds polygons; layers: uint16 \(2d-gridded-coverage\)/ },
  'format_suites/ogc_ets_gpkg12/v12_bad_attributes.gpkg': { refused: /no feature layer holds polygons; layers: attribute_table \(attributes\), linestring2d \(LINESTRING\)/ },
  'gis_files/fiboa_lpis_exports/at/inspire_schlaege_2025-1_polygon.gpkg.zip': { layer: 'INSPIRE_SCHLAEGE_2025-1_POLYGON', features: 100, skipped: 0 },
  'gis_files/fiboa_lpis_exports/be_vlg/Landbouwgebruikspercelen_2023_-_Definitief_(extractie_28-03-2024)_GPKG.zip': { layer: 'Landbouwgebruikspercelen_2023_-_Definitief_(extractie_28-03-2024)', features: 100, skipped: 0 },
  'gis_files/fiboa_lpis_exports/ch/lwb_nutzungsflaechen_v2_0_lv95.gpkg': { layer: 'nutzungsflaechen', features: 100, skipped: 0 },
  'gis_files/fiboa_lpis_exports/de_sh/Feldbloecke_2026_GPKG.zip': { layer: 'fb_2024', features: 100, skipped: 0 },
  'gis_files/fiboa_lpis_exports/es_cat/Cultius_DUN2023_GPKG.zip': { layer: 'CULTIUS_DUN2023', features: 100, skipped: 0 },
  'gis_files/fiboa_lpis_exports/fi/LandUse.ExistingLandUse.GSAAAgriculturalParcel.gpkg': { layer: 'hvd_kasvulohko', features: 100, skipped: 0 },
  'gis_files/fiboa_lpis_exports/hr/land_parcels.gpkg': { layer: 'ows_data.land_parcels', features: 100, skipped: 0 },
  'gis_files/fiboa_lpis_exports/nl/brpgewaspercelen_definitief_2023.gpkg': { layer: 'brp_gewas', features: 100, skipped: 0 },
  'gis_files/fiboa_lpis_exports/pt/Continente.gpkg': { layer: 'Culturas_Aveiro', features: 100, skipped: 0 }, // layer Continente is empty
  'labels/activemapper_ghana/derived/top_label_maps.gpkg': { layer: 'top_label_maps', features: 7046, skipped: 385 }, // 384 empty + 1 two-point ring
  'labels/fiboa_reference_fields/ai4sf/1_vietnam_areas.gpkg': { layer: 'reference', features: 100, skipped: 0 },
  'labels/fiboa_reference_fields/ai4sf/4_cambodia_areas.gpkg': { layer: 'reference', features: 100, skipped: 0 },
};

const gpkgFiles = all.filter((p) => /\.gpkg$/i.test(p) || (/\.zip$/i.test(p) && zipHolds(p, /\.gpkg$/i).length > 0));

async function attempt(p: string, layer?: string): Promise<ReadResult | Error> {
  try {
    return await readLabels(p, layer ? { layer } : {});
  } catch (e) {
    if (!isApiError(e) || e.code !== 'BAD_INPUT') throw e; // anything else is a crash
    expect(e.message).not.toMatch(/\n/);
    return e;
  }
}

function ogrCount(src: string, layer: string | null): number {
  const out = execFileSync('ogrinfo', layer ? ['-ro', '-so', src, layer] : ['-ro', '-so', '-al', src], { encoding: 'utf8' });
  return [...out.matchAll(/Feature Count: (\d+)/g)].reduce((s, m) => s + Number(m[1]), 0);
}

/** The GDAL name of the data inside a zip (/vsizip/...). */
function gdalSource(p: string, re: RegExp): string {
  return /\.zip$/i.test(p) ? `/vsizip/${p}/${zipHolds(p, re)[0]}` : p;
}

describe.skipIf(!haveReal)('real GeoPackages', () => {
  const results = new Map<string, ReadResult>();

  it('every GeoPackage (plain and zipped) imports or is refused with a clear reason', async () => {
    expect(gpkgFiles.length).toBeGreaterThanOrEqual(28);
    for (const p of gpkgFiles) {
      const want = GPKG[rel(p)];
      expect(want, `no expectation for ${rel(p)}`).toBeDefined();
      const got = await attempt(p);
      if ('refused' in want!) {
        expect(got, rel(p)).toBeInstanceOf(Error);
        expect((got as Error).message).toMatch(want.refused);
        expect((got as Error).message.startsWith(p)).toBe(true);
      } else {
        expect(got, `${rel(p)}: ${(got as Error).message}`).not.toBeInstanceOf(Error);
        const r = got as ReadResult;
        expect({ layer: r.layer, features: r.features.length, skipped: r.skipped.length }, rel(p)).toEqual(want);
        expect(r.format).toBe(/\.zip$/.test(p) ? 'gpkg-zip' : 'gpkg');
        for (const s of r.skipped) expect(s.reason.length).toBeGreaterThan(5);
        results.set(p, r);
      }
    }
  });

  it('every layer of every plain GeoPackage reads or is refused cleanly (never a crash)', async () => {
    let layers = 0;
    for (const p of gpkgFiles.filter((f) => f.endsWith('.gpkg'))) {
      const db = new Database(p, { readonly: true });
      const names = (() => {
        try {
          return db.prepare('SELECT table_name FROM gpkg_contents').pluck().all() as string[];
        } catch {
          return [];
        }
      })();
      db.close();
      for (const name of names) {
        layers++;
        await attempt(p, name);
      }
    }
    expect(layers).toBeGreaterThan(100);
  });

  it('reads the Ghana labels with their attributes, skipping the 384 empty site rows', async () => {
    const r = await readLabels(join(REAL, 'labels/activemapper_ghana/derived/top_label_maps.gpkg'));
    expect(r.skipped.filter((s) => s.reason === 'empty geometry')).toHaveLength(384);
    expect(Object.keys(r.features[0]!.properties).sort()).toEqual(['aoi', 'area_ha', 'assignment_id', 'category', 'field', 'fieldnum', 'hit_id', 'name', 'score', 'wid']);
    expect(new Set(r.features.map((f) => f.properties.category))).toEqual(new Set(['annualcropland', 'fallow', 'cloudshadow']));
  });

  it.skipIf(!hasGdal)('feature counts match ogrinfo for the chosen layer', async () => {
    for (const [p, r] of results) expect(r.features.length + r.skipped.length, rel(p)).toBe(ogrCount(gdalSource(p, /\.gpkg$/i), r.layer));
  });

  it.skipIf(!hasGdal)('projected layers land within 1 m of ogr2ogr -t_srs EPSG:4326', async () => {
    const extra: [string, string][] = [['gis_files/fiboa_lpis_exports/pt/Continente.gpkg', 'OcupacoesSolo_Aveiro']];
    const cases: [string, ReadResult][] = [...results].filter(([, r]) => r.sourceCrs !== 'EPSG:4326');
    for (const [f, layer] of extra) cases.push([join(REAL, f), await readLabels(join(REAL, f), { layer })]);
    const crses = new Set<string>();
    for (const [p, r] of cases) {
      crses.add(r.sourceCrs);
      const out = execFileSync('ogr2ogr', ['-f', 'GeoJSON', '/vsistdout/', '-t_srs', 'EPSG:4326', '-preserve_fid', gdalSource(p, /\.gpkg$/i), r.layer!], { maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'ignore'] });
      const byId = new Map<unknown, { geometry: { type: string; coordinates: unknown } }>(JSON.parse(out.toString()).features.map((x: { id: unknown }) => [x.id, x]));
      let worst = 0;
      for (const f of r.features) {
        const g = byId.get(f.id);
        expect(g, `${rel(p)} feature ${f.id}`).toBeDefined();
        const ours = (f.geometry.type === 'Polygon' ? f.geometry.coordinates[0] : f.geometry.coordinates[0]![0]) as number[][];
        const theirs = (g!.geometry.type === 'Polygon' ? (g!.geometry.coordinates as number[][][])[0] : (g!.geometry.coordinates as number[][][][])[0]![0]) as number[][];
        const m = (a: number[], b: number[]) => Math.hypot((a[0]! - b[0]!) * 111320 * Math.cos((a[1]! * Math.PI) / 180), (a[1]! - b[1]!) * 110574);
        const box = (ring: number[][]) => [Math.min(...ring.map((q) => q[0]!)), Math.min(...ring.map((q) => q[1]!)), Math.max(...ring.map((q) => q[0]!)), Math.max(...ring.map((q) => q[1]!))];
        const [a, b] = [box(ours), box(theirs)];
        worst = Math.max(worst, m(ours[0]!, theirs[0]!), m([a[0]!, a[1]!], [b[0]!, b[1]!]), m([a[2]!, a[3]!], [b[2]!, b[3]!]));
      }
      expect(worst, `${rel(p)} (${r.sourceCrs}) worst offset in metres`).toBeLessThan(1);
    }
    expect([...crses].sort()).toEqual(['EPSG:2056', 'EPSG:25831', 'EPSG:28992', 'EPSG:3067', 'EPSG:31287', 'EPSG:31370', 'EPSG:32631', 'EPSG:32648', 'EPSG:3763', 'EPSG:3765', 'EPSG:4647']);
  });
});

describe.skipIf(!haveReal)('real KML and shapefiles', () => {
  const COUNTS: Record<string, number> = {
    'gis_files/kml_google_earth_nigeria/Bagwai_Farm_1.kml': 124,
    'gis_files/kml_google_earth_nigeria/id_1.0.shp.kml': 282,
    'gis_files/kml_google_earth_nigeria/id_345.0.shp.kml': 28,
    'gis_files/gdal_written_geojson/lindquist-aoi.kml': 1,
    'gis_files/fiboa_lpis_exports/india_10k/india_10k.zip': 100,
    'gis_files/fiboa_lpis_exports/br_ba_lem/LEM_dataset.zip': 100,
    'labels/fiboa_reference_fields/jecam/BD_JECAM_CIRAD_2023_feb.shp': 100,
    'imagery/planetscope_whittier_MA/field_polygons_qgis_shapefile/whittier.shp': 1,
  };

  it('imports every placemark / record, with counts matching ogrinfo', async () => {
    for (const [f, n] of Object.entries(COUNTS)) {
      const p = join(REAL, f);
      if (!existsSync(p)) continue;
      const r = await readLabels(p);
      expect(r.features.length, f).toBe(n); // all of them are polygons
      expect(r.skipped, f).toEqual([]);
      if (hasGdal) expect(r.features.length + r.skipped.length, f).toBe(ogrCount(gdalSource(p, /\.shp$/i), null));
    }
  });

  it('keeps the Google Earth attributes and the shapefile columns', async () => {
    const kml = await readLabels(join(REAL, 'gis_files/kml_google_earth_nigeria/id_1.0.shp.kml'));
    expect(kml.features.find((f) => f.properties.id_2 === 1)?.properties).toMatchObject({ left: 6.53037, top: 10.8531, visibility: false });
    expect(kml.features.filter((f) => f.properties.name === 'Untitled Polygon').length).toBeGreaterThan(200);
    const lem = await readLabels(join(REAL, 'gis_files/fiboa_lpis_exports/br_ba_lem/LEM_dataset.zip'));
    expect(lem.format).toBe('shapefile-zip');
    expect(Object.keys(lem.features[0]!.properties)).toEqual(['id', 'Oct_2019', 'Nov_2019', 'Dec_2019', 'Jan_2020', 'Feb_2020', 'Mar_2020', 'Apr_2020', 'May_2020', 'Jun_2020', 'Jul_2020', 'Aug_2020', 'Sep_2020', 'Note']);
    const jecam = await readLabels(join(REAL, 'labels/fiboa_reference_fields/jecam/BD_JECAM_CIRAD_2023_feb.shp'));
    expect(jecam.features[0]!.properties.AcquiDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('refuses the formats we do not read, naming the way out', async () => {
    const gdb = join(REAL, 'gis_files/fiboa_lpis_exports/us_ca_scm/i15_crop_mapping_2023_provisional_20241127.gdb.zip');
    await expect(readLabels(gdb)).rejects.toThrow(/File Geodatabase \(\.gdb\) is not supported; convert it first/);
    const gml = join(REAL, 'gis_files/fiboa_lpis_exports/be_wal/LU_ExistingLandUse_SIGEC2022.gml.zip');
    await expect(readLabels(gml)).rejects.toThrow(/GML is not supported/);
  });
});

describe.skipIf(!haveReal)('real GeoJSON and the geojsonhint corpus', () => {
  const hint = (kind: string) => walk(join(REAL, 'format_suites/geojsonhint', kind)).filter((p) => p.endsWith('.geojson'));

  it('reads the GDAL-written (legacy crs) and fiboa GeoJSON files', async () => {
    const tiles = await readLabels(join(REAL, 'gis_files/gdal_written_geojson/mappingafrica-tile-catalog-small.geojson'));
    expect([tiles.sourceCrs, tiles.features.length]).toEqual(['OGC:CRS84', 5]);
    const fiboa = await readLabels(join(REAL, 'gis_files/fiboa_spec_example/example.json'));
    expect(fiboa.features.map((f) => f.id)).toHaveLength(2);
    const ref = await readLabels(join(REAL, 'labels/activemapper_ghana/original/map_reference_labels.geojson'));
    expect([ref.features.length, ref.skipped.length]).toEqual([1207, 0]);
  });

  it('the good corpus imports its polygons and skips the rest with reasons', async () => {
    const files = hint('good');
    expect(files.length).toBeGreaterThan(15);
    let polygons = 0;
    for (const p of files) {
      const r = await readLabels(p);
      polygons += r.features.length;
      for (const s of r.skipped) expect(s.reason, rel(p)).toMatch(/not an area|no geometry|holds no polygons|out of lon\/lat range/);
    }
    expect(polygons).toBe(4);
  });

  it('the bad corpus is refused, skipped or repaired with reasons, never a crash', async () => {
    const files = hint('bad');
    expect(files.length).toBeGreaterThan(40);
    const outcome = { refused: 0, skipped: 0, repaired: 0 };
    for (const p of files) {
      const r = await attempt(p);
      if (r instanceof Error) outcome.refused++;
      else {
        expect(r.skipped.length > 0 || r.features.every((f) => f.repaired), rel(p)).toBe(true);
        if (r.features.length) outcome.repaired++;
        else outcome.skipped++;
      }
    }
    expect(outcome.refused).toBeGreaterThanOrEqual(8);
  });
});
