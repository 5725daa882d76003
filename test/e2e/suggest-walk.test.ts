/**
 * Suggestions beyond one click, in headless Chromium against `fieldmark serve` with the real mouse
 * and keyboard: Alt+click (a negative point) changes the suggestion so that the spot is left out;
 * X rejects it and the staff telemetry counts the rejection; P asks for every field of the view,
 * Tab / Shift+Tab / J / K walk them best first with a counter, Enter and A accept two, which are
 * stored as 'suggested' fields overlapping neither each other nor the field already there; undo
 * removes the second and brings its proposal back as the current one; Esc stops.
 */
import Database from 'better-sqlite3';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TaskState } from '../../src/common/api/contract';
import type { SuggestionResult, SuggestionTelemetry, ViewProposals } from '../../src/common/api/suggest-contract';
import { intersection } from '../../src/common/editing/clip';
import type { EditPolygon, XY } from '../../src/common/editing/geom';
import { hasChromium, waitForBody } from './helpers/browser';
import type { RunningServe } from './helpers/server';
import { closeSuggestWorld, suggestWorld, type SuggestWorld } from './helpers/suggest-world';
import { areaM2, inside, interior, screenPoint, stagedPolygon } from './helpers/suggest-geo';

describe.skipIf(!hasChromium)('suggestion walk (headless Chromium + fieldmark serve)', () => {
  let world: SuggestWorld;
  let serve: RunningServe;
  let page: Page;
  let errors: string[];
  let dbPath: string;
  let task = 0;
  let first: EditPolygon;
  let truth: EditPolygon[] = [];

  beforeAll(async () => {
    world = await suggestWorld();
    ({ serve, page, errors, dbPath, task, truth } = world);
    first = world.pair[0];
    await page.goto(`${serve.url.replace(/\/?(\?.*)?$/, '/')}?test=1#task=${task}`);
    await waitForBody(page, errors, 'the task opens', { editor: 'open', taskId: String(task), ready: 'true', mode: 'select', fields: '1' });
  }, 120_000);

  afterAll(() => closeSuggestWorld(world));


  const body = () => page.evaluate(() => ({ ...document.body.dataset }) as Record<string, string>);
  const wait = (what: string, want: Record<string, string>, timeout = 20_000) => waitForBody(page, errors, what, want, { timeout });
  const click = async (p: XY) => {
    const [x, y] = await screenPoint(page, p);
    await page.mouse.click(x, y);
  };

  function read<T>(sql: string, ...args: unknown[]): T[] {
    const db = new Database(dbPath, { readonly: true });
    try {
      return db.prepare(sql).all(...args) as T[];
    } finally {
      db.close();
    }
  }
  const taskFields = () => read<{ geometry: string; provenance: string }>('SELECT geometry, provenance FROM labels WHERE assignment_id = ?', task).map((r) => ({ provenance: r.provenance, geometry: JSON.parse(r.geometry) as EditPolygon }));
  const telemetry = async () => (await serve.api<SuggestionTelemetry>('suggestionTelemetry')).byModel[0];

  /** A click inside a true field and a spot inside its suggestion that, as a negative point, changes it. */
  async function negativeCase(scene: string): Promise<{ click: XY; negative: XY }> {
    for (const f of truth.filter((g) => g !== first).slice(0, 8)) {
      const c = interior(f);
      const r1 = await serve.api<SuggestionResult>('suggestAt', scene, { lon: c[0], lat: c[1] }).catch(() => null);
      if (!r1) continue;
      const ring = r1.polygon.coordinates[0] as XY[];
      const xs = ring.map((p) => p[0]), ys = ring.map((p) => p[1]);
      for (let i = 1; i < 8; i++)
        for (let j = 1; j < 8; j++) {
          const p: XY = [Math.min(...xs) + ((Math.max(...xs) - Math.min(...xs)) * i) / 8, Math.min(...ys) + ((Math.max(...ys) - Math.min(...ys)) * j) / 8];
          if (!inside(p, ring) || Math.hypot(p[0] - c[0], p[1] - c[1]) < 0.0002) continue;
          const r2 = await serve.api<SuggestionResult>('suggestAt', scene, { lon: c[0], lat: c[1], negatives: [p] }).catch(() => null);
          if (r2 && !inside(p, r2.polygon.coordinates[0] as XY[]) && Math.abs(r2.areaM2 - r1.areaM2) > 0.05 * r1.areaM2) return { click: c, negative: p };
        }
    }
    throw new Error('no true field of the cell whose suggestion a negative point changes');
  }

  it('Alt+click leaves the spot out of a new suggestion; X rejects it and the telemetry counts it', async () => {
    const scene = (await body())['sceneId']!;
    const { click: c, negative } = await negativeCase(scene);
    await page.keyboard.press('s');
    await wait('suggest mode', { mode: 'suggest', suggestion: 'idle' });
    await click(c);
    await wait('the preview', { suggestion: 'preview' });
    const id1 = (await body())['suggestionId'];
    const p1 = (await stagedPolygon(page))!;
    expect(inside(negative, p1.coordinates[0]!), 'the spot is inside the first suggestion').toBe(true);

    const [x, y] = await screenPoint(page, negative);
    await page.keyboard.down('Alt');
    await page.mouse.click(x, y);
    await page.keyboard.up('Alt');
    await page.waitForFunction((id) => document.body.dataset['suggestion'] === 'preview' && !!document.body.dataset['suggestionId'] && document.body.dataset['suggestionId'] !== id, id1, { timeout: 20_000 });
    const p2 = (await stagedPolygon(page))!;
    expect(inside(negative, p2.coordinates[0]!), 'the spot is left out of the new suggestion').toBe(false);
    expect(Math.abs(areaM2([p2]) - areaM2([p1]))).toBeGreaterThan(0.03 * areaM2([p1]));

    const before = (await telemetry())?.rejected ?? 0;
    await page.keyboard.press('x');
    await wait('rejected and saved', { suggestion: 'idle', fields: '1', pending: '0', mode: 'suggest' });
    expect(taskFields()).toHaveLength(1);
    const log = read<{ command: string }>(`SELECT command FROM edit_log WHERE assignment_id = ? AND suggestion_id IS NOT NULL`, task).map((r) => JSON.parse(r.command) as { type: string; suggestion: { prompt: { negatives?: XY[] } } });
    expect(log.map((l) => l.type)).toEqual(['suggestion.reject']);
    expect(log[0]!.suggestion.prompt.negatives).toHaveLength(1);
    expect((await telemetry())!.rejected).toBe(before + 1);
    expect(errors).toEqual([]);
  }, 120_000);

  it('P: proposals of the view walked with keys; Enter and A accept two that overlap nothing; undo brings the second back; Esc stops', async () => {
    await page.keyboard.press('p');
    await wait('proposals arrive', { mode: 'propose', proposal: 'walking', proposalIndex: '1' }, 60_000);
    const b0 = await body();
    const n = Number(b0['proposalCount']);
    expect(n, 'several proposals in the view').toBeGreaterThanOrEqual(3);
    const counter = await page.locator('#proposal-counter').textContent();
    expect(counter).toBe(`Proposal 1 of ${n} · confidence ${b0['proposalScore']}`);
    expect(await page.locator('#tool-propose').getAttribute('aria-pressed')).toBe('true');

    // best first: walking forward never raises the confidence; back and forth with both key pairs
    await page.keyboard.press('Tab');
    await wait('next (Tab)', { proposalIndex: '2' });
    expect(Number((await body())['proposalScore'])).toBeLessThanOrEqual(Number(b0['proposalScore']));
    await page.keyboard.press('Shift+Tab');
    await wait('previous (Shift+Tab)', { proposalIndex: '1', proposalId: b0['proposalId']! });
    await page.keyboard.press('j');
    await wait('next (J)', { proposalIndex: '2' });
    await page.keyboard.press('k');
    await wait('previous (K)', { proposalIndex: '1', proposalId: b0['proposalId']! });

    const tBefore = (await telemetry())?.acceptedAsIs ?? 0;
    const firstId = b0['proposalId']!;
    await page.keyboard.press('Enter');
    await wait('first accepted and saved', { fields: '2', pending: '0', proposal: 'walking' });
    const b1 = await body();
    expect(b1['proposalId']).not.toBe(firstId);
    const secondId = b1['proposalId']!;
    await page.keyboard.press('a');
    await wait('second accepted and saved', { fields: '3', pending: '0' });

    const fields = taskFields();
    expect(fields.filter((f) => f.provenance === 'suggested')).toHaveLength(2);
    for (let i = 0; i < fields.length; i++)
      for (let j = i + 1; j < fields.length; j++) expect(areaM2(intersection(fields[i]!.geometry, fields[j]!.geometry)), `fields ${i} and ${j} overlap`).toBeLessThan(0.5);
    const log = read<{ suggestion_id: string; command: string }>(`SELECT suggestion_id, command FROM edit_log WHERE assignment_id = ? AND suggestion_id IS NOT NULL ORDER BY id`, task);
    expect(log.slice(-2).map((l) => l.suggestion_id)).toEqual([firstId, secondId]);
    const cmd = JSON.parse(log.at(-1)!.command) as { provenance: string; suggestion: { prompt: { box?: number[] }; model: string; provider: string } };
    expect(cmd.provenance).toBe('suggested');
    expect(cmd.suggestion.prompt.box).toHaveLength(4);
    expect(cmd.suggestion.provider).toBeTruthy();
    expect((await telemetry())!.acceptedAsIs).toBe(tBefore + 2);
    // asked again, the view's proposals leave out what is mapped now (proposeView against the task's fields)
    const ctx = (await serve.api<TaskState>('openTask', task)).site.context.coordinates[0]!;
    const bbox = [Math.min(...ctx.map((q) => q[0])), Math.min(...ctx.map((q) => q[1])), Math.max(...ctx.map((q) => q[0])), Math.max(...ctx.map((q) => q[1]))];
    const cell = (await serve.api<TaskState>('openTask', task)).site.cell.coordinates[0]!;
    const [cx0, cy0, cx1, cy1] = [Math.min(...cell.map((q) => q[0])), Math.min(...cell.map((q) => q[1])), Math.max(...cell.map((q) => q[0])), Math.max(...cell.map((q) => q[1]))];
    for (const f of fields.filter((x) => x.provenance === 'suggested')) {
      const r = f.geometry.coordinates[0]!;
      const touches = Math.min(...r.map((q) => q[0])) <= cx1 && Math.max(...r.map((q) => q[0])) >= cx0 && Math.min(...r.map((q) => q[1])) <= cy1 && Math.max(...r.map((q) => q[1])) >= cy0;
      expect(touches, 'an accepted proposal touches the site cell').toBe(true);
    }
    const again = await serve.api<ViewProposals>('proposeView', (await body())['sceneId'], bbox, { assignmentId: task });
    expect(again.dropped, "the two accepted proposals are not proposed again").toBeGreaterThanOrEqual(2);
    for (const p of again.proposals) for (const f of fields) expect(areaM2(intersection(p.polygon as EditPolygon, f.geometry))).toBeLessThanOrEqual(0.2 * p.areaM2 + 1);

    await page.keyboard.press('Control+z');
    await wait('undo: the second field gone, its proposal current again', { fields: '2', pending: '0', proposal: 'walking', proposalId: secondId });
    expect(taskFields().filter((f) => f.provenance === 'suggested')).toHaveLength(1);
    expect((await telemetry())!.acceptedAsIs).toBe(tBefore + 1);

    await page.keyboard.press('Escape');
    await wait('Esc stops the walk', { mode: 'select' });
    expect(await page.locator('#proposal-counter').isHidden()).toBe(true);
    expect(errors).toEqual([]);
  }, 180_000);

  it('staff read the telemetry in the app bar dialog ("Suggestions"): the same figures as the API; Esc closes', async () => {
    const t = await serve.api<SuggestionTelemetry>('suggestionTelemetry');
    const lab = t.byLabeller[0]!;
    await page.locator('#suggest-telemetry-toggle').click();
    await wait('the dialog opens', { suggestTelemetry: 'open' });
    const row = page.locator(`#suggest-telemetry-labellers tr[data-key="${lab.labellerId}"] td`);
    await row.first().waitFor({ timeout: 10_000 });
    const cells = await row.allTextContents();
    expect(cells.slice(0, 3)).toEqual([lab.labellerId, String(lab.decisions), `${lab.acceptedAsIs} (${Math.round((100 * lab.acceptedAsIs) / lab.decisions)}%)`]);
    expect(lab).toMatchObject({ decisions: 2, acceptedAsIs: 1, rejected: 1 });
    expect(await page.locator(`#suggest-telemetry-models tr[data-key="${t.byModel[0]!.model}"]`).count()).toBe(1);
    await page.keyboard.press('Escape');
    await wait('Esc closes it', { suggestTelemetry: 'closed', mode: 'select' });
    expect(errors).toEqual([]);
  }, 60_000);
});
