/**
 * Consensus risk tiles (`/risk/<site>/<method>/z/x/y.png`, staff only): the URL format and its
 * parser, the service, the HTTP route (staff get a PNG with red where the risk is high, a
 * labeller is refused, a site without a risk map is 404) and the same route under Electron's
 * `app://fieldmark/risk/...`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Caller } from '../../src/common/api/contract';
import { ApiError } from '../../src/common/api/errors';
import { parseRiskTilePath, riskTileUrlTemplate } from '../../src/common/api/tiles';
import { decodePng } from '../e2e/helpers/png';
import { createAppProtocolHandler } from '../../electron/protocol';
import { riskRampLut } from '../../src/node/imagery/tile-compose';
import { writeRiskCog } from '../../src/node/quality/risk-cog';
import type { RunningServer } from '../../src/node/server/http-server';
import type { FieldmarkService } from '../../src/node/service/fieldmark-service';
import { openService } from '../../src/node/service/open-service';
import { openDatabase } from '../../src/node/store/database';
import { makeMiniCampaign, MINI } from '../fixtures/mini-campaign';
import { startTestServer } from './transports';

const ADMIN: Caller = { userId: null, role: 'admin' };
const LAB_A: Caller = { userId: MINI.labellerA, role: 'labeller' };
// The risk map covers site 2's cell, -0.905..-0.900 E, 9.390..9.395 N: left half 0, right half 0.5.
const W = -0.905;
const N = 9.395;
const SIDE = 0.005;
const PX = 50;

let service: FieldmarkService;
let local: RunningServer;
let secured: RunningServer;

function tileOf(lon: number, lat: number, z: number): [number, number] {
  const n = 2 ** z;
  const r = (lat * Math.PI) / 180;
  return [Math.floor(((lon + 180) / 360) * n), Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n)];
}

/** Share of opaque pixels that are red (r high, g and b low), and the share of transparent ones. */
function redShare(png: Buffer): { red: number; clear: number } {
  const img = decodePng(png);
  let red = 0;
  let clear = 0;
  const n = img.width * img.height;
  for (let i = 0; i < n; i++) {
    const [r, g, b, a] = [img.data[i * 4]!, img.data[i * 4 + 1]!, img.data[i * 4 + 2]!, img.data[i * 4 + 3]!];
    if (a === 0) clear++;
    else if (r > 180 && g < 60 && b < 60 && a > 200) red++;
  }
  return { red: red / n, clear: clear / n };
}

beforeAll(async () => {
  const { db, dir } = await makeMiniCampaign();
  // A Class 4 site 2 with a stored bayes risk map (relative path, like `fieldmark consensus --db` writes).
  const risk = new Float32Array(PX * PX);
  for (let y = 0; y < PX; y++) for (let x = PX / 2; x < PX; x++) risk[y * PX + x] = 0.5;
  await writeRiskCog(`${dir}/consensus/${MINI.site2}_bayes_risk.tif`, {
    width: PX,
    height: PX,
    bbox: [W, N - SIDE, W + SIDE, N],
    crs: 'EPSG:4326',
    geoTransform: [W, SIDE / PX, 0, N, 0, -SIDE / PX],
    mask: new Uint8Array(PX * PX).fill(1),
    consensus: new Uint8Array(PX * PX),
    probability: new Float32Array(PX * PX),
    risk,
    entropy: new Float32Array(PX * PX),
  });
  const d = openDatabase(db, { create: false });
  d.prepare("UPDATE sites SET cls = 4 WHERE id = ?").run(MINI.site2);
  d.prepare('INSERT INTO consensus_results (site_id, method, computed_at, mean_risk, risky_fraction, risk_path, consensus, details) VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(
    MINI.site2,
    'bayes',
    '2024-10-01T00:00:00Z',
    0.25,
    0.5,
    `consensus/${MINI.site2}_bayes_risk.tif`,
    '{"type":"MultiPolygon","coordinates":[]}',
    '{}',
  );
  d.close();
  service = await openService({ dbPath: db });
  local = await startTestServer(service, false);
  secured = await startTestServer(service, true);
});

afterAll(async () => {
  await local?.close();
  await secured?.close();
  service?.close();
});

describe('risk tile URLs', () => {
  it('round-trips through the builder and the parser, and refuses odd paths', () => {
    const url = riskTileUrlTemplate('http://127.0.0.1:9', 'GH0000002', 'staple', { size: 512 });
    expect(url).toBe('http://127.0.0.1:9/risk/GH0000002/staple/{z}/{x}/{y}.png?size=512');
    const u = new URL(url.replace('{z}/{x}/{y}', '16/32603/31061'));
    expect(parseRiskTilePath(u.pathname, u.searchParams)).toEqual({ siteId: 'GH0000002', method: 'staple', z: 16, x: 32603, y: 31061, size: 512 });
    const bad = (p: string, q = '') => () => parseRiskTilePath(p, new URLSearchParams(q));
    expect(bad('/risk/GH1/vote/1/0/0.png')).toThrow(/method must be one of/);
    expect(bad('/risk/GH1/bayes/1/2/0.png')).toThrow(/outside the tile grid/);
    expect(bad('/risk/GH1/bayes/1/0/0.png', 'size=300')).toThrow(/size must be 256 or 512/);
    expect(bad('/risk/GH1/1/0/0.png')).toThrow(ApiError);
    expect(bad('/risk/%E0%A4%A/bayes/1/0/0.png')).toThrow(/malformed site id/);
  });

  it('the ramp: r = 0 transparent, 0.5 opaque red, 1/3 red', () => {
    const lut = riskRampLut();
    expect(lut[3]).toBe(0);
    expect([...lut.slice(255 * 4, 256 * 4)]).toEqual([200, 0, 40, 235]);
    const third = Math.round((1 / 3 / 0.5) * 255) * 4;
    expect(lut[third]).toBeGreaterThan(200);
    expect(lut[third + 1]).toBeLessThan(60);
    expect(lut[third + 3]).toBeGreaterThan(180);
  });
});

describe('risk tiles through the service and the hosts', () => {
  const [x, y] = tileOf(W + SIDE / 2, N - SIDE / 2, 16);
  const path = `risk/${MINI.site2}/bayes/16/${x}/${y}.png`;

  it('staff get a PNG: red where the risk is 0.5, transparent where it is 0', async () => {
    const res = await fetch(new URL(path, local.url));
    if (res.status !== 200) throw new Error(await res.text());
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    const { red, clear } = redShare(Buffer.from(await res.arrayBuffer()));
    expect(red).toBeGreaterThan(0.05);
    expect(clear).toBeGreaterThan(0.05);
    // the same bytes in-process
    const png = await service.renderRiskTile(ADMIN, { siteId: MINI.site2, method: 'bayes', z: 16, x, y, size: 256 });
    expect(png).not.toBeNull();
    expect(redShare(png!).red).toBeCloseTo(red, 5);
  });

  it('a tile away from the site is transparent; a site or method without a risk map is 404', async () => {
    const far = await fetch(new URL(`risk/${MINI.site2}/bayes/16/${x + 5}/${y}.png`, local.url));
    expect(far.status).toBe(200);
    expect(redShare(Buffer.from(await far.arrayBuffer())).clear).toBe(1);
    expect((await fetch(new URL(`risk/${MINI.site1}/bayes/16/${x}/${y}.png`, local.url))).status).toBe(404);
    expect((await fetch(new URL(`risk/${MINI.site2}/staple/16/${x}/${y}.png`, local.url))).status).toBe(404);
    expect((await fetch(new URL(`risk/${MINI.site2}/nope/16/${x}/${y}.png`, local.url))).status).toBe(400);
  });

  it('a labeller is refused (403), also for a site they hold; no token is 401', async () => {
    await expect(service.renderRiskTile(LAB_A, { siteId: MINI.site2, method: 'bayes', z: 16, x, y, size: 256 })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect((await fetch(new URL(path, secured.url))).status).toBe(401);
    const lab = await fetch(new URL(path, secured.url), { headers: { Authorization: `Bearer ${MINI.tokenA}` } });
    expect(lab.status).toBe(403);
    const labQuery = await fetch(new URL(`${path}?token=${MINI.tokenA}`, secured.url));
    expect(labQuery.status).toBe(403);
  });

  it('Electron serves the same tile at app://fieldmark/risk/...', async () => {
    const handle = createAppProtocolHandler({ rendererDir: '/nonexistent', service });
    const res = await handle(new Request(`app://fieldmark/${path}`));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(redShare(Buffer.from(await res.arrayBuffer())).red).toBeGreaterThan(0.05);
    expect((await handle(new Request(`app://fieldmark/risk/${MINI.site1}/bayes/16/${x}/${y}.png`))).status).toBe(404);
  });
});
