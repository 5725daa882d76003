/**
 * Scheduling by the rules of DOMAIN.md 1 (issue 8), through both transports: qualification
 * first, hidden Q at the Q rate (no DTO tells a Q site before submission), fewest remaining
 * first, never the same site twice, untrusted work re-served, abandonment after the deadline.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../src/common/api/errors';
import { requestTask } from '../../src/node/campaign/scheduler';
import type { RunningServer } from '../../src/node/server/http-server';
import { makeCampaignFixture, mapAndSubmit, type CampaignFixture } from '../fixtures/campaign-fixture';
import { campaignCallers, codeOf, startTestServer, type Who } from './transports';

describe.each(['in-process', 'http'])('scheduling over %s', (transport) => {
  let fx: CampaignFixture;
  let server: RunningServer;
  const { api } = campaignCallers(transport, () => fx, () => server);
  const statusOf = async (siteId: string, who: Who) => (await fx.admin.getSite(siteId)).assignments.find((x) => x.labellerId === fx.users[who].id)?.status;

  beforeAll(async () => {
    fx = await makeCampaignFixture();
    server = await startTestServer(fx.service, true);
  });
  afterAll(async () => {
    await server?.close();
    fx?.service.close();
  });

  it('serves the qualification first, then hidden Q sites oldest first; a labeller never sees the class before submitting', async () => {
    const a = api('a');
    expect((await a.whoAmI()).qualification).toMatchObject({ state: 'pending', total: 1, done: 0 });
    const t1 = (await a.nextTask())!;
    expect(t1.site.id).toBe(fx.sites.qual);
    expect(t1.site).toMatchObject({ cls: 2, status: 'open', assignmentCount: 1 });
    expect((await a.nextTask())!.assignment.id).toBe(t1.assignment.id); // the open task again
    expect(await codeOf(a.getMyFeedback(t1.assignment.id))).toBe('FORBIDDEN');
    await mapAndSubmit(a, t1, 'good');

    fx.service.random = () => 0; // every draw picks Q
    const t2 = (await a.nextTask())!;
    expect((await a.whoAmI()).qualification).toMatchObject({ state: 'passed', done: 1 });
    expect(t2.site.id).toBe(fx.sites.q[0]);
    expect(t2.site).toMatchObject({ cls: 2, status: 'open', assignmentCount: 1 });
    expect((await a.getSite(t2.site.id)).cls).toBe(2);
    expect((await a.listSites()).every((s) => s.cls === 2)).toBe(true);
    expect(await a.listSites({ cls: 1 })).toEqual([]);
    expect((await a.listSites({ cls: 2 })).map((s) => s.id).sort()).toEqual([fx.sites.qual, fx.sites.q[0]].sort());
    expect(await codeOf(a.getMyFeedback(t2.assignment.id))).toBe('FORBIDDEN'); // same answer as for F work in progress
    expect(await codeOf(a.listReferenceLabels(t2.site.id))).toBe('FORBIDDEN');
    await mapAndSubmit(a, t2, 'good');
    const fb = await a.getMyFeedback(t2.assignment.id); // after submitting: feedback against the reference
    expect(fb.scores.score).toBeGreaterThan(0.9);
    expect((await api('sup').getSite(t2.site.id)).cls).toBe(1); // staff see the truth
  });

  it('refuses work after a failed qualification, until staff pass the labeller by hand', async () => {
    const c = api('c');
    await mapAndSubmit(c, (await c.nextTask())!, 'bad');
    const refused = await c.nextTask().catch((e: unknown) => e as ApiError);
    expect(refused).toBeInstanceOf(ApiError);
    expect((refused as ApiError).code).toBe('CONFLICT');
    expect((refused as ApiError).message).toMatch(/did not pass the qualification \(mean score 0\.\d\d < 0\.4\)/);
    expect((await c.whoAmI()).qualification?.state).toBe('failed');
    expect(await codeOf(c.setQualification(fx.users.c.id, 'passed'))).toBe('FORBIDDEN');
    expect((await api('sup').setQualification(fx.users.c.id, 'passed')).state).toBe('passed');
    expect(await c.nextTask()).not.toBeNull();
  });

  it('re-serves a Class 2 site whose only map is untrusted; fewest remaining first', async () => {
    fx.service.random = () => 0.99; // never Q
    const b = api('b');
    await mapAndSubmit(b, (await b.nextTask())!, 'bad'); // qualification: failed ...
    await api('sup').setQualification(fx.users.b.id, 'passed'); // ... passed by hand: running quality 0.3 < 0.45
    const tb = (await b.nextTask())!;
    expect(tb.site.id).toBe(fx.sites.f[0]); // Class 2 (1 remaining) before Class 4 (2 remaining), oldest first
    await mapAndSubmit(b, tb, 'good');
    expect(await statusOf(fx.sites.f[0]!, 'b')).toBe('untrusted');
    const d = api('d');
    await mapAndSubmit(d, (await d.nextTask())!, 'good'); // qualification
    const td = (await d.nextTask())!;
    expect(td.site.id).toBe(fx.sites.f[0]); // re-served: the untrusted map does not count
    await mapAndSubmit(d, td, 'good');
    expect(await statusOf(fx.sites.f[0]!, 'd')).toBe('submitted');
    const table = await api('sup').listSiteTable();
    expect(table.find((s) => s.id === fx.sites.f[0])).toMatchObject({ state: 'complete', counted: 1, notCounted: 1 });
  });

  it('abandons a task after its deadline (counted as returned) and serves its site to someone else', async () => {
    const past = new Date(Date.now() - 48 * 3_600_000);
    const served = requestTask(fx.service.db, fx.users.d.id, { now: past, random: () => 0.99 })!;
    const site = (await fx.admin.getSite((await fx.admin.openTask(served.assignmentId)).site.id)).id;
    expect(site).toBe(fx.sites.f[1]);
    const d = api('d');
    const next = (await d.nextTask())!; // the overdue task is abandoned first
    expect(next.assignment.id).not.toBe(served.assignmentId);
    expect(await statusOf(site, 'd')).toBe('abandoned');
    expect((await d.getLabellerHistory(fx.users.d.id)).tasks.returned).toBe(1);
    expect(await codeOf(d.editTask(served.assignmentId, 1, { type: 'field.delete', ids: ['x'] }))).toBe('CONFLICT');
    await d.returnTask(next.assignment.id, 'test');
    // the abandoned site goes to another labeller
    const a = api('a');
    const ta = (await a.nextTask())!;
    expect([fx.sites.f[1], fx.sites.f[2]]).toContain(ta.site.id);
    await mapAndSubmit(a, ta, 'good');
  });

  it('never serves one labeller the same site twice, and two labellers asking at once get different single-map sites', async () => {
    const a = api('a');
    let served = 0;
    for (let i = 0; i < 20; i++) {
      fx.service.random = () => (i % 2 ? 0 : 0.99);
      const before = new Set((await a.listSites()).map((s) => s.id)); // every site A ever had
      const t = await a.nextTask();
      if (!t) break;
      expect(before.has(t.site.id)).toBe(false);
      served++;
      await mapAndSubmit(a, t, 'good');
    }
    expect(served).toBeGreaterThan(0);
    expect(await a.nextTask()).toBeNull();
    const mine = (await a.listSites()).map((s) => s.id);
    expect(new Set(mine).size).toBe(mine.length);

    const all = await fx.admin.listSiteTable();
    expect(all.every((s) => s.cls === 1 || s.counted <= s.needed)).toBe(true);
    const [x, y] = await Promise.all([api('b').nextTask(), api('c').nextTask()]);
    if (x && y) expect(x.assignment.id).not.toBe(y.assignment.id);
  });
});
