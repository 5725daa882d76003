/**
 * The editor's API (issue 5) through both transports, in-process and HTTP: open a task, edit,
 * undo / redo, stale revisions, malformed geometry, access rules, submit with the rules, return,
 * and a restart that resumes with the same history.
 */
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Caller, FieldmarkApi, TaskState } from '../../src/common/api/contract';
import { ApiError } from '../../src/common/api/errors';
import type { EditCommand } from '../../src/common/commands/types';
import { replay } from '../../src/common/history/edit-log';
import type { RunningServer } from '../../src/node/server/http-server';
import type { FieldmarkService } from '../../src/node/service/fieldmark-service';
import { openService } from '../../src/node/service/open-service';
import { openDatabase } from '../../src/node/store/database';
import { insertAssignment } from '../../src/node/store/label.repo';
import { insertSite } from '../../src/node/store/site.repo';
import { makeMiniCampaign, MINI, square } from '../fixtures/mini-campaign';
import { httpClient, httpRaw, inProcessClient, inProcessRaw, startTestServer, type RawCall } from './transports';

let dbPath: string;
let service: FieldmarkService;
let localServer: RunningServer;
let tokenServer: RunningServer;
let siteNo = 10;

const ADMIN: Caller = { userId: null, role: 'admin' };
const LABELLER_A: Caller = { userId: MINI.labellerA, role: 'labeller' };

/** A fresh site with an open task for `labeller`; returns the assignment id and the cell's corner. */
function newTask(labeller: string, startedAt = '2024-10-01T08:00:00Z'): { id: number; lon: number; lat: number } {
  const db = openDatabase(dbPath);
  const lon = -0.91 + (siteNo % 4) * 0.005;
  const lat = 9.38 + Math.floor(siteNo / 4) * 0.005;
  const siteId = `GH00000${siteNo++}`;
  insertSite(db, { id: siteId, campaignId: 'mini', cls: 2, cell: square(lon, lat, 0.005), sceneIds: [MINI.scene] });
  const id = insertAssignment(db, { siteId, labellerId: labeller, status: 'assigned', startedAt, submittedAt: null });
  db.close();
  return { id, lon, lat };
}

function counts(): { labels: number; log: number } {
  const db = new Database(dbPath, { readonly: true });
  try {
    return { labels: db.prepare('SELECT count(*) FROM labels').pluck().get() as number, log: db.prepare('SELECT count(*) FROM edit_log').pluck().get() as number };
  } finally {
    db.close();
  }
}

beforeAll(async () => {
  dbPath = (await makeMiniCampaign()).db;
  service = await openService({ dbPath });
  localServer = await startTestServer(service, false);
  tokenServer = await startTestServer(service, true);
});

afterAll(async () => {
  await localServer?.close();
  await tokenServer?.close();
  service?.close();
});

const transports = [
  { name: 'in-process', labellerA: () => ({ api: inProcessClient(service, LABELLER_A), raw: inProcessRaw(service, LABELLER_A) }), admin: () => inProcessClient(service, ADMIN) },
  { name: 'http', labellerA: () => ({ api: httpClient(tokenServer.url, MINI.tokenA), raw: httpRaw(tokenServer.url, MINI.tokenA) }), admin: () => httpClient(localServer.url) },
];

async function failure(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(ApiError);
    return e as ApiError;
  }
  throw new Error('expected the call to fail');
}

/** The square field (side `d` degrees) at (lon, lat) as an add command. */
function addSquare(id: string, lon: number, lat: number, d = 0.0005, category = 'annualcropland'): EditCommand {
  return { type: 'field.add', id, category, geometry: square(lon, lat, d) as never, trim: 1 };
}

describe.each(transports)('editor API over $name', (t) => {
  let task: { id: number; lon: number; lat: number };
  let api: FieldmarkApi;
  let raw: RawCall;
  let state: TaskState;

  beforeAll(() => {
    task = newTask(MINI.labellerA);
    ({ api, raw } = t.labellerA());
  });

  it('opens the next task with an empty base and a revision', async () => {
    const next = await api.nextTask();
    expect(next?.assignment.id).toBe(task.id);
    state = await api.openTask(task.id);
    expect(state).toMatchObject({ editable: true, readOnlyReason: null, base: [], log: [], minAreaM2: 400 });
    expect(state.revision).toBeGreaterThan(0);
    expect(state.site.cell.type).toBe('Polygon');
    expect(state.categories.map((c) => c.id)).toContain('annualcropland');
  });

  it('applies edits, each stored with its log entry; a stale revision is refused and changes nothing', async () => {
    const r1 = await api.editTask(task.id, state.revision, addSquare('f1', task.lon + 0.001, task.lat + 0.001));
    expect(r1.changed.map((f) => f.id)).toEqual(['f1']);
    expect(r1.undo).toBe('Drew a field');
    // the second field overlaps the first: trimmed to share its border
    const r2 = await api.editTask(task.id, r1.revision, addSquare('f2', task.lon + 0.0013, task.lat + 0.001));
    const f2 = r2.changed.find((f) => f.id === 'f2')!;
    expect(Math.min(...f2.geometry.coordinates[0]!.map((p) => p[0]))).toBe(task.lon + 0.001 + 0.0005);
    const before = counts();
    const stale = await failure(api.editTask(task.id, r1.revision, { type: 'field.delete', ids: ['f1'] }));
    expect(stale.code).toBe('CONFLICT');
    expect(stale.message).toMatch(/changed since revision \d+ .*reload/);
    expect(counts()).toEqual(before);
    state = { ...state, revision: r2.revision };
    const labels = await api.listLabels((await api.openTask(task.id)).site.id);
    expect(labels.features).toHaveLength(2);
  });

  it('refuses malformed geometry and degenerate shapes with a clear message, data untouched', async () => {
    const before = counts();
    const rev = state.revision;
    const bad = async (geometry: unknown, code: string, re: RegExp) => {
      const r = await raw('editTask', [task.id, rev, { type: 'field.add', id: 'bad', category: 'annualcropland', geometry }]);
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.error.code).toBe(code);
        expect(r.error.message).toMatch(re);
      }
    };
    const lon = task.lon + 0.003, lat = task.lat + 0.003;
    await bad({ type: 'Polygon', coordinates: [[[lon, lat], [lon + 0.001, lat], [lon, lat + 0.001]]] }, 'BAD_ARGUMENTS', /at least 4 positions/);
    await bad({ type: 'Polygon', coordinates: [[[lon, lat], [lon + 0.001, lat], [lon, lat + 0.001], [lon + 0.0001, lat]]] }, 'BAD_ARGUMENTS', /not closed/);
    await bad({ type: 'Polygon', coordinates: [[[lon, 95], [lon + 0.001, lat], [lon, lat + 0.001], [lon, 95]]] }, 'BAD_ARGUMENTS', /latitude above 90/);
    await bad({ type: 'Polygon', coordinates: [[[lon, lat], ['x', lat], [lon, lat + 0.001], [lon, lat]]] }, 'BAD_ARGUMENTS', /expected number/);
    await bad({ type: 'Polygon', coordinates: [[[lon, lat], [lon + 0.001, lat + 0.001], [lon, lat]] ]}, 'BAD_ARGUMENTS', /at least 4 positions/);
    await bad({ type: 'Polygon', coordinates: [[[lon, lat], [lon + 0.001, lat + 0.001], [lon + 0.002, lat + 0.002], [lon, lat]]] }, 'BAD_INPUT', /no area/);
    await bad({ type: 'Polygon', coordinates: [[[lon, lat], [lon + 0.001, lat + 0.001], [lon + 0.001, lat], [lon, lat + 0.001], [lon, lat]]] }, 'BAD_INPUT', /crosses or touches itself/);
    await bad({ type: 'Point', coordinates: [lon, lat] }, 'BAD_ARGUMENTS', /geometry/);
    const huge = Array.from({ length: 10_001 }, (_, i) => [lon + Math.cos(i) * 1e-4, lat + Math.sin(i) * 1e-4]);
    huge.push(huge[0]!);
    await bad({ type: 'Polygon', coordinates: [huge] }, 'BAD_ARGUMENTS', /at most 10000 positions/);
    const wrongCat = await raw('editTask', [task.id, rev, { ...addSquare('c9', lon, lat), category: 'banana' }]);
    expect(!wrongCat.ok && wrongCat.error).toMatchObject({ code: 'BAD_INPUT', message: expect.stringMatching(/not one of the campaign's/) });
    expect((await raw('editTask', [task.id, rev, { type: 'field.nope' }])).ok).toBe(false);
    expect(counts()).toEqual(before);
  });

  it('undo and redo move through the history, logged; a restart replays the same history', async () => {
    const u = await api.undoTask(task.id, state.revision);
    expect(u.removed).toEqual(['f2']);
    expect(u.redo).toBe('Drew a field');
    const r = await api.redoTask(task.id, u.revision);
    const u2 = await api.undoTask(task.id, r.revision);
    expect(u2.undo).toBe('Drew a field');
    const fresh = await api.openTask(task.id);
    expect(fresh.revision).toBe(u2.revision);
    const h = replay([{ type: 'history.base', fields: fresh.base }, ...fresh.log])!;
    expect(h.graph.ids()).toEqual(['f1']);
    expect(h.canRedo).toBe(true);
    // another service on the same file (a restart) agrees
    const again = await openService({ dbPath });
    try {
      const s2 = await inProcessClient(again, LABELLER_A).openTask(task.id);
      expect(s2.revision).toBe(fresh.revision);
      expect(replay([{ type: 'history.base', fields: s2.base }, ...s2.log])!.redoAnnotation).toBe('Drew a field');
      const redo = await inProcessClient(again, LABELLER_A).redoTask(task.id, s2.revision);
      expect(redo.changed.map((f) => f.id)).toContain('f2');
      state = { ...state, revision: redo.revision };
    } finally {
      again.close();
    }
    expect((await failure(api.redoTask(task.id, state.revision))).message).toMatch(/nothing to redo/);
  });

  it('only the labeller (or staff) may open and edit a task', async () => {
    const other = newTask(MINI.labellerB);
    expect((await failure(api.openTask(other.id))).code).toBe('NOT_FOUND');
    expect((await failure(api.editTask(other.id, 0, addSquare('x', other.lon, other.lat)))).code).toBe('NOT_FOUND');
    const staff = await t.admin().openTask(other.id);
    expect(staff.editable).toBe(true);
    const r = await t.admin().editTask(other.id, staff.revision, addSquare('s1', other.lon + 0.001, other.lat + 0.001));
    expect(r.changed).toHaveLength(1);
  });

  it('submit is refused while an error-level rule fails, then accepted; edits after are refused', async () => {
    const tiny: EditCommand = { type: 'field.add', id: 'tiny', category: 'annualcropland', geometry: square(task.lon + 0.003, task.lat + 0.003, 0.0001) as never };
    const r = await api.editTask(task.id, state.revision, tiny);
    const refused = await failure(api.submitTask(task.id, r.revision));
    expect(refused.code).toBe('CONFLICT');
    expect(refused.message).toMatch(/1 error must be fixed first: Field tiny is \d+ m², below the campaign minimum/);
    expect((refused.details as { issues: { rule: string }[] }).issues.map((i) => i.rule)).toEqual(['min-area']);
    const d = await api.editTask(task.id, r.revision, { type: 'field.delete', ids: ['tiny'] });
    expect((await failure(api.submitTask(task.id, r.revision))).code).toBe('CONFLICT');
    const ok = await api.submitTask(task.id, d.revision);
    expect(ok.assignment.status).toBe('submitted');
    expect(ok.assignment.labels).toBe(2);
    const after = await failure(api.editTask(task.id, d.revision, { type: 'field.delete', ids: ['f1'] }));
    expect(after.code).toBe('CONFLICT');
    expect(after.message).toMatch(/the task is submitted/);
    expect((await api.openTask(task.id)).editable).toBe(false);
  });

  it('return gives a task back (counted as returned)', async () => {
    const t2 = newTask(MINI.labellerA, '2024-10-02T08:00:00Z');
    const r = await api.returnTask(t2.id, 'clouds over the whole cell');
    expect(r.assignment.status).toBe('returned');
    expect((await failure(api.returnTask(t2.id))).code).toBe('CONFLICT');
  });
});
