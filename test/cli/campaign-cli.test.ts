/**
 * The campaign commands as a user runs them (issue 8): campaign setup, accounts, offline take /
 * return with the package served as the labeller's local database, `bench serve` run tiny (its
 * invariants, not its timings), and two `fieldmark serve` processes on one database with
 * labellers asking at once (BEGIN IMMEDIATE across processes).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bboxPolygon } from '../../src/common/geo/geojson';
import { hashToken } from '../../src/node/store/campaign.repo';
import { openDatabase } from '../../src/node/store/database';
import { checkInvariants, simulateLabellers } from '../../src/node/bench/serve.bench';
import { generateServeCampaign, trueField } from '../../src/node/bench/serve-campaign-gen';
import { openService } from '../../src/node/service/open-service';
import { writeFixtureScene } from '../fixtures/campaign-fixture';
import { BIN, BUILT, ROOT, runCli, startServe, stopChild } from './run-cli';

const json = <T>(r: { code: number; stdout: string; stderr: string }): T => {
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as T;
};

describe.skipIf(!BUILT)('fieldmark campaign, user, offline', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fm-cli-campaign-'));
  const db = join(dir, 'campaign.db');
  let labeller: { id: string; token: string };

  beforeAll(async () => {
    await writeFixtureScene(join(dir, 'scene.tif'));
  });

  it('sets up a campaign: create (one per file), scene, sites, reference labels, qualification set', () => {
    const c = json<{ id: string; settings: { qRate: number } }>(runCli(['campaign', 'create', '--db', db, '--name', 'Northern Ghana 2024', '--q-rate', '0.2', '--json']));
    expect(c).toMatchObject({ id: 'northern-ghana-2024', settings: { qRate: 0.2 } });
    const again = runCli(['campaign', 'create', '--db', db, '--name', 'Other']);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/one campaign per database file/);
    expect(json<{ siteIds: string[] }>(runCli(['campaign', 'scene', '--db', db, '--image', join(dir, 'scene.tif'), '--date', '2024-08-15', '--json'])).siteIds).toEqual([]);
    const s = json<{ added: number; byClass: Record<string, number>; scenesLinked: number }>(
      runCli(['campaign', 'sites', '--db', db, '--country', 'GH', '--bbox', '-0.899,9.401,-0.886,9.404', '--q-share', '0.34', '--seed', '2', '--json']),
    );
    expect(s).toMatchObject({ added: 3, byClass: { 1: 1, 2: 2, 4: 0 }, scenesLinked: 3 });
    writeFileSync(join(dir, 'centres.csv'), 'lon,lat\n-0.8975,9.4125\n');
    const q = json<{ siteIds: string[] }>(runCli(['campaign', 'sites', '--db', db, '--country', 'GH', '--file', join(dir, 'centres.csv'), '--qualification', '--json']));
    expect(q.siteIds).toEqual(['GH0000004']);
    const info = json<{ sites: Record<string, number>; qualificationSites: number }>(runCli(['campaign', 'info', '--db', db, '--json']));
    expect(info).toMatchObject({ sites: { 1: 2, 2: 2, 4: 0 }, qualificationSites: 1 });
    // reference labels of the Class 1 sites (the import command)
    const h = openDatabase(db, { create: false });
    const cells = h.prepare('SELECT min_lon, min_lat, max_lon, max_lat FROM sites WHERE cls = 1').raw().all() as [number, number, number, number][];
    h.close();
    writeFileSync(join(dir, 'ref.geojson'), JSON.stringify({ type: 'FeatureCollection', features: cells.map((b) => ({ type: 'Feature', properties: {}, geometry: bboxPolygon(trueField(b)) })) }));
    expect(json<{ imported: number }>(runCli(['import', '--db', db, '--labels', join(dir, 'ref.geojson'), '--reference', '--json'])).imported).toBe(2);
    expect(runCli(['campaign', 'qualification', '--db', db, '--sites', 'GH0000004', '--json']).code).toBe(0);
  });

  it('user add prints {id, token} and stores only the hash; passwords come from stdin', () => {
    labeller = json<{ id: string; token: string }>(runCli(['user', 'add', '--db', db, '--name', 'Ama Mensah', '--role', 'labeller', '--json']));
    expect(labeller.id).toBe('ama-mensah');
    expect(labeller.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const h = openDatabase(db, { create: false });
    expect(h.prepare('SELECT token_hash FROM labellers WHERE id = ?').pluck().get(labeller.id)).toBe(hashToken(labeller.token));
    h.close();
    expect(runCli(['user', 'add', '--db', db, '--name', 'Ama Mensah', '--role', 'labeller']).stderr).toMatch(/exists already/);
    const sup = spawnSync(process.execPath, [BIN, 'user', 'add', '--db', db, '--name', 'Sue', '--role', 'supervisor', '--password-stdin', '--json'], { cwd: ROOT, input: 'a long password\n', encoding: 'utf8' });
    expect(sup.status, sup.stderr).toBe(0);
    const short = spawnSync(process.execPath, [BIN, 'user', 'passwd', '--db', db, '--id', 'sue'], { cwd: ROOT, input: 'short\n', encoding: 'utf8' });
    expect(short.status).toBe(2);
  });

  it('user add on a missing file refuses unless --create, which makes an empty database for the app to set up', () => {
    const fresh = join(dir, 'fresh.db');
    const r = runCli(['user', 'add', '--db', fresh, '--name', 'Sue', '--role', 'supervisor']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/fresh\.db: no such database \(`user add --create` makes one\)/);
    json(runCli(['user', 'add', '--db', fresh, '--create', '--name', 'Sue', '--role', 'supervisor', '--json']));
    const h = openDatabase(fresh, { create: false });
    expect(h.prepare('SELECT COUNT(*) FROM campaigns').pluck().get()).toBe(0);
    expect(h.prepare('SELECT role FROM labellers WHERE id = ?').pluck().get('sue')).toBe('supervisor');
    h.close();
  });

  it('offline take writes one file that `serve --db` opens as the labeller; return imports once, then nothing', async () => {
    const pkg = join(dir, 'work.fmpkg');
    const t = json<{ tasks: number; scenes: number; path: string }>(runCli(['offline', 'take', '--db', db, '--labeller', labeller.id, '--n', '3', '--out', pkg, '--json']));
    expect(t).toMatchObject({ tasks: 1, scenes: 1, path: pkg }); // still qualifying: one qualification task
    const { url, child } = await startServe(['--db', pkg]);
    try {
      const info = (await (await fetch(new URL('api/getAppInfo', url), { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"args":[]}' })).json()) as { value: { user: { id: string; role: string } } };
      expect(info.value.user).toMatchObject({ id: labeller.id, role: 'labeller' });
    } finally {
      await stopChild(child);
    }
    // work in the package
    const s = await openService({ dbPath: pkg });
    const api = s.as(s.localCaller);
    const task = (await api.nextTask())!;
    const e = await api.editTask(task.assignment.id, task.revision, { type: 'field.add', id: 'f1', category: 'annualcropland', geometry: bboxPolygon(trueField(task.site.bbox)) as never });
    await api.submitTask(task.assignment.id, e.revision);
    s.close();
    const r1 = json<{ imported: number; unchanged: number }>(runCli(['offline', 'return', '--db', db, '--package', pkg, '--json']));
    expect(r1).toMatchObject({ imported: 1, unchanged: 0 });
    const r2 = json<{ imported: number; unchanged: number }>(runCli(['offline', 'return', '--db', db, '--package', pkg, '--json']));
    expect(r2).toMatchObject({ imported: 0, unchanged: 1 });
    const notPkg = runCli(['offline', 'return', '--db', db, '--package', join(dir, 'ref.geojson')]);
    expect(notPkg.code).toBe(2);
    expect(notPkg.stderr).toMatch(/not a Fieldmark package/);
  });
});

describe.skipIf(!BUILT)('campaign servers under load', () => {
  it('bench serve (tiny): no task lost, duplicated or served twice to one labeller', () => {
    const r = json<{ labellers: number; tasksServed: number; submitted: number; lost: number; servedTwiceToSameLabeller: number; duplicated: number; errors: string[]; api_ms: { p50: number; p95: number } }>(
      runCli(['bench', 'serve', '--labellers', '5', '--seconds', '3', '--json'], { timeoutMs: 60_000 }),
    );
    expect(r).toMatchObject({ labellers: 5, lost: 0, servedTwiceToSameLabeller: 0, duplicated: 0, errors: [] });
    expect(r.tasksServed).toBeGreaterThan(5);
    expect(r.submitted).toBeGreaterThan(0);
    expect(r.api_ms.p95).toBeGreaterThanOrEqual(r.api_ms.p50);
  });

  let servers: Awaited<ReturnType<typeof startServe>>[] = [];
  afterAll(async () => {
    for (const s of servers) await stopChild(s.child);
  });

  it('two server processes on one database never give one single-map site to two labellers', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fm-two-servers-'));
    const gen = generateServeCampaign(join(dir, 'campaign.db'), { labellers: 12, sites: 60, qShare: 0, nShare: 0, qRate: 0 });
    servers = [await startServe(['--db', gen.db, '--host', '127.0.0.1']), await startServe(['--db', gen.db, '--host', '127.0.0.1'])];
    const bases = servers.map((s) => new URL('/', s.url).href);
    const { tally } = await simulateLabellers(bases, gen.labellers, 3);
    for (const s of servers) await stopChild(s.child);
    servers = [];
    expect(tally.errors).toEqual([]);
    expect(tally.served.size).toBeGreaterThan(12);
    expect(checkInvariants(gen.db, tally)).toEqual({ lost: 0, twice: 0, duplicated: 0 });
    const h = openDatabase(gen.db, { readonly: true, create: false });
    const perSite = h.prepare("SELECT count(*) FROM (SELECT site_id FROM assignments a JOIN sites s ON s.id = a.site_id WHERE s.cls = 2 AND a.status IN ('assigned','submitted','approved') GROUP BY site_id HAVING count(*) > 1)").pluck().get();
    h.close();
    expect(perSite).toBe(0);
  });
});
