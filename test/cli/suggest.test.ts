/** `fieldmark suggest` and `fieldmark suggest --info` as a user runs them (CLI.md). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { utmInverse } from '../../src/node/demo/geo';
import { fieldsScene, TEST_GEO, writeTestImage } from '../../src/node/suggest/fixtures.testutil';
import { BUILT, runCli } from './run-cli';

describe.skipIf(!BUILT)('fieldmark suggest', () => {
  let dir: string;
  let image: string;
  const at = (x: number, y: number) => utmInverse(32630, TEST_GEO.originX + x * 3, TEST_GEO.originY - y * 3);
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fieldmark-cli-suggest-'));
    image = join(dir, 'fields.tif');
    await writeTestImage(image, 300, 300, fieldsScene);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a click: one JSON document {polygon, score, model, executionProvider, ms}', () => {
    const [lon, lat] = at(50, 45);
    const r = runCli(['suggest', '--image', image, '--lon', String(lon), '--lat', String(lat), '--cpu', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const v = JSON.parse(r.stdout);
    expect(v.polygon.type).toBe('Polygon');
    expect(v.score).toBeGreaterThan(0);
    expect(v.model.id).toBe('boundary-v1');
    expect(v.executionProvider).toBe('cpu');
    expect(typeof v.ms).toBe('number');
  });

  it('--also: another date of the same grid is averaged in and named', async () => {
    const other = join(dir, 'fields-later.tif');
    await writeTestImage(other, 300, 300, fieldsScene);
    const [lon, lat] = at(50, 45);
    const r = runCli(['suggest', '--image', image, '--also', other, '--lon', String(lon), '--lat', String(lat), '--cpu', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).otherDates).toEqual([other]);
    const text = runCli(['suggest', '--image', image, '--also', other, '--lon', String(lon), '--lat', String(lat), '--cpu']);
    expect(text.stdout).toMatch(/with 1 other date/);
    const bad = runCli(['suggest', '--image', image, '--also-mask', other, '--lon', String(lon), '--lat', String(lat)]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/1 --also-mask for 0 --also image/);
  });

  it('whole-view proposals and --info', () => {
    const [w, s] = at(0, 300), [e, n] = at(300, 0);
    const r = runCli(['suggest', '--image', image, '--view', `${w},${s},${e},${n}`, '--min-area', '5000', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const v = JSON.parse(r.stdout);
    expect(v.proposals.length).toBeGreaterThan(3);
    for (const p of v.proposals) expect(p.areaM2).toBeGreaterThanOrEqual(5000);
    const info = runCli(['suggest', '--info', '--json']);
    expect(info.code, info.stderr).toBe(0);
    const i = JSON.parse(info.stdout);
    expect(i.models.map((m: { id: string }) => m.id)).toContain('boundary-v1');
    expect(i.engines[0].providers.at(-1).name).toBe('cpu');
  });

  it('bad input and bad arguments: exit 2, one line', () => {
    for (const args of [
      ['suggest', '--image', image, '--lon', '-10.5', '--lat', '50', '--json'],
      ['suggest', '--image', join(dir, 'missing.tif'), '--lon', '1', '--lat', '2'],
      ['suggest', '--image', image],
      ['suggest', '--image', image, '--box', '1,2,3'],
      ['suggest', '--image', image, '--lon', '1', '--lat', '2', '--model', 'no-such-model'],
    ]) {
      const r = runCli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n'), r.stderr).toHaveLength(1);
    }
    expect(runCli(['suggest', '--image', image, '--lon', '-10.5', '--lat', '50']).stderr).toMatch(/lies outside/);
  });
});
