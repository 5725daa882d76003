/**
 * The renderer's EditSession against the real service in-process (no browser): autosave order,
 * the localStorage outbox after a crash or a lost answer, and a conflict with another writer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Caller, FieldmarkApi } from '../../src/common/api/contract';
import type { EditCommand } from '../../src/common/commands/types';
import { openService } from '../../src/node/service/open-service';
import type { FieldmarkService } from '../../src/node/service/fieldmark-service';
import { openDatabase } from '../../src/node/store/database';
import { insertAssignment } from '../../src/node/store/label.repo';
import { insertSite } from '../../src/node/store/site.repo';
import { EditSession } from '../../renderer/editor/session';
import { inProcessClient } from '../contract/transports';
import { makeMiniCampaign, MINI, square } from '../fixtures/mini-campaign';

const store = new Map<string, string>();
(globalThis as { localStorage?: unknown }).localStorage = {
  getItem: (k: string) => store.get(k) ?? null,
  setItem: (k: string, v: string) => void store.set(k, v),
  removeItem: (k: string) => void store.delete(k),
};

const LAB: Caller = { userId: MINI.labellerA, role: 'labeller' };
let service: FieldmarkService;
let api: FieldmarkApi;
let dbPath: string;
let n = 0;

function newTask(): number {
  const db = openDatabase(dbPath);
  const siteId = `GH09000${n}`;
  insertSite(db, { id: siteId, campaignId: 'mini', cls: 2, cell: square(-0.91 + n * 0.005, 9.39, 0.005), sceneIds: [] });
  const id = insertAssignment(db, { siteId, labellerId: MINI.labellerA, status: 'assigned', startedAt: `2030-01-0${++n}T00:00:00Z`, submittedAt: null });
  db.close();
  return id;
}

const add = (id: string, k: number): EditCommand => ({ type: 'field.add', id, category: 'annualcropland', geometry: square(-0.909 + k * 0.001, 9.391, 0.0008) as never, trim: 1 });

function listener() {
  const problems: string[] = [];
  return { problems, l: { changed: () => undefined, saved: () => undefined, problem: (m: string) => void problems.push(m) } };
}

beforeAll(async () => {
  dbPath = (await makeMiniCampaign()).db;
  service = await openService({ dbPath });
  api = inProcessClient(service, LAB);
});

afterAll(() => service?.close());

describe('EditSession (renderer autosave)', () => {
  it('sends every committed command in order and ends on the server revision', async () => {
    const id = newTask();
    const { l, problems } = listener();
    const s = new EditSession(await api.openTask(id), api, l);
    s.commit(add('a', 0));
    s.commit(add('b', 1));
    expect(s.undo()).toBe(true);
    expect(s.pending).toBe(3);
    expect(await s.flush()).toBe(true);
    const server = await api.openTask(id);
    expect(s.revision).toBe(server.revision);
    expect(server.log.map((e) => e.type)).toEqual(['field.add', 'field.add', 'history.undo']);
    expect(problems).toEqual([]);
    expect(store.size).toBe(0);
  });

  it('re-sends the outbox after a crash, and does not repeat an edit whose answer was lost', async () => {
    const id = newTask();
    const hang: FieldmarkApi = { ...api, editTask: () => new Promise(() => undefined) };
    const first = new EditSession(await api.openTask(id), hang, listener().l);
    first.commit(add('a', 0));
    first.close(); // the window is gone before the answer
    expect(store.size).toBe(1);
    const again = new EditSession(await api.openTask(id), api, listener().l);
    expect(again.graph.ids()).toEqual(['a']);
    await again.flush();
    expect((await api.openTask(id)).log).toHaveLength(1);
    // Lost answer: the server applied it, the client never heard.
    const lost: FieldmarkApi = { ...api, editTask: async (...a) => { await api.editTask(...a); throw new Error('network down'); } };
    const before = await api.openTask(id);
    const third = new EditSession(before, lost, listener().l);
    third.commit(add('b', 1));
    const outbox = store.get(`fieldmark.outbox.${id}`)!;
    expect(JSON.parse(outbox)).toEqual({ revision: before.revision, ops: [{ kind: 'edit', command: add('b', 1) }] });
    await third.flush();
    third.close();
    store.set(`fieldmark.outbox.${id}`, outbox); // as if the window died right after the lost answer
    const fourth = new EditSession(await api.openTask(id), api, listener().l);
    await fourth.flush();
    expect(fourth.graph.ids().sort()).toEqual(['a', 'b']);
    expect((await api.openTask(id)).log).toHaveLength(2);
  });

  it('a stale edit (someone else wrote first) is refused and the server state reloaded', async () => {
    const id = newTask();
    const one = new EditSession(await api.openTask(id), api, listener().l);
    const watch = listener();
    const two = new EditSession(await api.openTask(id), api, watch.l);
    one.commit(add('a', 0));
    await one.flush();
    two.commit(add('b', 1));
    await two.flush();
    await new Promise((r) => setTimeout(r, 20));
    expect(watch.problems.join()).toMatch(/Not saved: .*changed since revision .*reloaded from the server/);
    expect(two.graph.ids()).toEqual(['a']);
    expect(two.revision).toBe((await api.openTask(id)).revision);
  });
});
