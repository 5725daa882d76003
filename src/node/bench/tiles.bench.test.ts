import { describe, expect, it } from 'vitest';
import type { CliContext } from '../cli/command';
import { BENCHMARKS } from './registry';
import { tilesBench, viewingSession } from './tiles.bench';

const ctx: CliContext = {
  json: true,
  cwd: process.cwd(),
  say: () => undefined,
  progress: () => ({ tick: () => undefined, done: () => undefined }),
  stopped: new Promise(() => undefined),
};

describe('bench tiles', () => {
  it('is registered', () => {
    expect(BENCHMARKS.map((b) => b.name)).toContain('tiles');
  });

  it('the viewing session covers zooms 13-17 with pans and date flips, each tile once', () => {
    const s = viewingSession([-0.95, 9.3, -0.85, 9.4], 2, true);
    expect(s.length).toBeGreaterThan(150);
    expect([...new Set(s.map((t) => t.z))].sort()).toEqual([13, 14, 15, 16, 17]);
    expect(new Set(s.map((t) => t.date))).toEqual(new Set([0, 1]));
    expect(s.some((t) => t.bands.join() === '4,3,2')).toBe(true);
    expect(new Set(s.map((t) => `${t.date}/${t.bands}/${t.z}/${t.x}/${t.y}`)).size).toBe(s.length);
  });

  it('prints every figure in one document (shape only: no timings are asserted)', async () => {
    const r = (await tilesBench.run({ quad: '512', gdal: false, pool: false }, ctx)) as Record<string, any>;
    expect(r).toMatchObject({ name: 'tiles', n: expect.any(Number), median_ms: expect.any(Number), p95_ms: expect.any(Number) });
    for (const k of ['cold', 'warm', 'warm_blocks']) expect(r['ours'][k]).toMatchObject({ n: r['n'], median_ms: expect.any(Number), p95_ms: expect.any(Number) });
    expect(r['baseline']['naive']).toMatchObject({ n: r['n'], median_ms: expect.any(Number), p95_ms: expect.any(Number) });
    expect(r['baseline']['gdal']).toBeNull();
    expect(Object.keys(r['ratios']).sort()).toEqual(['cold_vs_gdal', 'cold_vs_naive', 'warm_blocks_vs_naive', 'warm_vs_naive']);
    expect(r['targets']['caches_within_bounds']).toBe(true);
    expect(r['memory']['block_cache']['bytes']).toBeLessThanOrEqual(r['memory']['block_cache']['max_bytes']);
    expect(r['memory']['tile_cache']['bytes']).toBeLessThanOrEqual(r['memory']['tile_cache']['max_bytes']);
    expect(r['memory']['session_peak_rss_mb']).toBeGreaterThan(0);
    expect(r['decode']).toMatchObject({ ours_MBps: expect.any(Number), zlib_inflate_MBps: expect.any(Number) });
    expect(r['session']['zooms']).toEqual([13, 14, 15, 16, 17]);
    expect(r['pool']).toBeNull();
  });
});
