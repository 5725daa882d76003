/**
 * Label quality and multi-date comparison in headless Chromium against a real `fieldmark serve`
 * over a demo campaign that `fieldmark score --db` and `fieldmark consensus --db` have run on:
 * the risk map of a Class 4 site drawn over the imagery (red pixels), the Quality tables sorted
 * by risk (first row = the API's riskiest site), a swipe dragged with the real mouse (left of the
 * divider date A, right of it date B), flicker (key B flips body[data-scene-id] with no new tile
 * requests), the stretch kept in step across both dates, and NDVI (tile requests carry
 * mode=ndvi), and a labeller's feedback on their scored Class 1 map (and no question about any
 * other work). Any console error or page error fails the run.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SiteDetail, SiteRisk, SiteSummary } from '../../src/common/api/contract';
import { hasChromium, launchBrowser, waitForBody as waitForBodyOf, watchErrors } from './helpers/browser';
import { decodePng, meanDifference, pixel, type Image, type Rect } from './helpers/png';
import { demoCampaign, removeDemos, ROOT, startServe, type RunningServe } from './helpers/server';
import { hashToken } from '../../src/node/store/campaign.repo';
import { openDatabase } from '../../src/node/store/database';

const run = promisify(execFile);
const VIEWPORT = { width: 1280, height: 800 };

type MapHook = {
  project(p: [number, number]): { x: number; y: number };
  getSource(id: string): unknown;
  isSourceLoaded(id: string): boolean;
  areTilesLoaded(): boolean;
};

describe.skipIf(!hasChromium)('quality and date comparison (headless Chromium + fieldmark serve)', () => {
  let serve: RunningServe;
  let browser: Browser;
  let page: Page;
  let errors: string[];
  const tileRequests: string[] = [];
  const riskResponses: number[] = [];
  let risks: SiteRisk[];
  let sites: SiteSummary[];
  let dbPath: string;
  let secured: RunningServe;
  let labeller: { row: { labeller: string; q: number; qSite: string; score: number; other: string | null }; token: string };

  beforeAll(async () => {
    const [demo, b] = await Promise.all([demoCampaign({ sites: 16, seed: 7 }), launchBrowser()]);
    browser = b;
    dbPath = demo.db;
    const cli = join(ROOT, 'bin', 'fieldmark.js');
    await run(process.execPath, [cli, 'score', '--db', demo.db], { cwd: ROOT });
    await run(process.execPath, [cli, 'consensus', '--db', demo.db], { cwd: ROOT });
    // A labeller with a token (for the feedback test), on a second server that needs one.
    const d = openDatabase(dbPath, { create: false });
    const row = d
      .prepare(
        `SELECT a.labeller_id AS labeller, a.id AS q, a.site_id AS qSite, sc.score AS score,
                (SELECT b.site_id FROM assignments b JOIN sites t ON t.id = b.site_id WHERE b.labeller_id = a.labeller_id AND t.cls <> 1 AND b.status = 'submitted' LIMIT 1) AS other
           FROM assignments a JOIN sites s ON s.id = a.site_id JOIN scores sc ON sc.assignment_id = a.id
          WHERE s.cls = 1 ORDER BY other IS NULL, a.id LIMIT 1`,
      )
      .get() as { labeller: string; q: number; qSite: string; score: number; other: string | null };
    const token = `e2e-labeller-token-${row.labeller}-0123456789`;
    d.prepare('UPDATE labellers SET token_hash = ? WHERE id = ?').run(hashToken(token), row.labeller);
    d.close();
    labeller = { row, token };
    [serve, secured] = await Promise.all([startServe(demo.db), startServe(demo.db, 30_000, ['--host', '127.0.0.1'])]);
    sites = await serve.api<SiteSummary[]>('listSites');
    risks = await serve.api<SiteRisk[]>('listSiteRisk', { method: 'bayes' });
    page = await browser.newPage({ viewport: VIEWPORT, deviceScaleFactor: 1 });
    errors = watchErrors(page);
    page.on('request', (r) => {
      if (r.url().includes('/tiles/')) tileRequests.push(r.url());
    });
    page.on('response', (r) => {
      if (r.url().includes('/risk/')) riskResponses.push(r.status());
    });
    page.on('requestfailed', (r) => {
      const why = r.failure()?.errorText ?? '';
      if (!r.url().includes('/api/events') && !why.includes('ERR_ABORTED')) errors.push(`request failed: ${r.url()} ${why}`);
    });
  });

  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
    await secured?.stop();
    removeDemos();
  });

  async function mapRect(): Promise<Rect> {
    const box = await page.locator('#map').boundingBox();
    if (!box) throw new Error('#map has no box');
    return box;
  }

  async function shot(): Promise<Image> {
    return decodePng(await page.screenshot({ type: 'png' }));
  }

  const waitForBody = (what: string, want: Record<string, string>) => waitForBodyOf(page, errors, what, want);

  /** Two animation frames: the map has drawn what the last change asked for. */
  async function frames(): Promise<void> {
    await page.evaluate(() => new Promise<void>((r) => requestAnimationFrame(() => requestAnimationFrame(() => r()))));
  }

  /** Page pixels of the site cell's bounding box. */
  async function cellRect(site: SiteSummary): Promise<Rect> {
    const ring = site.cell.coordinates[0]!;
    const lons = ring.map((p) => p[0]);
    const lats = ring.map((p) => p[1]);
    const rect = await mapRect();
    const [a, b] = await page.evaluate(
      (pts) => {
        const map = (window as unknown as { __fieldmarkMap: MapHook }).__fieldmarkMap;
        return pts.map((p) => map.project(p)).map((q) => [q.x, q.y]);
      },
      [
        [Math.min(...lons), Math.max(...lats)],
        [Math.max(...lons), Math.min(...lats)],
      ] as [number, number][],
    );
    return { x: rect.x + a![0]! + 4, y: rect.y + a![1]! + 4, width: b![0]! - a![0]! - 8, height: b![1]! - a![1]! - 8 };
  }

  /** Strongly red pixels: the risk ramp (r = 1/3 is about 240, 40, 0), not soil, not the outlines. */
  function redPixels(img: Image, r: Rect): number {
    let n = 0;
    for (let y = Math.ceil(r.y); y < r.y + r.height; y += 2) {
      for (let x = Math.ceil(r.x); x < r.x + r.width; x += 2) {
        const [cr, cg, cb] = pixel(img, x, y);
        if (cr > 150 && cg < 90 && cb < 90 && cr - cg > 100) n++;
      }
    }
    return n;
  }

  it('draws the risk map of a Class 4 site over the imagery', async () => {
    expect(risks.length).toBeGreaterThan(0);
    const riskiest = risks[0]!;
    const site = sites.find((s) => s.id === riskiest.siteId)!;
    expect(site.cls).toBe(4);
    await page.goto(`${serve.url.replace(/\/?(\?.*)?$/, '/')}?test=1#site=${site.id}`);
    await waitForBody('open the Class 4 site', { siteId: site.id, ready: 'true', consensusSite: site.id });
    await page.waitForSelector('#risk-toggle');
    await page.keyboard.press('l'); // labels off: imagery, consensus outlines and the risk only
    await frames();
    const cell = await cellRect(site);
    const before = await shot();
    await page.locator('#risk-toggle').check();
    await waitForBody('risk on', { risk: 'on' });
    await page.waitForFunction(() => {
      const map = (window as unknown as { __fieldmarkMap: MapHook }).__fieldmarkMap;
      return !!map.getSource('qa-risk') && map.isSourceLoaded('qa-risk') && map.areTilesLoaded();
    });
    await frames();
    const after = await shot();
    expect(riskResponses.length).toBeGreaterThan(0);
    expect(riskResponses.every((s) => s === 200)).toBe(true);
    const redBefore = redPixels(before, cell);
    const redAfter = redPixels(after, cell);
    expect(redAfter - redBefore, `red pixels in the cell: ${redBefore} -> ${redAfter}`).toBeGreaterThan(150);
    // the figures of the panel are the API's
    expect(await page.locator('#consensus-mean-risk').textContent()).toBe(riskiest.meanRisk.toFixed(3));
    await page.locator('#risk-toggle').uncheck();
    await waitForBody('risk off', { risk: 'off' });
  });

  it('lists sites by risk and labellers by score in the Quality view', async () => {
    await page.locator('#quality-toggle').click();
    await waitForBody('quality view', { quality: 'true', qualityLoaded: 'true' });
    const rows = page.locator('#quality-sites tbody tr');
    expect(await rows.count()).toBe(sites.length);
    await page.locator('#quality-sites th[data-key="meanRisk"]').click();
    expect(await page.locator('#quality-sites th[data-key="meanRisk"]').getAttribute('aria-sort')).toBe('descending');
    expect(await rows.first().getAttribute('data-site-id')).toBe(risks[0]!.siteId);
    const shown = await page.locator('#quality-sites tbody tr').evaluateAll((trs) => trs.slice(0, 3).map((tr) => tr.getAttribute('data-site-id')));
    expect(shown).toEqual(risks.slice(0, 3).map((r) => r.siteId));

    await page.locator('#quality-tab-labellers').click();
    const labellers = await serve.api<{ id: string; meanScore: number | null }[]>('listLabellerQuality');
    await page.locator('#quality-labellers th[data-key="meanScore"]').click();
    const top = Math.max(...labellers.map((l) => l.meanScore ?? -1));
    const firstId = await page.locator('#quality-labellers tbody tr').first().getAttribute('data-labeller-id');
    expect(labellers.find((l) => l.id === firstId)?.meanScore).toBe(top);
    await page.keyboard.press('Escape');
    await waitForBody('quality closed', { quality: 'false' });
  });

  it('swipes between two dates with the divider dragged by the mouse', async () => {
    // A site with two dates, without consensus overlays (labels stay hidden).
    const candidates = sites.filter((s) => s.cls !== 4 && s.sceneCount >= 2);
    const site = candidates[0]!;
    const detail = await serve.api<SiteDetail>('getSite', site.id);
    const [a, b] = detail.scenes;
    await page.locator(`#site-list .site-row[data-site-id="${site.id}"]`).click();
    await waitForBody('open the two-date site', { siteId: site.id, ready: 'true', sceneId: a!.id });
    await frames();
    const shotA = await shot();
    await page.locator(`#date-picker [data-scene-id="${b!.id}"]`).click();
    await waitForBody('date B', { sceneId: b!.id, ready: 'true' });
    await frames();
    const shotB = await shot();
    await page.locator(`#date-picker [data-scene-id="${a!.id}"]`).click();
    await waitForBody('date A again', { sceneId: a!.id, sceneB: b!.id, ready: 'true' });

    await page.locator('#compare-swipe').click();
    await waitForBody('swipe on', { compare: 'swipe', ready: 'true' });
    const rect = await mapRect();
    const handle = await page.locator('#swipe-divider .swipe-handle').boundingBox();
    expect(handle).not.toBeNull();
    const target = rect.x + rect.width * 0.3;
    await page.mouse.move(handle!.x + handle!.width / 2, handle!.y + handle!.height / 2);
    await page.mouse.down();
    await page.mouse.move(target, handle!.y + handle!.height / 2, { steps: 8 });
    await page.mouse.up();
    const pos = Number(await page.locator('body').getAttribute('data-swipe'));
    expect(pos).toBeGreaterThan(0.28);
    expect(pos).toBeLessThan(0.32);
    await frames();
    const swiped = await shot();
    const band = (x0: number, x1: number): Rect => ({ x: rect.x + rect.width * x0, y: rect.y + rect.height * 0.12, width: rect.width * (x1 - x0), height: rect.height * 0.58 });
    const left = band(0.04, 0.26);
    const right = band(0.36, 0.9);
    // the two dates differ there, and each side of the divider is its own date
    expect(meanDifference(shotA, shotB, left)).toBeGreaterThan(8);
    expect(meanDifference(shotA, shotB, right)).toBeGreaterThan(8);
    expect(meanDifference(swiped, shotA, left), 'left of the divider = date A').toBeLessThan(2);
    expect(meanDifference(swiped, shotB, right), 'right of the divider = date B').toBeLessThan(2);
  });

  it('flickers between the dates with key B, with no new tiles, and keeps the stretch in step', async () => {
    const site = await serve.api<SiteDetail>('getSite', (await page.locator('body').getAttribute('data-site-id'))!);
    const [a, b] = site.scenes;
    await page.locator('#compare-flicker').click();
    await waitForBody('flicker on', { compare: 'flicker', sceneId: a!.id, sceneB: b!.id, ready: 'true' });
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    const count = tileRequests.length;
    await page.keyboard.press('b');
    await waitForBody('flick to B', { sceneId: b!.id, sceneB: a!.id, ready: 'true' });
    await page.keyboard.press('b');
    await waitForBody('flick back to A', { sceneId: a!.id, ready: 'true' });
    expect(tileRequests.slice(count), 'a flip loads no tiles: both dates are kept loaded').toEqual([]);

    // One stretch for both dates.
    await page.locator('#image-toggle').click();
    const before = tileRequests.length;
    await page.locator('#image-stretch').selectOption('1,99');
    await waitForBody('stretch 1-99', { ready: 'true' });
    const fresh = tileRequests.slice(before);
    for (const s of [a!, b!]) expect(fresh.some((u) => u.includes(`/tiles/${encodeURIComponent(s.id)}/`) && u.includes('stretch=1,99')), `${s.id} at 1-99`).toBe(true);
  });

  it('switches to NDVI: the tile requests carry mode=ndvi', async () => {
    const before = tileRequests.length;
    await page.locator('#band-toggle [data-bands="ndvi"]').click();
    await waitForBody('ndvi', { bands: 'ndvi', ready: 'true' });
    const fresh = tileRequests.slice(before);
    expect(fresh.length).toBeGreaterThan(0);
    expect(fresh.every((u) => u.includes('mode=ndvi'))).toBe(true);
    expect(await page.locator('#sb-bands').textContent()).toBe('ndvi');
  });

  it('shows a labeller their Class 1 map against the reference, and asks about nothing else', async () => {
    const { row, token } = labeller;
    const lab = await browser.newPage({ viewport: VIEWPORT, deviceScaleFactor: 1 });
    const labErrors = watchErrors(lab);
    const asked: string[] = [];
    lab.on('request', (r) => {
      const m = /\/api\/(\w+)$/.exec(new URL(r.url()).pathname);
      if (m) asked.push(m[1]!);
    });
    try {
      await lab.goto(`${secured.origin}/?test=1&token=${token}#site=${row.qSite}`);
      await lab.waitForFunction((id) => document.body.dataset['feedback'] === id, String(row.q), { timeout: 30_000 });
      expect(await lab.locator('#feedback-score').textContent()).toBe(row.score.toFixed(2));
      expect(await lab.locator('#feedback-scores dt').count()).toBeGreaterThan(8);
      expect(await lab.locator('#quality-toggle').isHidden()).toBe(true);
      if (row.other) {
        await lab.locator(`#site-list .site-row[data-site-id="${row.other}"]`).click();
        await lab.waitForFunction((id) => document.body.dataset['siteId'] === id && document.body.dataset['feedback'] === 'none', row.other, { timeout: 30_000 });
      }
      expect(asked.filter((m) => m === 'getMyFeedback')).toHaveLength(1);
      expect(labErrors).toEqual([]);
    } finally {
      await lab.close();
    }
  });

  it('raised no console errors, page errors or banners', async () => {
    expect(await page.locator('.banner').allTextContents()).toEqual([]);
    expect(errors).toEqual([]);
  });
});
