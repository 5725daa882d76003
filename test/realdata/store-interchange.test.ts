/**
 * The label store on the real files of ../shared/realdata: every GeoPackage imports into a
 * campaign database (sites laid on the cells its polygons touch) or is refused by
 * `fieldmark import` with one line and the database unchanged; what lands in the store is exactly
 * what the reader produced (whose projected coordinates are checked against ogr2ogr in
 * interchange.test.ts). The Ghana labeller polygons, imported with their labeller ids, export to a
 * GeoPackage that passes validate_gpkg.py with the feature count ogrinfo reports, and to RFC 7946
 * GeoJSON; import -> export -> import gives the same labels. Skips without the folder; GDAL
 * parts skip without ogrinfo / the validator.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { isApiError } from '../../src/common/api/errors';
import { readLabels, type ReadResult } from '../../src/node/interchange/index';
import { checkRfc7946 } from '../../src/node/interchange/rfc7946-check';
import { ZipReader } from '../../src/node/interchange/zip';
import { openDatabase } from '../../src/node/store/database';
import { importFeatures } from '../../src/node/store/import-labels';
import { BUILT, runCli } from '../cli/run-cli';
import { campaignAround, fingerprint } from '../fixtures/store-helpers';

const REAL = resolve(fileURLToPath(new URL('../../', import.meta.url)), '../shared/realdata');
const haveReal = existsSync(join(REAL, 'gis_files'));
const hasGdal = spawnSync('ogrinfo', ['--version']).status === 0;
const VALIDATOR = ['/usr/lib/python3/dist-packages/osgeo_utils/samples/validate_gpkg.py', '/usr/share/doc/python3-gdal/examples/validate_gpkg.py'].find((p) => existsSync(p));
const PYTHON = ['/usr/bin/python3', 'python3'].find((p) => spawnSync(p, ['--version']).status === 0);
const GHANA = join(REAL, 'labels/activemapper_ghana/derived/top_label_maps.gpkg');

function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? walk(join(dir, n)) : [join(dir, n)]));
}
const zipHoldsGpkg = (p: string) => {
  const z = new ZipReader(p);
  try {
    return z.files().some((e) => /\.gpkg$/i.test(e.name));
  } finally {
    z.close();
  }
};
const gpkgFiles = haveReal ? walk(REAL).filter((p) => /\.gpkg$/i.test(p) || (/\.zip$/i.test(p) && zipHoldsGpkg(p))) : [];

const storedLabels = (db: string) => {
  const h = new Database(db, { readonly: true });
  try {
    return h.prepare('SELECT a.site_id AS site, a.labeller_id AS labeller, x.category, x.geometry FROM labels x JOIN assignments a ON a.id = x.assignment_id ORDER BY x.id').all() as
      { site: string; labeller: string; category: string; geometry: string }[];
  } finally {
    h.close();
  }
};

describe.skipIf(!haveReal)('real GeoPackages into a campaign database', () => {
  it('every GeoPackage imports (stored exactly as read) or is refused by the CLI with one line, database unchanged', async () => {
    expect(gpkgFiles.length).toBeGreaterThanOrEqual(28);
    let imported = 0, refused = 0;
    for (const p of gpkgFiles) {
      const dir = mkdtempSync(join(tmpdir(), 'fm-real-'));
      const db = join(dir, 'campaign.db');
      let read: ReadResult | null = null;
      try {
        read = await readLabels(p);
      } catch (e) {
        if (!isApiError(e) || e.code !== 'BAD_INPUT') throw e;
      }
      if (!read || read.features.length === 0) {
        campaignAround(db, []);
        if (!BUILT) continue;
        const before = fingerprint(db);
        const r = runCli(['import', '--db', db, '--labels', p, '--labeller', 'x', '--create-labeller']);
        expect(r.code, `${relative(REAL, p)}: ${r.stderr}`).toBe(2);
        expect(r.stderr.trim().split('\n')).toHaveLength(1);
        expect(r.stderr).toMatch(/no feature layer holds polygons|nothing to import|holds no features/);
        expect(fingerprint(db)).toEqual(before);
        refused++;
        continue;
      }
      campaignAround(db, read.features.map((f) => f.geometry));
      const h = openDatabase(db, { create: false });
      try {
        // Parcel exports carry their own crop codes (e.g. NL "category"): every polygon gets the
        // campaign's default category here; the Ghana test below reads real categories.
        const r = importFeatures(h, read, p, { labeller: 'real-labeller', createLabeller: true, categoryField: 'fieldmark_category' });
        expect([r.imported, r.skipped.length], relative(REAL, p)).toEqual([read.features.length, read.skipped.length]);
        const stored = h.prepare("SELECT geometry FROM labels WHERE provenance = 'imported' ORDER BY id").pluck().all() as string[];
        expect(stored, relative(REAL, p)).toEqual(read.features.map((f) => JSON.stringify(f.geometry)));
        expect(h.prepare('SELECT (SELECT count(*) FROM labels) - (SELECT count(*) FROM labels_rtree)').pluck().get()).toBe(0);
        imported++;
      } finally {
        h.close();
      }
    }
    expect(imported).toBeGreaterThanOrEqual(20);
    expect(refused).toBeGreaterThanOrEqual(5);
  });
});

describe.skipIf(!haveReal || !BUILT || !existsSync(GHANA))('the Ghana labeller polygons: import, export, re-import', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fm-ghana-'));
  const db = join(dir, 'campaign.db');
  const empty = join(dir, 'empty.db');
  let read: ReadResult;
  beforeAll(async () => {
    read = await readLabels(GHANA);
    campaignAround(db, read.features.map((f) => f.geometry));
    copyFileSync(db, empty);
    const r = runCli(['import', '--db', db, '--labels', GHANA, '--labeller-field', 'wid', '--create-labeller', '--json'], { timeoutMs: 300_000 });
    expect(r.code, r.stderr).toBe(0);
    const v = JSON.parse(r.stdout) as { imported: number; skipped: { reason: string }[]; labellersCreated: string[] };
    const cloud = read.features.filter((f) => f.properties.category === 'cloudshadow').length;
    expect(v.imported).toBe(read.features.length - cloud);
    expect(v.skipped.length).toBe(read.skipped.length + cloud); // 385 empty / degenerate rows + the cloud-shadow polygons
    expect(v.labellersCreated.length).toBeGreaterThan(5);
  }, 600_000);

  it.skipIf(!hasGdal)('the exported GeoPackage passes validate_gpkg.py and ogrinfo counts the same features', () => {
    const out = join(dir, 'labels.gpkg');
    const r = runCli(['export', '--db', db, '--format', 'gpkg', '--what', 'labels,reference,consensus', '--out', out, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const n = storedLabels(db).length;
    expect(JSON.parse(r.stdout).layers[0]).toEqual({ name: 'labels', features: n, emptySkipped: 0 });
    if (VALIDATOR && PYTHON) {
      const v = spawnSync(PYTHON, [VALIDATOR, '--extra', '--warning-as-error', out], { encoding: 'utf8' });
      expect(`${v.stdout}${v.stderr}`.trim()).toBe('');
      expect(v.status).toBe(0);
    }
    const info = execFileSync('ogrinfo', ['-ro', '-so', out, 'labels'], { encoding: 'utf8' });
    expect(Number(/Feature Count: (\d+)/.exec(info)![1])).toBe(n);
    for (const f of ['site', 'labeller', 'assignment', 'category', 'status', 'provenance', 'submitted', 'score', 'area_ha']) expect(info).toContain(`${f}: `);
    expect(Number(/Feature Count: (\d+)/.exec(execFileSync('ogrinfo', ['-ro', '-so', out, 'reference'], { encoding: 'utf8' }))![1])).toBe(0);
  });

  it('import -> export -> import is lossless (GeoPackage exactly; GeoJSON RFC 7946, to 1e-7 degrees)', () => {
    const original = storedLabels(db);
    for (const format of ['gpkg', 'geojson']) {
      const out = join(dir, `rt.${format}`);
      expect(runCli(['export', '--db', db, '--format', format, '--out', out]).code).toBe(0);
      if (format === 'geojson') expect(checkRfc7946(JSON.parse(readFileSync(out, 'utf8')))).toEqual([]);
      const target = join(dir, `rt-${format}.db`);
      copyFileSync(empty, target);
      const r = runCli(['import', '--db', target, '--labels', out, '--labeller-field', 'labeller', '--site-field', 'site', '--create-labeller', '--strict', '--json'], { timeoutMs: 300_000 });
      expect(r.code, r.stderr).toBe(0);
      const back = storedLabels(target);
      expect(back.map(({ geometry: _g, ...rest }) => rest)).toEqual(original.map(({ geometry: _g, ...rest }) => rest));
      let worst = 0;
      back.forEach((b, i) => {
        const x = (JSON.parse(b.geometry).coordinates as unknown[]).flat(3) as number[];
        const y = (JSON.parse(original[i]!.geometry).coordinates as unknown[]).flat(3) as number[];
        if (format === 'gpkg') expect(x).toEqual(y);
        else {
          expect(x.length).toBe(y.length);
          x.forEach((v, k) => (worst = Math.max(worst, Math.abs(v - y[k]!))));
        }
      });
      expect(worst).toBeLessThanOrEqual(0.5e-7 + 1e-12);
    }
  });
});
