/**
 * One contract suite, run twice: against the service in-process and over HTTP. Every case must
 * give the same answer through both transports.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Caller, FieldmarkApi } from '../../src/common/api/contract';
import type { RunningServer } from '../../src/node/server/http-server';
import type { FieldmarkService } from '../../src/node/service/fieldmark-service';
import { openService } from '../../src/node/service/open-service';
import { scoreCampaign } from '../../src/node/quality/score-campaign';
import { makeMiniCampaign, MINI } from '../fixtures/mini-campaign';
import { codeOf, httpClient, httpRaw, inProcessClient, inProcessRaw, startTestServer, type RawCall } from './transports';

let service: FieldmarkService;
let localServer: RunningServer;
let tokenServer: RunningServer;

beforeAll(async () => {
  const { db } = await makeMiniCampaign();
  service = await openService({ dbPath: db });
  localServer = await startTestServer(service, false);
  tokenServer = await startTestServer(service, true);
});

afterAll(async () => {
  await localServer?.close();
  await tokenServer?.close();
  service?.close();
});

const ADMIN: Caller = { userId: null, role: 'admin' };
const LABELLER_A: Caller = { userId: MINI.labellerA, role: 'labeller' };

interface Transport {
  name: string;
  admin: () => { api: FieldmarkApi; raw: RawCall };
  labellerA: () => { api: FieldmarkApi; raw: RawCall };
}

const transports: Transport[] = [
  {
    name: 'in-process',
    admin: () => ({ api: inProcessClient(service, ADMIN), raw: inProcessRaw(service, ADMIN) }),
    labellerA: () => ({ api: inProcessClient(service, LABELLER_A), raw: inProcessRaw(service, LABELLER_A) }),
  },
  {
    name: 'http',
    admin: () => ({ api: httpClient(localServer.url), raw: httpRaw(localServer.url) }),
    labellerA: () => ({ api: httpClient(tokenServer.url, MINI.tokenA), raw: httpRaw(tokenServer.url, MINI.tokenA) }),
  },
];


describe.each(transports)('API contract over $name', (t) => {
  it('getAppInfo names the campaign and the caller', async () => {
    const info = await t.admin().api.getAppInfo();
    expect(info.campaign).toMatchObject({ id: 'mini', name: 'Mini campaign', sites: 2, labellers: 2, assignments: 3 });
    expect(info.campaign!.categories.find((c) => c.id === 'annualcropland')?.group).toBe('field');
    expect(info.user.role).toBe('admin');
    expect(info.version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('listSites lists sites with their cell and 2.56x context window, and filters by class', async () => {
    const { api } = t.admin();
    const sites = await api.listSites();
    expect(sites.map((s) => s.id)).toEqual([MINI.site1, MINI.site2]);
    const s1 = sites[0]!;
    expect(s1.cls).toBe(1);
    expect(s1.cell.type).toBe('Polygon');
    const cw = s1.bbox[2] - s1.bbox[0];
    const ctx = s1.context.coordinates[0]!;
    expect(ctx[1]![0] - ctx[0]![0]).toBeCloseTo(cw * 2.56, 9);
    expect(s1.sceneCount).toBe(1);
    expect(s1.assignmentCount).toBe(2);
    expect((await api.listSites({ cls: 2 })).map((s) => s.id)).toEqual([MINI.site2]);
    expect(await api.listSites({ cls: 4 })).toEqual([]);
  });

  it('getSite returns scenes and assignments', async () => {
    const site = await t.admin().api.getSite(MINI.site1);
    expect(site.scenes).toHaveLength(1);
    expect(site.scenes[0]).toMatchObject({ id: MINI.scene, date: '2024-08-15', bands: 4, bandRoles: ['blue', 'green', 'red', 'nir'], hasMask: false });
    expect(site.assignments.map((a) => a.labellerId).sort()).toEqual([MINI.labellerA, MINI.labellerB]);
    expect(site.assignments.find((a) => a.labellerId === MINI.labellerA)?.labels).toBe(2);
  });

  it('listLabels returns GeoJSON features with provenance, filterable by labeller', async () => {
    const { api } = t.admin();
    const all = await api.listLabels(MINI.site1);
    expect(all.type).toBe('FeatureCollection');
    expect(all.features).toHaveLength(3);
    expect(all.features[0]!.properties).toMatchObject({ siteId: MINI.site1, labellerId: MINI.labellerA, category: 'annualcropland', provenance: 'drawn' });
    expect((await api.listLabels(MINI.site1, { labellerId: MINI.labellerB })).features).toHaveLength(1);
    expect((await api.listLabels(MINI.site2)).features).toHaveLength(0);
  });

  it('listLabellers and getSceneInfo', async () => {
    const { api } = t.admin();
    expect((await api.listLabellers()).map((l) => [l.id, l.assignments])).toEqual([
      [MINI.labellerA, 1],
      [MINI.labellerB, 2],
    ]);
    const info = await api.getSceneInfo(MINI.scene);
    expect(info).toMatchObject({ width: 512, height: 512, bands: 4, dtype: 'uint16', crs: 'EPSG:3857', nodata: 0 });
    expect(info.bounds4326[0]).toBeCloseTo(-0.92, 6);
  });

  it('refuses malformed arguments with BAD_ARGUMENTS and a message naming the argument', async () => {
    const { raw } = t.admin();
    const r1 = await raw('getSite', [42]);
    expect(r1).toMatchObject({ ok: false, error: { code: 'BAD_ARGUMENTS' } });
    expect(!r1.ok && r1.error.message).toMatch(/^getSite: argument 1/);
    expect(await raw('getSite', ['../../etc/passwd'])).toMatchObject({ ok: false, error: { code: 'BAD_ARGUMENTS' } });
    expect(await raw('listSites', [{ cls: 3 }])).toMatchObject({ ok: false, error: { code: 'BAD_ARGUMENTS' } });
    expect(await raw('listSites', [{ cls: 1, extra: true }])).toMatchObject({ ok: false, error: { code: 'BAD_ARGUMENTS' } });
    expect(await raw('getSite', [MINI.site1, 'surplus'])).toMatchObject({ ok: false, error: { code: 'BAD_ARGUMENTS' } });
    expect(await raw('getSite', 'not-an-array')).toMatchObject({ ok: false, error: { code: 'BAD_ARGUMENTS' } });
    expect(await raw('noSuchMethod', [])).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await raw('__proto__', [])).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await codeOf(t.admin().api.getSite('GH9999999'))).toBe('NOT_FOUND');
    expect(await codeOf(t.admin().api.getSceneInfo('no-scene'))).toBe('NOT_FOUND');
  });

  it('a labeller sees only their own sites and labels, and no staff-only method', async () => {
    const { api } = t.labellerA();
    expect((await api.getAppInfo()).user).toMatchObject({ id: MINI.labellerA, role: 'labeller', name: 'Ama' });
    expect((await api.listSites()).map((s) => s.id)).toEqual([MINI.site1]);
    expect(await codeOf(api.getSite(MINI.site2))).toBe('NOT_FOUND');
    const site = await api.getSite(MINI.site1);
    expect(site.assignments.map((a) => a.labellerId)).toEqual([MINI.labellerA]);
    const labels = await api.listLabels(MINI.site1);
    expect(labels.features.map((f) => f.properties.labellerId)).toEqual([MINI.labellerA, MINI.labellerA]);
    expect(await codeOf(api.listLabels(MINI.site1, { labellerId: MINI.labellerB }))).toBe('FORBIDDEN');
    expect(await codeOf(api.listLabellers())).toBe('FORBIDDEN');
  });
});

// Label quality and consensus (issue 7). The mini campaign's Class 1 site is scored first
// (statuses untouched); it has no Class 4 site, so there is no consensus yet.
describe.each(transports)('quality API over $name', (t) => {
  beforeAll(async () => {
    await scoreCampaign(service.db, { applyRules: false });
  });

  it('staff list labeller quality and read a history with per-category breakdowns', async () => {
    const { api } = t.admin();
    const q = await api.listLabellerQuality();
    expect(q.map((l) => l.id)).toEqual([MINI.labellerA, MINI.labellerB]);
    const a = q[0]!;
    expect(a.scored).toBe(1);
    expect(a.meanScore!).toBeGreaterThan(0);
    expect(a.meanScore!).toBeLessThanOrEqual(1);
    expect(['trusted', 'untrusted']).toContain(a.trust);
    expect(a.runningQuality).toBeCloseTo(a.meanScore! - a.returnRate, 12);
    const h = await api.getLabellerHistory(MINI.labellerA);
    expect(h.history).toHaveLength(1);
    expect(h.history[0]).toMatchObject({ siteId: MINI.site1, assignmentId: 1 });
    expect(h.history[0]!.scores.edge).toBeGreaterThanOrEqual(0);
    expect(h.categories.find((c) => c.category === 'annualcropland')?.recall).toBeGreaterThan(0.9);
    expect(h.tasks.byClass[1]).toBe(1);
    expect(await codeOf(api.getLabellerHistory('nobody'))).toBe('NOT_FOUND');
  });

  it('consensus methods answer for Class 4 sites only once merged, and validate their arguments', async () => {
    const { api, raw } = t.admin();
    expect(await api.listSiteRisk()).toEqual([]);
    expect(await api.listSiteRisk({ method: 'staple' })).toEqual([]);
    expect(await codeOf(api.getConsensus(MINI.site1))).toBe('NOT_FOUND');
    expect(await codeOf(api.getConsensus('GH9999999', 'bayes'))).toBe('NOT_FOUND');
    expect(await raw('listSiteRisk', [{ method: 'median' }])).toMatchObject({ ok: false, error: { code: 'BAD_ARGUMENTS' } });
    expect(await raw('getConsensus', [MINI.site1, 'vote'])).toMatchObject({ ok: false, error: { code: 'BAD_ARGUMENTS' } });
    expect(await raw('getMyFeedback', ['1'])).toMatchObject({ ok: false, error: { code: 'BAD_ARGUMENTS' } });
    expect(await raw('getMyFeedback', [0])).toMatchObject({ ok: false, error: { code: 'BAD_ARGUMENTS' } });
  });

  it('a labeller gets feedback on their own submitted Class 1 map, and nothing of anyone else', async () => {
    const { api } = t.labellerA();
    const f = await api.getMyFeedback(1);
    expect(f).toMatchObject({ assignmentId: 1, siteId: MINI.site1, labellerId: MINI.labellerA });
    expect(f.reference.features).toHaveLength(1);
    expect(f.labels.features.every((x) => x.properties.labellerId === MINI.labellerA)).toBe(true);
    expect(f.scores.score).toBeGreaterThan(0);
    expect(f.cell.type).toBe('Polygon');
    expect(await codeOf(api.getMyFeedback(2))).toBe('NOT_FOUND'); // labeller B's map
    expect(await codeOf(api.getMyFeedback(999))).toBe('NOT_FOUND');
    expect((await api.getLabellerHistory(MINI.labellerA)).id).toBe(MINI.labellerA);
    expect(await codeOf(api.getLabellerHistory(MINI.labellerB))).toBe('FORBIDDEN');
    expect(await codeOf(api.listLabellerQuality())).toBe('FORBIDDEN');
    expect(await codeOf(api.listSiteRisk())).toBe('FORBIDDEN');
    expect(await codeOf(api.getConsensus(MINI.site1))).toBe('FORBIDDEN');
  });

  it('staff read any feedback, but none before the map is submitted', async () => {
    const { api } = t.admin();
    expect((await api.getMyFeedback(2)).labellerId).toBe(MINI.labellerB);
    expect(await codeOf(api.getMyFeedback(3))).toBe('CONFLICT'); // assigned, not submitted
  });
});
