/**
 * The suggestion engine in an Electron utilityProcess: with the mocked `electron` whose
 * utilityProcess.fork really runs the bundled child (dist/electron/suggest-utility.cjs) in a Node
 * child process, a SuggestClient made after `setSuggestTransport(utilityProcessTransport(...))`
 * answers suggest and info through the child with the worker's protocol, errors keep their code,
 * a child that dies hands its calls to an in-thread host, and closing the client ends the child.
 */
import * as electron from 'electron';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { utmInverse } from '../src/node/demo/geo';
import { SuggestClient } from '../src/node/suggest/client';
import { fieldsScene, TEST_GEO, writeTestImage } from '../src/node/suggest/fixtures.testutil';
import { setSuggestTransport } from '../src/node/suggest/transport';
import { utilityProcessTransport } from './suggest-process';
import type { fakeUtilityProcess } from './testing/fake-utility-process';

vi.mock('electron', async () => ({
  ...(await import('./testing/fake-electron')).createFakeElectron(),
  utilityProcess: (await import('./testing/fake-utility-process')).fakeUtilityProcess(),
}));
const utility = (electron as unknown as { utilityProcess: ReturnType<typeof fakeUtilityProcess> }).utilityProcess;

const CHILD = resolve(__dirname, '../dist/electron/suggest-utility.cjs');
const at = (x: number, y: number) => utmInverse(32630, TEST_GEO.originX + x * 3, TEST_GEO.originY - y * 3);
let dir: string;
let image: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fieldmark-utility-'));
  image = join(dir, 'fields.tif');
  await writeTestImage(image, 300, 300, fieldsScene);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => setSuggestTransport(null));

const exited = (c: { exitCode: number | null; signalCode: string | null; once(e: 'exit', l: () => void): void }) =>
  c.exitCode !== null || c.signalCode !== null ? Promise.resolve() : new Promise<void>((r) => c.once('exit', () => r()));

it('no child module: no transport (SuggestClient keeps its worker thread)', () => {
  expect(utilityProcessTransport(join(dir, 'missing.cjs'))).toBeNull();
});

describe.skipIf(!existsSync(CHILD))('suggestions in a utilityProcess (mocked electron, a real child process)', () => {
  it('answers suggest and info through the child; errors keep their code; close ends the child', async () => {
    setSuggestTransport(utilityProcessTransport(CHILD));
    const before = utility.forks.length;
    const c = new SuggestClient({ forceCpu: true });
    try {
      expect(c.mode).toBe('utility-process');
      expect(utility.forks).toHaveLength(before + 1);
      const f = utility.forks.at(-1)!;
      expect(f.modulePath).toBe(CHILD);
      expect(f.options).toMatchObject({ serviceName: 'Fieldmark suggestions' });
      const [lon, lat] = at(50, 45);
      const r = await c.suggest({ image, lon, lat });
      expect(r.polygon.type).toBe('Polygon');
      expect(r.score).toBeGreaterThan(0);
      const info = await c.info();
      // the options went over as the first message: CPU forced in the child
      expect(info.engines[0]!.executionProvider).toBe('cpu');
      expect(info.engines[0]!.providers.map((p) => p.name)).toEqual(['cpu']);
      expect(f.child.pid).not.toBe(process.pid);
      await expect(c.suggest({ image, lon: 10, lat: 50 })).rejects.toMatchObject({ code: 'BAD_INPUT', message: expect.stringMatching(/lies outside/) });
    } finally {
      await c.close();
    }
    await exited(utility.forks.at(-1)!.child);
  }, 60_000);

  it('a child that dies hands its calls to an in-thread host', async () => {
    setSuggestTransport(utilityProcessTransport(CHILD));
    const c = new SuggestClient({ forceCpu: true });
    try {
      expect(c.mode).toBe('utility-process');
      const child = utility.forks.at(-1)!.child;
      child.kill('SIGKILL');
      await exited(child);
      const [lon, lat] = at(50, 45);
      const r = await c.suggest({ image, lon, lat });
      expect(r.polygon.type).toBe('Polygon');
      expect(c.mode).toBe('in-thread');
    } finally {
      await c.close();
    }
  }, 60_000);
});
