/**
 * Other dates of the same grid (`also`): their boundary and extent maps are averaged with the
 * image's, so a border seen in one season only still bounds the field and a cloud in one date is
 * filled from the other; an image on another grid is named in a warning and not used.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { utmInverse } from '../demo/geo';
import { fieldsScene, TEST_GEO, writeTestImage } from './fixtures.testutil';
import { nearestDates } from './protocol';
import { SuggestHost } from './suggest-host';

let dir: string;
const at = (name: string) => join(dir, name);
const toLonLat = (x: number, y: number): [number, number] => utmInverse(32630, TEST_GEO.originX + x * 3, TEST_GEO.originY - y * 3);
const FIELD_M2 = 58 * 48 * 9;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fieldmark-dates-'));
  await writeTestImage(at('growing.tif'), 420, 400, fieldsScene);
  await writeTestImage(at('growing-copy.tif'), 420, 400, fieldsScene);
  // the same fields under a cloud deck: no usable pixel
  await writeTestImage(at('cloudy.tif'), 420, 400, () => [6000, 6100, 6050, 6500]);
  // the growing-season image half a pixel off: another grid
  await writeTestImage(at('shifted.tif'), 420, 400, fieldsScene, 0, { ...TEST_GEO, originX: TEST_GEO.originX + 1.5 });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('other dates of the same grid', () => {
  it('a date under clouds is traced from the other date; the response names the date used', async () => {
    const host = new SuggestHost({ forceCpu: true });
    try {
      const [lon, lat] = toLonLat(20 + 60 * 2 + 30, 20 + 50 * 3 + 25);
      await expect(host.suggest({ image: at('cloudy.tif'), lon, lat })).rejects.toThrow(/no usable pixels/);
      const r = await host.suggest({ image: at('cloudy.tif'), also: [{ image: at('growing.tif') }], lon, lat });
      expect(r.otherDates).toEqual([at('growing.tif')]);
      expect(r.areaM2).toBeGreaterThan(0.7 * FIELD_M2);
      expect(r.areaM2).toBeLessThan(1.3 * FIELD_M2);
      const p = await host.propose({ image: at('cloudy.tif'), also: [{ image: at('growing.tif') }], bbox: [...toLonLat(0, 400), ...toLonLat(420, 0)] as [number, number, number, number] });
      expect(p.otherDates).toHaveLength(1);
      expect(p.proposals.length).toBeGreaterThanOrEqual(20);
    } finally {
      await host.close();
    }
  });

  it('the same date twice gives the same polygon as once (the mean of equal maps)', async () => {
    const host = new SuggestHost({ forceCpu: true });
    try {
      const [lon, lat] = toLonLat(20 + 60 * 3 + 30, 20 + 50 * 1 + 25);
      const one = await host.suggest({ image: at('growing.tif'), lon, lat });
      const two = await host.suggest({ image: at('growing.tif'), also: [{ image: at('growing-copy.tif') }], lon, lat });
      expect(two.otherDates).toHaveLength(1);
      expect(two.polygon).toEqual(one.polygon);
    } finally {
      await host.close();
    }
  });

  it('an image on another grid, or one that cannot be read, is named in a warning and not used; 8 other dates at most', async () => {
    const host = new SuggestHost({ forceCpu: true });
    try {
      const [lon, lat] = toLonLat(20 + 60 * 2 + 30, 20 + 50 * 3 + 25);
      const r = await host.suggest({ image: at('growing.tif'), also: [{ image: at('shifted.tif') }, { image: at('missing.tif') }], lon, lat });
      expect(r.otherDates).toEqual([]);
      expect(r.warnings.join('\n')).toMatch(/shifted\.tif is on another pixel grid than growing\.tif: not used/);
      expect(r.warnings.join('\n')).toMatch(/missing\.tif is not used: /);
      expect(r.warnings.every((w) => !w.includes('\n'))).toBe(true);
      const many = await host.suggest({ image: at('growing.tif'), also: Array.from({ length: 9 }, () => ({ image: at('growing-copy.tif') })), lon, lat });
      expect(many.otherDates).toHaveLength(8);
      expect(many.warnings).toContain('9 other dates given: the first 8 are used');
    } finally {
      await host.close();
    }
  });

  it('from a long series, the dates nearest the scene are taken (ties: the earlier)', () => {
    const series = ['2024-01-15', '2024-03-15', '2024-05-15', '2024-06-15', '2024-07-15', '2024-09-15'].map((date) => ({ date }));
    expect(nearestDates(series, '2024-06-01', 3).map((s) => s.date)).toEqual(['2024-06-15', '2024-05-15', '2024-07-15']);
    expect(nearestDates([{ date: '2024-06-11' }, { date: '2024-06-21' }], '2024-06-16', 1)).toEqual([{ date: '2024-06-11' }]);
    expect(nearestDates(series, '2024-06-01')).toHaveLength(6);
  });
});
