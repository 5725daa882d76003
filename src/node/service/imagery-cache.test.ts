import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeCog } from '../imagery/cog-writer';
import { tempDir } from '../imagery/fixtures.testutil';
import { lonLatToTile } from '../imagery/tile-math';
import { ImageryCache, imageryOptionsFromEnv } from './imagery-cache';

const tmp = tempDir();
const files: string[] = [];
beforeAll(async () => {
  for (const name of ['a.tif', 'b.tif']) {
    const f = join(tmp.dir, name);
    await writeCog(f, { width: 256, height: 256, dtype: 'uint8', bands: [new Uint8Array(256 * 256).fill(90)], geo: { epsg: 3857, originX: -100000, originY: 1100000, pixelSizeX: 4.77, pixelSizeY: 4.77 } });
    files.push(f);
  }
});
afterAll(() => tmp.cleanup());

describe('ImageryCache', () => {
  it('reads cache and pool sizes from the environment', () => {
    expect(imageryOptionsFromEnv({ FIELDMARK_BLOCK_CACHE_MB: '64', FIELDMARK_TILE_CACHE_MB: '8.5', FIELDMARK_TILE_WORKERS: '0' })).toEqual({ blockCacheBytes: 64 * 1048576, tileCacheBytes: Math.round(8.5 * 1048576), workers: 0 });
    expect(imageryOptionsFromEnv({ FIELDMARK_TILE_WORKERS: 'auto', FIELDMARK_BLOCK_CACHE_MB: 'lots' })).toEqual({ workers: 'auto' });
    expect(imageryOptionsFromEnv({})).toEqual({});
  });

  it('closes an image evicted from the open set once no tile uses it', async () => {
    const c = new ImageryCache({ maxOpen: 1, workers: 0 });
    try {
      const a = await c.get(files[0]!);
      let closed = 0;
      const close = a.close;
      a.close = async () => {
        closed++;
        await close();
      };
      const t = lonLatToTile(-0.895, 9.85, 15);
      const during = c.use(files[0]!, async () => {
        await c.get(files[1]!); // evicts a while it is in use
        expect(closed).toBe(0);
        return c.tile({ path: files[0]!, z: 15, x: t.x, y: t.y, options: {} });
      });
      await during;
      await new Promise((r) => setTimeout(r, 10));
      expect(closed).toBe(1);
      expect(c.stats().openImages).toBe(1);
    } finally {
      await c.close();
    }
  });
});
