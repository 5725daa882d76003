/** The CLI contract: exit codes, one-line errors, --json purity, serve's lifecycle. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeMiniCampaign } from '../fixtures/mini-campaign';
import { BUILT, runCli, startServe, stopChild } from './run-cli';

describe.skipIf(!BUILT)('fieldmark CLI basics', () => {
  let dir: string;
  let db: string;
  let image: string;
  beforeAll(async () => {
    ({ dir, db, image } = await makeMiniCampaign());
  });

  it('prints usage; unknown commands and options exit 2 with one line', () => {
    const help = runCli(['--help']);
    expect(help.code).toBe(0);
    for (const c of ['demo', 'serve', 'info', 'tile']) expect(help.stdout).toContain(c);
    const unknown = runCli(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr.split('\n')[0]).toMatch(/unknown command "frobnicate"/);
    const badOpt = runCli(['info', '--imag', 'x.tif']);
    expect(badOpt.code).toBe(2);
    expect(badOpt.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('info --json prints exactly one JSON document', () => {
    const r = runCli(['info', '--image', image, '--json']);
    expect(r.code).toBe(0);
    const v = JSON.parse(r.stdout) as { width: number; bands: number; crs: string };
    expect(v).toMatchObject({ width: 512, bands: 4, crs: 'EPSG:3857' });
  });

  it('info and tile on bad files: exit 2, one line naming the file, no stack trace', () => {
    const bad = mkdtempSync(join(tmpdir(), 'fm-bad-'));
    const notTiff = join(bad, 'notes.tif');
    writeFileSync(notTiff, 'hello, this is not a TIFF at all\n');
    const empty = join(bad, 'empty.tif');
    writeFileSync(empty, '');
    for (const args of [
      ['info', '--image', join(bad, 'missing.tif')],
      ['info', '--image', notTiff],
      ['info', '--image', empty],
      ['tile', '--image', notTiff, '--z', '1', '--x', '0', '--y', '0', '--out', join(bad, 't.png')],
    ]) {
      const r = runCli([...args, '--json']);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
      const lines = r.stderr.trim().split('\n');
      expect(lines, r.stderr).toHaveLength(1);
      expect(lines[0]).toContain(args[2]!.split('/').pop()!);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('serve prints its URL, answers the API and stops cleanly on SIGTERM', async () => {
    const { url, child } = await startServe(['--db', db, '--port', '0']);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const r = await fetch(new URL('api/getAppInfo', url), { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"args":[]}' });
    expect(((await r.json()) as { value: { campaign: { id: string } } }).value.campaign.id).toBe('mini');
    expect(await stopChild(child)).toBe(0);
  });

  it('serve refuses a missing database and a bad port with exit 2', () => {
    const r = runCli(['serve', '--db', join(dir, 'nope.db')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/nope\.db: no such database/);
    expect(runCli(['serve', '--db', db, '--port', 'http']).code).toBe(2);
  });

  afterAll(() => {});
});
