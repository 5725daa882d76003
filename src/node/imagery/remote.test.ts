import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { writeArrayBuffer } from 'geotiff';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../common/api/errors';
import { hasGdal, makeGeoTiff, tempDir } from './fixtures.testutil';
import { imageInfo } from './image-info';
import { openImage } from './open-image';
import { renderTile } from './render-tile';
import { lonLatToTile, tileBounds3857 } from './tile-math';

const tmp = tempDir();
const served = { bytes: 0, requests: 0, ranged: 0 };
let server: Server;
let base = '';

/** Serves files of tmp.dir: `/f/NAME` honours Range, `/whole/NAME` ignores it, anything else 404. */
beforeAll(async () => {
  server = createServer((req, res) => {
    const m = /^\/(f|whole)\/([\w.-]+)$/.exec(req.url ?? '');
    let body: Buffer;
    try {
      body = m ? readFileSync(join(tmp.dir, m[2]!)) : Buffer.alloc(0);
    } catch {
      body = Buffer.alloc(0);
      if (m) m[1] = 'missing';
    }
    if (!m || m[1] === 'missing') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    served.requests++;
    const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
    if (m[1] === 'f' && range) {
      const start = Number(range[1]);
      if (start >= body.length) {
        res.writeHead(416, { 'content-range': `bytes */${body.length}` }).end();
        return;
      }
      const end = Math.min(body.length - 1, range[2] ? Number(range[2]) : body.length - 1);
      const part = body.subarray(start, end + 1);
      served.bytes += part.length;
      served.ranged++;
      res.writeHead(206, { 'content-range': `bytes ${start}-${end}/${body.length}`, 'content-length': part.length, 'accept-ranges': 'bytes' }).end(part);
      return;
    }
    served.bytes += body.length;
    res.writeHead(200, { 'content-length': body.length }).end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  tmp.cleanup();
});

/** A geotiff.js-written GeoTIFF (strips, no GDAL needed) exactly covering tile 12/1211/1518. */
function smallTiff(): string {
  const [minx, , maxx, maxy] = tileBounds3857(12, 1211, 1518);
  const res = (maxx - minx) / 200;
  const vals = new Uint16Array(200 * 200 * 3).map((_, i) => (i * 7) % 4000);
  const buf = writeArrayBuffer(vals, {
    width: 200, height: 200, SamplesPerPixel: 3, BitsPerSample: [16, 16, 16], SampleFormat: [1, 1, 1], PlanarConfiguration: 1,
    ModelPixelScale: [res, res, 0], ModelTiepoint: [0, 0, 0, minx, maxy, 0], GTModelTypeGeoKey: 1, GTRasterTypeGeoKey: 1, ProjectedCSTypeGeoKey: 3857,
  } as never);
  writeFileSync(join(tmp.dir, 'small.tif'), Buffer.from(buf));
  return join(tmp.dir, 'small.tif');
}

async function tileOf(pathOrUrl: string, z: number, x: number, y: number): Promise<Buffer | null> {
  const img = await openImage(pathOrUrl);
  try {
    return await renderTile(img, z, x, y);
  } finally {
    await img.close();
  }
}

describe('imagery over HTTP range requests', () => {
  it('a tile over HTTP equals the tile from the file (no GDAL needed)', async () => {
    const file = smallTiff();
    const local = await tileOf(file, 12, 1211, 1518);
    expect(local).not.toBeNull();
    expect((await tileOf(`${base}/f/small.tif`, 12, 1211, 1518))!.equals(local!)).toBe(true);
    // a server that ignores Range still works (the whole file is read once)
    expect((await tileOf(`${base}/whole/small.tif`, 12, 1211, 1518))!.equals(local!)).toBe(true);
    expect(await imageInfo(`${base}/f/small.tif`)).toEqual(await imageInfo(file));
  });

  it.skipIf(!hasGdal())('a COG: info + one tile read far less than the file, and match the local rendering', async () => {
    const cog = makeGeoTiff(tmp.dir, 'big-cog', {
      width: 2048, height: 2048, bands: 4, srs: 'EPSG:32619', ullr: [266000, 4669000, 272144, 4662856], nodata: 0,
      value: (b, x, y) => 1000 + ((x * 31 + y * 17 + b * 101) % 997) + 300 * Math.sin(x / 40),
      args: ['-of', 'COG', '-co', 'BLOCKSIZE=256', '-co', 'COMPRESS=DEFLATE'],
    });
    const size = statSync(cog).size;
    const url = `${base}/f/big-cog.tif`;
    served.bytes = 0;
    served.requests = 0;
    const info = await imageInfo(url);
    expect(info).toEqual(await imageInfo(cog));
    const img = await openImage(url);
    try {
      const [w, s, e, n] = img.bounds4326;
      const t = lonLatToTile((w + e) / 2, (s + n) / 2, 16);
      // the stretch statistics read the 256 px overview once; the tile reads its window
      const remote = await renderTile(img, 16, t.x, t.y);
      expect(remote!.equals((await tileOf(cog, 16, t.x, t.y))!)).toBe(true);
    } finally {
      await img.close();
    }
    if (process.env.FIELDMARK_SHOW_MAD) console.log(`served ${served.bytes} bytes in ${served.requests} requests of a ${size}-byte COG`);
    expect(served.bytes).toBeLessThan(size * 0.15);
    expect(served.requests).toBeLessThan(40);
  });

  it('HTTP errors are one-line ApiErrors naming the URL', async () => {
    const missing = await imageInfo(`${base}/f/nothing-here.tif`).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(ApiError);
    expect(missing).toMatchObject({ code: 'NOT_FOUND', message: `${base}/f/nothing-here.tif: HTTP 404 Not Found` });
    const garbage = await imageInfo(`${base}/nope`).catch((e: unknown) => e);
    expect(garbage).toMatchObject({ code: 'NOT_FOUND' });
    // nothing listens on port 9 of 127.0.0.1
    const refused = await imageInfo('http://127.0.0.1:9/x.tif').catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'UNAVAILABLE' });
    expect((refused as Error).message).toMatch(/^http:\/\/127\.0\.0\.1:9\/x\.tif: cannot connect/);
    writeFileSync(join(tmp.dir, 'empty.tif'), Buffer.alloc(0));
    await expect(imageInfo(`${base}/f/empty.tif`)).rejects.toMatchObject({ code: 'BAD_INPUT', message: `${base}/f/empty.tif: empty file (0 bytes)` });
  });
});
