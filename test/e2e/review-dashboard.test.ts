/**
 * The supervisor review dashboard in headless Chromium against a real `fieldmark serve` over a
 * demo campaign that `fieldmark score --db` and `fieldmark consensus --db` have run on: the
 * Labellers table's trend chart (one step per finished task, a dot per Class 1 score), the Sites
 * table's class / state filters (against `listSiteTable`), the review queue in the API's risk
 * order, the riskiest item in two synchronised maps that both draw imagery, a rating of 3 with a
 * comment saved through the rubric form (review stored, queue drops the map, labeller table
 * counts it), and the keyboard path (j to walk, 3, Enter) approving a submitted Class 2 map,
 * which is shown alone with a note. Any console or page error fails the run.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LabelCollection, LabellerTableRow, ReferenceCollection, ReviewQueueItem, ReviewRecord, SiteDetail, SiteTableRow } from '../../src/common/api/contract';
import { hasChromium, launchBrowser, waitForBody as waitForBodyOf, watchErrors } from './helpers/browser';
import { decodePng, distinctColours, type Rect } from './helpers/png';
import { demoCampaign, removeDemos, ROOT, startServe, type RunningServe } from './helpers/server';

const run = promisify(execFile);
const VIEWPORT = { width: 1280, height: 800 };
const BACKGROUND: [number, number, number] = [0x0b, 0x0e, 0x12];

type MapHook = { getCenter(): { lng: number; lat: number }; getZoom(): number; jumpTo(o: { center: [number, number]; zoom: number }): void };

const key = (i: ReviewQueueItem) => (i.kind === 'site' ? `site:${i.siteId}` : `assignment:${i.assignments[0]!.id}`);

describe.skipIf(!hasChromium)('supervisor review dashboard (headless Chromium + fieldmark serve)', () => {
  let serve: RunningServe;
  let browser: Browser;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    const [demo, b] = await Promise.all([demoCampaign({ sites: 16, seed: 7 }), launchBrowser()]);
    browser = b;
    const cli = join(ROOT, 'bin', 'fieldmark.js');
    await run(process.execPath, [cli, 'score', '--db', demo.db], { cwd: ROOT });
    await run(process.execPath, [cli, 'consensus', '--db', demo.db], { cwd: ROOT });
    serve = await startServe(demo.db);
    page = await browser.newPage({ viewport: VIEWPORT, deviceScaleFactor: 1 });
    errors = watchErrors(page);
    page.on('requestfailed', (r) => {
      const why = r.failure()?.errorText ?? '';
      if (!r.url().includes('/api/events') && !why.includes('ERR_ABORTED')) errors.push(`request failed: ${r.url()} ${why}`);
    });
    await page.goto(`${serve.url.replace(/\/?(\?.*)?$/, '/')}?test=1`);
    await waitForBody('app loaded', { sitesLoaded: 'true' });
  });

  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
    removeDemos();
  });

  const waitForBody = (what: string, want: Record<string, string>) => waitForBodyOf(page, errors, what, want);

  async function openQuality(tab: 'sites' | 'labellers' | 'review'): Promise<void> {
    if ((await page.locator('body').getAttribute('data-quality')) !== 'true') {
      await page.locator('#quality-toggle').click();
      await waitForBody('quality view', { quality: 'true', qualityLoaded: 'true' });
    }
    await page.locator(`#quality-tab-${tab}`).click();
    await waitForBody(`${tab} tab`, { qualityTab: tab });
  }

  it('draws each labeller a trend chart: one step per finished task, a dot per Class 1 score', async () => {
    const rows = await serve.api<LabellerTableRow[]>('listLabellerTable');
    await openQuality('labellers');
    expect(await page.locator('#quality-labellers tbody tr[data-labeller-id]').count()).toBe(rows.length);
    for (const l of rows) {
      const chart = page.locator(`#quality-labellers tr[data-labeller-id="${l.id}"] svg.trend-chart`);
      const scores = l.trend.filter((p) => p.score !== null).length;
      expect(Number(await chart.getAttribute('data-points'))).toBe(l.trend.length);
      expect(await chart.locator('circle.tc-score').count(), `${l.id}: Class 1 dots`).toBe(scores);
      expect(await chart.locator('line.tc-return').count()).toBe(l.trend.filter((p) => p.returned).length);
      const d = (await chart.locator('path.tc-line').getAttribute('d')) ?? '';
      expect(d.match(/[ML]/g)?.length ?? 0, `${l.id}: one vertex per defined running quality`).toBe(l.trend.filter((p) => p.runningQuality !== null).length);
    }
    const busiest = [...rows].sort((a, b) => b.trend.length - a.trend.length)[0]!;
    expect(busiest.trend.filter((p) => p.score !== null).length).toBeGreaterThan(2);
    expect(await page.locator(`#quality-labellers tr[data-labeller-id="${busiest.id}"] td`).nth(1).textContent()).toBe(busiest.meanScore!.toFixed(2));
  });

  it('filters the site table by class and state, and opens a site on the map', async () => {
    const all = await serve.api<SiteTableRow[]>('listSiteTable');
    const class4 = await serve.api<SiteTableRow[]>('listSiteTable', { cls: 4 });
    const qc = all.filter((r) => r.state === 'quality_control');
    expect(class4.length).toBeGreaterThan(0);
    expect(qc.length).toBeGreaterThan(0);
    await openQuality('sites');
    const rows = page.locator('#quality-sites tbody tr');
    expect(await rows.count()).toBe(all.length);
    await page.locator('#site-filter-class').selectOption('4');
    await page.waitForFunction((n) => document.querySelectorAll('#quality-sites tbody tr').length === n && document.body.dataset['siteTable'] === 'ready', class4.length);
    expect(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-cls')))).toEqual(class4.map(() => '4'));
    await page.locator('#site-filter-class').selectOption('');
    await page.locator('#site-filter-state').selectOption('quality_control');
    await page.waitForFunction((n) => document.querySelectorAll('#quality-sites tbody tr').length === n && document.body.dataset['siteTable'] === 'ready', qc.length);
    expect((await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-site-id')))).sort()).toEqual(qc.map((r) => r.id).sort());
    const target = qc[0]!;
    expect(await page.locator(`#quality-sites tr[data-site-id="${target.id}"] td`).nth(3).textContent()).toBe(`${target.counted} / ${target.needed}`);
    await page.locator(`#quality-sites tr[data-site-id="${target.id}"]`).click();
    await waitForBody('site opened from the table', { quality: 'false', siteId: target.id });
    await page.locator('#quality-toggle').click();
    await waitForBody('quality again', { quality: 'true', qualityLoaded: 'true' });
    await page.locator('#site-filter-state').selectOption('');
    await page.waitForFunction((n) => document.querySelectorAll('#quality-sites tbody tr').length === n, all.length);
  });

  let queue: ReviewQueueItem[];

  it('lists the review queue riskiest first, as the API orders it', async () => {
    queue = await serve.api<ReviewQueueItem[]>('listReviewQueue', {});
    expect(queue.length).toBeGreaterThan(3);
    await openQuality('review');
    await waitForBody('review queue', { reviewCount: String(queue.length), reviewItem: key(queue[0]!) });
    const shown = await page.locator('#review-queue .rv-item').evaluateAll((els) => els.map((e) => ({ key: e.getAttribute('data-key'), risk: Number(e.getAttribute('data-risk')) })));
    expect(shown.map((s) => s.key)).toEqual(queue.map(key));
    for (let i = 1; i < shown.length; i++) expect(shown[i]!.risk).toBeLessThanOrEqual(shown[i - 1]!.risk);
    expect(await page.locator('#review-queue .rv-item').first().getAttribute('aria-selected')).toBe('true');
  });

  it('shows the riskiest map and its reference in two synchronised maps that both draw', async () => {
    const top = queue[0]!;
    const a = top.assignments[0]!;
    await waitForBody('maps ready', { reviewMaps: 'ready' });
    const [labels, ref] = await Promise.all([serve.api<LabelCollection>('listLabels', top.siteId, { assignmentId: a.id }), top.cls === 1 ? serve.api<ReferenceCollection>('listReferenceLabels', top.siteId) : Promise.resolve(null)]);
    expect(await page.locator('#review-map-left').getAttribute('data-features')).toBe(String(labels.features.length));
    if (ref) {
      expect(await page.locator('#review-map-right').getAttribute('data-kind')).toBe('reference');
      expect(await page.locator('#review-map-right').getAttribute('data-features')).toBe(String(ref.features.length));
    }
    const img = decodePng(await page.screenshot({ type: 'png' }));
    for (const side of ['left', 'right']) {
      const box = (await page.locator(`#review-map-${side}`).boundingBox()) as Rect;
      expect(box.width).toBeGreaterThan(150);
      const inner: Rect = { x: box.x + box.width * 0.15, y: box.y + box.height * 0.2, width: box.width * 0.7, height: box.height * 0.6 };
      expect(distinctColours(img, inner, BACKGROUND), `${side} map draws imagery`).toBeGreaterThan(40);
    }
    // pan and zoom the left map: the right one follows
    const moved = await page.evaluate(() => {
      const [l, r] = (window as unknown as { __fieldmarkReviewMaps: MapHook[] }).__fieldmarkReviewMaps;
      const c = l!.getCenter();
      l!.jumpTo({ center: [c.lng + 0.001, c.lat - 0.0005], zoom: l!.getZoom() + 0.5 });
      const lc = l!.getCenter();
      const rc = r!.getCenter();
      return { dl: Math.abs(lc.lng - rc.lng) + Math.abs(lc.lat - rc.lat), dz: Math.abs(l!.getZoom() - r!.getZoom()), shift: Math.abs(lc.lng - c.lng) };
    });
    expect(moved.shift).toBeGreaterThan(0.0009);
    expect(moved.dl).toBeLessThan(1e-9);
    expect(moved.dz).toBeLessThan(1e-9);
  });

  it('rates the riskiest map 3 with a comment: stored, approved, gone from the queue, counted for the labeller', async () => {
    const top = queue[0]!;
    const a = top.assignments[0]!;
    await page.locator(`label[for="review-${a.id}-rating-3"]`).click();
    expect(await page.locator(`#review-${a.id}-save`).textContent()).toMatch(/^Approve/);
    await page.locator(`#review-${a.id}-comment`).fill('Good map; two small fields missed in the north-east.');
    await page.locator(`#review-${a.id}-save`).click();
    await waitForBody('review saved', { reviewState: 'saved', reviewLast: `${a.id}:approved`, reviewCount: String(queue.length - 1) });
    const reviews = await serve.api<ReviewRecord[]>('listReviews', { assignmentId: a.id });
    expect(reviews).toHaveLength(1);
    expect(reviews[0]).toMatchObject({ rating: 3, pass: true, comment: 'Good map; two small fields missed in the north-east.' });
    const site = await serve.api<SiteDetail>('getSite', top.siteId);
    expect(site.assignments.find((x) => x.id === a.id)?.status).toBe('approved');
    const after = await serve.api<ReviewQueueItem[]>('listReviewQueue', {});
    expect(after.map(key)).not.toContain(key(top));
    // the next riskiest is selected, and the queue on screen is the API's
    await waitForBody('next item', { reviewItem: key(after[0]!) });
    expect(await page.locator('#review-queue .rv-item').evaluateAll((els) => els.map((e) => e.getAttribute('data-key')))).toEqual(after.map(key));
    // "include reviewed" brings it back, marked
    await page.locator('#review-include-reviewed').check();
    await waitForBody('with reviewed', { reviewCount: String(queue.length) });
    expect(await page.locator(`#review-queue .rv-item[data-key="${key(top)}"]`).getAttribute('class')).toContain('is-reviewed');
    await page.locator('#review-include-reviewed').uncheck();
    await waitForBody('without reviewed', { reviewCount: String(queue.length - 1) });
    // the labeller table counts the review
    await openQuality('labellers');
    await page.waitForFunction((id) => document.querySelector(`#quality-labellers tr[data-labeller-id="${id}"] td:nth-child(7)`)?.textContent === '1/1 (100 %)', a.labellerId, { timeout: 15_000 });
  });

  it('walks the queue with j, rates with 3 and saves with Enter: a submitted Class 2 map is approved', async () => {
    await openQuality('review');
    const now = await serve.api<ReviewQueueItem[]>('listReviewQueue', {});
    await waitForBody('queue', { reviewCount: String(now.length), reviewItem: key(now[0]!), reviewMaps: 'ready' });
    const target = now.findIndex((i) => i.cls === 2 && i.assignments[0]!.status === 'submitted');
    expect(target).toBeGreaterThan(0);
    const item = now[target]!;
    const a = item.assignments[0]!;
    await page.locator('#review-queue .rv-item').first().focus();
    for (let i = 0; i < target; i++) await page.keyboard.press('j');
    await waitForBody('walked to the Class 2 map', { reviewItem: key(item), reviewMaps: 'ready' });
    // no reference, no consensus: the labeller's map alone, with a note
    expect(await page.locator('#review-map-right').isHidden()).toBe(true);
    expect(await page.locator('#review-note').textContent()).toMatch(/Class 2/);
    await page.keyboard.press('3');
    expect(await page.locator(`#review-${a.id}`).getAttribute('data-rating')).toBe('3');
    expect(await page.locator(`#review-${a.id}-rating-3`).isChecked()).toBe(true);
    await page.keyboard.press('Enter');
    await waitForBody('saved by keyboard', { reviewState: 'saved', reviewLast: `${a.id}:approved`, reviewCount: String(now.length - 1) });
    const site = await serve.api<SiteDetail>('getSite', item.siteId);
    expect(site.assignments.find((x) => x.id === a.id)?.status).toBe('approved');
    // keys stay in the overlay: ']' (the app's next date) does not change the site under it
    const scene = await page.locator('body').getAttribute('data-scene-id');
    expect(scene).toBeTruthy();
    await page.locator('#review-queue .rv-item[aria-selected="true"]').focus();
    await page.keyboard.press(']');
    await page.waitForTimeout(300);
    expect(await page.locator('body').getAttribute('data-scene-id')).toBe(scene);
    await page.keyboard.press('Escape');
    await waitForBody('closed', { quality: 'false' });
  });

  it('raised no console errors, page errors or banners', async () => {
    expect(await page.locator('.banner').allTextContents()).toEqual([]);
    expect(errors).toEqual([]);
  });
});
