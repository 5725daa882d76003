/**
 * Suggest mode in headless Chromium against `fieldmark serve` on a demo campaign, with the real
 * mouse and keyboard: a task holds one true field; S, a click inside its neighbouring true field,
 * Enter: the database gains a 'suggested' field that does not overlap the first (< 0.5 m^2) and
 * shares border vertices with it; undo: gone and the preview is back; redo: back. No console errors.
 */
import Database from 'better-sqlite3';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SuggestionTelemetry } from '../../src/common/api/suggest-contract';
import { intersection } from '../../src/common/editing/clip';
import type { EditPolygon, XY } from '../../src/common/editing/geom';
import { hasChromium, waitForBody } from './helpers/browser';
import type { RunningServe } from './helpers/server';
import { closeSuggestWorld, suggestWorld, type SuggestWorld } from './helpers/suggest-world';
import { areaM2, inside, interior } from './helpers/suggest-geo';

describe.skipIf(!hasChromium)('suggest mode (headless Chromium + fieldmark serve)', () => {
  let world: SuggestWorld;
  let serve: RunningServe;
  let page: Page;
  let errors: string[];
  let dbPath: string;
  let task = 0;
  let a: EditPolygon;
  let b: EditPolygon;

  beforeAll(async () => {
    world = await suggestWorld();
    ({ serve, page, errors, dbPath, task } = world);
    [a, b] = world.pair;
  }, 120_000);

  afterAll(() => closeSuggestWorld(world));


  const waitFor = (what: string, want: Record<string, string>) => waitForBody(page, errors, what, want, { timeout: 20_000 });

  function suggested(): { geometry: EditPolygon; key: string }[] {
    const db = new Database(dbPath, { readonly: true });
    try {
      return (db.prepare(`SELECT geometry, field_key AS key FROM labels WHERE assignment_id = ? AND provenance = 'suggested'`).all(task) as { geometry: string; key: string }[]).map((r) => ({
        key: r.key,
        geometry: JSON.parse(r.geometry) as EditPolygon,
      }));
    } finally {
      db.close();
    }
  }

  it('S, click inside the neighbouring field, Enter: a suggested field that joins the first; undo brings the preview back; redo', async () => {
    await page.goto(`${serve.url.replace(/\/?(\?.*)?$/, '/')}?test=1#task=${task}`);
    await waitFor('the task opens', { editor: 'open', taskId: String(task), ready: 'true', mode: 'select', fields: '1' });
    const [lon, lat] = interior(b);
    const box = (await page.locator('#map').boundingBox())!;
    const q = await page.evaluate(([x, y]) => {
      const m = (window as unknown as { __fieldmarkMap: { project(p: [number, number]): { x: number; y: number } } }).__fieldmarkMap;
      const r = m.project([x, y]);
      return [r.x, r.y];
    }, [lon, lat] as [number, number]);
    await page.keyboard.press('s');
    await waitFor('suggest mode', { mode: 'suggest', suggestion: 'idle' });
    await page.mouse.click(box.x + q[0]!, box.y + q[1]!);
    await waitFor('the preview', { suggestion: 'preview' });
    await page.keyboard.press('Enter');
    await waitFor('accepted and saved', { fields: '2', pending: '0', suggestion: 'idle' });

    const [s] = suggested();
    expect(s, 'a suggested field in the database').toBeDefined();
    const overlap = areaM2(intersection(s!.geometry, a));
    expect(overlap).toBeLessThan(0.5);
    // they touch: at least two consecutive vertices of the suggestion are vertices of the first field
    const key = (p: XY) => `${p[0]},${p[1]}`;
    const av = new Set(a.coordinates.flat().map(key));
    const db = new Database(dbPath, { readonly: true });
    const aNow = JSON.parse(db.prepare(`SELECT geometry FROM labels WHERE assignment_id = ? AND field_key = 'fA'`).pluck().get(task) as string) as EditPolygon;
    const log = db.prepare('SELECT suggestion_id, command FROM edit_log WHERE assignment_id = ? AND suggestion_id IS NOT NULL').all(task) as { suggestion_id: string; command: string }[];
    db.close();
    for (const p of aNow.coordinates.flat()) av.add(key(p));
    const ring = s!.geometry.coordinates[0]!;
    const run = ring.some((p, i) => i + 1 < ring.length && av.has(key(p)) && av.has(key(ring[i + 1]!)));
    expect(run, 'shares a border vertex run with the first field').toBe(true);
    expect(log).toHaveLength(1);
    const cmd = JSON.parse(log[0]!.command) as { provenance: string; suggestion: { sceneId: string; otherSceneIds?: string[]; model: string; version: string; provider: string; prompt: { lon: number } } };
    expect(cmd.provenance).toBe('suggested');
    expect(cmd.suggestion.model).toBeTruthy();
    expect(cmd.suggestion.provider).toBeTruthy();
    expect(cmd.suggestion.prompt.lon).toBeCloseTo(lon, 4);
    // the demo site has both NICFI seasons on one grid: the other one was averaged in
    expect(cmd.suggestion.otherSceneIds).toHaveLength(1);
    expect(cmd.suggestion.otherSceneIds![0]).not.toBe(cmd.suggestion.sceneId);
    expect(await page.locator('#suggest-info').textContent()).toContain(cmd.suggestion.model);

    await page.keyboard.press('Control+z');
    await waitFor('undo: gone, the preview back', { fields: '1', pending: '0', suggestion: 'preview' });
    expect(suggested()).toHaveLength(0);
    await page.keyboard.press('Control+Shift+z');
    await waitFor('redo: accepted again', { fields: '2', pending: '0', suggestion: 'idle' });
    expect(suggested()).toHaveLength(1);

    const t = await serve.api<SuggestionTelemetry>('suggestionTelemetry');
    expect(t.byModel.find((r) => r.model.startsWith(cmd.suggestion.model))).toMatchObject({ acceptedAsIs: 1, rejected: 0 });
    expect(errors).toEqual([]);
  }, 60_000);
});
