/** `fieldmark demo --json` as the issue states it: a campaign whose COGs pass GDAL's validator. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { BUILT, runCli } from './run-cli';

const VALIDATOR = [
  '/usr/share/doc/python3-gdal/examples/validate_cloud_optimized_geotiff.py',
  '/usr/share/doc/gdal-bin/examples/validate_cloud_optimized_geotiff.py',
].find((p) => existsSync(p));
const HAVE_GDAL_PY = VALIDATOR !== undefined && spawnSync('/usr/bin/python3', ['-c', 'from osgeo import gdal']).status === 0;

describe.skipIf(!BUILT)('fieldmark demo', () => {
  const out = join(mkdtempSync(join(tmpdir(), 'fm-demo-cli-')), 'camp');
  let result: { db: string; images: string[]; sites: number; labellers: number; assignments: number };

  it('writes a campaign database and prints {db, images, sites, labellers, assignments}', () => {
    const r = runCli(['demo', '--out', out, '--sites', '8', '--labellers', '6', '--quad-size', '1024', '--seed', '3', '--json']);
    expect(r.code, r.stderr).toBe(0);
    result = JSON.parse(r.stdout) as typeof result;
    expect(result).toMatchObject({ db: join(out, 'campaign.db'), sites: 8, labellers: 6 });
    expect(result.images.length).toBeGreaterThanOrEqual(3);
    const db = new Database(result.db, { readonly: true });
    const count = (sql: string) => db.prepare(sql).pluck().get() as number;
    expect(count('SELECT count(*) FROM sites')).toBe(8);
    expect(count('SELECT count(DISTINCT cls) FROM sites')).toBe(3);
    expect(count('SELECT count(*) FROM assignments')).toBe(result.assignments);
    expect(count('SELECT count(*) FROM labels')).toBeGreaterThan(50);
    expect(count('SELECT count(*) FROM reference_labels')).toBeGreaterThan(0);
    expect(count('SELECT count(*) FROM truth_fields')).toBeGreaterThan(100);
    expect(count("SELECT count(*) FROM labellers WHERE profile IS NOT NULL")).toBe(6);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
  });

  it('refuses to overwrite an existing campaign (exit 2, nothing changed)', () => {
    const r = runCli(['demo', '--out', out, '--json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/already exists/);
  });

  it.skipIf(!HAVE_GDAL_PY)("every image passes GDAL's validate_cloud_optimized_geotiff.py", () => {
    for (const img of result.images) {
      const v = spawnSync('/usr/bin/python3', [VALIDATOR!, img], { encoding: 'utf8' });
      expect(v.status, `${img}: ${v.stdout}${v.stderr}`).toBe(0);
      expect(v.stdout).toMatch(/is a valid cloud optimized GeoTIFF/);
    }
  });
});
