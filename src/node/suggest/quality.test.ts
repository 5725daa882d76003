/**
 * Quality gate of the suggestions on a held-out synthetic world (seed 31337: never used in
 * training, tuning or the manifest's validation), end to end through the host: COG + UDM2 on
 * disk -> window -> model -> basins -> polygon in lon/lat, compared with the true fields.
 * Targets (issue 6): median click IoU >= 0.9 and whole-view recall >= 85% at IoU > 0.5, on the
 * PlanetScope-like 3 m scene and on the NICFI-like 4.8 m quads as the app proposes on a site with
 * both seasons (each quad with the other season's maps averaged in; a 512-px world, so that a few
 * windows serve every click). A single NICFI date is held to the IoU target and to a recall under
 * its measured level on the growing season (see the console lines); the off-season quad alone is
 * reported in model.json and `bench suggest`, not gated (borders between bare fields are faint).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { evaluateSynthetic, type SceneEval } from './eval/synthetic-eval';
import { SuggestHost } from './suggest-host';

const work = mkdtempSync(join(tmpdir(), 'fieldmark-quality-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const line = (tag: string, ss: SceneEval[]) => console.log(tag, JSON.stringify(ss.map((s) => ({ scene: s.scene, clicks: s.clicks, medianIoU: +s.medianIoU.toFixed(3), recall50: +s.recall50.toFixed(3), fields: s.fieldsInViews }))));

describe('suggestions on held-out synthetic scenes', () => {
  it('click IoU and whole-view recall meet the targets', { timeout: 300_000 }, async () => {
    const host = new SuggestHost({ forceCpu: true });
    try {
      const ps = (await evaluateSynthetic({ seed: 31337, host, workDir: join(work, 'ps'), scenes: ['ps_'], maxClicks: 150 })).scenes[0]!;
      line('PlanetScope-like', [ps]);
      expect(ps.clicks).toBeGreaterThan(80);
      expect(ps.medianIoU).toBeGreaterThanOrEqual(0.9);
      expect(ps.recall50).toBeGreaterThanOrEqual(0.85);
      expect(ps.clickMs.median).toBeLessThan(200); // generous: loaded test machines; the bench measures

      // the NICFI quads of a 512-px world (its quad is one 2.4 km tile: a few windows serve every click)
      const quad = (await evaluateSynthetic({ seed: 31337, host, workDir: join(work, 'one'), quadSize: 512, scenes: ['nicfi_2024-08'], maxClicks: 150 })).scenes[0]!;
      line('one NICFI date', [quad]);
      expect(quad.medianIoU).toBeGreaterThanOrEqual(0.9);
      expect(quad.recall50).toBeGreaterThanOrEqual(0.8);

      const both = await evaluateSynthetic({ seed: 31337, host, workDir: join(work, 'dates'), quadSize: 512, scenes: ['nicfi_'], maxClicks: 150, otherDates: true });
      line('with the other season', both.scenes);
      expect(both.scenes).toHaveLength(2);
      for (const s of both.scenes) {
        expect(s.clicks, s.scene).toBeGreaterThan(80);
        expect(s.medianIoU, s.scene).toBeGreaterThanOrEqual(0.9);
        expect(s.recall50, s.scene).toBeGreaterThanOrEqual(0.85);
      }
    } finally {
      await host.close();
    }
  });
});
