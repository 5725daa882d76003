/**
 * `fieldmark bench store [--n 100000] [--out DIR]`: the label store's figures, each with its
 * baseline measured in the same run.
 * - insert: n field polygons (6-20 vertices, a jittered mosaic over a 0.5-degree campaign area
 *   of 10,000 sites) with their R*Tree rows in one transaction. Baseline: the same inserts one
 *   transaction each (autocommit, synchronous=FULL), on a sample, projected to n.
 * - viewport: 200 random map views sized to hold ~1,000 polygons, through the R*Tree (rows with
 *   their geometry text). Baseline: the same query on an unindexed copy of the boxes (full scan).
 * - export: the n labels with every attribute to a GeoPackage (our writer), and to GeoJSON;
 *   ogr2ogr (when installed) converting the same features GPKG -> GPKG (interleaved with our
 *   export, medians of 3 runs each) and GeoJSON -> GPKG.
 * - import: the exported GeoJSON into a fresh campaign (read, attach, insert: the whole path),
 *   against ogr2ogr GeoJSON -> GPKG.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ApiError } from '../../common/api/errors';
import { bboxPolygon, type Polygon } from '../../common/geo/geojson';
import type { CliContext } from '../cli/command';
import { DEFAULT_SETTINGS, insertCampaign, insertLabeller } from '../store/campaign.repo';
import { openDatabase, type Db } from '../store/database';
import { exportLayers } from '../store/export-labels';
import { importLabelFile } from '../store/import-labels';
import { labelWriter } from '../store/label-writer';
import { insertSite } from '../store/site.repo';
import { summarize } from './stats';

const AREA: [number, number, number, number] = [-1.2, 9.2, -0.7, 9.7]; // northern Ghana, 0.5 x 0.5 degrees
const CELL = 0.005;
const VIEWPORTS = 200;
const SCAN_VIEWPORTS = 20;
const AUTOCOMMIT_SAMPLE = 200;
const TARGET_FEATURES = 1000;
const EXPORT_REPS = 3;

/** Small deterministic PRNG (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** n star-shaped field polygons, one per cell of a jittered grid: no overlaps, 6-20 vertices. */
export function fieldPolygons(n: number, seed = 7): Polygon[] {
  const rand = rng(seed);
  const side = Math.ceil(Math.sqrt(n));
  const w = (AREA[2] - AREA[0]) / side, h = (AREA[3] - AREA[1]) / side;
  const out: Polygon[] = [];
  for (let k = 0; k < n; k++) {
    const cx = AREA[0] + ((k % side) + 0.5) * w, cy = AREA[1] + (Math.floor(k / side) + 0.5) * h;
    const nv = 6 + Math.floor(rand() * 15);
    const ring: [number, number][] = [];
    const turn = rand() * Math.PI * 2;
    for (let i = 0; i < nv; i++) {
      const t = turn + (i / nv) * Math.PI * 2 + (rand() - 0.5) * (Math.PI / nv);
      const r = 0.3 + rand() * 0.18;
      ring.push([+(cx + Math.cos(t) * r * w).toFixed(8), +(cy + Math.sin(t) * r * h).toFixed(8)]);
    }
    ring.push([ring[0]![0], ring[0]![1]]);
    out.push({ type: 'Polygon', coordinates: [ring] });
  }
  return out;
}

/** A campaign of 100 x 100 sites over AREA, one labeller with one assignment per site. */
function setupCampaign(db: Db): Map<string, number> {
  const assignments = new Map<string, number>();
  db.transaction(() => {
    insertCampaign(db, { id: 'bench', name: 'Store benchmark', settings: DEFAULT_SETTINGS });
    insertLabeller(db, { id: 'bench-labeller', name: 'Bench', role: 'labeller' });
    const writer = labelWriter(db);
    const at = new Date().toISOString();
    for (let i = 0; i < Math.round((AREA[2] - AREA[0]) / CELL); i++) {
      for (let j = 0; j < Math.round((AREA[3] - AREA[1]) / CELL); j++) {
        const id = `GH${String(i * 1000 + j).padStart(7, '0')}`;
        const x = AREA[0] + i * CELL, y = AREA[1] + j * CELL;
        insertSite(db, { id, campaignId: 'bench', cls: 2, cell: bboxPolygon([x, y, x + CELL, y + CELL]), sceneIds: [] });
        assignments.set(`${i},${j}`, writer.assignment(id, 'bench-labeller', 'submitted', at).id);
      }
    }
  })();
  return assignments;
}

function assignmentOf(p: Polygon, assignments: Map<string, number>): number {
  const [x, y] = p.coordinates[0]![0]!;
  const i = Math.min(99, Math.max(0, Math.floor((x - AREA[0]) / CELL)));
  const j = Math.min(99, Math.max(0, Math.floor((y - AREA[1]) / CELL)));
  return assignments.get(`${i},${j}`)!;
}

const time = (f: () => void): number => {
  const t0 = performance.now();
  f();
  return performance.now() - t0;
};
const round = (v: number, d = 2) => Math.round(v * 10 ** d) / 10 ** d;

function ogr(args: string[]): { ms: number; ok: boolean; err: string } {
  const t0 = performance.now();
  const r = spawnSync('ogr2ogr', args, { encoding: 'utf8' });
  return { ms: performance.now() - t0, ok: r.status === 0, err: (r.stderr ?? '').split('\n')[0] ?? '' };
}

function ogrCount(path: string, layer: string): number {
  const r = spawnSync('ogrinfo', ['-ro', '-so', path, layer], { encoding: 'utf8' });
  return Number(/Feature Count: (\d+)/.exec(r.stdout ?? '')?.[1] ?? NaN);
}

export const storeBench = {
  name: 'store',
  summary: 'Label store: 100k polygon inserts, ~1,000-polygon viewport queries, GeoPackage export, vs autocommit / full scan / ogr2ogr.',
  async run(opts: Record<string, string | boolean | undefined>, ctx: CliContext): Promise<Record<string, unknown>> {
    const nText = typeof opts.n === 'string' ? opts.n : '100000';
    if (!/^\d+$/.test(nText) || Number(nText) < 100 || Number(nText) > 2_000_000) {
      throw new ApiError('BAD_ARGUMENTS', `bench store: --n must be an integer from 100 to 2000000, got "${nText.slice(0, 20)}"`);
    }
    const n = Number(nText);
    const keep = typeof opts.out === 'string';
    const dir = keep ? resolve(ctx.cwd, opts.out as string) : mkdtempSync(join(tmpdir(), 'fieldmark-bench-store-'));
    mkdirSync(dir, { recursive: true });
    const progress = ctx.progress('bench store', 7);
    try {
      const db = openDatabase(join(dir, 'store.db'), { create: true });
      const assignments = setupCampaign(db);
      let polys: Polygon[] = fieldPolygons(n);
      const owner = polys.map((p) => assignmentOf(p, assignments));
      progress.tick(1, 'insert');

      // 1. n inserts (label + R*Tree row) in one transaction.
      const writer = labelWriter(db);
      const at = new Date().toISOString();
      const insertMs = time(() =>
        db.transaction(() => {
          for (let k = 0; k < n; k++) writer.label({ assignmentId: owner[k]!, category: 'annualcropland', geometry: polys[k]!, provenance: 'imported', createdAt: at });
        })(),
      );
      // Baseline: one transaction per insert (each commit fsyncs), on a sample.
      const sample = polys.slice(0, Math.min(AUTOCOMMIT_SAMPLE, n));
      const autoMs = time(() => {
        for (let k = 0; k < sample.length; k++) {
          db.transaction(() => writer.label({ assignmentId: owner[k]!, category: 'fallow', geometry: sample[k]!, provenance: 'imported', createdAt: at }))();
        }
      });
      db.exec("DELETE FROM labels WHERE category = 'fallow'");
      polys = []; // the generated polygons are not the export's to carry (heap size skews GC)
      progress.tick(1, 'viewport');

      // 2. Viewport queries sized for ~TARGET_FEATURES polygons.
      const frac = Math.min(1, Math.sqrt(TARGET_FEATURES / n));
      const vw = (AREA[2] - AREA[0]) * frac, vh = (AREA[3] - AREA[1]) * frac;
      const rand = rng(11);
      const views = Array.from({ length: VIEWPORTS }, () => {
        const x = AREA[0] + rand() * (AREA[2] - AREA[0] - vw), y = AREA[1] + rand() * (AREA[3] - AREA[1] - vh);
        return [x, y, x + vw, y + vh] as const;
      });
      const viewSql = (from: string) =>
        `SELECT l.id, l.category, l.geometry FROM ${from} r JOIN labels l ON l.id = r.id
          WHERE r.min_lon <= ? AND r.max_lon >= ? AND r.min_lat <= ? AND r.max_lat >= ?`;
      const q = db.prepare(viewSql('labels_rtree'));
      let found = 0;
      const viewMs: number[] = [];
      const parsedMs: number[] = [];
      for (const [x0, y0, x1, y1] of views) {
        let rows: { geometry: string }[] = [];
        viewMs.push(time(() => (rows = q.all(x1, x0, y1, y0) as { geometry: string }[])));
        parsedMs.push(time(() => rows.forEach((r) => JSON.parse(r.geometry))) + viewMs[viewMs.length - 1]!);
        found += rows.length;
      }
      db.exec('CREATE TEMP TABLE boxes_scan AS SELECT id, min_lon, max_lon, min_lat, max_lat FROM labels_rtree');
      const scan = db.prepare(viewSql('boxes_scan'));
      const scanMs = views.slice(0, SCAN_VIEWPORTS).map(([x0, y0, x1, y1]) => time(() => scan.all(x1, x0, y1, y0)));
      progress.tick(1, 'export gpkg');

      // 3. Export n labels with all attributes; with GDAL, our GeoPackage export and ogr2ogr
      // GPKG -> GPKG on the same features run interleaved, EXPORT_REPS times each, and the
      // medians are compared (a busy machine drifts).
      const gpkg = join(dir, 'labels.gpkg');
      const geojson = join(dir, 'labels.geojson');
      const version = spawnSync('ogr2ogr', ['--version'], { encoding: 'utf8' });
      const gdal = version.status === 0;
      const ours: number[] = [];
      const theirs: { ms: number; ok: boolean; err: string }[] = [];
      let exp = { features: 0 };
      for (let r = 0; r < (gdal ? EXPORT_REPS : 1); r++) {
        const t = performance.now();
        exp = await exportLayers(db, { format: 'gpkg', what: ['labels'], out: gpkg });
        ours.push(performance.now() - t);
        if (gdal) {
          rmSync(join(dir, 'ogr-from-gpkg.gpkg'), { force: true });
          theirs.push(ogr(['-f', 'GPKG', join(dir, 'ogr-from-gpkg.gpkg'), gpkg, 'labels', '-nln', 'labels']));
        }
      }
      const exportMs = summarize(ours).median_ms;
      progress.tick(1, 'export geojson');
      let t0 = performance.now();
      await exportLayers(db, { format: 'geojson', what: ['labels'], out: geojson });
      const exportJsonMs = performance.now() - t0;
      const cells = db.prepare('SELECT id, cell FROM sites').all() as { id: string; cell: string }[];
      db.close();
      progress.tick(1, 'import');

      // 4. The whole import path from the GeoJSON into a fresh campaign of the same sites,
      // against ogr2ogr GeoJSON -> GPKG.
      const db2 = openDatabase(join(dir, 'import.db'), { create: true });
      db2.transaction(() => {
        insertCampaign(db2, { id: 'bench', name: 'Store benchmark', settings: DEFAULT_SETTINGS });
        for (const c of cells) insertSite(db2, { id: c.id, campaignId: 'bench', cls: 2, cell: JSON.parse(c.cell) as Polygon, sceneIds: [] });
      })();
      t0 = performance.now();
      const imp = await importLabelFile(db2, geojson, { labellerField: 'labeller', createLabeller: true, strict: true });
      const importMs = performance.now() - t0;
      db2.close();
      progress.tick(1, 'ogr2ogr');
      let ogr2ogr: Record<string, unknown> = { skipped: 'ogr2ogr not found (install GDAL to compare)' };
      if (gdal) {
        const fromGpkgMs = summarize(theirs.map((x) => x.ms)).median_ms;
        const fromJson = ogr(['-f', 'GPKG', join(dir, 'ogr-from-geojson.gpkg'), geojson, '-nln', 'labels']);
        const ok = theirs.every((x) => x.ok) && fromJson.ok;
        const counts = [ogrCount(gpkg, 'labels'), ogrCount(join(dir, 'ogr-from-gpkg.gpkg'), 'labels'), ogrCount(join(dir, 'ogr-from-geojson.gpkg'), 'labels')];
        ogr2ogr = {
          version: version.stdout.trim(),
          runs: EXPORT_REPS,
          gpkg_to_gpkg_ms: round(fromGpkgMs),
          geojson_to_gpkg_ms: round(fromJson.ms),
          ok,
          ...(ok ? {} : { error: theirs.find((x) => !x.ok)?.err ?? fromJson.err }),
          feature_counts: { ours: counts[0], from_gpkg: counts[1], from_geojson: counts[2] },
          export_ratio: round(exportMs / fromGpkgMs, 3),
          import_ratio: round(importMs / fromJson.ms, 3),
        };
      }
      progress.tick(1);
      progress.done();

      const view = summarize(viewMs);
      const scanStats = summarize(scanMs);
      const perInsertAuto = autoMs / sample.length;
      return {
        name: 'store',
        n,
        median_ms: view.median_ms,
        p95_ms: view.p95_ms,
        insert: { ms: round(insertMs), per_second: Math.round(n / (insertMs / 1000)), target_ms: 3000, meets_target: insertMs < 3000 * (n / 100_000) },
        viewport: {
          queries: VIEWPORTS,
          median_ms: view.median_ms,
          p95_ms: view.p95_ms,
          mean_features: round(found / VIEWPORTS, 1),
          with_parse: { median_ms: summarize(parsedMs).median_ms, p95_ms: summarize(parsedMs).p95_ms },
          target_median_ms: 5,
          meets_target: view.median_ms < 5,
        },
        export_gpkg: { ms: round(exportMs), runs: ours.map((x) => round(x)), features: exp.features },
        export_geojson: { ms: round(exportJsonMs) },
        import_geojson: { ms: round(importMs), imported: imp.imported, skipped: imp.skipped.length },
        baseline: {
          insert_autocommit: {
            sample: sample.length,
            ms_per_insert: round(perInsertAuto, 3),
            projected_ms: round(perInsertAuto * n),
            ratio: round((perInsertAuto * n) / insertMs, 1),
          },
          viewport_full_scan: { queries: scanMs.length, median_ms: scanStats.median_ms, p95_ms: scanStats.p95_ms, ratio: round(scanStats.median_ms / view.median_ms, 1) },
          ogr2ogr,
        },
        ...(keep ? { dir } : {}),
      };
    } finally {
      if (!keep) rmSync(dir, { recursive: true, force: true });
    }
  },
};
