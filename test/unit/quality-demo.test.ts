/**
 * Validation of scoring and consensus on the demo campaign, whose simulated labellers' true
 * behaviour is known (src/node/demo/labellers.ts profiles, truth_fields):
 *  - the Class 1 score ranks labellers in their true order (true = each profile's expected
 *    score against the truth, simulated on the demo world), wherever the true qualities differ
 *    by more than the campaign's sampling error;
 *  - STAPLE's sensitivity / specificity within 0.05 of the simulated values (per labeller,
 *    pooled over the Class 4 sites, inside STAPLE's region of interest);
 *  - Bayes and STAPLE consensus at least as close to the truth (IoU) as majority vote;
 *  - site mean risk rises with the labellers' disagreement; risk COGs are float32 EPSG:4326.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromFile } from 'geotiff';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cellGrid, rasterizeLabeller, type Classify, type MergeMethod } from '../../src/common/consensus';
import type { MultiPolygon, Polygon } from '../../src/common/geo/geojson';
import { createDemoCampaign } from '../../src/node/demo/create-demo-campaign';
import type { DemoLabellerProfile } from '../../src/node/demo/types';
import { consensusCampaign, type ConsensusCampaignResult } from '../../src/node/quality/consensus-campaign';
import { scoreCampaign, type ScoreCampaignResult } from '../../src/node/quality/score-campaign';
import { featuresByAssignment } from '../../src/node/quality/store-io';
import { openDatabase, type Db } from '../../src/node/store/database';
import { kendallTau, spearman, stapleRoi, trueExpectedScores, truthIndex, truthNear, type TruthIndex } from './quality-truth';

const SEED = 1;
const METHODS: MergeMethod[] = ['bayes', 'staple', 'majority'];
let dir = '';
let db: Db;
let scored: ScoreCampaignResult;
const merged = new Map<MergeMethod, ConsensusCampaignResult>();
let truth: TruthIndex;
const classify: Classify = (c) => (c === 'unsure' ? 1 : c === 'annualcropland' || c === 'fallow' ? 2 : 0);

interface SiteData {
  id: string;
  grid: ReturnType<typeof cellGrid>;
  labellers: string[];
  layers: Uint8Array[];
  T: Uint8Array;
  roi: Uint8Array;
}
let sites: SiteData[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fm-quality-demo-'));
  const r = await createDemoCampaign({ outDir: dir, seed: SEED, sites: 120, labellers: 6 });
  db = openDatabase(r.db);
  scored = await scoreCampaign(db);
  for (const m of METHODS) merged.set(m, await consensusCampaign(db, { method: m }));
  truth = truthIndex(db);
  const maps = featuresByAssignment(db, "s.cls = 4 AND a.status IN ('submitted', 'approved')", []);
  const work = db
    .prepare("SELECT a.id, a.site_id AS siteId, a.labeller_id AS labellerId, s.cell FROM assignments a JOIN sites s ON s.id = a.site_id WHERE s.cls = 4 AND a.status IN ('submitted', 'approved') ORDER BY a.site_id, a.id")
    .all() as { id: number; siteId: string; labellerId: string; cell: string }[];
  const bySite = new Map<string, typeof work>();
  for (const w of work) bySite.set(w.siteId, [...(bySite.get(w.siteId) ?? []), w]);
  sites = [...bySite.entries()]
    .filter(([, ws]) => ws.length >= 3) // Class 4 means 3 or more maps; sites with fewer are re-served
    .map(([id, ws]) => {
      const grid = cellGrid(JSON.parse(ws[0]!.cell) as Polygon, 200);
      const layers = ws.map((w) => rasterizeLabeller(maps.get(w.id) ?? [], grid, classify));
      return { id, grid, labellers: ws.map((w) => w.labellerId), layers, T: rasterizeLabeller(truthNear(truth, grid.bbox), grid, classify), roi: stapleRoi(layers, grid) };
    });
}, 120_000);

afterAll(() => {
  db?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('quality scores and consensus on the demo campaign (known truth)', () => {
  it('the Class 1 score ranks the simulated labellers in their true order', () => {
    const rows = db.prepare('SELECT l.id, l.profile, s.score FROM scores s JOIN assignments a ON a.id = s.assignment_id JOIN labellers l ON l.id = a.labeller_id').all() as { id: string; profile: string; score: number }[];
    const profiles = new Map<string, DemoLabellerProfile>();
    const byLab = new Map<string, number[]>();
    for (const r of rows) {
      profiles.set(r.id, JSON.parse(r.profile) as DemoLabellerProfile);
      byLab.set(r.id, [...(byLab.get(r.id) ?? []), r.score]);
    }
    const truthQ = trueExpectedScores(SEED, profiles);
    const ids = [...profiles.keys()].sort();
    const stat = ids.map((id) => {
      const v = byLab.get(id)!;
      const mean = v.reduce((a, b) => a + b, 0) / v.length;
      const sd = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / (v.length - 1));
      return { id, kind: profiles.get(id)!.kind, n: v.length, mean, se: sd / Math.sqrt(v.length), truth: truthQ.get(id)!.mean };
    });
    console.log('labeller ranking (campaign Class 1 score vs true expected score):\n' + [...stat].sort((a, b) => b.truth - a.truth).map((s) => `  ${s.id} ${s.kind.padEnd(12)} true ${s.truth.toFixed(3)}  scored ${s.mean.toFixed(3)} +- ${s.se.toFixed(3)} (n ${s.n})`).join('\n'));
    expect(scored.labellers.map((l) => l.n).every((n) => n >= 15)).toBe(true);
    const best = stat.reduce((a, b) => (b.truth > a.truth ? b : a));
    expect(best.kind).toBe('near-perfect');
    expect(stat.reduce((a, b) => (b.mean > a.mean ? b : a)).id).toBe(best.id);
    let resolvable = 0;
    for (const a of stat)
      for (const b of stat) {
        if (a.id >= b.id) continue;
        const gap = a.truth - b.truth;
        if (Math.abs(gap) <= 2 * Math.hypot(a.se, b.se)) continue; // closer than the sampling error
        resolvable++;
        expect(Math.sign(a.mean - b.mean), `${a.id} (${a.kind}) vs ${b.id} (${b.kind})`).toBe(Math.sign(gap));
      }
    expect(resolvable).toBeGreaterThanOrEqual(12);
    expect(kendallTau(stat.map((s) => s.mean), stat.map((s) => s.truth))).toBeGreaterThanOrEqual(0.73);
  });

  it("STAPLE's sensitivity and specificity are within 0.05 of the simulated values", () => {
    const rows = new Map((db.prepare("SELECT site_id, details FROM consensus_results WHERE method = 'staple'").all() as { site_id: string; details: string }[]).map((r) => [r.site_id, JSON.parse(r.details) as { sensitivity: number[]; specificity: number[]; labellers: { id: string }[] }]));
    const acc = new Map<string, { pEst: number; qEst: number; tp: number; t1: number; tn: number; t0: number }>();
    for (const s of sites) {
      const d = rows.get(s.id)!;
      expect(d.labellers.map((l) => l.id)).toEqual(s.labellers);
      s.layers.forEach((L, j) => {
        let tp = 0;
        let t1 = 0;
        let tn = 0;
        let t0 = 0;
        for (let k = 0; k < L.length; k++) {
          if (!s.roi[k]) continue;
          const dj = L[k]! / 2;
          if (s.T[k] === 2) (t1++, (tp += dj));
          else (t0++, (tn += 1 - dj));
        }
        const a = acc.get(s.labellers[j]!) ?? { pEst: 0, qEst: 0, tp: 0, t1: 0, tn: 0, t0: 0 };
        a.pEst += d.sensitivity[j]! * t1;
        a.qEst += d.specificity[j]! * t0;
        a.tp += tp;
        a.t1 += t1;
        a.tn += tn;
        a.t0 += t0;
        acc.set(s.labellers[j]!, a);
      });
    }
    const lines: string[] = [];
    for (const [id, a] of [...acc.entries()].sort()) {
      const p = { est: a.pEst / a.t1, sim: a.tp / a.t1 };
      const q = { est: a.qEst / a.t0, sim: a.tn / a.t0 };
      lines.push(`  ${id} sensitivity ${p.est.toFixed(3)} (simulated ${p.sim.toFixed(3)})  specificity ${q.est.toFixed(3)} (simulated ${q.sim.toFixed(3)})`);
      expect(Math.abs(p.est - p.sim), `${id} sensitivity`).toBeLessThanOrEqual(0.05);
      expect(Math.abs(q.est - q.sim), `${id} specificity`).toBeLessThanOrEqual(0.05);
    }
    console.log(`STAPLE vs simulated, pooled over ${sites.length} Class 4 sites:\n${lines.join('\n')}`);
    expect(acc.size).toBe(6);
  });

  it('Bayes and STAPLE consensus are at least as close to the truth as majority vote', () => {
    const iou: Record<string, number> = {};
    for (const m of METHODS) {
      let sum = 0;
      for (const s of sites) {
        const row = db.prepare('SELECT consensus FROM consensus_results WHERE site_id = ? AND method = ?').get(s.id, m) as { consensus: string };
        const D = rasterizeLabeller([{ geometry: JSON.parse(row.consensus) as MultiPolygon, category: 'annualcropland' }], s.grid, classify);
        let inter = 0;
        let union = 0;
        for (let k = 0; k < D.length; k++) {
          if (!s.grid.mask[k]) continue;
          const a = D[k] === 2 ? 1 : 0;
          const b = s.T[k] === 2 ? 1 : 0;
          inter += a & b;
          union += a | b;
        }
        sum += union > 0 ? inter / union : 1;
      }
      iou[m] = sum / sites.length;
    }
    console.log(`mean IoU with the truth over ${sites.length} Class 4 sites: ${METHODS.map((m) => `${m} ${iou[m]!.toFixed(4)}`).join(', ')}`);
    expect(iou.bayes!).toBeGreaterThanOrEqual(iou.majority!);
    expect(iou.staple!).toBeGreaterThanOrEqual(iou.majority!);
  });

  it('mean risk is higher where the labellers disagree', async () => {
    const bayes = new Map(merged.get('bayes')!.sites.map((s) => [s.siteId, s]));
    const risk: number[] = [];
    const disagree: number[] = [];
    let rDis = 0;
    let nDis = 0;
    let rAgree = 0;
    let nAgree = 0;
    for (const s of sites) {
      let dis = 0;
      let cells = 0;
      const cog = await (await fromFile(bayes.get(s.id)!.risk!)).getImage();
      const R = (await cog.readRasters({ interleave: true })) as unknown as Float32Array;
      for (let k = 0; k < s.T.length; k++) {
        if (!s.grid.mask[k]) continue;
        cells++;
        const v = s.layers[0]![k]!;
        const unanimous = s.layers.every((L) => L[k] === v);
        if (!unanimous) (dis++, (rDis += R[k]!), nDis++);
        else ((rAgree += R[k]!), nAgree++);
      }
      risk.push(bayes.get(s.id)!.meanRisk);
      disagree.push(dis / cells);
    }
    const rho = spearman(risk, disagree);
    console.log(`site mean risk vs share of disagreement pixels: Spearman ${rho.toFixed(3)}; pixel risk ${(rDis / nDis).toFixed(3)} where they disagree, ${(rAgree / nAgree).toFixed(4)} where they agree`);
    expect(rho).toBeGreaterThanOrEqual(0.8);
    expect(rDis / nDis).toBeGreaterThan(0.1);
    expect(rAgree / nAgree).toBeLessThan(0.01);
  });

  it('stores no NaN or NULL, and writes float32 EPSG:4326 COGs', () => {
    const bad = db
      .prepare(
        `SELECT count(*) FROM scores WHERE score IS NULL OR area IS NULL OR fragmentation IS NULL OR edge IS NULL OR legacy_edge IS NULL
           OR categorical IS NULL OR field_skill IS NULL OR no_field_skill IS NULL OR score NOT BETWEEN 0 AND 1 OR area NOT BETWEEN 0 AND 1`,
      )
      .pluck()
      .get();
    expect(bad).toBe(0);
    expect(db.prepare('SELECT count(*) FROM consensus_results WHERE mean_risk IS NULL OR risky_fraction IS NULL OR mean_risk NOT BETWEEN 0 AND 0.5').pluck().get()).toBe(0);
    for (const r of db.prepare('SELECT metrics FROM scores').pluck().all() as string[]) expect(r).not.toMatch(/NaN|Infinity/);
    expect(db.prepare('SELECT count(*) FROM consensus_results').pluck().get()).toBe(3 * merged.get('bayes')!.sites.length);
    const gdal = spawnSync('gdalinfo', ['-json', merged.get('staple')!.sites[0]!.risk!], { encoding: 'utf8' });
    if (gdal.error) return console.log('gdalinfo not found: COG check skipped');
    const info = JSON.parse(gdal.stdout) as { size: number[]; bands: { type: string }[]; coordinateSystem: { wkt: string }; geoTransform: number[]; metadata: Record<string, Record<string, string>> };
    expect(info.size).toEqual([200, 200]);
    expect(info.bands.map((b) => b.type)).toEqual(['Float32']);
    expect(info.coordinateSystem.wkt).toMatch(/ID\["EPSG",4326\]/);
    expect(info.metadata.IMAGE_STRUCTURE?.LAYOUT).toBe('COG');
    expect(info.geoTransform[1]).toBeCloseTo(0.005 / 200, 12);
  });
});
