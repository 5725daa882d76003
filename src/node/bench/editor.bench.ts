/**
 * `fieldmark bench editor [--n 10000] [--out DIR]`: the editor in headless Chromium (playwright-
 * core, the system Chromium) against this process's HTTP server, on a task of n fields all in
 * view. The page measures itself (`?bench=1`, renderer/bench/bench-hook.ts) with performance.now():
 * vertex-drag commit, undo, redo, snapping lookup and a pan frame, each with a naive baseline
 * from the same run (a full setData re-upload per edit; a snapping scan of every field).
 * Targets: commit and undo < 16 ms median, snapping < 2 ms.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ApiError } from '../../common/api/errors';
import type { CliContext } from '../cli/command';
import { startServer } from '../server/http-server';
import { openService } from '../service/open-service';
import { generateEditorCampaign } from './editor-campaign-gen';

const CHROMIUM = process.env['FIELDMARK_CHROMIUM'] ?? '/usr/bin/chromium';

interface Stat {
  n: number;
  median_ms: number;
  p95_ms: number;
}

type PageResults = {
  fields: number;
  inView: number;
  commit: Stat;
  commitToData: Stat;
  undo: Stat;
  redo: Stat;
  snap: Stat & { hits: number };
  pan: Stat;
  panJs: Stat;
  settleMs: number;
  baseline: { setDataCommit: Stat; setDataToData: Stat; snapScan: Stat };
  saved: boolean;
};

interface BenchWindow {
  __fieldmarkBench?: { ready(): boolean; run(o: { edits: number }): Promise<PageResults> };
}

export const editorBench = {
  name: 'editor',
  summary: 'The editor in headless Chromium on 10,000 fields in view: commit, undo, redo, snapping, pan frame (with naive baselines).',
  async run(opts: Record<string, string | boolean | undefined>, ctx: CliContext): Promise<Record<string, unknown>> {
    const n = opts['n'] === undefined ? 10_000 : Number(opts['n']);
    if (!Number.isInteger(n) || n < 100 || n > 100_000) throw new ApiError('BAD_ARGUMENTS', 'bench editor: --n must be an integer from 100 to 100000');
    if (!existsSync(CHROMIUM)) throw new ApiError('BAD_INPUT', `bench editor: no Chromium at ${CHROMIUM} (install chromium or set FIELDMARK_CHROMIUM)`);
    let chromium: typeof import('playwright-core').chromium;
    try {
      ({ chromium } = await import('playwright-core'));
    } catch {
      throw new ApiError('BAD_INPUT', 'bench editor: playwright-core is not installed (a development dependency)');
    }
    const keep = typeof opts['out'] === 'string';
    const dir = keep ? resolve(ctx.cwd, opts['out'] as string) : mkdtempSync(join(tmpdir(), 'fieldmark-bench-editor-'));
    mkdirSync(dir, { recursive: true });
    const dbPath = join(dir, 'campaign.db');
    rmSync(dbPath, { force: true });
    const t0 = performance.now();
    const gen = generateEditorCampaign(dbPath, n);
    const generateS = (performance.now() - t0) / 1000;
    const service = await openService({ dbPath });
    const server = await startServer({ service, port: 0 });
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--enable-unsafe-swiftshader', '--use-angle=swiftshader', '--no-sandbox', '--disable-background-networking', '--no-first-run'],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      const t1 = performance.now();
      await page.goto(`${server.url.replace(/\/?$/, '/')}?bench=1#task=${gen.assignmentId}`);
      await page.waitForFunction(() => document.body.dataset['editor'] === 'open', null, { timeout: 120_000 });
      const [x0, y0, x1, y1] = gen.bbox;
      await page.evaluate(([a, b, c, d]) => {
        const m = (window as unknown as { __fieldmarkMap: { fitBounds(b: [[number, number], [number, number]], o: object): void } }).__fieldmarkMap;
        m.fitBounds([[a, b], [c, d]], { padding: 10, animate: false });
      }, [x0, y0, x1, y1] as [number, number, number, number]);
      await page.waitForFunction(() => (window as unknown as BenchWindow).__fieldmarkBench?.ready() === true, null, { timeout: 120_000 });
      const openS = (performance.now() - t1) / 1000;
      ctx.say(`bench editor: ${gen.fields} fields open in the page after ${openS.toFixed(1)} s; measuring...`);
      const edits = opts['n'] !== undefined && n < 1000 ? 20 : 60;
      const r = await page.evaluate((e) => (window as unknown as BenchWindow).__fieldmarkBench!.run({ edits: e }), edits);
      if (errors.length) throw new Error(`bench editor: the page failed: ${errors[0]}`);
      return {
        name: 'editor',
        n: r.commit.n,
        median_ms: r.commit.median_ms,
        p95_ms: r.commit.p95_ms,
        fields: r.fields,
        in_view: r.inView,
        commit: r.commit,
        commit_to_data: r.commitToData,
        undo: r.undo,
        redo: r.redo,
        snap: r.snap,
        pan_frame: r.pan,
        pan_frame_js: r.panJs,
        settle_ms: r.settleMs,
        baseline: {
          name: 'full setData re-upload per edit; snapping by scanning every field',
          commit: r.baseline.setDataCommit,
          commit_to_data: r.baseline.setDataToData,
          snap: r.baseline.snapScan,
          commit_ratio: Math.round((r.baseline.setDataCommit.median_ms / Math.max(1e-6, r.commit.median_ms)) * 10) / 10,
          snap_ratio: Math.round((r.baseline.snapScan.median_ms / Math.max(1e-6, r.snap.median_ms)) * 10) / 10,
        },
        targets: { commit_median_ms: 16, undo_median_ms: 16, snap_median_ms: 2 },
        within_targets: r.commit.median_ms < 16 && r.undo.median_ms < 16 && r.snap.median_ms < 2,
        all_saved: r.saved,
        generate_s: Math.round(generateS * 100) / 100,
        open_s: Math.round(openS * 100) / 100,
        ...(keep ? { db: dbPath } : {}),
      };
    } finally {
      await browser.close();
      await server.close();
      service.close();
      if (!keep) rmSync(dir, { recursive: true, force: true });
    }
  },
};
