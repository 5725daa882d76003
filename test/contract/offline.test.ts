/**
 * Offline work (issue 8): a labeller takes a package of tasks over HTTP, works in it as the
 * desktop app would (the package opened as the local database: its local user is the labeller,
 * its imagery the clipped COGs inside it), and returns it: imported once, unchanged the second
 * time, and refused per task (CONFLICT) where the server's task changed since it was taken.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FieldmarkApi, OfflineReturnResult } from '../../src/common/api/contract';
import { bboxOf, bboxPolygon } from '../../src/common/geo/geojson';
import { trueField } from '../../src/node/bench/serve-campaign-gen';
import type { RunningServer } from '../../src/node/server/http-server';
import type { FieldmarkService } from '../../src/node/service/fieldmark-service';
import { openService } from '../../src/node/service/open-service';
import { ADMIN, makeCampaignFixture, mapAndSubmit, type CampaignFixture } from '../fixtures/campaign-fixture';
import { httpClient, inProcessClient, startTestServer } from './transports';

let fx: CampaignFixture;
let server: RunningServer;
const opened: { s: FieldmarkService; r: RunningServer }[] = [];

async function take(n: number): Promise<string> {
  const res = await fetch(new URL(`offline/take?n=${n}`, server.url), { method: 'POST', headers: { Authorization: `Bearer ${fx.users.a.token}` } });
  expect(res.status).toBe(200);
  const id = res.headers.get('x-fieldmark-package')!;
  const file = join(fx.dir, `${id}.fmpkg`);
  writeFileSync(file, Buffer.from(await res.arrayBuffer()));
  return file;
}

async function giveBack(file: string): Promise<OfflineReturnResult> {
  const { readFileSync } = await import('node:fs');
  const res = await fetch(new URL('offline/return', server.url), { method: 'POST', headers: { Authorization: `Bearer ${fx.users.a.token}`, 'Content-Type': 'application/octet-stream' }, body: readFileSync(file) });
  const body = (await res.json()) as { ok: boolean; value: OfflineReturnResult };
  expect(res.status).toBe(200);
  return body.value;
}

/** The package opened like `fieldmark serve --db P.fmpkg` (local mode: no token). */
async function openPackage(file: string): Promise<{ api: FieldmarkApi; url: string; service: FieldmarkService }> {
  const s = await openService({ dbPath: file });
  const r = await startTestServer(s, false);
  opened.push({ s, r });
  return { api: httpClient(r.url), url: r.url, service: s };
}

function counts(): string {
  const db = fx.service.db;
  return ['assignments', 'labels', 'edit_log', 'scores'].map((t) => `${t}:${db.prepare(`SELECT count(*) FROM ${t}`).pluck().get() as number}`).join(' ') + ' ' + JSON.stringify(db.prepare('SELECT id, status FROM assignments ORDER BY id').all());
}

beforeAll(async () => {
  fx = await makeCampaignFixture({}, { scene: true });
  server = await startTestServer(fx.service, true);
  const a = inProcessClient(fx.service, { userId: fx.users.a.id, role: 'labeller' });
  await mapAndSubmit(a, (await a.nextTask())!, 'good'); // qualification, online
  fx.service.random = () => 0.99;
});
afterAll(async () => {
  for (const o of opened) {
    await o.r.close();
    o.s.close();
  }
  await server?.close();
  fx?.service.close();
});

describe('offline packages', () => {
  let file: string;
  const ids: number[] = [];

  it('a package is one file that works as the labeller\'s local database, imagery included, nothing of anyone else', async () => {
    file = await take(2);
    const { api, url, service } = await openPackage(file);
    expect((await api.getAppInfo()).user).toMatchObject({ id: fx.users.a.id, role: 'labeller' });
    const sites = await api.listSites();
    expect(sites).toHaveLength(2);
    expect(sites.every((s) => s.cls === 2)).toBe(true);
    expect(service.db.prepare('SELECT count(*) FROM reference_labels').pluck().get()).toBe(0);
    expect(service.db.prepare('SELECT count(*) FROM labellers').pluck().get()).toBe(1);
    expect(Object.keys(JSON.parse(service.db.prepare('SELECT settings FROM campaigns').pluck().get() as string) as object).sort()).toEqual(['categories', 'minFieldAreaM2']);
    expect(service.db.prepare("SELECT count(*) FROM assignments WHERE served_as <> 'offline'").pluck().get()).toBe(0);
    const site = await api.getSite(sites[0]!.id);
    expect(site.scenes).toHaveLength(1);
    const info = await api.getSceneInfo(site.scenes[0]!.id);
    expect(info).toMatchObject({ bands: 4, dtype: 'uint16', crs: 'EPSG:4326', bandRoles: ['blue', 'green', 'red', 'nir'] });
    expect(info.width).toBeLessThan(256); // clipped to the context window
    const [lon, lat] = site.center;
    const z = 16;
    const x = Math.floor(((lon + 180) / 360) * 2 ** z);
    const r = (lat * Math.PI) / 180;
    const y = Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * 2 ** z);
    const tile = await fetch(new URL(`tiles/${encodeURIComponent(site.scenes[0]!.id)}/${z}/${x}/${y}.png`, url));
    expect(tile.status).toBe(200);
    expect((await tile.arrayBuffer()).byteLength).toBeGreaterThan(200);
    // work offline: the first task submitted, the second drawn but left open
    const t1 = (await api.nextTask())!;
    await mapAndSubmit(api, t1, 'good');
    const t2 = (await api.nextTask())!;
    expect(t2.assignment.id).not.toBe(t1.assignment.id);
    const f = trueField(bboxOf(t2.site.cell));
    await api.editTask(t2.assignment.id, t2.revision, { type: 'field.add', id: 'f1', category: 'annualcropland', geometry: bboxPolygon(f) as never });
    expect(await api.nextTask().then((t) => t?.assignment.id)).toBe(t2.assignment.id); // no scheduling offline
    ids.push(t1.assignment.id, t2.assignment.id);
  });

  it('returning imports it; returning it again changes nothing', async () => {
    const r1 = await giveBack(file);
    expect(r1).toMatchObject({ imported: 2, unchanged: 0, conflicts: 0 });
    const admin = inProcessClient(fx.service, ADMIN);
    const [s1, s2] = [await admin.openTask(ids[0]!), await admin.openTask(ids[1]!)];
    expect(s1.assignment.labels).toBe(1);
    expect(['submitted', 'approved', 'rejected']).toContain(s1.assignment.status); // a hidden Q map is scored at once
    expect(s2.assignment).toMatchObject({ status: 'assigned', labels: 1 });
    // the labeller carries on online: the history came along (undo works)
    const a = inProcessClient(fx.service, { userId: fx.users.a.id, role: 'labeller' });
    const online = await a.openTask(ids[1]!);
    expect(online.editable).toBe(true);
    expect(online.log.map((e) => e.type)).toEqual(['field.add']);
    const before = counts();
    const r2 = await giveBack(file);
    expect(r2).toMatchObject({ imported: 0, unchanged: 2, conflicts: 0 });
    expect(counts()).toBe(before);
  });

  it('refuses, per task and with a clear message, work whose server task changed since it was taken', async () => {
    const file2 = await take(2); // the open task (ids[1]) and a new one
    const { api, service } = await openPackage(file2);
    const tasks = service.db.prepare('SELECT assignment_id FROM package_tasks ORDER BY assignment_id').pluck().all() as number[];
    expect(tasks).toContain(ids[1]);
    const fresh = tasks.find((t) => t !== ids[1])!;
    // a supervisor edits the shared task on the server meanwhile
    const admin = inProcessClient(fx.service, ADMIN);
    const s = await admin.openTask(ids[1]!);
    await admin.editTask(ids[1]!, s.revision, { type: 'field.setComment', id: 'f1', comment: 'checked by the supervisor' });
    // offline, the labeller changes both tasks
    for (const id of tasks) {
      const t = await api.openTask(id);
      await mapAndSubmit(api, t, id === fresh ? 'good' : 'none');
    }
    const before = (await admin.openTask(ids[1]!)).revision;
    const r = await giveBack(file2);
    expect(r).toMatchObject({ imported: 1, conflicts: 1 });
    const c = r.tasks.find((t) => t.assignmentId === ids[1])!;
    expect(c).toMatchObject({ result: 'conflict', code: 'CONFLICT' });
    expect(c.message).toMatch(/edited on the server since the package was taken .*refused, the server's version is kept/);
    const kept = await admin.openTask(ids[1]!);
    expect(kept.revision).toBe(before);
    expect(kept.assignment.status).toBe('assigned');
    expect((await giveBack(file2))).toMatchObject({ imported: 0, unchanged: 1, conflicts: 1 }); // idempotent, refusal included
  });

  it('refuses a task abandoned after its deadline, and a package of another server', async () => {
    const file3 = await take(1);
    const { api, service } = await openPackage(file3);
    const id = service.db.prepare('SELECT assignment_id FROM package_tasks').pluck().get() as number;
    await mapAndSubmit(api, await api.openTask(id), 'none'); // (the task still open from before: its field is there)
    fx.service.db.prepare("UPDATE assignments SET due_at = '2000-01-01T00:00:00.000Z' WHERE id = ?").run(id);
    await inProcessClient(fx.service, { userId: fx.users.b.id, role: 'labeller' }).nextTask(); // any request sweeps
    const r = await giveBack(file3);
    expect(r.tasks[0]).toMatchObject({ result: 'conflict', status: 'abandoned' });
    expect(r.tasks[0]!.message).toMatch(/abandoned on the server/);
    const other = await makeCampaignFixture();
    try {
      await expect(other.service.offline.return(ADMIN, file3)).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/was not taken from this server/) });
    } finally {
      other.service.close();
    }
  });
});
