/**
 * The file routes of app://fieldmark (import uploads, exports, offline) through the same node
 * module as `fieldmark serve`, driven with Node's Request globals against a real campaign
 * database (test/fixtures/campaign-fixture.ts) as the local desktop user (admin).
 */
import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Caller, ImportLabelsReport } from '../src/common/api/contract';
import { bboxPolygon } from '../src/common/geo/geojson';
import { trueField } from '../src/node/bench/serve-campaign-gen';
import { importHost } from '../src/node/campaign/http-import';
import { makeCampaignFixture, type CampaignFixture } from '../test/fixtures/campaign-fixture';
import { CONTENT_SECURITY_POLICY } from './csp';
import { createAppProtocolHandler } from './protocol';
import { fakeService } from './testing/fake-service';

let fx: CampaignFixture;
let rendererDir: string;
let handle: (r: Request) => Promise<Response>;

let temps: string;
const savedTmp = process.env['TMPDIR'];
const importTemps = () => readdirSync(temps);
const count = (sql: string) => fx.service.db.prepare(sql).pluck().get() as number;

beforeAll(async () => {
  fx = await makeCampaignFixture();
  rendererDir = mkdtempSync(join(tmpdir(), 'fieldmark-renderer-'));
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html>');
  handle = createAppProtocolHandler({ rendererDir, service: fx.service });
  // the uploads' temporary folders go here, so the test sees that none is left
  temps = mkdtempSync(join(fx.dir, 'tmp-'));
  process.env['TMPDIR'] = temps;
});
afterAll(() => {
  if (savedTmp === undefined) delete process.env['TMPDIR'];
  else process.env['TMPDIR'] = savedTmp;
  fx?.service.close();
  if (fx) rmSync(fx.dir, { recursive: true, force: true });
  rmSync(rendererDir, { recursive: true, force: true });
});

describe('app:// file routes', () => {
  it('imports an uploaded label file as the local admin, temp files removed, one edit-log row', async () => {
    const site = (await fx.admin.getSite(fx.sites.f[0]!)).bbox;
    const fc = { type: 'FeatureCollection', features: [{ type: 'Feature', properties: { category: 'annualcropland' }, geometry: bboxPolygon(trueField(site)) }] };
    const before = { labels: count('SELECT count(*) FROM labels'), log: count('SELECT count(*) FROM edit_log WHERE assignment_id IS NULL') };
    const res = await handle(
      new Request(`app://fieldmark/import/labels?name=desk.geojson&labeller=${fx.users.b.id}`, { method: 'POST', headers: { 'Content-Type': 'application/octet-stream' }, body: JSON.stringify(fc) }),
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    const env = (await res.json()) as { ok: boolean; value: ImportLabelsReport };
    expect(env.ok).toBe(true);
    expect(env.value).toMatchObject({ imported: 1, target: 'labels', skipped: [] });
    expect(count('SELECT count(*) FROM labels')).toBe(before.labels + 1);
    const log = fx.service.db.prepare('SELECT labeller_id, command FROM edit_log WHERE assignment_id IS NULL ORDER BY id DESC LIMIT 1').get() as { labeller_id: string | null; command: string };
    expect(count('SELECT count(*) FROM edit_log WHERE assignment_id IS NULL')).toBe(before.log + 1);
    expect(log.labeller_id).toBeNull(); // the desktop user
    expect(JSON.parse(log.command)).toMatchObject({ type: 'import.labels', file: 'desk.geojson', target: 'labels', imported: 1 });
    expect(importTemps()).toEqual([]);
  });

  it('refuses a bad upload with a one-line JSON error and leaves the database as it was', async () => {
    const before = count('SELECT count(*) FROM labels');
    const cases: [string, number, RegExp][] = [
      ['import/labels?name=x.txt&reference=1', 400, /^import labels: x\.txt: not a \.geojson/],
      ['import/labels?name=..%2Fx.geojson&reference=1', 400, /plain file name/],
      ['import/labels?name=x.geojson&reference=maybe', 400, /reference must be 1 or 0/],
      ['import/labels?name=x.geojson', 400, /give labeller=ID/],
      ['import/labels?name=x.geojson&reference=1&colour=red', 400, /unknown parameter "colour"/],
      ['import/labels?name=x.geojson&reference=1', 422, /^x\.geojson: /], // not GeoJSON inside: the importer's one line, no temp path
      ['import/nothing?name=x.geojson', 404, /no import/],
    ];
    for (const [path, status, msg] of cases) {
      const res = await handle(new Request(`app://fieldmark/${path}`, { method: 'POST', body: 'not json at all' }));
      const env = (await res.json()) as { ok: boolean; error: { code: string; message: string } };
      expect(res.status, path).toBe(status);
      expect(env.ok).toBe(false);
      expect(env.error.message, path).toMatch(msg);
      expect(env.error.message).not.toContain('\n');
      expect(env.error.message).not.toContain(temps);
    }
    expect(count('SELECT count(*) FROM labels')).toBe(before);
    expect(importTemps()).toEqual([]);
  });

  it('streams an export as a download: reference labels as a GeoPackage', async () => {
    const res = await handle(new Request('app://fieldmark/export/reference.gpkg'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/geopackage+sqlite3');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="reference.gpkg"');
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(bytes.length).toBe(Number(res.headers.get('content-length')));
    const file = join(fx.dir, 'downloaded.gpkg');
    writeFileSync(file, bytes);
    const g = new Database(file, { readonly: true });
    try {
      const table = g.prepare("SELECT table_name FROM gpkg_contents WHERE data_type = 'features'").pluck().get() as string;
      expect(g.prepare(`SELECT count(*) FROM "${table}"`).pluck().get()).toBe(count('SELECT count(*) FROM reference_labels'));
    } finally {
      g.close();
    }
    const bad = await handle(new Request('app://fieldmark/export/labels.gpkg?status=finished'));
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(/^export: status must be one of/);
  });

  it('an offline package opened in the app (local user a labeller) cannot import', async () => {
    const { service, api } = fakeService();
    const labeller = { userId: 'lab-1', role: 'labeller' } as Caller;
    const svc = { ...service, localCaller: labeller, imports: importHost({ db: fx.service.db, as: service.as }) };
    const h = createAppProtocolHandler({ rendererDir, service: svc });
    const res = await h(new Request('app://fieldmark/import/labels?name=x.geojson&reference=1', { method: 'POST', body: readFileSync(join(fx.dir, 'reference.geojson')) }));
    expect(res.status).toBe(403);
    expect(api.importLabels).not.toHaveBeenCalled();
    // and a host without imports answers 404
    const none = createAppProtocolHandler({ rendererDir, service });
    expect((await none(new Request('app://fieldmark/import/labels?name=x.geojson&reference=1', { method: 'POST', body: '{}' }))).status).toBe(404);
    expect(existsSync(join(rendererDir, 'index.html'))).toBe(true);
  });
});
