/**
 * Staff uploads over a real `fieldmark serve` (network mode, tokens) on a real campaign database:
 * `POST /import/labels|sites|scene` (src/node/campaign/http-import.ts). Labels and reference
 * labels imported (counts as reported, one edit-log row each), a labeller refused (403), bad
 * parameters / extensions / bodies refused with one line and the database unchanged, the size
 * limit, temporary files gone, and an uploaded scene kept beside the database and rendering tiles.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AddSceneResult, AddSitesResult, ImportLabelsReport } from '../../src/common/api/contract';
import { bboxPolygon } from '../../src/common/geo/geojson';
import { trueField } from '../../src/node/bench/serve-campaign-gen';
import { startServer, type RunningServer } from '../../src/node/server/http-server';
import { makeCampaignFixture, writeFixtureScene, type CampaignFixture } from '../fixtures/campaign-fixture';
import { startTestServer } from './transports';

let fx: CampaignFixture;
let server: RunningServer;
let small: RunningServer;
let tmp: string;
const savedTmp = process.env['TMPDIR'];

type Env<T> = { ok: true; value: T } | { ok: false; error: { code: string; message: string } };

async function upload<T>(path: string, body: BodyInit, token: string | null = fx.users.sup.token, base = server.url): Promise<{ status: number; env: Env<T> }> {
  const res = await fetch(new URL(path, base), { method: 'POST', headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), 'Content-Type': 'application/octet-stream' }, body });
  return { status: res.status, env: (await res.json()) as Env<T> };
}

/** Row counts of everything an import may touch. */
function snapshot(): Record<string, number> {
  const db = fx.service.db;
  return Object.fromEntries(['labels', 'reference_labels', 'assignments', 'edit_log', 'sites', 'scenes', 'labellers'].map((t) => [t, db.prepare(`SELECT count(*) FROM ${t}`).pluck().get() as number]));
}

const fc = (boxes: [number, number, number, number][], props: Record<string, unknown> = {}) =>
  JSON.stringify({ type: 'FeatureCollection', features: boxes.map((b) => ({ type: 'Feature', properties: props, geometry: bboxPolygon(trueField(b)) })) });

beforeAll(async () => {
  fx = await makeCampaignFixture({}, { scene: true });
  server = await startTestServer(fx.service, true);
  small = await startServer({ service: fx.service, port: 0, host: '127.0.0.1', requireToken: true, maxUploadBytes: 1000 });
  // Every temporary folder of the uploads goes here, so the test can see that none is left.
  tmp = mkdtempSync(join(fx.dir, 'tmp-'));
  process.env['TMPDIR'] = tmp;
});
afterAll(async () => {
  if (savedTmp === undefined) delete process.env['TMPDIR'];
  else process.env['TMPDIR'] = savedTmp;
  await server?.close();
  await small?.close();
  fx?.service.close();
  if (fx) rmSync(fx.dir, { recursive: true, force: true });
});

describe('POST /import/labels', () => {
  it("imports a labeller's map: counts as reported, one edit-log row naming the supervisor and the file", async () => {
    const sites = await Promise.all(fx.sites.f.slice(0, 2).map((id) => fx.admin.getSite(id)));
    const before = snapshot();
    const { status, env } = await upload<ImportLabelsReport>(`import/labels?name=maps%20v2.geojson&labeller=${fx.users.c.id}&category=annualcropland`, fc(sites.map((s) => s.bbox)));
    expect(status).toBe(200);
    if (!env.ok) throw new Error(env.error.message);
    expect(env.value).toMatchObject({ imported: 2, skipped: [], target: 'labels', sites: 2, assignmentsCreated: 2 });
    const after = snapshot();
    expect(after['labels']).toBe(before['labels']! + 2);
    expect(after['assignments']).toBe(before['assignments']! + 2);
    expect(after['edit_log']).toBe(before['edit_log']! + 1);
    const row = fx.service.db.prepare('SELECT assignment_id, labeller_id, at, command FROM edit_log ORDER BY id DESC LIMIT 1').get() as { assignment_id: number | null; labeller_id: string; at: string; command: string };
    expect(row.assignment_id).toBeNull();
    expect(row.labeller_id).toBe(fx.users.sup.id);
    expect(Date.now() - Date.parse(row.at)).toBeLessThan(60_000);
    expect(JSON.parse(row.command)).toMatchObject({ type: 'import.labels', file: 'maps v2.geojson', target: 'labels', imported: 2, skipped: 0, sites: 2 });
    expect(readdirSync(tmp)).toEqual([]);
  });

  it('imports reference labels (Class 1 sites only; features elsewhere skipped with their reason)', async () => {
    const q = await fx.admin.getSite(fx.sites.q[0]!);
    const f = await fx.admin.getSite(fx.sites.f[2]!);
    const before = snapshot();
    const { status, env } = await upload<ImportLabelsReport>('import/labels?name=ref.geojson&reference=1', fc([q.bbox, f.bbox], { category: 'annualcropland' }));
    expect(status).toBe(200);
    if (!env.ok) throw new Error(env.error.message);
    expect(env.value.imported).toBe(1);
    expect(env.value.target).toBe('reference');
    expect(env.value.skipped).toEqual([{ feature: expect.any(String), reason: 'touches no Class 1 site of the campaign' }]);
    expect(snapshot()['reference_labels']).toBe(before['reference_labels']! + 1);
    expect(snapshot()['labels']).toBe(before['labels']);
    expect(JSON.parse(fx.service.db.prepare('SELECT command FROM edit_log ORDER BY id DESC LIMIT 1').pluck().get() as string)).toMatchObject({ target: 'reference', imported: 1, skipped: 1 });
  });

  it('refuses a labeller (403) and a missing token (401) before reading the file; nothing changes', async () => {
    const q = await fx.admin.getSite(fx.sites.q[0]!);
    const before = snapshot();
    const lab = await upload('import/labels?name=ref.geojson&reference=1', fc([q.bbox]), fx.users.a.token);
    expect(lab.status).toBe(403);
    expect(lab.env).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    const anon = await upload('import/labels?name=ref.geojson&reference=1', fc([q.bbox]), null);
    expect(anon.status).toBe(401);
    expect(snapshot()).toEqual(before);
  });

  it('refuses bad names, parameters and files with a one-line 4xx; the database and the temp folder unchanged', async () => {
    const q = await fx.admin.getSite(fx.sites.q[0]!);
    const before = snapshot();
    const cases: [string, string, number, RegExp][] = [
      ['import/labels?name=fields.shp&reference=1', fc([q.bbox]), 400, /fields\.shp: not a \.geojson, \.json, \.gpkg, \.kml, \.kmz or \.zip file/],
      ['import/labels?name=a%2Fb.geojson&reference=1', fc([q.bbox]), 400, /must be a plain file name/],
      ['import/labels?name=..%5Cb.geojson&reference=1', fc([q.bbox]), 400, /must be a plain file name/],
      ['import/labels?reference=1', fc([q.bbox]), 400, /name .* is missing/],
      ['import/labels?name=x.geojson&reference=1&category=nope', fc([q.bbox]), 400, /category "nope" is not one of the campaign's/],
      ['import/labels?name=x.geojson&reference=1&labeller=x', fc([q.bbox]), 400, /reference labels take no labeller/],
      ['import/labels?name=x.geojson&labeller=bad%20id', fc([q.bbox]), 400, /^import labels: labeller: /],
      ['import/labels?name=x.geojson&reference=1&strict=yes', fc([q.bbox]), 400, /strict must be 1 or 0/],
      ['import/labels?name=x.geojson&reference=1&foo=1', fc([q.bbox]), 400, /unknown parameter "foo"/],
      ['import/labels?name=x.geojson&reference=1', '{"type":"FeatureCollection","features":[', 422, /^x\.geojson: /],
      ['import/labels?name=x.geojson&reference=1', '', 400, /empty/],
      ['import/sites?name=s.csv&country=gh', 'lon,lat\n0,0', 400, /^import sites: country: /],
      ['import/sites?name=s.csv&country=GH&cls=2&q=0.5', 'lon,lat\n0,0', 400, /give cls or shares, not both/],
      ['import/scene?name=s.tif', 'II*\u0000', 400, /date=YYYY-MM-DD .* is missing/],
      ['import/scene?name=s.tif&date=2024-13-45', 'II*\u0000', 400, /date/],
      ['import/scene?name=s.png&date=2024-08-01', 'x', 400, /not a \.tif or \.tiff file/],
    ];
    for (const [path, body, status, msg] of cases) {
      const r = await upload(path, body);
      expect(r.status, path).toBe(status);
      if (r.env.ok) throw new Error(`${path}: accepted`);
      expect(r.env.error.message, path).toMatch(msg);
      expect(r.env.error.message).not.toMatch(/[\n\r]/);
      expect(r.env.error.message).not.toContain(tmp);
    }
    expect(snapshot()).toEqual(before);
    expect(readdirSync(tmp)).toEqual([]);
  });

  it('refuses a file over the size limit (declared or streamed) with one line', async () => {
    const before = snapshot();
    const big = 'x'.repeat(5000);
    const r = await upload('import/labels?name=big.geojson&reference=1', big, fx.users.sup.token, small.url);
    expect(r.status).toBe(400);
    if (r.env.ok) throw new Error('accepted');
    expect(r.env.error.message).toBe('import labels: big.geojson: the file is over the 1000 bytes limit');
    // streamed without a length: refused while reading
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        for (let i = 0; i < 5; i++) c.enqueue(new TextEncoder().encode(big.slice(0, 1000)));
        c.close();
      },
    });
    const res = await fetch(new URL('import/labels?name=big.geojson&reference=1', small.url), { method: 'POST', headers: { Authorization: `Bearer ${fx.users.sup.token}` }, body: stream, duplex: 'half' } as RequestInit);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/over the 1000 bytes limit/);
    expect(snapshot()).toEqual(before);
    expect(readdirSync(tmp)).toEqual([]);
  });
});

describe('POST /import/sites and /import/scene', () => {
  it('adds sites from an uploaded CSV of centres', async () => {
    const csv = 'name,lon,lat\na,-0.8875,9.4475\nb,-0.8825,9.4475\n';
    const { status, env } = await upload<AddSitesResult>('import/sites?name=centres.csv&country=GH&cls=2', csv);
    expect(status).toBe(200);
    if (!env.ok) throw new Error(env.error.message);
    expect(env.value).toMatchObject({ added: 2, byClass: { 1: 0, 2: 2, 4: 0 } });
    expect((await fx.admin.getSite(env.value.siteIds[0]!)).cls).toBe(2);
    expect(readdirSync(tmp)).toEqual([]);
  });

  it('keeps an uploaded GeoTIFF beside the database and renders its tiles like the original', async () => {
    const src = join(fx.dir, 'upload-src.tif');
    await writeFixtureScene(src);
    const { status, env } = await upload<AddSceneResult>('import/scene?name=My%20Scene.tif&date=2024-09-01&season=dry', readFileSync(src));
    expect(status).toBe(200);
    if (!env.ok) throw new Error(env.error.message);
    expect(env.value.scene).toMatchObject({ id: 'My_Scene', date: '2024-09-01' });
    expect(env.value.siteIds.length).toBeGreaterThan(0);
    const stored = fx.service.db.prepare("SELECT path FROM scenes WHERE id = 'My_Scene'").pluck().get() as string;
    expect(stored).toBe('campaign.scenes/My_Scene.tif');
    expect(readFileSync(join(fx.dir, stored)).equals(readFileSync(src))).toBe(true);
    // the same name again: a new file name (never overwritten), the scene id refused as taken
    const again = await upload<AddSceneResult>('import/scene?name=My%20Scene.tif&date=2024-09-01', readFileSync(src));
    expect(again.status).toBe(409);
    expect(readdirSync(join(fx.dir, 'campaign.scenes'))).toEqual(['My_Scene.tif']);
    const other = await upload<AddSceneResult>('import/scene?name=My%20Scene.tif&date=2024-09-02&id=later', readFileSync(src));
    expect(other.status).toBe(200);
    expect(readdirSync(join(fx.dir, 'campaign.scenes')).sort()).toEqual(['My_Scene.tif', 'later.tif']);
    // tiles: the uploaded copy renders exactly as the fixture's own scene
    const site = await fx.admin.getSite(env.value.siteIds[0]!);
    const [lon, lat] = site.center;
    const z = 15;
    const x = Math.floor(((lon + 180) / 360) * 2 ** z);
    const y = Math.floor(((1 - Math.log(Math.tan((lat * Math.PI) / 180) + 1 / Math.cos((lat * Math.PI) / 180)) / Math.PI) / 2) * 2 ** z);
    const tile = async (scene: string) => {
      const res = await fetch(new URL(`tiles/${scene}/${z}/${x}/${y}.png`, server.url), { headers: { Authorization: `Bearer ${fx.users.sup.token}` } });
      expect(res.status).toBe(200);
      return Buffer.from(await res.arrayBuffer());
    };
    const [mine, original] = await Promise.all([tile('My_Scene'), tile('scene-1')]);
    expect(mine.length).toBeGreaterThan(1000); // imagery, not the empty tile
    expect(mine.equals(original)).toBe(true);
  });

  it('refuses a body that is not a TIFF and keeps nothing', async () => {
    const before = snapshot();
    const r = await upload('import/scene?name=fake.tif&date=2024-09-01', '<html>not a tiff</html>');
    expect(r.status).toBe(422);
    if (r.env.ok) throw new Error('accepted');
    expect(r.env.error.message).toBe('fake.tif: not a GeoTIFF (the file does not start with a TIFF header)');
    expect(snapshot()).toEqual(before);
    expect(readdirSync(join(fx.dir, 'campaign.scenes')).filter((n) => n.startsWith('fake') || n.startsWith('.upload'))).toEqual([]);
    expect(existsSync(join(fx.dir, 'campaign.scenes', 'fake.tif'))).toBe(false);
  });
});
