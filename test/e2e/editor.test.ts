/**
 * The editor in headless Chromium against `fieldmark serve` on a demo campaign, with the real
 * mouse and keyboard: three adjacent fields drawn with snapping and tracing, a split, a merge, a
 * hole, undo and redo across all of it, submit, a reload; then the database must hold exactly the
 * committed geometry (valid polygons, no overlaps, identical shared borders). Then bad input:
 * degenerate clicks, an edit racing another writer, malformed geometry through the API.
 */
import Database from 'better-sqlite3';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SiteSummary } from '../../src/common/api/contract';
import { overlapAreaM2 } from '../../src/common/editing/clip';
import type { EditPolygon } from '../../src/common/editing/geom';
import { borderMismatches, sharesBorder } from '../../src/common/editing/junctions';
import { polygonProblem } from '../../src/common/editing/polygon-check';
import type { Field } from '../../src/common/graph/field';
import { hasChromium, launchBrowser, waitForBody, watchErrors } from './helpers/browser';
import { demoCampaign, removeDemos, startServe, type RunningServe } from './helpers/server';

const VIEWPORT = { width: 1280, height: 800 };

describe.skipIf(!hasChromium)('the editor (headless Chromium + fieldmark serve)', () => {
  let serve: RunningServe;
  let browser: Browser;
  let page: Page;
  let errors: string[];
  let dbPath: string;
  let site: SiteSummary;
  const tasks: number[] = [];

  beforeAll(async () => {
    const [demo, b] = await Promise.all([demoCampaign({ sites: 6, seed: 7 }), launchBrowser()]);
    browser = b;
    dbPath = demo.db;
    // Two open tasks on a Class 2 site for a labeller who has not mapped it (the scheduler is a later issue).
    const db = new Database(dbPath);
    const siteId = db.prepare('SELECT id FROM sites WHERE cls = 2 ORDER BY id LIMIT 1').pluck().get() as string;
    const others = db.prepare('SELECT id FROM labellers WHERE id NOT IN (SELECT labeller_id FROM assignments WHERE site_id = ?) ORDER BY id').pluck().all(siteId) as string[];
    for (const [k, lab] of others.slice(0, 2).entries()) {
      const info = db.prepare(`INSERT INTO assignments (site_id, labeller_id, status, started_at) VALUES (?, ?, 'assigned', ?)`).run(siteId, lab, `2030-01-0${k + 1}T08:00:00Z`);
      tasks.push(Number(info.lastInsertRowid));
    }
    db.close();
    serve = await startServe(dbPath);
    site = (await serve.api<SiteSummary[]>('listSites')).find((s) => s.id === siteId)!;
    page = await browser.newPage({ viewport: VIEWPORT, deviceScaleFactor: 1 });
    errors = watchErrors(page);
  });

  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
    removeDemos();
  });

  async function body(): Promise<Record<string, string>> {
    return page.evaluate(() => ({ ...document.body.dataset }) as Record<string, string>);
  }

  /** Waits for body data-* values; fails early with the UI's banners unless they are expected. */
  const waitFor = (what: string, want: Record<string, string>, allowBanners = false) => waitForBody(page, errors, what, want, { timeout: 20_000, banners: allowBanners ? 'ignore' : 'fail' });

  /** The cell centre in page pixels and a function from offsets (px) to page positions. */
  let cx = 0;
  let cy = 0;
  async function centre(): Promise<void> {
    const c = site.cell.coordinates[0]!;
    const lon = (Math.min(...c.map((p) => p[0])) + Math.max(...c.map((p) => p[0]))) / 2;
    const lat = (Math.min(...c.map((p) => p[1])) + Math.max(...c.map((p) => p[1]))) / 2;
    const box = (await page.locator('#map').boundingBox())!;
    const q = await page.evaluate(([x, y]) => {
      const m = (window as unknown as { __fieldmarkMap: { project(p: [number, number]): { x: number; y: number } } }).__fieldmarkMap;
      const r = m.project([x, y]);
      return [r.x, r.y];
    }, [lon, lat] as [number, number]);
    cx = box.x + q[0]!;
    cy = box.y + q[1]!;
  }
  const at = (dx: number, dy: number): [number, number] => [cx + dx, cy + dy];
  async function click(dx: number, dy: number, mods: ('Shift' | 'Alt')[] = []): Promise<void> {
    for (const m of mods) await page.keyboard.down(m);
    await page.mouse.click(...at(dx, dy));
    for (const m of mods) await page.keyboard.up(m);
  }
  async function clicks(...pts: [number, number][]): Promise<void> {
    for (const [x, y] of pts) await click(x, y);
  }
  const saved = (fields: number, extra: Record<string, string> = {}) => waitFor(`${fields} fields saved`, { pending: '0', fields: String(fields), ...extra });

  async function pageFields(): Promise<Field[]> {
    return page.evaluate(() => (window as unknown as { __fieldmarkEditor: { fields(): Field[] } }).__fieldmarkEditor.fields());
  }

  function dbFields(assignmentId: number): { key: string; category: string; geometry: EditPolygon }[] {
    const db = new Database(dbPath, { readonly: true });
    try {
      return (db.prepare('SELECT field_key AS key, category, geometry FROM labels WHERE assignment_id = ? ORDER BY field_key').all(assignmentId) as { key: string; category: string; geometry: string }[]).map((r) => ({
        ...r,
        geometry: JSON.parse(r.geometry) as EditPolygon,
      }));
    } finally {
      db.close();
    }
  }

  it('draws three adjacent fields with snapping and tracing, splits, merges, adds a hole, undoes and redoes it all, submits', async () => {
    await page.goto(`${serve.url.replace(/\/?(\?.*)?$/, '/')}?test=1`);
    await page.waitForSelector('#site-list .site-row');
    await page.keyboard.press('n');
    await waitFor('the first task opens', { editor: 'open', taskId: String(tasks[0]), ready: 'true', mode: 'select' });
    await centre();
    // A: a pentagon whose top edge has a raised middle vertex (for tracing).
    await page.keyboard.press('a');
    await clicks([-160, 40], [-40, 40], [-40, -40], [-100, -60], [-160, -40]);
    await page.keyboard.press('Enter');
    await saved(1);
    // B: right of A, its left corners clicked 3 px off A's corners: snapping makes the border shared.
    // Key 2 makes the new field (still selected) and the next ones fallow.
    await clicks([-37, 43], [80, 40], [80, -40], [-37, -43]);
    await page.keyboard.press('Enter');
    await saved(2);
    await page.keyboard.press('2');
    await saved(2);
    // C: above both; two clicks on A's top corners trace A's boundary (its raised middle vertex).
    await clicks([-158, -42], [-42, -38], [82, -42], [80, -140], [-160, -140]);
    await page.keyboard.press('Enter');
    await saved(3);
    await page.keyboard.press('1');
    await saved(3);
    const [a, b, c] = await pageFields();
    expect(c!.geometry.coordinates[0], 'C: 6 vertices, the traced one included').toHaveLength(7);
    expect(c!.geometry.coordinates[0]).toContainEqual(a!.geometry.coordinates[0]![3]);
    expect([a!.category, b!.category, c!.category]).toEqual(['annualcropland', 'fallow', 'annualcropland']);
    // Split B with a line from below to above it (B selected first).
    await page.keyboard.press('v');
    await click(60, 0);
    await waitFor('B selected', { selected: '1' });
    await page.keyboard.press('x');
    await clicks([40, 90], [40, -60]);
    await page.keyboard.press('Enter');
    await saved(4);
    // Merge A with B's left piece: click A, shift-click the piece, M.
    await page.keyboard.press('v');
    await click(-100, 0);
    await click(0, 0, ['Shift']);
    await waitFor('two selected', { selected: '2' });
    await page.keyboard.press('m');
    await saved(3);
    // A hole in C.
    await page.keyboard.press('h');
    await clicks([-120, -110], [-60, -110], [-60, -80], [-120, -80]);
    await page.keyboard.press('Enter');
    await saved(3);
    // Drag the corner A shares with C (A selected): both fields move it, the border stays shared.
    await page.keyboard.press('v');
    await click(-100, 0);
    await waitFor('A selected', { selected: '1' });
    await page.mouse.move(...at(-160, -40));
    await page.mouse.down();
    await page.mouse.move(...at(-170, -35), { steps: 4 });
    await page.mouse.move(...at(-180, -30), { steps: 4 });
    await page.mouse.up();
    await saved(3);
    const committed = await pageFields();
    expect(committed.find((f) => f.geometry.coordinates.length === 2), 'a field with a hole').toBeTruthy();
    const corner = await page.evaluate(([x, y]) => {
      const m = (window as unknown as { __fieldmarkMap: { unproject(p: [number, number]): { lng: number; lat: number } } }).__fieldmarkMap;
      const r = m.unproject([x, y]);
      return [r.lng, r.lat];
    }, [cx - 180 - (await page.locator('#map').boundingBox())!.x, cy - 30 - (await page.locator('#map').boundingBox())!.y] as [number, number]);
    const moved = committed.filter((f) => f.geometry.coordinates[0]!.some((p) => Math.abs(p[0] - corner[0]!) < 1e-7 && Math.abs(p[1] - corner[1]!) < 1e-7));
    expect(moved, 'the dragged corner is in A and C').toHaveLength(2);
    expect((await body()).errors).toBe('0');
    // Undo all nine steps (3 fields, 2 categories, split, merge, hole, drag), then redo them.
    for (let i = 0; i < 9; i++) await page.keyboard.press('Control+z');
    await saved(0, { canUndo: 'false' });
    for (let i = 0; i < 9; i++) await page.keyboard.press('Control+Shift+z');
    await saved(3, { canRedo: 'false' });
    expect(await pageFields()).toEqual(committed);
    await page.keyboard.press('Control+Enter');
    await waitFor('submitted', { taskStatus: 'submitted', mode: 'browse' });
  });

  it('after a reload finds exactly the committed geometry in the database: valid, no overlaps, identical shared borders', async () => {
    const before = await pageFields();
    await page.reload();
    await waitFor('the task reopens', { editor: 'open', taskId: String(tasks[0]), taskStatus: 'submitted', fields: '3', ready: 'true' });
    expect(await pageFields()).toEqual(before);
    const stored = dbFields(tasks[0]!);
    expect(stored.map((f) => f.key).sort()).toEqual(before.map((f) => f.id).sort());
    for (const f of before) {
      const s = stored.find((x) => x.key === f.id)!;
      expect(s.geometry).toEqual(f.geometry);
      expect(s.category).toBe(f.category);
      expect(polygonProblem(s.geometry), f.id).toBeNull();
    }
    let shared = 0;
    for (let i = 0; i < stored.length; i++)
      for (let k = i + 1; k < stored.length; k++) {
        const [x, y] = [stored[i]!.geometry, stored[k]!.geometry];
        expect(overlapAreaM2(x, y)).toBeLessThan(0.01);
        expect(borderMismatches(x, y)).toEqual([]);
        if (sharesBorder(x, y)) shared++;
      }
    expect(shared, 'pairs of fields sharing a border').toBe(3);
    expect(new Set(stored.map((f) => f.category))).toEqual(new Set(['annualcropland', 'fallow']));
  });

  it('refuses degenerate clicks with a reason and adds nothing', async () => {
    await page.keyboard.press('n');
    await waitFor('the second task opens', { taskId: String(tasks[1]), mode: 'select', fields: '0' });
    await centre();
    await page.keyboard.press('a');
    await clicks([-100, 0], [-20, 0]);
    await page.keyboard.press('Enter');
    expect((await body()).hint).toMatch(/at least 3 vertices, there are 2/);
    await clicks([60, 0]);
    await page.keyboard.press('Enter');
    expect((await body()).hint).toMatch(/no area/);
    await page.keyboard.press('Escape');
    await clicks([-100, -100], [0, 0], [0, -100], [-100, 0]);
    expect((await body()).hint).toMatch(/Not added: the new edge crosses an earlier edge/);
    await page.keyboard.press('Escape');
    await saved(0, { modeState: 'idle' });
    expect(dbFields(tasks[1]!)).toEqual([]);
  });

  it('an edit racing another writer is refused, the page reloads the saved state, the data stays consistent', async () => {
    await clicks([-100, 40], [0, 40], [0, -40], [-100, -40]);
    await page.keyboard.press('Enter');
    await saved(1);
    const mine = (await pageFields())[0]!;
    // Another window (the API directly) adds a field at the same time.
    const state = await serve.api<{ revision: number }>('openTask', tasks[1]);
    const other = { type: 'field.add', id: 'from-elsewhere', category: 'fallow', geometry: { type: 'Polygon', coordinates: [[...[[0.0, 0.0]]]] } };
    const c = site.cell.coordinates[0]!;
    const x0 = Math.max(...c.map((p) => p[0])) - 0.001, y0 = Math.max(...c.map((p) => p[1])) - 0.001;
    other.geometry.coordinates = [[[x0, y0], [x0 + 0.0005, y0], [x0 + 0.0005, y0 + 0.0005], [x0, y0 + 0.0005], [x0, y0]]];
    await serve.api('editTask', tasks[1], state.revision, other);
    // The page, still on the old revision, deletes its field: refused, then reloaded.
    await page.keyboard.press('Delete');
    await waitFor('the conflict reloads the server state', { pending: '0', fields: '2' }, true);
    const banners = await page.locator('.banner').allTextContents();
    expect(banners.join(' ')).toMatch(/Not saved: .*changed since revision .*reloaded from the server/);
    expect(dbFields(tasks[1]!).map((f) => f.key).sort()).toEqual([mine.id, 'from-elsewhere'].sort());
    await page.locator('.banner-close').click();
    // The 409 the browser logs for that refusal is the expected answer; nothing else may be logged.
    errors.splice(0, errors.length, ...errors.filter((e) => !/status of 409/.test(e)));
  });

  it('refuses malformed geometry through the API with a clear message and changes nothing', async () => {
    const before = dbFields(tasks[1]!);
    const state = await serve.api<{ revision: number }>('openTask', tasks[1]);
    const post = async (command: unknown) => {
      const res = await fetch(`${serve.origin}/api/editTask`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ args: [tasks[1], state.revision, command] }) });
      return { status: res.status, body: (await res.json()) as { ok: boolean; error?: { code: string; message: string } } };
    };
    const open = await post({ type: 'field.add', id: 'x1', category: 'fallow', geometry: { type: 'Polygon', coordinates: [[[0, 9], [0.001, 9], [0.001, 9.001], [0, 9.001]]] } });
    expect(open.status).toBe(400);
    expect(open.body.error?.message).toMatch(/editTask: argument 3.*ring is not closed/);
    const nan = await post({ type: 'field.add', id: 'x2', category: 'fallow', geometry: { type: 'Polygon', coordinates: [[[0, 9], [null, 9], [0.001, 9.001], [0, 9]]] } });
    expect(nan.body.error?.message).toMatch(/expected number/);
    const bow = await post({ type: 'field.add', id: 'x3', category: 'fallow', geometry: { type: 'Polygon', coordinates: [[[0, 9], [0.001, 9.001], [0.001, 9], [0, 9.001], [0, 9]]] } });
    expect(bow.status).toBe(422);
    expect(bow.body.error?.message).toMatch(/crosses or touches itself/);
    expect(dbFields(tasks[1]!)).toEqual(before);
    expect((await serve.api<{ revision: number }>('openTask', tasks[1])).revision).toBe(state.revision);
  });

  it('raised no console errors or page errors', () => {
    expect(errors).toEqual([]);
  });
});
