/**
 * `fieldmark import` / `export` on the mini campaign, as a user runs them: attachment rules,
 * skipped features with reasons, one transaction (a refused import leaves the file byte-for-byte
 * as it was), R*Tree rows, export layers and filters, RFC 7946, catalog CSV quoting, and the
 * import -> export -> import round trip. The bench's output shape with a small --n.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { beforeEach, describe, expect, it } from 'vitest';
import { checkRfc7946 } from '../../src/node/interchange/rfc7946-check';
import { readLabels } from '../../src/node/interchange/read-labels';
import { makeMiniCampaign, MINI } from '../fixtures/mini-campaign';
import { box, featureCollection, fingerprint, writeJson } from '../fixtures/store-helpers';
import { BUILT, runCli } from './run-cli';

const json = <T = Record<string, unknown>>(r: { stdout: string; stderr: string; code: number }): T => {
  if (r.code !== 0) throw new Error(`exit ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
};
type Report = { imported: number; skipped: { feature: string; reason: string }[]; repaired: unknown[]; sites: number; assignmentsCreated: number; labellersCreated: string[] };

// Mini campaign: GH0000001 (Class 1) cell [-0.91, 9.385, -0.905, 9.39]; GH0000002 (Class 2)
// cell [-0.905, 9.39, -0.9, 9.395]; lab-a holds GH0000001, lab-b both.
const IN1 = box(-0.9085, 9.3865, 0.0005);
const IN2 = box(-0.9035, 9.3915, 0.0005);
const STRADDLE = box(-0.9055, 9.3895, 0.0025); // mostly in GH0000002, a corner in GH0000001
const FAR = box(10, 10, 0.001);

describe.skipIf(!BUILT)('fieldmark import', () => {
  let dir: string;
  let db: string;
  let file: string;
  beforeEach(async () => {
    ({ dir, db } = await makeMiniCampaign());
    file = writeJson(join(dir, 'labels.geojson'), featureCollection([
      { id: 'f1', geometry: IN1, properties: { category: 'Fallow' } },
      { id: 'f3', geometry: STRADDLE },
      { id: 'f2', geometry: IN2 },
      { id: 'f4', geometry: FAR },
      { id: 'f5', geometry: IN1, properties: { category: 'bananas' } },
    ]));
  });
  const q = (sql: string) => {
    const h = new Database(db, { readonly: true });
    try {
      return h.prepare(sql).all() as Record<string, unknown>[];
    } finally {
      h.close();
    }
  };

  it('attaches features to the site they overlap, preferring the labeller\'s own sites; skips with reasons', () => {
    const r = runCli(['import', '--db', db, '--labels', file, '--labeller', MINI.labellerA, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const v = json<Report>(r);
    expect(v.imported).toBe(3);
    expect(v.skipped).toEqual([
      { feature: 'f4', reason: 'touches no site of the campaign' },
      { feature: 'f5', reason: expect.stringMatching(/category "bananas" is not one of the campaign's \(annualcropland, fallow, noncropland, unsure\)/) },
    ]);
    expect(v.assignmentsCreated).toBe(1); // lab-a on GH0000002
    const rows = q(`SELECT a.site_id, x.category, x.provenance FROM labels x JOIN assignments a ON a.id = x.assignment_id
                     WHERE x.provenance = 'imported' ORDER BY x.id`);
    // f3 straddles both cells; lab-a already holds GH0000001, so it goes there.
    expect(rows).toEqual([
      { site_id: MINI.site1, category: 'fallow', provenance: 'imported' },
      { site_id: MINI.site1, category: 'annualcropland', provenance: 'imported' },
      { site_id: MINI.site2, category: 'annualcropland', provenance: 'imported' },
    ]);
    expect(q("SELECT status, submitted_at IS NOT NULL AS done FROM assignments WHERE labeller_id = 'lab-a' AND site_id = 'GH0000002'")).toEqual([{ status: 'submitted', done: 1 }]);
    expect(q('SELECT (SELECT count(*) FROM labels) - (SELECT count(*) FROM labels_rtree) AS missing')).toEqual([{ missing: 0 }]);
    // lab-b holds both sites: the straddling field goes to the larger overlap.
    const b = runCli(['import', '--db', db, '--labels', file, '--labeller', MINI.labellerB, '--json']);
    expect(json<Report>(b).imported).toBe(3);
    expect(q("SELECT a.site_id FROM labels x JOIN assignments a ON a.id = x.assignment_id WHERE a.labeller_id = 'lab-b' AND x.provenance = 'imported' ORDER BY x.id").map((r) => r.site_id)).toEqual([MINI.site1, MINI.site2, MINI.site2]); // f1, f3, f2
  });

  it('refuses unknown labellers and bad options (exit 2, one line, database untouched); --create-labeller creates', () => {
    const before = fingerprint(db);
    for (const args of [
      ['--labeller', 'nobody'],
      [],
      ['--labeller', MINI.labellerA, '--reference'],
      ['--reference', '--site', MINI.site2],
      ['--labeller', MINI.labellerA, '--site', 'GH9999999'],
      ['--labeller', MINI.labellerA, '--category', 'bananas'],
    ]) {
      const r = runCli(['import', '--db', db, '--labels', file, ...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n'), r.stderr).toHaveLength(1);
    }
    expect(runCli(['import', '--db', db, '--labels', file, '--labeller', 'nobody']).stderr).toMatch(/no labeller "nobody" in this database \(pass --create-labeller/);
    expect(runCli(['import', '--db', db, '--labels', file, '--reference', '--site', MINI.site2]).stderr).toMatch(/site GH0000002 is Class 2; reference labels belong to Class 1 sites/);
    expect(fingerprint(db)).toEqual(before);
    const r = runCli(['import', '--db', db, '--labels', file, '--labeller', 'newbie', '--create-labeller', '--json']);
    expect(json<Report>(r).labellersCreated).toEqual(['newbie']);
    expect(q("SELECT role, token_hash FROM labellers WHERE id = 'newbie'")).toEqual([{ role: 'labeller', token_hash: null }]);
  });

  it('--strict and "nothing to import" roll the whole transaction back: the file is byte-for-byte unchanged', () => {
    const before = fingerprint(db);
    // --strict: f1-f3 are inserted (with a new labeller and assignments), then the skips refuse it all.
    const s = runCli(['import', '--db', db, '--labels', file, '--labeller', 'ghost', '--create-labeller', '--strict']);
    expect(s.code).toBe(2);
    expect(s.stderr.trim()).toMatch(/labels\.geojson: feature f4: touches no site of the campaign \(and 1 more\); nothing imported \(--strict\)$/);
    const none = writeJson(join(dir, 'far.geojson'), featureCollection([{ geometry: FAR }, { geometry: box(20, 20, 0.001) }]));
    const n = runCli(['import', '--db', db, '--labels', none, '--labeller', MINI.labellerA]);
    expect(n.code).toBe(2);
    expect(n.stderr.trim()).toMatch(/far\.geojson: nothing to import: feature 0: touches no site of the campaign \(and 1 more\)$/);
    expect(fingerprint(db)).toEqual(before);
  });

  it('reference labels go to Class 1 sites only, by overlap or --site; --site skips features outside its context window', () => {
    const r = json<Report>(runCli(['import', '--db', db, '--labels', file, '--reference', '--json']));
    expect(r.imported).toBe(2); // f1 and f3 (its GH0000001 corner); f2 lies only in a Class 2 site
    expect(r.skipped.map((s) => s.feature)).toEqual(['f2', 'f4', 'f5']);
    expect(q("SELECT site_id, source FROM reference_labels WHERE source = 'imported'")).toEqual([
      { site_id: MINI.site1, source: 'imported' },
      { site_id: MINI.site1, source: 'imported' },
    ]);
    expect(q('SELECT (SELECT count(*) FROM reference_labels) - (SELECT count(*) FROM reference_rtree) AS missing')).toEqual([{ missing: 0 }]);
    const s = json<Report>(runCli(['import', '--db', db, '--labels', file, '--labeller', MINI.labellerB, '--site', MINI.site2, '--json']));
    expect(s.imported).toBe(3);
    expect(s.skipped.find((x) => x.feature === 'f4')?.reason).toBe('lies outside the context window of site GH0000002');
  });
});

describe.skipIf(!BUILT)('fieldmark export', () => {
  it('writes labels / reference / consensus layers with attributes and filters; GeoJSON is RFC 7946; catalog CSV is quoted', async () => {
    const { dir, db } = await makeMiniCampaign();
    const h = new Database(db);
    h.prepare("UPDATE labellers SET name = ? WHERE id = 'lab-b'").run('Kofi "K", Jr.');
    h.prepare("INSERT INTO scores VALUES (1, '2024-09-02T00:00:00.000Z', 0.71, 0.8, 0.5, 0.4, 0.01, 1, 0.9, 0.95, '{}')").run();
    h.prepare("INSERT INTO consensus_results VALUES ('GH0000002', 'bayes', '2024-09-03T00:00:00.000Z', 0.1, 0.05, NULL, ?, '{}')").run(JSON.stringify({ type: 'MultiPolygon', coordinates: [box(-0.903, 9.391, 0.001).coordinates] }));
    h.prepare("INSERT INTO consensus_results VALUES ('GH0000002', 'staple', '2024-09-03T00:00:00.000Z', 0, 0, NULL, ?, '{}')").run(JSON.stringify({ type: 'MultiPolygon', coordinates: [] }));
    h.close();
    const out = (n: string) => join(dir, n);
    const gj = json<{ features: number; path: string }>(runCli(['export', '--db', db, '--format', 'geojson', '--out', out('l.geojson'), '--json']));
    expect(gj).toMatchObject({ features: 3, path: out('l.geojson') });
    const doc = JSON.parse(readFileSync(out('l.geojson'), 'utf8'));
    expect(checkRfc7946(doc)).toEqual([]);
    expect(doc.features[0].properties).toMatchObject({
      label_id: 1, site: MINI.site1, class: 1, labeller: MINI.labellerA, labeller_name: 'Ama', assignment: 1, category: 'annualcropland',
      category_group: 'field', status: 'submitted', provenance: 'drawn', submitted: '2024-09-01T10:20:00Z', score: 0.71, score_area: 0.8, field_skill: 0.9,
    });
    expect(doc.features[0].properties.area_ha).toBeCloseTo(1.21, 1); // 0.001 degrees square at 9.4 N
    expect(json<{ features: number }>(runCli(['export', '--db', db, '--format', 'geojson', '--out', out('b.geojson'), '--labeller', MINI.labellerB, '--json'])).features).toBe(1);
    expect(json<{ features: number }>(runCli(['export', '--db', db, '--format', 'geojson', '--out', out('c.geojson'), '--class', '2', '--json'])).features).toBe(0);
    expect(json<{ features: number }>(runCli(['export', '--db', db, '--format', 'geojson', '--out', out('s.geojson'), '--status', 'assigned', '--json'])).features).toBe(0);
    const g = json<{ layers: { name: string; features: number; emptySkipped: number }[] }>(
      runCli(['export', '--db', db, '--format', 'gpkg', '--what', 'labels,reference,consensus', '--out', out('all.gpkg'), '--json']),
    );
    expect(g.layers).toEqual([
      { name: 'labels', features: 3, emptySkipped: 0 },
      { name: 'reference', features: 1, emptySkipped: 0 },
      { name: 'consensus', features: 1, emptySkipped: 1 },
    ]);
    // The spatial index: copied node for node from the campaign (full layer) or rebuilt (filtered).
    expect(json<{ features: number }>(runCli(['export', '--db', db, '--format', 'gpkg', '--labeller', MINI.labellerB, '--out', out('b.gpkg'), '--json'])).features).toBe(1);
    for (const [file, n] of [['all.gpkg', 3], ['b.gpkg', 1]] as const) {
      const g = new Database(out(file), { readonly: true });
      expect(g.prepare("SELECT rtreecheck('rtree_labels_geom')").pluck().get(), file).toBe('ok');
      expect(g.prepare('SELECT count(*) FROM rtree_labels_geom r JOIN labels f ON f.fid = r.id').pluck().get(), file).toBe(n);
      g.close();
    }
    const back = await readLabels(out('all.gpkg'), { layer: 'labels' });
    expect(back.features.map((f) => [f.properties.labeller, f.properties.category, f.properties.score])).toEqual([
      [MINI.labellerA, 'annualcropland', 0.71], [MINI.labellerA, 'fallow', 0.71], [MINI.labellerB, 'annualcropland', null],
    ]);
    expect((await readLabels(out('all.gpkg'), { layer: 'consensus' })).features[0]!.properties).toMatchObject({ site: MINI.site2, method: 'bayes', mean_risk: 0.1 });
    const csv = runCli(['export', '--db', db, '--format', 'csv', '--out', out('cat.csv'), '--json']);
    expect(json(csv)).toMatchObject({ rows: 3 });
    const lines = readFileSync(out('cat.csv'), 'utf8').split('\r\n');
    expect(lines[0]).toBe('name,assignment_id,labeller,labeller_name,class,type,x,y,image_date,status,started,completed,nflds,score,area,fragmentation,edge,legacy_edge,categorical,field_skill,no_field_skill,review_rating,reviews');
    expect(lines[1]).toBe('GH0000001,1,lab-a,Ama,1,Q,-0.9075,9.3875,2024-08-15,submitted,2024-09-01T10:00:00Z,2024-09-01T10:20:00Z,2,0.71,0.8,0.5,0.4,0.01,1,0.9,0.95,,0');
    expect(lines[2]).toContain(',lab-b,"Kofi ""K"", Jr.",1,Q,');
    expect(lines).toHaveLength(5); // header, 3 rows, final CRLF
  });

  it('a MultiPolygon label turns the layer into MULTIPOLYGON (validate_gpkg.py passes when GDAL is there)', async () => {
    const { dir, db } = await makeMiniCampaign();
    const mp = { type: 'MultiPolygon' as const, coordinates: [box(-0.9089, 9.3881, 0.0003).coordinates, box(-0.9079, 9.3881, 0.0003).coordinates] };
    const file = writeJson(join(dir, 'mp.geojson'), featureCollection([{ geometry: mp }]));
    expect(runCli(['import', '--db', db, '--labels', file, '--labeller', MINI.labellerA]).code).toBe(0);
    const out = join(dir, 'mp.gpkg');
    expect(json<{ features: number }>(runCli(['export', '--db', db, '--format', 'gpkg', '--out', out, '--json'])).features).toBe(4);
    const g = new Database(out, { readonly: true });
    expect(g.prepare("SELECT geometry_type_name FROM gpkg_geometry_columns WHERE table_name = 'labels'").pluck().get()).toBe('MULTIPOLYGON');
    g.close();
    const back = await readLabels(out, { layer: 'labels' });
    expect(back.features.map((f) => f.geometry.type)).toEqual(['MultiPolygon', 'MultiPolygon', 'MultiPolygon', 'MultiPolygon']);
    expect(back.features[3]!.geometry.coordinates).toEqual(mp.coordinates);
    const validator = ['/usr/lib/python3/dist-packages/osgeo_utils/samples/validate_gpkg.py', '/usr/share/doc/python3-gdal/examples/validate_gpkg.py'].find((p) => existsSync(p));
    if (validator && existsSync('/usr/bin/python3')) {
      const v = spawnSync('/usr/bin/python3', [validator, '--extra', '--warning-as-error', out], { encoding: 'utf8' });
      expect(`${v.stdout}${v.stderr}`.trim()).toBe('');
    }
  });

  it('refuses bad arguments and never overwrites the database', async () => {
    const { dir, db } = await makeMiniCampaign();
    const before = fingerprint(db);
    for (const args of [
      ['--format', 'shp', '--out', join(dir, 'x.shp')],
      ['--format', 'geojson', '--out', db],
      ['--format', 'geojson', '--out', join(dir, 'nope', 'x.geojson')],
      ['--format', 'geojson', '--what', 'labels,reference', '--out', join(dir, 'x.geojson')],
      ['--format', 'gpkg', '--what', 'reference', '--labeller', 'lab-a', '--out', join(dir, 'x.gpkg')],
      ['--format', 'csv', '--what', 'labels', '--out', join(dir, 'x.csv')],
      ['--format', 'geojson', '--class', '3', '--out', join(dir, 'x.geojson')],
    ]) {
      const r = runCli(['export', '--db', db, ...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
    expect(runCli(['export', '--db', db, '--format', 'gpkg', '--out', db]).stderr).toMatch(/is the campaign database itself/);
    expect(fingerprint(db)).toEqual(before);
  });

  it('import -> export -> import is lossless (GeoPackage exactly, GeoJSON to 1e-7 degrees)', async () => {
    const { dir, db } = await makeMiniCampaign();
    const fresh = join(dir, 'fresh.db');
    copyFileSync(db, fresh);
    const h = new Database(fresh);
    h.exec('DELETE FROM labels; DELETE FROM reference_labels');
    h.close();
    const labels = (path: string) => {
      const x = new Database(path, { readonly: true });
      try {
        return x.prepare(`SELECT a.site_id, a.labeller_id, x.category, x.geometry FROM labels x JOIN assignments a ON a.id = x.assignment_id ORDER BY x.id`).all() as { geometry: string }[];
      } finally {
        x.close();
      }
    };
    for (const format of ['gpkg', 'geojson']) {
      const target = join(dir, `rt-${format}.db`);
      copyFileSync(fresh, target);
      const file = join(dir, `labels.${format}`);
      expect(runCli(['export', '--db', db, '--format', format, '--out', file]).code).toBe(0);
      const r = runCli(['import', '--db', target, '--labels', file, '--labeller-field', 'labeller', '--site-field', 'site', '--strict', '--json']);
      expect(r.code, r.stderr).toBe(0);
      expect(json<Report>(r)).toMatchObject({ imported: 3, skipped: [], repaired: [], assignmentsCreated: 0 });
      const a = labels(db), b = labels(target);
      expect(b.map((x) => ({ ...x, geometry: undefined }))).toEqual(a.map((x) => ({ ...x, geometry: undefined })));
      for (let i = 0; i < a.length; i++) {
        const ga = JSON.parse(a[i]!.geometry).coordinates.flat(3) as number[], gb = JSON.parse(b[i]!.geometry).coordinates.flat(3) as number[];
        if (format === 'gpkg') expect(gb).toEqual(ga);
        else gb.forEach((v, k) => expect(Math.abs(v - ga[k]!)).toBeLessThanOrEqual(0.5e-7 + 1e-12));
      }
    }
  });
});

describe.skipIf(!BUILT)('fieldmark bench store', () => {
  it('prints its figures with baselines (small --n; never a timed test)', () => {
    const r = runCli(['bench', 'store', '--n', '500', '--json'], { timeoutMs: 120_000 });
    expect(r.code, r.stderr).toBe(0);
    const v = json<Record<string, any>>(r);
    expect(v).toMatchObject({ name: 'store', n: 500, insert: { ms: expect.any(Number) }, export_gpkg: { features: 500 }, import_geojson: { imported: 500, skipped: 0 } });
    expect(v.viewport.mean_features).toBeGreaterThan(100);
    for (const k of ['median_ms', 'p95_ms']) expect(typeof v[k]).toBe('number');
    expect(v.baseline.insert_autocommit.ratio).toEqual(expect.any(Number));
    expect(v.baseline.viewport_full_scan.median_ms).toEqual(expect.any(Number));
    expect(v.baseline.ogr2ogr).toEqual(expect.anything());
  });
});
