/**
 * The store's API methods, in-process and over HTTP: `addLabel` (staff; geometry validated by
 * zod; committed with its R*Tree row and edit-log entry) and `importLabels` (staff; an absolute
 * path to a label file on the serving machine; one transaction).
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Caller } from '../../src/common/api/contract';
import type { RunningServer } from '../../src/node/server/http-server';
import type { FieldmarkService } from '../../src/node/service/fieldmark-service';
import { openService } from '../../src/node/service/open-service';
import { makeMiniCampaign, MINI } from '../fixtures/mini-campaign';
import { box, featureCollection, writeJson } from '../fixtures/store-helpers';
import { httpRaw, inProcessRaw, startTestServer, type RawCall } from './transports';

let service: FieldmarkService;
let local: RunningServer;
let secured: RunningServer;
let dir: string;

beforeAll(async () => {
  const mini = await makeMiniCampaign();
  dir = mini.dir;
  service = await openService({ dbPath: mini.db });
  local = await startTestServer(service, false);
  secured = await startTestServer(service, true);
});
afterAll(async () => {
  await local?.close();
  await secured?.close();
  service?.close();
});

const ADMIN: Caller = { userId: null, role: 'admin' };
const LABELLER: Caller = { userId: MINI.labellerA, role: 'labeller' };
const transports: { name: string; admin: () => RawCall; labeller: () => RawCall }[] = [
  { name: 'in-process', admin: () => inProcessRaw(service, ADMIN), labeller: () => inProcessRaw(service, LABELLER) },
  { name: 'http', admin: () => httpRaw(local.url), labeller: () => httpRaw(secured.url, MINI.tokenA) },
];
const code = (e: { ok: boolean; error?: { code: string } }) => (e.ok ? 'OK' : e.error!.code);

describe.each(transports)('store API over $name', (t) => {
  it('addLabel stores the polygon with its R*Tree row and an edit-log entry', async () => {
    const geometry = box(-0.9071, 9.3871, 0.0004);
    const r = await t.admin()('addLabel', [1, { geometry, category: 'fallow' }]);
    expect(r.ok, JSON.stringify(r)).toBe(true);
    const f = (r as { value: { id: number; properties: Record<string, unknown> } }).value;
    expect(f.properties).toEqual({ siteId: MINI.site1, assignmentId: 1, labellerId: MINI.labellerA, category: 'fallow', provenance: 'drawn' });
    expect(service.db.prepare('SELECT geometry FROM labels WHERE id = ?').pluck().get(f.id)).toBe(JSON.stringify(geometry));
    expect(service.db.prepare('SELECT count(*) FROM labels_rtree WHERE id = ?').pluck().get(f.id)).toBe(1);
    expect(service.db.prepare("SELECT count(*) FROM edit_log WHERE json_extract(command, '$.labelId') = ?").pluck().get(f.id)).toBe(1);
  });

  it('addLabel refuses bad geometry, unknown assignments and categories, and labellers', async () => {
    const ring = [[-0.907, 9.387], [-0.906, 9.387], [-0.906, 9.388], [-0.907, 9.387]];
    const call = (geometry: unknown, category = 'fallow', id = 1) => t.admin()('addLabel', [id, { geometry, category }]);
    const bad = async (geometry: unknown, msg: RegExp) => {
      const r = await call(geometry);
      expect(code(r)).toBe('BAD_ARGUMENTS');
      expect((r as { error: { message: string } }).error.message).toMatch(msg);
    };
    await bad({ type: 'Polygon', coordinates: [ring.slice(0, 3)] }, /at least 4 positions/);
    await bad({ type: 'Polygon', coordinates: [[...ring.slice(0, 3), [-0.9, 9.5]]] }, /not closed/);
    await bad({ type: 'Polygon', coordinates: [ring.map(([x, y]) => [x, y! + 90])] }, /latitude above 90/);
    await bad({ type: 'Polygon', coordinates: [[[0, 0], [1, 1], [2, 2], [0, 0]]] }, /no area/);
    await bad({ type: 'Point', coordinates: [0, 0] }, /argument 2/);
    await bad({ type: 'Polygon', coordinates: [ring], crs: {} }, /argument 2/);
    expect(code(await call({ type: 'Polygon', coordinates: [ring] }, 'bananas'))).toBe('BAD_ARGUMENTS');
    expect(code(await call({ type: 'Polygon', coordinates: [ring] }, 'fallow', 9999))).toBe('NOT_FOUND');
    expect(code(await t.labeller()('addLabel', [1, { geometry: { type: 'Polygon', coordinates: [ring] }, category: 'fallow' }]))).toBe('FORBIDDEN');
  });

  it('importLabels imports a file on the serving machine, validating the path; labellers may not', async () => {
    const file = writeJson(join(dir, `api-${t.name}.geojson`), featureCollection([{ geometry: box(-0.9089, 9.3889, 0.0003), properties: { category: 'noncropland' } }, { geometry: box(30, 30, 0.001) }]));
    const r = await t.admin()('importLabels', [file, { labeller: MINI.labellerB }]);
    expect(r.ok, JSON.stringify(r)).toBe(true);
    expect((r as { value: Record<string, unknown> }).value).toMatchObject({ imported: 1, skipped: [{ feature: '1', reason: 'touches no site of the campaign' }], target: 'labels' });
    expect(code(await t.admin()('importLabels', ['relative/labels.geojson']))).toBe('BAD_ARGUMENTS');
    expect(code(await t.admin()('importLabels', ['/etc/passwd']))).toBe('BAD_ARGUMENTS');
    expect(code(await t.admin()('importLabels', [file, { labeller: MINI.labellerB, unknownOption: 1 }]))).toBe('BAD_ARGUMENTS');
    expect(code(await t.admin()('importLabels', [join(dir, 'missing.geojson'), { labeller: MINI.labellerB }]))).toBe('BAD_INPUT');
    expect(code(await t.admin()('importLabels', [file]))).toBe('BAD_ARGUMENTS'); // no labeller, no --reference
    expect(code(await t.labeller()('importLabels', [file, { labeller: MINI.labellerA }]))).toBe('FORBIDDEN');
  });
});
