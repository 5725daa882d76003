/**
 * `fieldmark bench serve [--labellers 50] [--seconds 60]`: a campaign server on 127.0.0.1 in
 * network mode (tokens), on a generated campaign (serve-campaign-gen.ts), and N simulated
 * labellers (async HTTP clients in this process) that request a task (nextTask), draw a field
 * (editTask), and submit it (or now and then return it) until the time is up. The server runs as
 * a child process (`fieldmark serve --host 127.0.0.1`) when the built CLI is at hand, else in this
 * process. Afterwards the database is checked: no site served twice to one labeller, no served
 * or submitted task lost, no site mapped more often than it needs (duplicated). Prints
 * `{labellers, tasksServed, submitted, lost, servedTwiceToSameLabeller, duplicated, api_ms:{p50,p95}}`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClient } from '../../common/api/client';
import type { FieldmarkApi, TaskState } from '../../common/api/contract';
import type { Envelope } from '../../common/api/dispatch';
import { ApiError } from '../../common/api/errors';
import { bboxPolygon, bboxOf } from '../../common/geo/geojson';
import type { CliContext } from '../cli/command';
import { startServer } from '../server/http-server';
import { openService } from '../service/open-service';
import { openDatabase } from '../store/database';
import { generateServeCampaign, trueField } from './serve-campaign-gen';
import { quantile } from './stats';

/** bin/fieldmark.js when this code runs from the built CLI (dist/cli.js), else null. */
function builtCli(): string | null {
  try {
    const here = fileURLToPath(import.meta.url);
    const bin = join(dirname(here), '..', 'bin', 'fieldmark.js');
    return here.endsWith('cli.js') && existsSync(bin) ? bin : null;
  } catch {
    return null;
  }
}

async function startChild(cli: string, db: string): Promise<{ url: string; stop: () => Promise<void> }> {
  const child: ChildProcess = spawn(process.execPath, [cli, 'serve', '--db', db, '--host', '127.0.0.1', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const url = await new Promise<string>((res, rej) => {
    let out = '';
    const timer = setTimeout(() => rej(new Error(`serve did not start: ${err}`)), 30_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf('\n');
      if (nl >= 0) (clearTimeout(timer), res(out.slice(0, nl).trim()));
    });
    child.once('exit', (code) => (clearTimeout(timer), rej(new Error(`serve exited with ${code}: ${err}`))));
  });
  return {
    url: new URL('/', url).href,
    stop: () =>
      new Promise<void>((r) => {
        if (child.exitCode !== null) return r();
        child.once('exit', () => r());
        child.kill('SIGTERM');
      }),
  };
}

function client(base: string, token: string, times: number[]): FieldmarkApi {
  return createClient(async (method, args) => {
    const t0 = performance.now();
    const res = await fetch(new URL(`api/${method}`, base), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
      body: JSON.stringify({ args }),
    });
    const env = (await res.json()) as Envelope;
    times.push(performance.now() - t0);
    return env;
  });
}

export interface Tally {
  served: Map<number, { labeller: string; site: string }>;
  submitted: Set<number>;
  returned: Set<number>;
  errors: string[];
  sitesSeen: Map<string, Set<string>>;
  twice: number;
}

async function labellerLoop(api: FieldmarkApi, who: { id: string; skill: number }, until: number, tally: Tally, rnd: () => number): Promise<void> {
  const seen = new Set<string>();
  let k = 0;
  while (Date.now() < until) {
    let task: TaskState | null;
    try {
      task = await api.nextTask();
    } catch (e) {
      if (e instanceof ApiError && e.code === 'CONFLICT') return; // did not qualify
      throw e;
    }
    if (!task) return;
    const id = task.assignment.id;
    const site = task.site.id;
    const known = tally.served.get(id);
    if (!known) {
      if (seen.has(site)) tally.twice++;
      seen.add(site);
      tally.served.set(id, { labeller: who.id, site });
    } else if (known.labeller !== who.id) tally.errors.push(`assignment ${id} served to ${known.labeller} and ${who.id}`);
    if (rnd() < 0.05) {
      await api.returnTask(id, 'bench');
      tally.returned.add(id);
      continue;
    }
    const cell = bboxOf(task.site.cell);
    const f = trueField(cell);
    const w = f[2] - f[0];
    // A careless labeller draws the field shifted by most of its width.
    const dx = (who.skill > 0.5 ? (rnd() - 0.5) * 0.05 : 0.6 + rnd() * 0.3) * w;
    const geometry = bboxPolygon([f[0] + dx, f[1], f[2] + dx, f[3]]) as never;
    const edit = await api.editTask(id, task.revision, { type: 'field.add', id: `f${++k}`, category: 'annualcropland', geometry });
    await api.submitTask(id, edit.revision);
    tally.submitted.add(id);
  }
}

/** Simulated labellers for `seconds` against one or more servers (labeller k uses bases[k % n]). */
export async function simulateLabellers(bases: string[], labellers: { id: string; token: string; skill: number }[], seconds: number): Promise<{ tally: Tally; times: number[] }> {
  const times: number[] = [];
  const tally: Tally = { served: new Map(), submitted: new Set(), returned: new Set(), errors: [], sitesSeen: new Map(), twice: 0 };
  const until = Date.now() + seconds * 1000;
  let seed = 12345;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  await Promise.all(
    labellers.map((l, k) =>
      labellerLoop(client(bases[k % bases.length]!, l.token, times), l, until, tally, rnd).catch((e: unknown) => {
        tally.errors.push(`${l.id}: ${e instanceof Error ? e.message : String(e)}`);
      }),
    ),
  );
  return { tally, times };
}

export interface ServeBenchResult {
  name: 'serve';
  labellers: number;
  seconds: number;
  server: 'child-process' | 'in-process';
  sites: number;
  tasksServed: number;
  submitted: number;
  returned: number;
  lost: number;
  servedTwiceToSameLabeller: number;
  duplicated: number;
  errors: string[];
  api_ms: { p50: number; p95: number; n: number };
  tasks_per_s: number;
}

/** The database check after the run. */
export function checkInvariants(dbPath: string, tally: Pick<Tally, 'served' | 'submitted'>): { lost: number; twice: number; duplicated: number } {
  const db = openDatabase(dbPath, { readonly: true, create: false });
  try {
    const twice = db.prepare('SELECT count(*) FROM (SELECT site_id, labeller_id FROM assignments GROUP BY site_id, labeller_id HAVING count(*) > 1)').pluck().get() as number;
    const row = db.prepare('SELECT labeller_id, site_id, status FROM assignments WHERE id = ?');
    let lost = 0;
    for (const [id, s] of tally.served) {
      const r = row.get(id) as { labeller_id: string; site_id: string; status: string } | undefined;
      if (!r || r.labeller_id !== s.labeller || r.site_id !== s.site) lost++;
      else if (tally.submitted.has(id) && !['submitted', 'approved', 'rejected', 'untrusted'].includes(r.status)) lost++;
    }
    const settings = JSON.parse(db.prepare('SELECT settings FROM campaigns LIMIT 1').pluck().get() as string) as { labellersPerClass4?: number };
    const n4 = settings.labellersPerClass4 ?? 3;
    const duplicated = db
      .prepare(
        `SELECT count(*) FROM (SELECT s.id, s.cls, count(a.id) AS c FROM sites s JOIN assignments a ON a.site_id = s.id
          WHERE s.cls IN (2, 4) AND a.status IN ('assigned','submitted','approved') GROUP BY s.id
          HAVING c > CASE s.cls WHEN 2 THEN 1 ELSE ? END)`,
      )
      .pluck()
      .get(n4) as number;
    return { lost, twice, duplicated };
  } finally {
    db.close();
  }
}

export async function runServeBench(o: { labellers: number; seconds: number; dir: string; inProcess?: boolean; say?: (s: string) => void }): Promise<ServeBenchResult> {
  const sites = Math.min(20_000, Math.max(200, Math.round(o.labellers * o.seconds * 3)));
  const gen = generateServeCampaign(join(o.dir, 'campaign.db'), { labellers: o.labellers, sites });
  const cli = o.inProcess ? null : builtCli();
  let base: string;
  let stop: () => Promise<void>;
  if (cli) {
    ({ url: base, stop } = await startChild(cli, gen.db));
  } else {
    const service = await openService({ dbPath: gen.db });
    const running = await startServer({ service, host: '127.0.0.1', port: 0, requireToken: true });
    base = running.url;
    stop = async () => {
      await running.close();
      await new Promise((r) => setTimeout(r, 50)); // deferred scoring
      service.close();
    };
  }
  o.say?.(`bench serve: ${o.labellers} labellers for ${o.seconds} s against ${base} (${cli ? 'child process' : 'in process'}), ${gen.sites} sites`);
  const t0 = Date.now();
  let sim: { tally: Tally; times: number[] };
  try {
    sim = await simulateLabellers([base], gen.labellers, o.seconds);
  } finally {
    await stop();
  }
  const { tally, times } = sim;
  const elapsed = (Date.now() - t0) / 1000;
  const check = checkInvariants(gen.db, tally);
  const sorted = [...times].sort((a, b) => a - b);
  const r2 = (v: number) => Math.round(v * 100) / 100;
  return {
    name: 'serve',
    labellers: o.labellers,
    seconds: o.seconds,
    server: cli ? 'child-process' : 'in-process',
    sites: gen.sites,
    tasksServed: tally.served.size,
    submitted: tally.submitted.size,
    returned: tally.returned.size,
    lost: check.lost,
    servedTwiceToSameLabeller: check.twice + tally.twice,
    duplicated: check.duplicated,
    errors: tally.errors.slice(0, 20),
    api_ms: { p50: r2(quantile(sorted, 0.5)), p95: r2(quantile(sorted, 0.95)), n: sorted.length },
    tasks_per_s: r2(tally.submitted.size / elapsed),
  };
}

export const serveBench = {
  name: 'serve',
  summary: 'A campaign server on 127.0.0.1 (tokens) with N simulated labellers requesting, drawing and submitting; checks no task is lost, duplicated or served twice.',
  async run(opts: Record<string, string | boolean | undefined>, ctx: CliContext): Promise<Record<string, unknown>> {
    const labellers = opts['labellers'] === undefined ? 50 : Number(opts['labellers']);
    const seconds = opts['seconds'] === undefined ? 60 : Number(opts['seconds']);
    if (!Number.isInteger(labellers) || labellers < 1 || labellers > 1000) throw new ApiError('BAD_ARGUMENTS', 'bench serve: --labellers must be an integer from 1 to 1000');
    if (!(seconds > 0 && seconds <= 3600)) throw new ApiError('BAD_ARGUMENTS', 'bench serve: --seconds must be a number from 1 to 3600');
    const keep = typeof opts['out'] === 'string';
    const dir = keep ? resolve(ctx.cwd, opts['out'] as string) : mkdtempSync(join(tmpdir(), 'fieldmark-bench-serve-'));
    mkdirSync(dir, { recursive: true });
    try {
      const r = await runServeBench({ labellers, seconds, dir, say: (s) => ctx.say(s) });
      return { ...r, n: r.api_ms.n, median_ms: r.api_ms.p50, p95_ms: r.api_ms.p95, baseline: { note: 'invariants, not timings, are the pass criterion' } };
    } finally {
      if (!keep) rmSync(dir, { recursive: true, force: true });
    }
  },
};
