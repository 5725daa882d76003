/**
 * Campaign setup, accounts and supervisor review (issue 8) through both transports: one campaign
 * per file, grid sites with CC + 7-digit ids, scenes and reference labels, sign-in with rate
 * limits, the risk-ranked review queue, ratings feeding back, the supervisor's tables, and an
 * export of exactly the approved work.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../src/common/api/errors';
import { scoreCampaign } from '../../src/node/quality/score-campaign';
import type { RunningServer } from '../../src/node/server/http-server';
import { exportLayers } from '../../src/node/store/export-labels';
import { makeCampaignFixture, mapAndSubmit, PASSWORD, type CampaignFixture } from '../fixtures/campaign-fixture';
import { campaignCallers, codeOf, httpClient, inProcessClient, startTestServer } from './transports';

describe.each(['in-process', 'http'])('campaign API over %s', (transport) => {
  let fx: CampaignFixture;
  let server: RunningServer;
  const { api, raw } = campaignCallers(transport, () => fx, () => server);

  beforeAll(async () => {
    fx = await makeCampaignFixture({}, { scene: true });
    server = await startTestServer(fx.service, true);
  });
  afterAll(async () => {
    await server?.close();
    fx?.service.close();
  });

  it('one campaign per database file; settings and counts', async () => {
    const sup = api('sup');
    const c = await sup.getCampaign();
    expect(c).toMatchObject({ name: 'Test campaign', oneCampaignPerDatabase: true, sites: { 1: 3, 2: 3, 4: 1 }, qualificationSites: 1 });
    expect(c.settings).toMatchObject({ qRate: 0.5, labellersPerClass4: 2, trustThreshold: 0.45, taskTimeoutHours: 24, qualificationPassScore: 0.4 });
    const again = await sup.createCampaign({ name: 'Another' }).catch((e: ApiError) => e);
    expect(again).toMatchObject({ code: 'CONFLICT' });
    expect((again as ApiError).message).toMatch(/one campaign per database file/);
    expect((await sup.updateCampaign({ qRate: 0.2 })).settings.qRate).toBe(0.2);
    expect(await raw('sup')('updateCampaign', [{ weights: { area: 0, fragmentation: 0, edge: 0, categorical: 0 } }])).toMatchObject({ ok: false, error: { code: 'BAD_ARGUMENTS' } });
    expect(await raw('sup')('updateCampaign', [{ categories: [{ id: 'x', group: 'no_field' }] }])).toMatchObject({ ok: false, error: { code: 'BAD_ARGUMENTS' } });
    expect((await api('a').getAppInfo()).campaign?.name).toBe('Test campaign');
  });

  it('adds sites as 0.005-degree cells (box, centres, files), numbered CC + 7 digits, linked to scenes', async () => {
    const sup = api('sup');
    const first = await sup.listSites();
    expect(first.every((s) => /^GH\d{7}$/.test(s.id))).toBe(true);
    expect(first.every((s) => s.sceneCount === 1)).toBe(true); // the scene added before the sites
    const cell = first[0]!.bbox;
    expect(cell[2] - cell[0]).toBeCloseTo(0.005, 9);
    // the same cells again: left alone
    expect(await sup.addSites({ area: { centres: [first[0]!.center] }, country: 'GH' })).toMatchObject({ added: 0, existing: 1 });
    const r = await sup.addSites({ area: { bbox: [-0.9 + 0.001, 9.42 + 0.001, -0.9 + 0.014, 9.42 + 0.004] }, country: 'GH', shares: { q: 0.5 }, seed: 3 });
    expect(r).toMatchObject({ added: 3, existing: 0, byClass: { 1: 2, 2: 1, 4: 0 } }); // round(1.5) = 2 Q
    expect(r.siteIds).toEqual(['GH0000008', 'GH0000009', 'GH0000010']);
    const csv = join(fx.dir, 'centres.csv');
    writeFileSync(csv, 'name,lat,lon\na,9.4325,-0.8975\nb,9.4325,-0.8925\n');
    expect((await sup.addSites({ area: { file: csv }, country: 'TZ' })).siteIds).toEqual(['TZ0000001', 'TZ0000002']);
    const gj = join(fx.dir, 'aoi.geojson');
    writeFileSync(gj, JSON.stringify({ type: 'Feature', properties: {}, geometry: { type: 'Polygon', coordinates: [[[-0.9, 9.44], [-0.89, 9.44], [-0.89, 9.445], [-0.9, 9.445], [-0.9, 9.44]]] } }));
    expect((await sup.addSites({ area: { file: gj }, country: 'TZ' })).added).toBe(2);
    const badFile = join(fx.dir, 'bad.csv');
    writeFileSync(badFile, 'x;y\n1;north\n');
    const bad = await sup.addSites({ area: { file: badFile }, country: 'TZ' }).catch((e: ApiError) => e);
    expect(bad).toMatchObject({ code: 'BAD_INPUT' });
    expect((bad as ApiError).message).toMatch(/bad\.csv: row 2: not a lon\/lat position/);
    expect(await codeOf(sup.addSites({ area: { bbox: [-10, 0, 10, 10] }, country: 'GH' }))).toBe('BAD_INPUT');
    expect(await raw('sup')('addSites', [{ area: { bbox: [0, 0, 1, 1] }, country: 'gh' }])).toMatchObject({ ok: false, error: { code: 'BAD_ARGUMENTS' } });
    expect(await raw('sup')('addSites', [{ area: { bbox: [0, 0, 1, 1] }, country: 'GH', cls: 2, shares: { q: 0.1 } }])).toMatchObject({ ok: false, error: { code: 'BAD_ARGUMENTS' } });
  });

  it('keeps a qualification set of Class 1 sites; reference labels only for staff', async () => {
    const sup = api('sup');
    expect(await codeOf(sup.setQualificationSet([fx.sites.f[0]!]))).toBe('BAD_INPUT');
    expect(await codeOf(sup.setQualificationSet(['GH9999999']))).toBe('NOT_FOUND');
    expect((await sup.setQualificationSet([fx.sites.qual])).siteIds).toEqual([fx.sites.qual]);
    const ref = await sup.listReferenceLabels(fx.sites.q[0]!);
    expect(ref.features).toHaveLength(1);
    expect(ref.features[0]!.properties).toMatchObject({ siteId: fx.sites.q[0], category: 'annualcropland', source: 'imported' });
    expect(await codeOf(api('a').listReferenceLabels(fx.sites.q[0]!))).toBe('FORBIDDEN');
  });

  it('accounts: staff add users (a supervisor only labellers), passwords are one\'s own, sign-in is rate-limited', async () => {
    const sup = api('sup');
    const u = await sup.addUser({ name: `New ${transport}`, role: 'labeller' });
    expect(u.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await codeOf(sup.addUser({ name: 'Boss', role: 'admin' }))).toBe('FORBIDDEN');
    expect(await codeOf(sup.addUser({ name: `New ${transport}`, role: 'labeller' }))).toBe('CONFLICT');
    expect(await codeOf(api('a').addUser({ name: 'x', role: 'labeller' }))).toBe('FORBIDDEN');
    expect(await codeOf(api('a').setPassword(fx.users.b.id, 'another password'))).toBe('FORBIDDEN');
    expect(await api('a').setPassword(fx.users.a.id, PASSWORD)).toEqual({ userId: fx.users.a.id });
    // a supervisor sets a labeller's password (they could add the labeller with one), never another staff member's
    expect(await sup.setPassword(u.id, 'a fresh password')).toEqual({ userId: u.id });
    const peer = await fx.admin.addUser({ name: `Second supervisor ${transport}`, role: 'supervisor' });
    expect(await codeOf(sup.setPassword(peer.id, 'a fresh password'))).toBe('FORBIDDEN');
    expect(await raw('a')('setPassword', [fx.users.a.id, 'short'])).toMatchObject({ ok: false, error: { code: 'BAD_ARGUMENTS' } });

    const s = await api('c').signIn('Esi', PASSWORD);
    expect(s.user).toEqual({ id: fx.users.c.id, name: 'Esi', role: 'labeller' });
    expect(Date.parse(s.expiresAt)).toBeGreaterThan(Date.now() + 3_600_000);
    const session = fx.service.callerForToken(s.token)!;
    expect(session).toMatchObject({ userId: fx.users.c.id, role: 'labeller' });
    const viaSession = transport === 'http' ? httpClient(server.url, s.token) : inProcessClient(fx.service, session);
    expect((await viaSession.whoAmI()).sessionExpiresAt).toBe(s.expiresAt);
    expect(await viaSession.signOut()).toEqual({ signedOut: true });
    expect(fx.service.callerForToken(s.token)).toBeNull();

    const wrong = await api('a').signIn('Esi', 'not the password').catch((e: ApiError) => e);
    expect(wrong).toMatchObject({ code: 'UNAUTHENTICATED', message: 'signIn: wrong name or password' });
    expect(await api('a').signIn('Nobody', 'not the password').catch((e: ApiError) => e)).toMatchObject({ message: 'signIn: wrong name or password' });
    const name = transport === 'http' ? 'Yaw' : 'Kofi';
    for (let i = 0; i < 5; i++) await api('a').signIn(name, 'guess ' + i).catch(() => undefined);
    const locked = await api('a').signIn(name, PASSWORD).catch((e: ApiError) => e);
    expect(locked).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect((locked as ApiError).message).toMatch(/too many failed attempts; try again in \d+ s/);
  });
});

describe.each(['in-process', 'http'])('supervisor review over %s', (transport) => {
  let fx: CampaignFixture;
  let server: RunningServer;
  const { api } = campaignCallers(transport, () => fx, () => server);
  const ids: Record<string, number> = {};

  beforeAll(async () => {
    fx = await makeCampaignFixture();
    server = await startTestServer(fx.service, true);
    const sup = api('sup');
    for (const w of ['a', 'b', 'c', 'd'] as const) await mapAndSubmit(api(w), (await api(w).nextTask())!, w === 'b' ? 'bad' : 'good');
    await sup.setQualification(fx.users.b.id, 'passed');
    fx.service.random = () => 0; // A: a Q site
    const qa = (await api('a').nextTask())!;
    ids.q = qa.assignment.id;
    await mapAndSubmit(api('a'), qa, 'good');
    fx.service.random = () => 0.99;
    for (const w of ['b', 'c', 'd'] as const) {
      const t = (await api(w).nextTask())!;
      ids[w] = t.assignment.id;
      await mapAndSubmit(api(w), t, 'good');
    }
    // c and d mapped F sites; give the Class 4 site two maps and a stored consensus
    for (const w of ['c', 'd'] as const) {
      let t = (await api(w).nextTask())!;
      while (t.site.id !== fx.sites.n[0]) {
        await api(w).returnTask(t.assignment.id);
        t = (await api(w).nextTask())!;
      }
      await mapAndSubmit(api(w), t, 'good');
    }
    // the site now has its two maps: its consensus is computed (deferred); then pin known figures over it
    const merged = () => fx.service.db.prepare("SELECT COUNT(*) AS n FROM consensus_results WHERE site_id = ?").get(fx.sites.n[0]) as { n: number };
    for (let i = 0; i < 250 && merged().n === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(merged().n).toBe(1);
    fx.service.db
      .prepare("INSERT OR REPLACE INTO consensus_results (site_id, method, computed_at, mean_risk, risky_fraction, risk_path, consensus, details) VALUES (?, 'bayes', ?, 0.3, 0.2, NULL, '{\"type\":\"MultiPolygon\",\"coordinates\":[]}', '{}')")
      .run(fx.sites.n[0], new Date().toISOString());
    await new Promise((r) => setTimeout(r, 20)); // deferred scoring
  });
  afterAll(async () => {
    await server?.close();
    fx?.service.close();
  });

  it('ranks the review queue by risk', async () => {
    const q = await api('sup').listReviewQueue();
    expect(q.length).toBeGreaterThan(4);
    for (let i = 1; i < q.length; i++) expect(q[i - 1]!.risk).toBeGreaterThanOrEqual(q[i]!.risk);
    const untrusted = q.find((i) => i.assignments[0]?.id === ids.b)!;
    expect(untrusted).toMatchObject({ kind: 'assignment', cls: 2, risk: 0.75 });
    expect(untrusted.reason).toMatch(/untrusted/);
    const site = q.find((i) => i.kind === 'site')!;
    expect(site).toMatchObject({ siteId: fx.sites.n[0], cls: 4, meanRisk: 0.3, riskyFraction: 0.2, risk: 0.6 });
    expect(site.assignments).toHaveLength(2);
    expect(q.find((i) => i.assignments[0]?.id === ids.q)?.assignments[0]?.score).toBeGreaterThan(0.9);
    expect((await api('sup').listReviewQueue({ kind: 'site' })).every((i) => i.kind === 'site')).toBe(true);
    expect(await codeOf(api('a').listReviewQueue())).toBe('FORBIDDEN');
  });

  it('a rating approves (2-4) or rejects (0-1) the map and feeds the labeller\'s record; a rejected Class 2 map frees its site', async () => {
    const sup = api('sup');
    const r = await sup.reviewAssignment(ids.b!, { rating: 3, comment: 'good enough' });
    expect(r.review).toMatchObject({ assignmentId: ids.b, rating: 3, pass: true, comment: 'good enough', reviewerId: fx.users.sup.id });
    expect(r.assignment.status).toBe('approved');
    expect(r.labeller).toEqual({ id: fx.users.b.id, reviews: { n: 1, passed: 1, passRate: 1, meanRating: 3 } });
    const rq = await sup.reviewAssignment(ids.q!, { rating: 1 });
    expect(rq.assignment.status).toBe('rejected');
    await scoreCampaign(fx.service.db); // the score rule leaves reviewed maps alone
    expect((await sup.getSite(rq.assignment.siteId)).assignments.find((x) => x.id === ids.q)?.status).toBe('rejected');
    // b's untrusted map and c's re-served one are on the same site: approving b's made it count
    expect((await sup.listSiteTable()).find((s) => s.id === r.assignment.siteId)).toMatchObject({ state: 'complete', counted: 2 });
    const rd = await sup.reviewAssignment(ids.d!, { rating: 0, comment: 'missed the field' });
    expect(rd.assignment.status).toBe('rejected');
    expect((await sup.listSiteTable()).find((s) => s.id === rd.assignment.siteId)).toMatchObject({ state: 'open', counted: 0, notCounted: 1 });
    expect((await sup.listReviews({ labellerId: fx.users.d.id })).map((x) => x.comment)).toEqual(['missed the field']);
    expect(await codeOf(sup.reviewAssignment(999_999, { rating: 2 }))).toBe('NOT_FOUND');
    const open = (await api('a').nextTask())!;
    expect(await codeOf(sup.reviewAssignment(open.assignment.id, { rating: 2 }))).toBe('CONFLICT');
    expect((await sup.listReviewQueue()).some((i) => i.assignments.some((x) => x.id === ids.b))).toBe(false);
    expect((await sup.listReviewQueue({ includeReviewed: true })).some((i) => i.assignments.some((x) => x.id === ids.b))).toBe(true);
  });

  it('labeller and site tables: score, trend, tasks, returns, trust, reviews; site class, state, risk', async () => {
    const rows = await api('sup').listLabellerTable();
    const a = rows.find((r) => r.id === fx.users.a.id)!;
    expect(a.qualification.state).toBe('passed');
    expect(a.trend.length).toBe(a.tasks.finished);
    expect(a.trend.filter((p) => p.score !== null).length).toBe(2);
    expect(a.reviews).toMatchObject({ n: 1, passed: 0 });
    expect(a.trust).toBe('trusted');
    const b = rows.find((r) => r.id === fx.users.b.id)!;
    expect(b).toMatchObject({ trust: 'untrusted', qualification: { state: 'passed', override: true } });
    const c = rows.find((r) => r.id === fx.users.c.id)!;
    expect(c.tasks.returned + c.tasks.finished).toBeGreaterThan(0);
    expect(c.returnRate).toBeGreaterThanOrEqual(0);
    const sites = await api('sup').listSiteTable();
    expect(sites.find((s) => s.id === fx.sites.n[0])).toMatchObject({ cls: 4, needed: 2, counted: 2, state: 'complete', meanRisk: 0.3 });
    expect(sites.find((s) => s.id === fx.sites.qual)).toMatchObject({ cls: 1, qualification: true, state: 'quality_control' });
    expect((await api('sup').listSiteTable({ cls: 4 })).map((s) => s.id)).toEqual(fx.sites.n);
    expect(await codeOf(api('a').listLabellerTable())).toBe('FORBIDDEN');
  });

  it('exports exactly the approved work', async () => {
    const out = join(fx.dir, `approved-${transport}.geojson`);
    await exportLayers(fx.service.db, { format: 'geojson', what: ['labels'], out, filter: { status: 'approved' } });
    const fc = JSON.parse(readFileSync(out, 'utf8')) as { features: { properties: { assignment: number; status: string } }[] };
    const approved = fx.service.db.prepare("SELECT count(*) FROM labels x JOIN assignments a ON a.id = x.assignment_id WHERE a.status = 'approved'").pluck().get() as number;
    expect(fc.features.length).toBe(approved);
    expect(fc.features.every((f) => f.properties.status === 'approved')).toBe(true);
    expect(fc.features.some((f) => f.properties.assignment === ids.b)).toBe(true);
    expect(fc.features.some((f) => f.properties.assignment === ids.q)).toBe(false);
    if (transport !== 'http') return;
    // the same as a GeoPackage from the server (the supervisor UI's download)
    const res = await fetch(new URL('export/labels.gpkg?status=approved', server.url), { headers: { Authorization: `Bearer ${fx.users.sup.token}` } });
    expect(res.status).toBe(200);
    const gpkg = join(fx.dir, 'approved.gpkg');
    writeFileSync(gpkg, Buffer.from(await res.arrayBuffer()));
    const g = new Database(gpkg, { readonly: true });
    const rows = g.prepare('SELECT status, assignment FROM labels').all() as { status: string; assignment: number }[];
    g.close();
    expect(rows.length).toBe(approved);
    expect(rows.every((r) => r.status === 'approved')).toBe(true);
    expect((await fetch(new URL('export/labels.gpkg?status=approved', server.url), { headers: { Authorization: `Bearer ${fx.users.a.token}` } })).status).toBe(403);
    expect((await fetch(new URL('export/labels.gpkg', server.url))).status).toBe(401);
    expect((await fetch(new URL('export/labels.csv', server.url), { headers: { Authorization: `Bearer ${fx.users.sup.token}` } })).status).toBe(400);
  });
});
