/**
 * Remote sources through the tile engine: the same tiles as the file, few bytes, coalesced block
 * reads; URLs that time out (bounded, UNAVAILABLE) or ignore Range (work, with a warning, up to a
 * size limit).
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../common/api/errors';
import { writeCog } from './cog-writer';
import { InlineExecutor } from './executor';
import { tempDir } from './fixtures.testutil';
import { openImage } from './open-image';
import { renderTile } from './render-tile';
import { TileEngine } from './tile-engine';
import { lonLatToTile } from './tile-math';

const tmp = tempDir();
const served = { bytes: 0, requests: 0 };
const sockets = new Set<Socket>();
let server: Server;
let base = '';
let cog = '';
let size = 0;

beforeAll(async () => {
  const n = 2048;
  const bands = [0, 1, 2, 3].map((b) => Uint16Array.from({ length: n * n }, (_, i) => 1000 + (((i % n) * 31 + Math.floor(i / n) * 17 + b * 101) % 997)));
  cog = join(tmp.dir, 'cog.tif');
  await writeCog(cog, { width: n, height: n, dtype: 'uint16', bands, nodata: 0, geo: { epsg: 32619, originX: 266000, originY: 4669000, pixelSizeX: 3, pixelSizeY: 3 } });
  const body = readFileSync(cog);
  size = body.length;
  server = createServer((req, res) => {
    if (req.url === '/hang.tif') return; // accepts, never answers
    if (req.url === '/whole.tif') {
      served.requests++;
      served.bytes += body.length;
      res.writeHead(200, { 'content-length': body.length }).end(body);
      return;
    }
    if (req.url !== '/cog.tif') {
      res.writeHead(404).end();
      return;
    }
    served.requests++;
    const m = /^bytes=(\d+)-(\d+)$/.exec(req.headers.range ?? '');
    const start = Number(m![1]);
    const end = Math.min(body.length - 1, Number(m![2]));
    served.bytes += end - start + 1;
    res.writeHead(206, { 'content-range': `bytes ${start}-${end}/${body.length}`, 'content-length': end - start + 1 }).end(body.subarray(start, end + 1));
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise((r) => server.close(r));
  tmp.cleanup();
});

describe('remote imagery through the engine', () => {
  it('renders what the file does, reading a small part of it in few requests', async () => {
    const local = await openImage(cog);
    served.bytes = 0;
    served.requests = 0;
    const remote = await openImage(`${base}/cog.tif`);
    const eng = new TileEngine({ executor: new InlineExecutor() });
    try {
      const [w, s, e, n] = local.bounds4326;
      const c = lonLatToTile((w + e) / 2, (s + n) / 2, 16);
      const view = [-1, 0, 1].flatMap((dx) => [0, 1].map((dy) => [c.x + dx, c.y + dy] as const));
      const tiles = await Promise.all(view.map(([x, y]) => eng.render(remote, { image: `${base}/cog.tif`, z: 16, x, y, options: {} })));
      for (let i = 0; i < view.length; i++) expect(tiles[i]!.equals((await renderTile(local, 16, view[i]![0], view[i]![1]))!)).toBe(true);
      expect(served.bytes).toBeLessThan(size * 0.2);
      // 6 tiles of 4 bands: header, statistics, and one request per run of neighbouring blocks
      expect(served.requests).toBeLessThan(30);
    } finally {
      await eng.close();
      await remote.close();
      await local.close();
    }
  });

  it('a URL that never answers fails UNAVAILABLE within the timeout', async () => {
    const t0 = Date.now();
    const e = await openImage(`${base}/hang.tif`, { timeoutMs: 400 }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ApiError);
    expect(e).toMatchObject({ code: 'UNAVAILABLE', message: `${base}/hang.tif: no answer within 0.4 s (timed out)` });
    expect(Date.now() - t0).toBeLessThan(3000);
  });

  it('a server that ignores Range works (the whole file once, with a warning), up to a size limit', async () => {
    served.requests = 0;
    const img = await openImage(`${base}/whole.tif`);
    try {
      expect(img.warnings).toHaveLength(1);
      expect(img.warnings[0]).toMatch(/ignores Range requests; the whole file \(\d+ bytes\) was downloaded/);
      const [w, s, e, n] = img.bounds4326;
      const t = lonLatToTile((w + e) / 2, (s + n) / 2, 16);
      expect(await renderTile(img, 16, t.x, t.y)).not.toBeNull();
      expect(served.requests).toBe(1);
    } finally {
      await img.close();
    }
    const e = await openImage(`${base}/whole.tif`, { maxWholeBytes: 10_000 }).catch((x: unknown) => x);
    expect(e).toMatchObject({ code: 'BAD_INPUT' });
    expect((e as Error).message).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/whole\.tif: the server ignores Range requests and the file is \d+ [km]B or more; only files up to 10 kB are read whole/);
  });

  it('a URL that 404s is NOT_FOUND', async () => {
    await expect(openImage(`${base}/missing.tif`)).rejects.toMatchObject({ code: 'NOT_FOUND', message: `${base}/missing.tif: HTTP 404 Not Found` });
  });
});
