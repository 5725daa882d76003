/**
 * The suggestion client: the bundled worker (dist/suggest-worker.js, built by `npm run build`)
 * answers like the in-thread host; errors keep their code and one-line message; a worker that
 * dies hands its calls to an in-thread host.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { utmInverse } from '../demo/geo';
import { SuggestClient } from './client';
import { fieldsScene, TEST_GEO, writeTestImage } from './fixtures.testutil';

const WORKER = resolve(__dirname, '../../../dist/suggest-worker.js');
let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fieldmark-client-'));
  await writeTestImage(join(dir, 'fields.tif'), 300, 300, fieldsScene);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const at = (x: number, y: number) => utmInverse(32630, TEST_GEO.originX + x * 3, TEST_GEO.originY - y * 3);

describe.skipIf(!existsSync(WORKER))('the suggestion worker', () => {
  it('answers suggest and info off the main thread; errors keep their code', async () => {
    const c = new SuggestClient({ worker: WORKER, forceCpu: true });
    try {
      expect(c.mode).toBe('worker');
      const [lon, lat] = at(50, 45);
      const r = await c.suggest({ image: join(dir, 'fields.tif'), lon, lat });
      expect(r.polygon.type).toBe('Polygon');
      const info = await c.info();
      expect(info.engines[0]!.executionProvider).toBe('cpu');
      await expect(c.suggest({ image: join(dir, 'fields.tif'), lon: 10, lat: 50 })).rejects.toMatchObject({ code: 'BAD_INPUT', message: expect.stringMatching(/lies outside/) });
    } finally {
      await c.close();
    }
  });
});

describe('a worker that dies', () => {
  it('hands its calls to an in-thread host', async () => {
    const bad = join(dir, 'dying-worker.mjs');
    writeFileSync(bad, 'process.exit(3);\n');
    const c = new SuggestClient({ worker: bad, forceCpu: true });
    try {
      const [lon, lat] = at(50, 45);
      const r = await c.suggest({ image: join(dir, 'fields.tif'), lon, lat });
      expect(r.polygon.type).toBe('Polygon');
      expect(c.mode).toBe('in-thread');
    } finally {
      await c.close();
    }
  });
});
