/** `fieldmark bench editor` runs small (400 fields) and prints every figure with its baseline. */
import { describe, expect, it } from 'vitest';
import { BUILT, runCli } from '../cli/run-cli';
import { hasChromium } from './helpers/browser';

describe.skipIf(!hasChromium || !BUILT)('fieldmark bench editor', () => {
  it('times commit, undo, redo, snapping and a pan frame in the page, each with a baseline', () => {
    const r = runCli(['bench', 'editor', '--n', '400', '--json'], { timeoutMs: 170_000 });
    expect(r.code, r.stderr).toBe(0);
    const v = JSON.parse(r.stdout) as Record<string, { median_ms: number; p95_ms: number; n: number } & Record<string, unknown>>;
    expect(v['fields']).toBe(400);
    expect(v['in_view']).toBe(400);
    for (const k of ['commit', 'undo', 'redo', 'snap', 'pan_frame', 'commit_to_data']) {
      expect(v[k]!.n, k).toBeGreaterThan(0);
      expect(v[k]!.median_ms, k).toBeGreaterThanOrEqual(0);
      expect(v[k]!.p95_ms, k).toBeGreaterThanOrEqual(v[k]!.median_ms);
    }
    const base = v['baseline'] as unknown as Record<string, { median_ms: number }>;
    expect(base['commit']!.median_ms).toBeGreaterThanOrEqual(0);
    expect(base['snap']!.median_ms).toBeGreaterThanOrEqual(0);
    expect(v['all_saved']).toBe(true);
  }, 180_000);
});
