/** `fieldmark compare`, `score`, `consensus` (files and --db) and `bench score`, as a user runs them. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Polygon } from '../../src/common/geo/geojson';
import { cellProjection, rectFeature, type Feature } from '../../src/common/quality';
import { insertLabeller } from '../../src/node/store/campaign.repo';
import { openDatabase } from '../../src/node/store/database';
import { insertAssignment, insertLabel } from '../../src/node/store/label.repo';
import { insertSite } from '../../src/node/store/site.repo';
import { makeMiniCampaign, MINI, square } from '../fixtures/mini-campaign';
import { BUILT, runCli } from './run-cli';

const CELL: Polygon = square(-0.91, 9.385, 0.005);
const P = cellProjection(CELL);
const [X0, Y0] = P.forward(-0.91, 9.385);
const rect = (x0: number, y0: number, w: number, h: number, category = 'annualcropland'): Feature => rectFeature(P, X0 + x0, Y0 + y0, X0 + x0 + w, Y0 + y0 + h, category);
const FIELDS = (dx = 0): Feature[] => [rect(60 + dx, 60, 150, 120), rect(60 + dx, 180, 150, 100, 'fallow'), rect(300 + dx, 100, 120, 200)];

const R = 6378137;
const to3857 = ([lon, lat]: number[]) => [(lon! * Math.PI * R) / 180, R * Math.log(Math.tan(Math.PI / 4 + (lat! * Math.PI) / 360))];

function writeMap(path: string, features: Feature[], crs3857 = false): string {
  const fc = {
    type: 'FeatureCollection',
    ...(crs3857 ? { crs: { type: 'name', properties: { name: 'urn:ogc:def:crs:EPSG::3857' } } } : {}),
    features: features.map((f) => ({
      type: 'Feature',
      properties: { category: f.category },
      geometry: crs3857 ? { type: 'Polygon', coordinates: (f.geometry as Polygon).coordinates.map((r) => r.map(to3857)) } : f.geometry,
    })),
  };
  writeFileSync(path, JSON.stringify(fc));
  return path;
}

const COMPARE_KEYS = ['area', 'fragmentation', 'edge', 'legacyEdge', 'categorical', 'score', 'iou', 'f1', 'objectPrecision', 'objectRecall', 'objectF1', 'boundaryF', 'meanBoundaryDistance', 'p95BoundaryDistance', 'overSegmentation', 'underSegmentation', 'fieldSkill', 'noFieldSkill'];

describe.skipIf(!BUILT)('fieldmark compare / score / consensus / bench score', () => {
  let dir = '';
  let miniDir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'fm-quality-cli-'));
    writeMap(join(dir, 'ref.geojson'), FIELDS());
    writeMap(join(dir, 'same.geojson'), FIELDS());
    writeMap(join(dir, 'same-3857.geojson'), FIELDS(), true);
    writeMap(join(dir, 'shift20.geojson'), FIELDS(20));
    writeMap(join(dir, 'cell.geojson'), [{ geometry: CELL, category: 'cell' }]);
  });
  afterAll(() => {
    for (const d of [dir, miniDir]) if (d) rmSync(d, { recursive: true, force: true });
  });

  it('compare: identical maps score 1 (legacyEdge ~0.011), a 20 m shift less; every CLI.md key', () => {
    const same = runCli(['compare', '--reference', join(dir, 'ref.geojson'), '--labels', join(dir, 'same.geojson'), '--cell', join(dir, 'cell.geojson'), '--json']);
    expect(same.code, same.stderr).toBe(0);
    const v = JSON.parse(same.stdout) as Record<string, number | null>;
    for (const k of COMPARE_KEYS) expect(v, k).toHaveProperty(k);
    expect(v.score).toBeCloseTo(1, 9);
    expect(v.edge).toBeCloseTo(1, 9);
    expect(v.legacyEdge!).toBeGreaterThan(0.008);
    expect(v.legacyEdge!).toBeLessThan(0.015);
    const shifted = JSON.parse(runCli(['compare', '--reference', join(dir, 'ref.geojson'), '--labels', join(dir, 'shift20.geojson'), '--json']).stdout) as Record<string, number | string>;
    expect(shifted.score as number).toBeLessThan(0.95);
    expect(shifted.meanBoundaryDistance as number).toBeGreaterThan(5);
    expect(shifted.cell).toBe('reference-bbox');
  });

  it('compare: maps in different CRSs give the same scores; unusable files exit 2 with one line', () => {
    const a = JSON.parse(runCli(['compare', '--reference', join(dir, 'ref.geojson'), '--labels', join(dir, 'same-3857.geojson'), '--cell', join(dir, 'cell.geojson'), '--json']).stdout) as Record<string, unknown>;
    expect(a.crs).toEqual({ reference: 'EPSG:4326', labels: 'EPSG:3857' });
    expect(a.score as number).toBeGreaterThan(0.999);
    // projected coordinates without a CRS: every feature skipped -> a clear error
    const bad = join(dir, 'no-crs-metres.geojson');
    writeFileSync(bad, JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: {}, geometry: { type: 'Polygon', coordinates: [[[-101000, 1050000], [-100000, 1050000], [-100000, 1051000], [-101000, 1050000]]] } }] }));
    const r = runCli(['compare', '--reference', join(dir, 'ref.geojson'), '--labels', bad, '--json']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/no-crs-metres\.geojson: no usable polygon/);
    const missing = runCli(['compare', '--reference', join(dir, 'nope.geojson'), '--labels', bad]);
    expect(missing.code).toBe(2);
    expect(runCli(['compare', '--reference', join(dir, 'ref.geojson'), '--labels', join(dir, 'same.geojson'), '--edge-tolerance', 'x']).code).toBe(2);
  });

  it('consensus of files writes consensus.geojson and a float32 COG risk map', () => {
    const out = join(dir, 'merged');
    const r = runCli(['consensus', '--labels', join(dir, 'ref.geojson'), join(dir, 'shift20.geojson'), join(dir, 'same-3857.geojson'), '--weights', '0.9,0.6,0.8', '--skills', '0.95:0.97,0.7:0.9,0.9:0.95', '--method', 'staple', '--cell', join(dir, 'cell.geojson'), '--out', out, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const v = JSON.parse(r.stdout) as { meanRisk: number; riskyFraction: number; iterations: number; sensitivity: number[]; specificity: number[]; consensus: string; risk: string };
    expect(v.meanRisk).toBeGreaterThan(0);
    expect(v.sensitivity).toHaveLength(3);
    expect(v.iterations).toBeGreaterThan(0);
    expect(v.consensus).toBe(join(out, 'consensus.geojson'));
    expect((JSON.parse(readFileSync(v.consensus, 'utf8')) as { features: unknown[] }).features.length).toBeGreaterThanOrEqual(2);
    expect(existsSync(v.risk)).toBe(true);
    const gdal = spawnSync('gdalinfo', ['-json', v.risk], { encoding: 'utf8' });
    if (!gdal.error) {
      const info = JSON.parse(gdal.stdout) as { size: number[]; bands: { type: string }[]; coordinateSystem: { wkt: string }; metadata: Record<string, Record<string, string>> };
      expect(info.size).toEqual([200, 200]);
      expect(info.bands.map((b) => b.type)).toEqual(['Float32']);
      expect(info.coordinateSystem.wkt).toMatch(/ID\["EPSG",4326\]/);
      expect(info.metadata.IMAGE_STRUCTURE?.LAYOUT).toBe('COG');
    }
    const wrong = runCli(['consensus', '--labels', join(dir, 'ref.geojson'), join(dir, 'same.geojson'), '--weights', '0.9', '--out', out]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/1 --weights for 2 label files/);
    expect(runCli(['consensus', '--labels', join(dir, 'ref.geojson'), '--method', 'vote', '--out', out]).code).toBe(2);
  });

  it('score --db and consensus --db on a campaign, with labellers lacking history named', async () => {
    miniDir = mkdtempSync(join(tmpdir(), 'fm-quality-db-'));
    const mini = await makeMiniCampaign(miniDir);
    const db = openDatabase(mini.db);
    db.transaction(() => {
      insertLabeller(db, { id: 'lab-e', name: 'Esi', role: 'labeller' });
      insertSite(db, { id: 'GH0000009', campaignId: 'mini', cls: 4, cell: square(-0.9, 9.385, 0.005), sceneIds: [] });
      for (const [lab, dx] of [[MINI.labellerA, 0], [MINI.labellerB, 0.0001], ['lab-e', 0.00005]] as const) {
        const id = insertAssignment(db, { siteId: 'GH0000009', labellerId: lab, status: 'submitted', startedAt: '2024-09-04T10:00:00Z', submittedAt: '2024-09-04T10:10:00Z' });
        insertLabel(db, { assignmentId: id, category: 'annualcropland', geometry: square(-0.899 + dx, 9.386, 0.002), provenance: 'drawn' });
      }
    })();
    db.close();
    const s = runCli(['score', '--db', mini.db, '--json']);
    expect(s.code, s.stderr).toBe(0);
    const sv = JSON.parse(s.stdout) as { assignments: { assignmentId: number; score: number }[]; labellers: { id: string; score: number; fieldSkill: number; noFieldSkill: number; n: number }[] };
    expect(sv.assignments).toHaveLength(2);
    expect(sv.labellers.map((l) => l.id).sort()).toEqual([MINI.labellerA, MINI.labellerB]);
    for (const l of sv.labellers) expect(Object.keys(l).sort()).toEqual(['fieldSkill', 'id', 'n', 'noFieldSkill', 'score']);
    const c = runCli(['consensus', '--db', mini.db, '--method', 'bayes', '--json']);
    expect(c.code, c.stderr).toBe(0);
    const cv = JSON.parse(c.stdout) as { sites: { siteId: string; risk: string }[]; noHistory: string[] };
    expect(cv.sites.map((x) => x.siteId)).toEqual(['GH0000009']);
    expect(existsSync(cv.sites[0]!.risk)).toBe(true);
    expect(cv.noHistory).toEqual(['lab-e']);
    expect(runCli(['score', '--db', join(dir, 'missing.db')]).code).toBe(2);
  });

  it('bench score runs tiny and prints its figures with the baseline', () => {
    const r = runCli(['bench', 'score', '--n', '18', '--json'], { timeoutMs: 120_000 });
    expect(r.code, r.stderr).toBe(0);
    const v = JSON.parse(r.stdout) as Record<string, unknown> & { baseline: Record<string, number>; consensus: Record<string, number> };
    expect(v).toMatchObject({ name: 'score', n: 18 });
    for (const k of ['median_ms', 'p95_ms', 'total_s']) expect(typeof v[k]).toBe('number');
    for (const k of ['median_ms', 'p95_ms', 'ours_median_ms', 'ratio', 'max_area_diff']) expect(typeof v.baseline[k], k).toBe('number');
    expect(v.baseline.max_area_diff).toBeLessThan(0.01);
    expect(v.consensus.n).toBe(8);
  });
});
