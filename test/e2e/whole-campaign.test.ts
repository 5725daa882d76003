/**
 * A whole small campaign in the UI (issue 8), headless Chromium against one network-mode
 * `fieldmark serve --create --host 127.0.0.1`, every step done the way a user does it:
 * - the supervisor (an account made with `fieldmark user add --create`) signs in, creates the
 *   campaign, uploads a scene, adds a Class 1 and a Class 4 site, uploads the Class 1 site's
 *   reference labels and adds two labellers with passwords;
 * - two labellers, each in a browser context of their own, sign in and work: both are served the
 *   hidden Q site first (shown to them as an ordinary Class 2 site), draw it and submit, then both
 *   map the Class 4 site, differently;
 * - the supervisor sees both labellers' scores in the labeller table, finds the Class 4 site
 *   (merged when its second map arrived) at the top of the review queue, approves one map and
 *   rejects the other with the rubric, and downloads a GeoPackage of the approved work: it holds
 *   exactly the labels of the approved assignments.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LabellerTableRow, ReviewQueueItem, TaskState } from '../../src/common/api/contract';
import { bboxPolygon, type BBox } from '../../src/common/geo/geojson';
import { writeFixtureScene } from '../fixtures/campaign-fixture';
import { hasChromium, launchBrowser, waitForBody, watchErrors } from './helpers/browser';
import { CLI, ROOT, startServe, type RunningServe } from './helpers/server';

const VIEWPORT = { width: 1400, height: 900 };
const SUP_PASSWORD = 'supervisor-pass-1';
const PASSWORD = 'labeller-pass-1';
/** Two 0.005-degree cells inside the fixture scene: the hidden Q site and the Class 4 site. */
const Q_CELL: BBox = [-0.9, 9.405, -0.895, 9.41];
const N_CELL: BBox = [-0.89, 9.405, -0.885, 9.41];
const centre = (b: BBox): [number, number] => [(b[0] + b[2]) / 2, (b[1] + b[3]) / 2];
/** The field of a cell: the middle 40 % square, moved by (dx, dy) of its width. */
function field(cell: BBox, dx = 0, dy = 0): BBox {
  const [cx, cy] = centre(cell);
  const h = (cell[2] - cell[0]) * 0.2;
  const w = 2 * h;
  return [cx - h + dx * w, cy - h + dy * w, cx + h + dx * w, cy + h + dy * w];
}

describe.skipIf(!hasChromium)('a whole campaign in the UI: set up, two labellers, scores, review, export', () => {
  let dir: string;
  let dbPath: string;
  let serve: RunningServe;
  let browser: Browser;
  let sup: Page;
  const errors: Record<string, string[]> = {};
  const labellers = { ama: { name: 'Ama Mensah', id: '' }, kofi: { name: 'Kofi Boateng', id: '' } };
  const work: Record<string, { q: number; n: number }> = {};
  let supToken = '';

  const call = <T>(method: string, ...args: unknown[]): Promise<T> => serve.apiAs<T>(supToken, method, ...args);

  function query<T>(sql: string, ...params: unknown[]): T[] {
    const db = new Database(dbPath, { readonly: true, fileMustExist: true });
    try {
      return db.prepare(sql).all(...params) as T[];
    } finally {
      db.close();
    }
  }

  /** Waits for body data-* values (banners may show: a refused sign-in is one); fails with them and the body. */
  const waitBody = (page: Page, what: string, want: Record<string, string>) => waitForBody(page, [], what, want, { banners: 'ignore' });

  /** Waits for a setup form's one-line status to settle; it must say ok (else its message fails the test). */
  async function formDone(page: Page, status: string): Promise<void> {
    await page.waitForSelector(`${status}:is([data-state="ok"],[data-state="error"])`, { state: 'attached' });
    expect(await page.getAttribute(status, 'data-state'), (await page.textContent(status)) ?? '').toBe('ok');
  }

  async function signIn(page: Page, name: string, password: string): Promise<void> {
    await page.goto(serve.origin + '/');
    await page.waitForSelector('body[data-signin="shown"]');
    await page.fill('#signin-name', name);
    await page.fill('#signin-password', password);
    await page.click('#signin-submit');
    await page.waitForSelector('body[data-sites-loaded="true"]');
    // the map hook for drawing (the token stays in sessionStorage)
    await page.goto(serve.origin + '/?test=1');
    await page.waitForSelector('body[data-sites-loaded="true"]');
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fieldmark-e2e-campaign-'));
    dbPath = join(dir, 'campaign.db');
    await writeFixtureScene(join(dir, 'scene.tif'));
    const made = spawnSync(process.execPath, [CLI, 'user', 'add', '--db', dbPath, '--create', '--name', 'Sue', '--role', 'supervisor', '--password-stdin', '--json'], { cwd: ROOT, input: SUP_PASSWORD + '\n', encoding: 'utf8' });
    expect(made.status, made.stderr).toBe(0);
    [serve, browser] = await Promise.all([startServe(dbPath, 30_000, ['--host', '127.0.0.1']), launchBrowser()]);
    sup = await (await browser.newContext({ viewport: VIEWPORT, acceptDownloads: true })).newPage();
    errors['sup'] = watchErrors(sup);
  });

  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('the supervisor signs in and sets the campaign up: settings, scene, sites, reference labels, labellers', async () => {
    await signIn(sup, 'Sue', SUP_PASSWORD);
    supToken = (await sup.evaluate(() => sessionStorage.getItem('fieldmark.token'))) ?? '';
    expect(supToken).not.toBe('');
    expect(await sup.textContent('#user')).toBe('Sue (supervisor)');

    await sup.click('#setup-toggle');
    await sup.waitForSelector('body[data-setup-loaded="true"]');
    await sup.fill('#cs-campaign-name', 'Volta pilot');
    await sup.fill('#cs-qRate', '1'); // every labeller's first task is the hidden Q site
    await sup.fill('#cs-labellersPerClass4', '2');
    await sup.click('#cs-campaign-save');
    await formDone(sup, '#campaign-form-status');
    await sup.keyboard.press('Escape');
    await waitBody(sup, 'setup closed', { setup: 'false' });

    // the scene and the Q site's reference labels are files: the Import / Export panel uploads them
    await sup.click('#transfer-toggle');
    await waitBody(sup, 'transfer panel', { transfer: 'true' });
    await sup.setInputFiles('#import-scene-file', { name: 'volta-2024-08-15.tif', mimeType: 'image/tiff', buffer: readFileSync(join(dir, 'scene.tif')) });
    await sup.fill('#scene-date', '2024-08-15');
    await sup.click('#import-scene-go');
    await waitBody(sup, 'scene uploaded', { importState: 'done', importKind: 'scene' });
    await sup.click('#transfer-close');

    await sup.click('#setup-toggle');
    await sup.waitForSelector('body[data-setup-loaded="true"]');
    await sup.fill('#cs-country', 'GH');
    await sup.selectOption('#cs-sites-mode', 'centres');
    for (const [cell, cls] of [[Q_CELL, '1'], [N_CELL, '4']] as const) {
      await sup.fill('#cs-centres', centre(cell).join(', '));
      await sup.selectOption('#cs-class', cls);
      await sup.click('#cs-sites-add');
      await expect.poll(() => query<{ n: number }>('SELECT COUNT(*) AS n FROM sites WHERE cls = ?', Number(cls))[0]!.n, { timeout: 15_000 }).toBe(1);
      await sup.waitForSelector('#cs-sites-result[data-added="1"]');
    }
    const sites = query<{ id: string; cls: number; scenes: number }>('SELECT s.id, s.cls, (SELECT COUNT(*) FROM site_scenes x WHERE x.site_id = s.id) AS scenes FROM sites s ORDER BY s.cls');
    expect(sites.map((s) => s.cls)).toEqual([1, 4]);
    expect(sites.every((s) => s.scenes === 1)).toBe(true);

    for (const who of Object.values(labellers)) {
      await sup.fill('#cs-user-name', who.name);
      await sup.selectOption('#cs-user-role', 'labeller');
      await sup.click('#cs-user-add');
      await sup.waitForFunction((n) => document.querySelector('#cs-new-user')?.textContent?.includes(n), who.name);
      who.id = (await sup.getAttribute('#cs-new-user', 'data-user')) ?? '';
      await sup.selectOption('#cs-password-user', who.id);
      await sup.fill('#cs-password-value', PASSWORD);
      await sup.click('#cs-password-save');
      await formDone(sup, '#people-password-status');
    }
    await sup.keyboard.press('Escape');

    const categories = (await call<{ settings: { categories: { id: string; group: string }[] } }>('getCampaign')).settings.categories;
    const crop = categories.find((c) => c.group === 'field')!.id;
    const reference = { type: 'FeatureCollection', features: [{ type: 'Feature', properties: { category: crop }, geometry: bboxPolygon(field(Q_CELL)) }] };
    await sup.click('#transfer-toggle');
    await sup.check('#import-reference');
    await sup.setInputFiles('#import-labels-file', { name: 'reference.geojson', mimeType: 'application/geo+json', buffer: Buffer.from(JSON.stringify(reference)) });
    await sup.click('#import-labels-go');
    await waitBody(sup, 'reference uploaded', { importState: 'done', importKind: 'labels' });
    expect(await sup.getAttribute('#import-labels-report .tx-summary', 'data-imported')).toBe('1');
    await sup.click('#transfer-close');
    expect(query<{ n: number }>('SELECT COUNT(*) AS n FROM reference_labels')[0]!.n).toBe(1);
  });

  /** Clicks the corners of a box (lon/lat) on the map in draw mode and waits for the save. */
  async function drawBox(page: Page, box: BBox, fields: number): Promise<void> {
    const map = (await page.locator('#map').boundingBox())!;
    const corners: [number, number][] = [[box[0], box[1]], [box[2], box[1]], [box[2], box[3]], [box[0], box[3]]];
    const px = await page.evaluate((pts) => {
      const m = (window as unknown as { __fieldmarkMap: { project(p: [number, number]): { x: number; y: number } } }).__fieldmarkMap;
      return pts.map((p) => {
        const r = m.project(p);
        return [r.x, r.y];
      });
    }, corners);
    await page.keyboard.press('a');
    for (const [x, y] of px) await page.mouse.click(map.x + x!, map.y + y!);
    await page.keyboard.press('Enter');
    await waitBody(page, `${fields} field(s) saved`, { pending: '0', fields: String(fields) });
  }

  /** N, draw, Ctrl+Enter: returns the assignment and the site the labeller was given. */
  async function mapNextTask(page: Page, box: (site: BBox) => BBox): Promise<{ assignment: number; siteId: string; cell: BBox }> {
    await page.locator('#map').click({ position: { x: 5, y: 5 } });
    const before = await page.evaluate(() => document.body.dataset['taskId'] ?? '');
    await page.keyboard.press('n');
    await page.waitForFunction((b) => document.body.dataset['editor'] === 'open' && document.body.dataset['ready'] === 'true' && (document.body.dataset['taskId'] ?? '') !== b, before, { timeout: 30_000 });
    await waitBody(page, 'the task is ready', { editor: 'open', ready: 'true', pending: '0' });
    const id = Number(await page.evaluate(() => document.body.dataset['taskId']));
    const siteId = (await page.evaluate(() => document.body.dataset['siteId'])) ?? '';
    const cell = siteId === query<{ id: string }>('SELECT id FROM sites WHERE cls = 1')[0]!.id ? Q_CELL : N_CELL;
    await drawBox(page, box(cell), 1);
    await page.keyboard.press('Control+Enter');
    // submitted, or already scored (a Q map: approved / rejected once its score is in)
    await page.waitForFunction(() => ['submitted', 'approved', 'rejected'].includes(document.body.dataset['taskStatus'] ?? ''), null, { timeout: 30_000 });
    return { assignment: id, siteId, cell };
  }

  it('two labellers sign in in their own browsers; both get the hidden Q site first, shown as Class 2, then map the Class 4 site', async () => {
    const contexts: BrowserContext[] = [];
    try {
      const pages: Record<string, Page> = {};
      for (const key of Object.keys(labellers) as (keyof typeof labellers)[]) {
        const ctx = await browser.newContext({ viewport: VIEWPORT });
        contexts.push(ctx);
        pages[key] = await ctx.newPage();
        errors[key] = watchErrors(pages[key]!);
        await signIn(pages[key]!, labellers[key].name, PASSWORD);
        expect(await pages[key]!.textContent('#user')).toBe(`${labellers[key].name} (labeller)`);
        expect(await pages[key]!.isVisible('#setup-toggle')).toBe(false);
        expect(await pages[key]!.isVisible('#quality-toggle')).toBe(false);
      }
      const qSite = query<{ id: string }>('SELECT id FROM sites WHERE cls = 1')[0]!.id;
      const nSite = query<{ id: string }>('SELECT id FROM sites WHERE cls = 4')[0]!.id;
      // Ama maps the Q site exactly, Kofi a little off; on the Class 4 site they disagree (Kofi maps another corner).
      const ama = await mapNextTask(pages['ama']!, (c) => field(c));
      const kofi = await mapNextTask(pages['kofi']!, (c) => field(c, 0.08, 0.05));
      expect([ama.siteId, kofi.siteId]).toEqual([qSite, qSite]);
      // the hidden Q site looked like any other site to them
      for (const key of ['ama', 'kofi']) {
        const token = await pages[key]!.evaluate(() => sessionStorage.getItem('fieldmark.token'));
        expect((await serve.apiAs<TaskState['site']>(token, 'getSite', qSite)).cls).toBe(2);
        await expect(serve.apiAs(token, 'listReferenceLabels', qSite)).rejects.toThrow('FORBIDDEN');
      }
      const ama2 = await mapNextTask(pages['ama']!, (c) => field(c));
      const kofi2 = await mapNextTask(pages['kofi']!, (c) => [c[0] + 0.0003, c[1] + 0.0003, c[0] + 0.0023, c[1] + 0.0023]);
      expect([ama2.siteId, kofi2.siteId]).toEqual([nSite, nSite]);
      work['ama'] = { q: ama.assignment, n: ama2.assignment };
      work['kofi'] = { q: kofi.assignment, n: kofi2.assignment };
      for (const key of ['ama', 'kofi']) expect(errors[key]!.filter((e) => !/status of 401/.test(e))).toEqual([]);
    } finally {
      for (const c of contexts) await c.close();
    }
  });

  it('the supervisor sees both labellers scored in the labeller table', async () => {
    let rows: LabellerTableRow[] = [];
    await expect.poll(async () => ((rows = await call<LabellerTableRow[]>('listLabellerTable')), rows.filter((r) => r.meanScore !== null).length), { timeout: 15_000 }).toBe(2);
    const ama = rows.find((r) => r.id === labellers.ama.id)!;
    const kofi = rows.find((r) => r.id === labellers.kofi.id)!;
    expect(ama.meanScore!).toBeGreaterThan(0.9);
    expect(kofi.meanScore!).toBeLessThan(ama.meanScore!);
    await sup.click('#quality-toggle');
    await waitBody(sup, 'quality view', { quality: 'true', qualityLoaded: 'true' });
    await sup.click('#quality-tab-labellers');
    for (const r of [ama, kofi]) {
      const row = sup.locator(`#quality-labellers tr[data-labeller-id="${r.id}"]`);
      await row.waitFor();
      expect(await row.locator('td').nth(1).textContent()).toBe(r.meanScore!.toFixed(2));
      expect(Number(await row.locator('svg.trend-chart').getAttribute('data-points'))).toBe(2);
    }
  });

  it('reviews the riskiest site, the Class 4 site the two maps disagree on: approves one map, rejects the other', async () => {
    let queue: ReviewQueueItem[] = [];
    await expect.poll(async () => ((queue = await call<ReviewQueueItem[]>('listReviewQueue', {})), queue[0]?.meanRisk ?? null), { timeout: 15_000 }).not.toBeNull();
    const top = queue[0]!;
    expect(top).toMatchObject({ kind: 'site', cls: 4 });
    expect(top.assignments.map((a) => a.id).sort()).toEqual([work['ama']!.n, work['kofi']!.n].sort());
    await sup.click('#quality-tab-review');
    await waitBody(sup, 'review queue', { qualityTab: 'review', reviewCount: String(queue.length) });
    expect(await sup.locator('#review-queue .rv-item').first().getAttribute('aria-selected')).toBe('true');
    await waitBody(sup, 'review maps', { reviewMaps: 'ready' });
    expect(await sup.locator('#review-map-right').getAttribute('data-kind')).toBe('consensus');
    for (const [a, rating] of [[work['ama']!.n, 3], [work['kofi']!.n, 0]] as const) {
      await sup.locator(`label[for="review-${a}-rating-${rating}"]`).click();
      await sup.locator(`#review-${a}-comment`).fill(rating >= 2 ? 'Boundary matches the imagery.' : 'Mapped bush, missed the field.');
      await sup.locator(`#review-${a}-save`).click();
      await waitBody(sup, `review of ${a} saved`, { reviewState: 'saved', reviewLast: `${a}:${rating >= 2 ? 'approved' : 'rejected'}` });
    }
    const status = new Map(query<{ id: number; status: string }>('SELECT id, status FROM assignments').map((r) => [r.id, r.status]));
    expect(status.get(work['ama']!.n)).toBe('approved');
    expect(status.get(work['kofi']!.n)).toBe('rejected');
    expect(query<{ n: number }>('SELECT COUNT(*) AS n FROM reviews')[0]!.n).toBe(2);
    await sup.keyboard.press('Escape');
  });

  it('exports a GeoPackage with exactly the approved work', async () => {
    await sup.click('#transfer-toggle');
    await sup.selectOption('#export-what', 'labels');
    await sup.selectOption('#export-format', 'gpkg');
    await sup.selectOption('#export-status-filter', 'approved');
    const [download] = await Promise.all([sup.waitForEvent('download', { timeout: 60_000 }), sup.click('#export-go')]);
    const file = join(dir, 'approved.gpkg');
    await download.saveAs(file);
    const approved = query<{ id: number }>("SELECT l.id FROM labels l JOIN assignments a ON a.id = l.assignment_id WHERE a.status = 'approved'");
    const approvedAssignments = query<{ id: number }>("SELECT id FROM assignments WHERE status = 'approved' ORDER BY id").map((r) => r.id);
    // Ama's two maps (her Q map scored, her Class 4 map reviewed) and Kofi's Q map (scored above the reject line)
    expect(approvedAssignments).toEqual([work['ama']!.q, work['kofi']!.q, work['ama']!.n].sort((a, b) => a - b));
    const g = new Database(file, { readonly: true });
    try {
      const table = g.prepare("SELECT table_name FROM gpkg_contents WHERE data_type = 'features'").pluck().get() as string;
      const cols = (g.prepare(`PRAGMA table_info("${table}")`).all() as { name: string }[]).map((c) => c.name);
      const col = cols.find((c) => c === 'assignment_id') ?? cols.find((c) => /assignment/.test(c))!;
      const rows = g.prepare(`SELECT "${col}" AS a FROM "${table}"`).all() as { a: number }[];
      expect(rows.length).toBe(approved.length);
      expect([...new Set(rows.map((r) => Number(r.a)))].sort((a, b) => a - b)).toEqual(approvedAssignments);
      expect(rows.map((r) => Number(r.a))).not.toContain(work['kofi']!.n);
    } finally {
      g.close();
    }
    const unexpected = errors['sup']!.filter((e) => !/status of 401/.test(e));
    expect(unexpected, JSON.stringify(unexpected)).toEqual([]);
  });
});
