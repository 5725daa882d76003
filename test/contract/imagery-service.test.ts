/**
 * The imagery side of the service: the scene catalog (addScene: staff only, file checked, band
 * roles, sites linked), tile modes (NDVI, the UDM2 mask overlay), prefetch of the other date, and
 * cancellation of a tile whose HTTP client went away.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Caller } from '../../src/common/api/contract';
import { EventHub } from '../../src/common/api/events';
import { parseTilePath, type TileRequest } from '../../src/common/api/tiles';
import { writeCog } from '../../src/node/imagery/cog-writer';
import { gdal, hasGdal } from '../../src/node/imagery/fixtures.testutil';
import { lonLatToTile } from '../../src/node/imagery/tile-math';
import { startServer } from '../../src/node/server/http-server';
import type { FieldmarkService } from '../../src/node/service/fieldmark-service';
import type { ServiceHost } from '../../src/node/service/host';
import { openService } from '../../src/node/service/open-service';
import { tileKey } from '../../src/node/imagery/tile-engine';
import { makeMiniCampaign, MINI } from '../fixtures/mini-campaign';
import { inProcessRaw } from './transports';

const ADMIN: Caller = { userId: null, role: 'admin' };
const LAB_A: Caller = { userId: MINI.labellerA, role: 'labeller' };
const R = 6378137;
let service: FieldmarkService;
let dir: string;
let offSeason: string;
let mask: string;

beforeAll(async () => {
  const mini = await makeMiniCampaign();
  dir = mini.dir;
  service = await openService({ dbPath: mini.db });
  // A second date over the same ground (the mini scene's grid), with band descriptions, and a UDM2.
  const size = 512;
  const px = 4.777314267823516;
  const geo = { epsg: 3857, originX: (-0.92 * Math.PI * R) / 180, originY: R * Math.log(Math.tan(Math.PI / 4 + (9.402 * Math.PI) / 360)), pixelSizeX: px, pixelSizeY: px };
  offSeason = join(dir, 'off-season.tif');
  await writeCog(offSeason, {
    width: size, height: size, dtype: 'uint16', nodata: 0, geo, bandDescriptions: ['Red', 'Green', 'Blue', 'NIR'],
    bands: [0, 1, 2, 3].map((b) => Uint16Array.from({ length: size * size }, (_, i) => 600 + b * 400 + ((i * 7) % 50))),
  });
  mask = join(dir, 'off-season_udm2.tif');
  await writeCog(mask, {
    width: size, height: size, dtype: 'uint8', geo, overviewResampling: 'nearest',
    bands: Array.from({ length: 8 }, (_, b) => Uint8Array.from({ length: size * size }, (_, i) => (b === 5 ? Number(i % size < 200) : b === 0 ? Number(i % size >= 200) : 0))),
  });
});
afterAll(() => service?.close());

const tileReq = (sceneId: string, query = ''): TileRequest => {
  const t = lonLatToTile(-0.905, 9.39, 16);
  return parseTilePath(`/tiles/${sceneId}/16/${t.x}/${t.y}.png`, new URLSearchParams(query));
};

describe('scene catalog', () => {
  it('addScene is for staff; it checks the file, reads band roles, links the sites inside it', async () => {
    const lab = await inProcessRaw(service, LAB_A)('addScene', [offSeason, { date: '2024-12-15' }]);
    expect(lab).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    const r = await inProcessRaw(service, ADMIN)('addScene', [offSeason, { date: '2024-12-15', maskPath: mask, season: 'off', id: 'scene-2024-12-15' }]);
    expect(r.ok).toBe(true);
    const v = (r as { value: { scene: { id: string; bandRoles: string[]; hasMask: boolean; date: string }; siteIds: string[]; bandRolesFrom: string } }).value;
    expect(v.scene).toMatchObject({ id: 'scene-2024-12-15', date: '2024-12-15', hasMask: true, bandRoles: ['red', 'green', 'blue', 'nir'] });
    expect(v.bandRolesFrom).toBe('file');
    expect(v.siteIds.sort()).toEqual([MINI.site1, MINI.site2]);
    const site = service.getSite(ADMIN, MINI.site1);
    expect(site.scenes.map((s) => [s.id, s.date])).toEqual([[MINI.scene, '2024-08-15'], ['scene-2024-12-15', '2024-12-15']]);
    // explicit roles win over the file; the assumption is reported
    const explicit = await service.addScene(offSeason, { date: '2024-12-16', id: 'explicit', bandRoles: ['B', 'G', 'R', 'NIR'] });
    expect(explicit.bandRolesFrom).toBe('explicit');
    expect(explicit.scene.bandRoles).toEqual(['blue', 'green', 'red', 'nir']);
    const assumed = await service.addScene(join(dir, 'scene.tif'), { date: '2024-08-16', id: 'assumed' });
    expect(assumed.bandRolesFrom).toBe('assumed');
    expect(assumed.warnings.join(' ')).toMatch(/does not name its bands; assumed blue,green,red,nir/);
  });

  it('addScene refuses bad dates, roles, files and duplicates with one clear line', async () => {
    const call = inProcessRaw(service, ADMIN);
    expect(await call('addScene', [offSeason, { date: '15/12/2024' }])).toMatchObject({ ok: false, error: { code: 'BAD_ARGUMENTS' } });
    expect(await call('addScene', [offSeason, { date: '2024-12-15', bandRoles: ['red', 'green'] }])).toMatchObject({ ok: false, error: { code: 'BAD_ARGUMENTS', message: 'addScene: off-season.tif: band roles: 2 given for 4 bands (red,green)' } });
    expect(await call('addScene', [join(dir, 'nope.tif'), { date: '2024-12-15' }])).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await call('addScene', [offSeason, { date: '2024-12-15', id: 'scene-2024-12-15' }])).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect(await call('addScene', [offSeason, { date: '2024-12-15', id: 'm', maskPath: offSeason }])).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } });
    if (hasGdal()) {
      const lzma = join(dir, 'lzma.tif');
      gdal('gdal_translate', ['-q', '-co', 'COMPRESS=LZMA', offSeason, lzma]);
      const r = await call('addScene', [lzma, { date: '2024-12-15' }]);
      expect(r).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } });
      expect((r as { error: { message: string } }).error.message).toMatch(/compression LZMA \(34925\) is not supported/);
    }
  });
});

describe('tiles of the catalog', () => {
  it('NDVI by band role, the cloud mask overlay, and clear errors', async () => {
    const ndvi = await service.renderTile(ADMIN, tileReq('scene-2024-12-15', 'mode=ndvi'));
    expect(ndvi!.subarray(1, 4).toString()).toBe('PNG');
    const overlay = await service.renderTile(ADMIN, tileReq('scene-2024-12-15', 'mode=mask'));
    expect(overlay).not.toBeNull();
    expect(overlay![25]).toBe(6); // RGBA: the overlay is partly transparent
    await expect(service.renderTile(ADMIN, tileReq(MINI.scene, 'mode=mask'))).rejects.toMatchObject({ code: 'NOT_FOUND', message: `tile: scene ${MINI.scene} has no cloud mask` });
    const toned = await service.renderTile(ADMIN, tileReq(MINI.scene, 'gamma=1.5&contrast=1.2'));
    expect(toned!.equals((await service.renderTile(ADMIN, tileReq(MINI.scene)))!)).toBe(false);
  });

  it('after a tile, its neighbours and the same tile of the other date are prefetched', async () => {
    service.imagery.engine.clearCaches();
    const req = tileReq(MINI.scene, 'bands=4,3,2');
    await service.renderTile(ADMIN, req);
    await service.imagery.engine.prefetchIdle();
    const otherDate = join(dir, 'off-season.tif');
    const opts = { bands: [4, 3, 2] as [number, number, number], stretch: [2, 98] as [number, number], size: 256 as const };
    expect(service.imagery.engine.tiles.has(tileKey({ image: otherDate, z: req.z, x: req.x, y: req.y, options: opts }))).toBe(true);
    expect(service.imagery.engine.tiles.has(tileKey({ image: join(dir, 'scene.tif'), z: req.z, x: req.x + 1, y: req.y, options: opts }))).toBe(true);
    expect(service.imagery.stats().prefetch.done).toBeGreaterThan(3);
    // a labeller sees (and prefetches) only scenes of sites they hold: A holds site 1, which has both dates
    expect(await service.renderTile(LAB_A, req)).not.toBeNull();
  });
});

describe('cancellation over HTTP', () => {
  it('a client that goes away aborts the render through its AbortSignal', async () => {
    let seen: AbortSignal | undefined;
    let aborted!: () => void;
    const wasAborted = new Promise<void>((r) => (aborted = r));
    const host: ServiceHost = {
      as: () => service.as(ADMIN),
      localCaller: ADMIN,
      events: new EventHub(),
      callerForToken: () => null,
      renderTile: (_c, _r, opts) =>
        new Promise((_resolve, reject) => {
          seen = opts?.signal;
          opts?.signal?.addEventListener('abort', () => {
            aborted();
            reject(new DOMException('cancelled', 'AbortError'));
          });
        }),
      close: () => undefined,
    };
    const logs: string[] = [];
    const srv = await startServer({ service: host, port: 0, log: (l) => logs.push(l) });
    try {
      const client = new AbortController();
      const pending = fetch(new URL('tiles/s1/3/1/1.png', srv.url), { signal: client.signal }).catch((e: unknown) => e);
      await new Promise((r) => setTimeout(r, 100));
      expect(seen).toBeDefined();
      expect(seen!.aborted).toBe(false);
      client.abort();
      await pending;
      await wasAborted;
      expect(seen!.aborted).toBe(true);
      expect(logs.join('\n')).not.toMatch(/internal error/);
    } finally {
      await srv.close();
    }
  });

  it('the service drops a cancelled tile (nothing rendered, nothing cached)', async () => {
    service.imagery.engine.clearCaches();
    const before = service.imagery.stats();
    const gone = new AbortController();
    const p = service.renderTile(ADMIN, tileReq(MINI.scene, 'stretch=4,96'), { signal: gone.signal });
    gone.abort();
    await expect(p).rejects.toMatchObject({ name: 'AbortError' });
    const after = service.imagery.stats();
    expect(after.cancelled).toBe(before.cancelled + 1);
    expect(after.rendered).toBe(before.rendered);
  });
});
