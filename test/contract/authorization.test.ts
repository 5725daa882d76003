/**
 * Authorization, method by method and route by route (issue 8): every API method of the registry
 * is called over HTTP in network mode as a labeller, a supervisor, an admin and nobody (no token),
 * with valid-looking arguments. Allowed: 200, or a domain error that is not FORBIDDEN /
 * UNAUTHENTICATED; not allowed: 403; nobody: 401 (signIn alone is public). A method added to the
 * registry without a row in EXPECT fails this test. Then tiles, risk tiles, offline packages and
 * the event stream.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MethodName } from '../../src/common/api/contract';
import { METHOD_NAMES } from '../../src/common/api/schemas';
import type { RunningServer } from '../../src/node/server/http-server';
import { makeCampaignFixture, mapAndSubmit, PASSWORD, writeFixtureScene, type CampaignFixture } from '../fixtures/campaign-fixture';
import { inProcessClient, startTestServer } from './transports';

type Who = 'labeller' | 'supervisor' | 'admin';
const ALL: Who[] = ['labeller', 'supervisor', 'admin'];
const STAFF: Who[] = ['supervisor', 'admin'];

interface Ctx {
  fx: CampaignFixture;
  self: Record<Who, string>;
  openTask: number;
  submittedTask: number;
  labellerSite: string;
}

/** Who may call each method, and arguments that reach the service. `public`: also without a token. */
const EXPECT: Record<MethodName, { roles: Who[]; public?: true; args: (c: Ctx, who: Who) => unknown[] }> = {
  getAppInfo: { roles: ALL, args: () => [] },
  listSites: { roles: ALL, args: () => [] },
  getSite: { roles: ALL, args: (c) => [c.labellerSite] },
  listLabels: { roles: ALL, args: (c) => [c.labellerSite, { labellerId: c.fx.users.a.id }] },
  listLabellers: { roles: STAFF, args: () => [] },
  getSceneInfo: { roles: ALL, args: () => ['scene-1'] },
  addLabel: { roles: STAFF, args: () => [999_999, { geometry: { type: 'Polygon', coordinates: [[[-0.9, 9.4], [-0.899, 9.4], [-0.899, 9.401], [-0.9, 9.4]]] }, category: 'annualcropland' }] },
  importLabels: { roles: STAFF, args: () => ['/nonexistent/labels.geojson', { reference: true }] },
  listLabellerQuality: { roles: STAFF, args: () => [] },
  getLabellerHistory: { roles: ALL, args: (c, who) => [who === 'labeller' ? c.fx.users.a.id : c.fx.users.b.id] },
  listSiteRisk: { roles: STAFF, args: () => [] },
  getConsensus: { roles: STAFF, args: (c) => [c.fx.sites.n[0]] },
  getMyFeedback: { roles: ALL, args: (c) => [c.submittedTask] },
  addScene: { roles: STAFF, args: () => ['/nonexistent/scene.tif', { date: '2024-08-15' }] },
  nextTask: { roles: ALL, args: () => [] },
  openTask: { roles: ALL, args: (c) => [c.openTask] },
  editTask: { roles: ALL, args: () => [999_999, 0, { type: 'field.delete', ids: ['x'] }] },
  undoTask: { roles: ALL, args: () => [999_999, 0] },
  redoTask: { roles: ALL, args: () => [999_999, 0] },
  submitTask: { roles: ALL, args: () => [999_999, 0] },
  returnTask: { roles: ALL, args: () => [999_999] },
  suggestAt: { roles: ALL, args: () => ['no-such-scene', { lon: -0.895, lat: 9.41 }] },
  proposeView: { roles: ALL, args: () => ['no-such-scene', [-0.9, 9.4, -0.89, 9.41]] },
  getSuggestionInfo: { roles: ALL, args: () => [] },
  retrainSuggestionModel: { roles: STAFF, args: () => [{ model: 'no-such-model' }] },
  suggestionTelemetry: { roles: STAFF, args: () => [] },
  signIn: { roles: ALL, public: true, args: () => ['Ama', PASSWORD] },
  signOut: { roles: ALL, args: () => [] },
  whoAmI: { roles: ALL, args: () => [] },
  addUser: { roles: STAFF, args: (_c, who) => [{ name: `Added by ${who}`, role: 'labeller' }] },
  setPassword: { roles: ALL, args: (c, who) => [c.self[who], PASSWORD] },
  setQualification: { roles: STAFF, args: (c) => [c.fx.users.a.id, 'computed'] },
  createCampaign: { roles: STAFF, args: () => [{ name: 'Second campaign' }] },
  getCampaign: { roles: STAFF, args: () => [] },
  updateCampaign: { roles: STAFF, args: () => [{}] },
  addSites: { roles: STAFF, args: () => [{ area: { centres: [[-0.8975, 9.4025]] }, country: 'GH' }] },
  setQualificationSet: { roles: STAFF, args: (c) => [[c.fx.sites.qual]] },
  listReferenceLabels: { roles: STAFF, args: (c) => [c.fx.sites.q[0]] },
  listReviewQueue: { roles: STAFF, args: () => [] },
  reviewAssignment: { roles: STAFF, args: () => [999_999, { rating: 2 }] },
  listReviews: { roles: STAFF, args: () => [] },
  listLabellerTable: { roles: STAFF, args: () => [] },
  listSiteTable: { roles: STAFF, args: () => [] },
};

let fx: CampaignFixture;
let server: RunningServer;
let ctx: Ctx;
const tokens = {} as Record<Who | 'stranger', string>;

async function call(method: string, args: unknown[], token?: string): Promise<{ status: number; code: string | null }> {
  const res = await fetch(new URL(`api/${method}`, server.url), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ args }),
  });
  const body = (await res.json()) as { ok: boolean; error?: { code: string } };
  return { status: res.status, code: body.ok ? null : (body.error?.code ?? '?') };
}

const tile = (path: string, token?: string) => fetch(new URL(`${path}${token ? `${path.includes('?') ? '&' : '?'}token=${token}` : ''}`, server.url)).then((r) => r.status);

function tileOf(lon: number, lat: number, z: number): [number, number] {
  const n = 2 ** z;
  const r = (lat * Math.PI) / 180;
  return [Math.floor(((lon + 180) / 360) * n), Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n)];
}

beforeAll(async () => {
  fx = await makeCampaignFixture({}, { scene: true });
  await writeFixtureScene(join(fx.dir, 'far.tif'));
  const admin = await fx.admin.addUser({ name: 'Root', role: 'admin' });
  const stranger = await fx.admin.addUser({ name: 'Stranger', role: 'labeller' });
  Object.assign(tokens, { labeller: fx.users.a.token, supervisor: fx.users.sup.token, admin: admin.token, stranger: stranger.token });
  const a = inProcessClient(fx.service, { userId: fx.users.a.id, role: 'labeller' });
  const qual = (await a.nextTask())!;
  await mapAndSubmit(a, qual, 'good');
  const open = (await a.nextTask())!;
  ctx = { fx, self: { labeller: fx.users.a.id, supervisor: fx.users.sup.id, admin: admin.id }, openTask: open.assignment.id, submittedTask: qual.assignment.id, labellerSite: qual.site.id };
  server = await startTestServer(fx.service, true);
});
afterAll(async () => {
  await server?.close();
  fx?.service.close();
});

describe('authorization of every API method (network mode)', () => {
  it('has an expectation for every method of the registry', () => {
    expect(Object.keys(EXPECT).sort()).toEqual([...METHOD_NAMES].sort());
  });

  it.each([...METHOD_NAMES])('%s', async (method) => {
    const e = EXPECT[method];
    const seen: string[] = [];
    for (const who of ALL) {
      const r = await call(method, e.args(ctx, who), tokens[who]);
      const allowed = e.roles.includes(who);
      seen.push(`${who}:${r.status}:${r.code ?? 'ok'}`);
      if (process.env.FM_SHOW) console.log(method, who, r.status, r.code);
      if (allowed) {
        expect(r.code === 'FORBIDDEN' || r.code === 'UNAUTHENTICATED', `${method} as ${who}: ${seen.join(' ')}`).toBe(false);
        expect(r.status === 200 || (r.code !== null && r.status !== 401 && r.status !== 403 && r.status !== 500), `${method} as ${who}: ${seen.join(' ')}`).toBe(true);
      } else {
        expect(r.status, `${method} as ${who} must be refused`).toBe(403);
        expect(r.code).toBe('FORBIDDEN');
      }
    }
    const nobody = await call(method, e.args(ctx, 'labeller'));
    if (e.public) expect(nobody.status, `${method} without a token`).toBe(200);
    else expect(nobody, `${method} without a token`).toEqual({ status: 401, code: 'UNAUTHENTICATED' });
  });

  it("a labeller reads nothing of another labeller's work, nor sites not assigned to them", async () => {
    const b = inProcessClient(fx.service, { userId: fx.users.b.id, role: 'labeller' });
    const tb = (await b.nextTask())!;
    await mapAndSubmit(b, tb, 'good');
    const as = (method: string, args: unknown[]) => call(method, args, tokens.labeller).then((r) => r.code);
    expect(await as('openTask', [tb.assignment.id])).toBe('NOT_FOUND');
    expect(await as('getMyFeedback', [tb.assignment.id])).toBe('NOT_FOUND');
    expect(await as('getLabellerHistory', [fx.users.b.id])).toBe('FORBIDDEN');
    expect(await as('listLabels', [ctx.labellerSite, { labellerId: fx.users.b.id }])).toBe('FORBIDDEN');
    const mine = new Set((await inProcessClient(fx.service, { userId: fx.users.a.id, role: 'labeller' }).listSites()).map((x) => x.id));
    const other = (await fx.admin.listSites()).map((x) => x.id).find((id) => !mine.has(id))!;
    expect(await as('getSite', [other])).toBe('NOT_FOUND');
    expect(await as('listLabels', [other])).toBe('NOT_FOUND');
    // on a site both mapped, a labeller's list holds only their own labels
    const labels = await inProcessClient(fx.service, { userId: fx.users.a.id, role: 'labeller' }).listLabels(tb.site.id);
    expect(labels.features.every((f) => f.properties.labellerId === fx.users.a.id)).toBe(true);
  });

  it('the method list needs a token too, and marks signIn public', async () => {
    expect((await fetch(new URL('api/methods', server.url))).status).toBe(401);
    const r = await fetch(new URL(`api/methods?token=${tokens.labeller}`, server.url));
    const list = ((await r.json()) as { value: { name: string; public?: boolean }[] }).value;
    expect(list.filter((m) => m.public).map((m) => m.name)).toEqual(['signIn']);
  });

  it('a wrong or ended session token is nobody', async () => {
    expect((await call('whoAmI', [], 'not-a-token')).status).toBe(401);
    const s = await inProcessClient(fx.service, { userId: null, role: 'labeller' }).signIn('Ama', PASSWORD);
    expect((await call('whoAmI', [], s.token)).status).toBe(200);
    expect((await call('signOut', [], s.token)).status).toBe(200);
    expect((await call('whoAmI', [], s.token)).status).toBe(401);
  });
});

describe('authorization of tiles, risk tiles, offline packages and events', () => {
  it('imagery tiles: a labeller only of scenes of their sites; staff all; nobody 401', async () => {
    await fx.admin.addScene(join(fx.dir, 'far.tif'), { date: '2024-09-01', id: 'scene-2' });
    fx.service.db.prepare("DELETE FROM site_scenes WHERE scene_id = 'scene-2'").run(); // a scene of no labeller's site
    const [x, y] = tileOf(-0.8975, 9.4025, 15);
    const p1 = `tiles/scene-1/15/${x}/${y}.png`;
    const p2 = `tiles/scene-2/15/${x}/${y}.png`;
    expect(await tile(p1, tokens.labeller)).toBe(200);
    expect(await tile(p1, tokens.stranger)).toBe(404); // no assignment: absent and forbidden look the same
    expect(await tile(p2, tokens.labeller)).toBe(404);
    expect(await tile(p2, tokens.supervisor)).toBe(200);
    expect(await tile(p1, tokens.admin)).toBe(200);
    expect(await tile(p1)).toBe(401);
  });

  it('risk tiles: staff only', async () => {
    const p = `risk/${fx.sites.n[0]}/bayes/15/0/0.png`;
    expect(await tile(p, tokens.labeller)).toBe(403);
    expect(await tile(p, tokens.supervisor)).toBe(404); // no consensus computed yet: not a refusal
    expect(await tile(p)).toBe(401);
  });

  it('offline packages: a labeller takes their own, returns only their own; nobody 401', async () => {
    const take = (token?: string, q = 'n=1') => fetch(new URL(`offline/take?${q}`, server.url), { method: 'POST', headers: token ? { Authorization: `Bearer ${token}` } : {} });
    expect((await take()).status).toBe(401);
    expect((await take(tokens.labeller, `n=1&labeller=${fx.users.b.id}`)).status).toBe(403);
    const mine = await take(tokens.labeller);
    expect(mine.status).toBe(200);
    const bytes = Buffer.from(await mine.arrayBuffer());
    expect(bytes.subarray(0, 15).toString('latin1')).toBe('SQLite format 3');
    const ret = (token?: string) => fetch(new URL('offline/return', server.url), { method: 'POST', headers: { 'Content-Type': 'application/octet-stream', ...(token ? { Authorization: `Bearer ${token}` } : {}) }, body: bytes });
    expect((await ret()).status).toBe(401);
    expect((await ret(tokens.stranger)).status).toBe(403);
    expect((await ret(tokens.labeller)).status).toBe(200);
    expect((await ret(tokens.supervisor)).status).toBe(200);
  });

  it('exports: staff only', async () => {
    expect(await tile('export/labels.geojson?status=approved', tokens.labeller)).toBe(403);
    expect(await tile('export/labels.geojson', tokens.supervisor)).toBe(200);
    expect(await tile('export/catalog.csv', tokens.admin)).toBe(200);
    expect(await tile('export/labels.geojson')).toBe(401);
  });

  it('uploads (labels, reference labels, sites, scenes): staff only; nobody 401; a labeller 403 before any of the file is used', async () => {
    const body = Buffer.from(JSON.stringify({ type: 'FeatureCollection', features: [] }));
    const up = (path: string, token?: string) =>
      fetch(new URL(path, server.url), { method: 'POST', headers: { 'Content-Type': 'application/octet-stream', ...(token ? { Authorization: `Bearer ${token}` } : {}) }, body }).then((r) => r.status);
    const routes = ['import/labels?name=a.geojson&reference=1', 'import/sites?name=a.geojson&country=GH', 'import/scene?name=a.tif&date=2024-08-15'];
    for (const route of routes) {
      expect(await up(route), `${route} as nobody`).toBe(401);
      expect(await up(route, tokens.labeller), `${route} as a labeller`).toBe(403);
      expect(await up(route, tokens.stranger), `${route} as a stranger`).toBe(403);
      // staff get past authorization: the empty / non-TIFF file itself is refused (422), never 401/403
      expect(await up(route, tokens.supervisor), `${route} as a supervisor`).toBe(422);
    }
  });

  it('the event stream needs a token, and a labeller gets no ids of others\' work', async () => {
    expect((await fetch(new URL('api/events', server.url))).status).toBe(401);
    const ctrl = new AbortController();
    const res = await fetch(new URL(`api/events?token=${tokens.labeller}`, server.url), { signal: ctrl.signal });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    await reader.read(); // ': connected'
    fx.service.events.emit({ type: 'changed', entity: 'labels', ids: ['GH0000009'] });
    let text = '';
    while (!text.includes('\n\n')) text += new TextDecoder().decode((await reader.read()).value);
    expect(JSON.parse(text.replace(/^data: /, '').trim())).toEqual({ type: 'changed', entity: 'labels' });
    ctrl.abort();
  });
});
