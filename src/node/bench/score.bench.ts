/**
 * `fieldmark bench score [--n 7204] [--out DIR]`: quality scoring and consensus at the scale of
 * the paper's campaign, with its baseline measured in the same run.
 * - generate: a campaign without imagery (score-campaign-gen.ts): n Class 1 assignments, 9 per
 *   site (the paper: 7,204 over ~800 sites), and n * 3032 / 7204 Class 4 sites of 3 labellers.
 * - score: `scoreCampaign` over the database (every metric of DOMAIN.md 2, stored), per
 *   assignment times and the total; target < 60 s.
 * - consensus: `consensusCampaign` (Bayes, weights from the Class 1 history just scored), per
 *   site merge times and the total including the risk COGs; target < 60 s.
 * Each phase reports its wall time (total_s) and the CPU time of all its threads (cpu_s): on a
 * shared, loaded machine wall time inflates while CPU time does not (load_avg_1min says which).
 * - baseline: on a sample of the Class 1 assignments, the area metrics computed with vector
 *   overlay (area-baseline.ts, polygon-clipping as turf does) against scoreAssignment on the
 *   same assignments (all metrics); ratio = baseline median / ours, and the largest difference
 *   of the area metric between the two (the raster route's accuracy).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ApiError } from '../../common/api/errors';
import type { Polygon } from '../../common/geo/geojson';
import { scoreAssignment } from '../../common/quality';
import type { CliContext } from '../cli/command';
import { consensusCampaign } from '../quality/consensus-campaign';
import { scoreCampaign } from '../quality/score-campaign';
import { assignmentFeatures, campaignSettings, referenceFeatures } from '../quality/store-io';
import { openDatabase } from '../store/database';
import { baselineAreaMetrics } from './area-baseline';
import { generateBenchCampaign } from './score-campaign-gen';
import { summarize } from './stats';

const PAPER_CLASS1 = 7204;
const PAPER_CLASS4 = 3032;
const BASELINE_SAMPLE = 150;
const round = (v: number, d = 3): number => Math.round(v * 10 ** d) / 10 ** d;
/** CPU time of this process, every thread (user + system), in seconds. */
const cpuSeconds = (u: NodeJS.CpuUsage): number => (u.user + u.system) / 1e6;

function bar(ctx: CliContext, label: string): (done: number, total: number) => void {
  let p: ReturnType<CliContext['progress']> | null = null;
  let last = 0;
  return (done, total) => {
    p ??= ctx.progress(label, total);
    p.tick(done - last);
    last = done;
    if (done === total) p.done();
  };
}

export const scoreBench = {
  name: 'score',
  summary: "Score a campaign the size of the paper's (7,204 Class 1 assignments) and merge 3,032 Class 4 sites; baseline: vector-overlay area metrics.",
  async run(opts: Record<string, string | boolean | undefined>, ctx: CliContext): Promise<Record<string, unknown>> {
    const nText = typeof opts.n === 'string' ? opts.n : String(PAPER_CLASS1);
    const n = Number(nText);
    if (!/^\d+$/.test(nText) || n < 1 || n > 100_000) throw new ApiError('BAD_ARGUMENTS', `bench score: --n must be an integer in 1..100000 (Class 1 assignments), got "${nText.slice(0, 40)}"`);
    const n4 = Math.max(1, Math.round((n * PAPER_CLASS4) / PAPER_CLASS1));
    const keep = typeof opts.out === 'string';
    const dir = keep ? resolve(ctx.cwd, opts.out as string) : mkdtempSync(join(tmpdir(), 'fieldmark-bench-score-'));
    mkdirSync(dir, { recursive: true });
    const dbPath = join(dir, 'bench-score.db');
    if (existsSync(dbPath)) throw new ApiError('BAD_ARGUMENTS', `bench score: ${dbPath} already exists: choose another --out folder or delete it`);
    const db = openDatabase(dbPath, { create: true });
    try {
      let t = performance.now();
      const gen = generateBenchCampaign(db, { class1Assignments: n, class4Sites: n4, onProgress: bar(ctx, 'generate') });
      const generateS = (performance.now() - t) / 1000;

      const scoreMs: number[] = [];
      const load = loadavg()[0]!;
      let cpu = process.cpuUsage();
      t = performance.now();
      const threads = availableParallelism();
      const scored = await scoreCampaign(db, { timings: scoreMs, threads, onProgress: bar(ctx, 'score') });
      const scoreS = (performance.now() - t) / 1000;
      const scoreCpu = cpuSeconds(process.cpuUsage(cpu));
      cpu = process.cpuUsage();

      const mergeMs: number[] = [];
      t = performance.now();
      const merged = await consensusCampaign(db, { method: 'bayes', timings: mergeMs, onProgress: bar(ctx, 'consensus') });
      const consensusS = (performance.now() - t) / 1000;
      const consensusCpu = cpuSeconds(process.cpuUsage(cpu));

      // Baseline on a sample: ours (all metrics) and vector overlay (area metrics) on the same maps.
      const s = campaignSettings(db);
      const sample = db
        .prepare(`SELECT a.id, a.site_id AS siteId, s.cell FROM assignments a JOIN sites s ON s.id = a.site_id WHERE s.cls = 1 ORDER BY a.id`)
        .all()
        .filter((_, i, all) => i % Math.max(1, Math.floor(all.length / BASELINE_SAMPLE)) === 0)
        .slice(0, BASELINE_SAMPLE) as { id: number; siteId: string; cell: string }[];
      const ours: number[] = [];
      const base: number[] = [];
      let maxAreaDiff = 0;
      let maxSkillDiff = 0;
      let baselineFailures = 0;
      const progress = bar(ctx, 'baseline');
      sample.forEach((a, i) => {
        const reference = referenceFeatures(db, a.siteId);
        const labels = assignmentFeatures(db, a.id);
        const cell = JSON.parse(a.cell) as Polygon;
        let t0 = performance.now();
        const r = scoreAssignment({ reference, labels, cell, categories: s.categories, weights: s.weights });
        ours.push(performance.now() - t0);
        t0 = performance.now();
        let b;
        try {
          b = baselineAreaMetrics(reference, labels, cell, s.categories);
        } catch {
          baselineFailures++; // polygon-clipping gives up on some inputs ("Unable to complete output ring")
          progress(i + 1, sample.length);
          return;
        }
        base.push(performance.now() - t0);
        maxAreaDiff = Math.max(maxAreaDiff, Math.abs(r.area - b.area));
        maxSkillDiff = Math.max(maxSkillDiff, Math.abs(r.fieldSkill - b.fieldSkill), Math.abs(r.noFieldSkill - b.noFieldSkill));
        progress(i + 1, sample.length);
      });
      const sc = summarize(scoreMs);
      const mc = summarize(mergeMs);
      const oursS = summarize(ours);
      const baseS = summarize(base);
      return {
        name: 'score',
        n: sc.n,
        median_ms: sc.median_ms,
        p95_ms: sc.p95_ms,
        mean_ms: sc.mean_ms,
        total_s: round(scoreS, 2),
        cpu_s: round(scoreCpu, 2),
        baseline: {
          name: 'vector overlay (polygon-clipping) of the area metrics only',
          n: baseS.n,
          median_ms: baseS.median_ms,
          p95_ms: baseS.p95_ms,
          ours_median_ms: oursS.median_ms,
          ours_p95_ms: oursS.p95_ms,
          ratio: round(baseS.median_ms / Math.max(1e-9, oursS.median_ms), 2),
          projected_total_s: round((baseS.mean_ms * sc.n) / 1000, 1),
          max_area_diff: round(maxAreaDiff, 5),
          max_skill_diff: round(maxSkillDiff, 5),
          failures: baselineFailures,
        },
        consensus: {
          method: merged.method,
          n: mc.n,
          median_ms: mc.median_ms,
          p95_ms: mc.p95_ms,
          total_s: round(consensusS, 2),
          cpu_s: round(consensusCpu, 2),
          risk_cogs: merged.sites.filter((x) => x.risk).length,
        },
        campaign: { ...gen, labellers: scored.labellers.length },
        generate_s: round(generateS, 2),
        cores: availableParallelism(),
        threads,
        load_avg_1min: round(load, 2),
        targets: { score_s: 60, consensus_s: 60 },
        within_targets: scoreS < 60 && consensusS < 60,
        ...(keep ? { db: dbPath } : {}),
      };
    } finally {
      db.close();
      if (!keep) rmSync(dir, { recursive: true, force: true });
    }
  },
};
