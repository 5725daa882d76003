/**
 * Bad input never touches the database: the geojsonhint "bad" corpus, the invalid empty.gpkg,
 * truncated files, zip bombs and a 1 GB single-line JSON are refused by `fieldmark import` with
 * exit 2 and one line naming the file, and the campaign file is byte-for-byte as it was. Files
 * whose only faults are unambiguously repairable (winding, an unclosed ring) import with the
 * repair listed; `--strict` refuses any file with a skipped feature. The corpus parts skip
 * without ../shared/realdata.
 */
import { closeSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { readLabels } from '../../src/node/interchange/read-labels';
import { makeZip } from '../../src/node/interchange/zip-write';
import { insertLabeller } from '../../src/node/store/campaign.repo';
import { openDatabase } from '../../src/node/store/database';
import { makeMiniCampaign, MINI } from '../fixtures/mini-campaign';
import { campaignWithCells, fingerprint } from '../fixtures/store-helpers';
import { bboxOf } from '../../src/common/geo/geojson';
import { BUILT, runCli } from './run-cli';

const REAL = resolve(fileURLToPath(new URL('../../', import.meta.url)), '../shared/realdata');
const BAD = join(REAL, 'format_suites/geojsonhint/bad');
const haveBad = existsSync(BAD);

function refused(db: string, file: string, extra: string[] = ['--labeller', MINI.labellerA]): string {
  const before = fingerprint(db);
  const r = runCli(['import', '--db', db, '--labels', file, ...extra, '--json']);
  expect(r.code, `${basename(file)}: ${r.stderr}`).toBe(2);
  expect(r.stdout).toBe('');
  const lines = r.stderr.trim().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toContain(basename(file));
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(fingerprint(db), basename(file)).toEqual(before);
  return lines[0]!;
}

describe.skipIf(!BUILT)('import refuses bad files and leaves the database as it was', () => {
  let dir: string;
  let db: string;
  beforeAll(async () => {
    ({ dir, db } = await makeMiniCampaign());
  });

  it('truncated GeoPackage, GeoJSON and zipped shapefile', async () => {
    const gpkg = join(dir, 'cut.gpkg');
    const exp = runCli(['export', '--db', db, '--format', 'gpkg', '--out', join(dir, 'whole.gpkg')]);
    expect(exp.code, exp.stderr).toBe(0);
    const whole = readFileSync(join(dir, 'whole.gpkg'));
    writeFileSync(gpkg, whole.subarray(0, Math.floor(whole.length / 2)));
    expect(refused(db, gpkg)).toMatch(/file is truncated|malformed|not a database/);
    const json = join(dir, 'cut.geojson');
    const full = JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: {}, geometry: { type: 'Polygon', coordinates: [[[-0.909, 9.386], [-0.908, 9.386], [-0.908, 9.387], [-0.909, 9.386]]] } }] });
    writeFileSync(json, full.slice(0, full.length - 20));
    expect(refused(db, json)).toMatch(/truncated or invalid JSON/);
    const zip = join(dir, 'cut.zip');
    const z = makeZip([{ name: 'a.shp', data: Buffer.alloc(5000, 1) }, { name: 'a.dbf', data: Buffer.alloc(3000, 2) }]);
    writeFileSync(zip, z.subarray(0, z.length - 40));
    expect(refused(db, zip)).toMatch(/truncated or corrupt/);
  });

  it('zip bombs: a forged size and a real 1000:1 deflate bomb', () => {
    const forged = join(dir, 'forged.kmz');
    writeFileSync(forged, makeZip([{ name: 'doc.kml', data: '<kml/>', declaredSize: 0xfffffff0 }]));
    expect(refused(db, forged)).toMatch(/declares 4294967280 bytes uncompressed/);
    const bomb = join(dir, 'bomb.zip');
    writeFileSync(bomb, makeZip([{ name: 'fields.gpkg', data: Buffer.alloc(64 * 1024 ** 2) }]));
    expect(refused(db, bomb)).toMatch(/likely zip bomb/);
  });

  it('a 1 GB single-line JSON (sparse file) is refused at its first bad byte, quickly', () => {
    const huge = join(mkdtempSync(join(tmpdir(), 'fm-huge-')), 'huge.geojson');
    const fd = openSync(huge, 'w');
    writeSync(fd, '{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":null},');
    closeSync(fd);
    truncateSync(huge, 1024 ** 3);
    const t0 = Date.now();
    expect(refused(db, huge)).toMatch(/unexpected "\\u0000" at byte 91/);
    expect(Date.now() - t0).toBeLessThan(30_000);
  });

  it.skipIf(!existsSync(join(REAL, 'format_suites/ogc_ets_gpkg12/empty.gpkg')))('the invalid empty.gpkg', () => {
    expect(refused(db, join(REAL, 'format_suites/ogc_ets_gpkg12/empty.gpkg'))).toMatch(/no feature layer holds polygons; layers: none \(gpkg_contents is empty\)/);
  });
});

describe.skipIf(!BUILT || !haveBad)('the geojsonhint "bad" corpus', () => {
  const files = haveBad ? readdirSync(BAD).filter((n) => n.endsWith('.geojson')).map((n) => join(BAD, n)) : [];
  let db: string;
  beforeAll(async () => {
    // Sites wherever the corpus has polygons, so that repairable features really reach the store.
    const geometries = [];
    for (const f of files) geometries.push(...(await readLabels(f).then((r) => r.features.map((x) => x.geometry), () => [])));
    const dir = mkdtempSync(join(tmpdir(), 'fm-bad-'));
    db = join(dir, 'campaign.db');
    campaignWithCells(db, geometries.map((g) => bboxOf(g)));
    const h = openDatabase(db);
    insertLabeller(h, { id: 'seed', name: 'Seed', role: 'labeller' });
    h.close();
  });

  it('every file is refused (exit 2, one line, database unchanged) or imports only what it could repair, listing the rest', () => {
    expect(files.length).toBeGreaterThan(40);
    const outcome = { refused: 0, repairedOnly: 0, partly: 0 };
    for (const f of files) {
      const before = fingerprint(db);
      const r = runCli(['import', '--db', db, '--labels', f, '--labeller', 'seed', '--json']);
      if (r.code === 2) {
        expect(r.stderr.trim().split('\n'), f).toHaveLength(1);
        expect(r.stderr).toContain(basename(f));
        expect(fingerprint(db), f).toEqual(before);
        outcome.refused++;
        continue;
      }
      expect(r.code, `${f}: ${r.stderr}`).toBe(0);
      const v = JSON.parse(r.stdout) as { imported: number; skipped: unknown[]; repaired: unknown[] };
      expect(v.repaired.length + v.skipped.length, f).toBeGreaterThan(0); // nothing bad goes in silently
      if (v.skipped.length) outcome.partly++;
      else outcome.repairedOnly++;
    }
    expect(outcome.refused).toBeGreaterThanOrEqual(35);
    expect(outcome).toEqual({ refused: files.length - 6, repairedOnly: 5, partly: 1 });
  });

  it('--strict refuses every file with a skipped feature', () => {
    let accepted = 0;
    for (const f of files) {
      const r = runCli(['import', '--db', db, '--labels', f, '--labeller', 'seed', '--strict']);
      if (r.code === 0) accepted++;
      else expect(r.code, f).toBe(2);
    }
    expect(accepted).toBe(5); // winding / unclosed-ring repairs only
  });
});
