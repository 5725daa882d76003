/** What only the HTTP host does: routing, bodies, Host and token checks, SSE, tiles, static files. */
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { METHOD_NAMES } from '../../src/common/api/schemas';
import type { RunningServer } from '../../src/node/server/http-server';
import type { FieldmarkService } from '../../src/node/service/fieldmark-service';
import { openService } from '../../src/node/service/open-service';
import { makeMiniCampaign, MINI } from '../fixtures/mini-campaign';
import { startTestServer } from './transports';

let service: FieldmarkService;
let local: RunningServer;
let secured: RunningServer;

beforeAll(async () => {
  const { db } = await makeMiniCampaign();
  service = await openService({ dbPath: db });
  local = await startTestServer(service, false);
  secured = await startTestServer(service, true);
});
afterAll(async () => {
  await local?.close();
  await secured?.close();
  service?.close();
});

const post = (base: string, path: string, body: string, headers: Record<string, string> = { 'Content-Type': 'application/json' }) =>
  fetch(new URL(path, base), { method: 'POST', headers, body });

/** A raw request with a chosen Host header (fetch will not let us set it). */
function withHost(port: number, host: string, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { Host: host } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

// The tile of zoom 16 containing the mini scene's centre.
function tileOf(lon: number, lat: number, z: number): [number, number] {
  const n = 2 ** z;
  const x = Math.floor(((lon + 180) / 360) * n);
  const r = (lat * Math.PI) / 180;
  const y = Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n);
  return [x, y];
}

describe('fieldmark serve over HTTP', () => {
  it('lists every method with its roles', async () => {
    const r = await fetch(new URL('api/methods', local.url));
    const body = (await r.json()) as { ok: boolean; value: { name: string; roles: string[] }[] };
    expect(body.value.map((m) => m.name)).toEqual(METHOD_NAMES);
    expect(body.value.find((m) => m.name === 'listLabellers')?.roles).toEqual(['supervisor', 'admin']);
  });

  it('answers malformed requests with one clear error and keeps serving', async () => {
    const bad = await post(local.url, 'api/getSite', '{not json');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(/not valid JSON/);
    expect((await post(local.url, 'api/getSite', '[1,2]')).status).toBe(400);
    expect((await post(local.url, 'api/getSite', '{"args":["x"]}', { 'Content-Type': 'text/plain' })).status).toBe(400);
    expect((await fetch(new URL('api/getSite', local.url))).status).toBe(400);
    expect((await post(local.url, 'api/getSite', JSON.stringify({ args: ['x'.repeat(9e6)] }))).status).toBe(400);
    expect((await post(local.url, 'api/nope', '{"args":[]}')).status).toBe(404);
    const ok = await post(local.url, 'api/getAppInfo', '{"args":[]}');
    expect(ok.status).toBe(200);
  });

  it('refuses a foreign Host header in local mode (DNS rebinding)', async () => {
    expect(await withHost(local.port, 'evil.example.com', '/api/methods')).toBe(403);
    expect(await withHost(local.port, `localhost:${local.port}`, '/api/methods')).toBe(200);
  });

  it('network mode needs a token: 401 without, 403 for a role that may not call the method', async () => {
    expect((await post(secured.url, 'api/getAppInfo', '{"args":[]}')).status).toBe(401);
    const wrong = await post(secured.url, 'api/getAppInfo', '{"args":[]}', { 'Content-Type': 'application/json', Authorization: 'Bearer nope' });
    expect(wrong.status).toBe(401);
    const auth = { 'Content-Type': 'application/json', Authorization: `Bearer ${MINI.tokenA}` };
    expect((await post(secured.url, 'api/getAppInfo', '{"args":[]}', auth)).status).toBe(200);
    expect((await post(secured.url, 'api/listLabellers', '{"args":[]}', auth)).status).toBe(403);
    const [x, y] = tileOf(-0.905, 9.39, 15);
    expect((await fetch(new URL(`tiles/${MINI.scene}/15/${x}/${y}.png`, secured.url))).status).toBe(401);
    expect((await fetch(new URL(`tiles/${MINI.scene}/15/${x}/${y}.png?token=${MINI.tokenA}`, secured.url))).status).toBe(200);
  });

  it('renders imagery tiles as PNG, transparent outside the scene, clear errors for bad paths', async () => {
    const [x, y] = tileOf(-0.905, 9.39, 15);
    const r = await fetch(new URL(`tiles/${MINI.scene}/15/${x}/${y}.png?bands=4,3,2`, local.url));
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('image/png');
    const png = Buffer.from(await r.arrayBuffer());
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    const outside = await fetch(new URL(`tiles/${MINI.scene}/15/0/0.png`, local.url));
    expect(outside.status).toBe(200);
    const empty = Buffer.from(await outside.arrayBuffer());
    expect(empty.length).toBeLessThan(png.length);
    expect((await fetch(new URL(`tiles/${MINI.scene}/15/${x}/${y}.png?bands=9,9,9`, local.url))).status).toBe(400);
    expect((await fetch(new URL(`tiles/${MINI.scene}/3/99/0.png`, local.url))).status).toBe(400);
    expect((await fetch(new URL(`tiles/no-such-scene/15/${x}/${y}.png`, local.url))).status).toBe(404);
    expect((await fetch(new URL('tiles/x/1/2.png', local.url))).status).toBe(404);
  });

  it('streams service events to clients as server-sent events', async () => {
    const ctrl = new AbortController();
    const res = await fetch(new URL('api/events', local.url), { signal: ctrl.signal });
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const reader = res.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    expect(first).toContain(': connected');
    service.events.emit({ type: 'progress', job: 'test', done: 1, total: 2 });
    let text = '';
    while (!text.includes('\n\n')) text += new TextDecoder().decode((await reader.read()).value);
    expect(JSON.parse(text.replace(/^data: /, '').trim())).toEqual({ type: 'progress', job: 'test', done: 1, total: 2 });
    ctrl.abort();
  });

  it('never serves files outside the renderer folder', async () => {
    expect(await withHost(local.port, '127.0.0.1', '/../../package.json')).toBe(404);
    expect(await withHost(local.port, '127.0.0.1', '/%2e%2e/%2e%2e/package.json')).toBe(404);
  });
});
