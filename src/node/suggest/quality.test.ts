/**
 * Quality gate of the suggestions on a held-out synthetic world (seed 31337: never used in
 * training, tuning or the manifest's validation), end to end through the host: COG + UDM2 on
 * disk -> window -> model -> basins -> polygon in lon/lat, compared with the true fields.
 * Targets (issue 6) on the PlanetScope-like 3 m scene: median click IoU >= 0.9 and whole-view
 * recall >= 85% at IoU > 0.5. The 4.8 m NICFI-like growing-season quad is held to the IoU target and
 * to a recall just under its measured level (boundary-v1 1.2.0: 0.934 / 0.837 on this subset;
 * 1.1.0: 0.92 / 0.855).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { evaluateSynthetic } from './eval/synthetic-eval';
import { SuggestHost } from './suggest-host';

const work = mkdtempSync(join(tmpdir(), 'fieldmark-quality-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('suggestions on held-out synthetic scenes', () => {
  it('click IoU and whole-view recall meet the targets', { timeout: 240_000 }, async () => {
    const host = new SuggestHost({ forceCpu: true });
    try {
      const ev = await evaluateSynthetic({ seed: 31337, host, workDir: work, scenes: ['ps_', 'nicfi_2024-08'], maxClicks: 150 });
      const ps = ev.scenes.find((s) => s.scene.startsWith('ps_'))!;
      const quad = ev.scenes.find((s) => s.scene.startsWith('nicfi_2024-08'))!;
      console.log(JSON.stringify(ev.scenes.map((s) => ({ scene: s.scene, clicks: s.clicks, medianIoU: +s.medianIoU.toFixed(3), recall50: +s.recall50.toFixed(3), fields: s.fieldsInViews }))));
      expect(ps.clicks).toBeGreaterThan(80);
      expect(ps.medianIoU).toBeGreaterThanOrEqual(0.9);
      expect(ps.recall50).toBeGreaterThanOrEqual(0.85);
      expect(quad.medianIoU).toBeGreaterThanOrEqual(0.9);
      expect(quad.recall50).toBeGreaterThanOrEqual(0.8);
      expect(ps.clickMs.median).toBeLessThan(200); // generous: loaded test machines; the bench measures
    } finally {
      await host.close();
    }
  });
});
