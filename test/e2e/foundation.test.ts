/**
 * The renderer in headless Chromium against a real `fieldmark serve` over a generated demo:
 * site list, imagery pixels, the white site box where the cell is, false colour (key F), and a
 * second site. Any console error or page error fails the run.
 * `UPDATE_SCREENSHOT=1` also writes docs/screenshot.png.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SiteDetail, SiteSummary } from '../../src/common/api/contract';
import { hasChromium, launchBrowser, waitForBody as waitForBodyOf, watchErrors } from './helpers/browser';
import { decodePng, distinctColours, meanDifference, pixel, type Image, type Rect } from './helpers/png';
import { demoCampaign, removeDemos, ROOT, startServe, type RunningServe } from './helpers/server';

const VIEWPORT = { width: 1280, height: 800 };
const MAP_BACKGROUND: [number, number, number] = [0x0b, 0x0e, 0x12];

describe.skipIf(!hasChromium)('renderer foundation (headless Chromium + fieldmark serve)', () => {
  let serve: RunningServe;
  let browser: Browser;
  let page: Page;
  let errors: string[];
  const tileRequests: string[] = [];
  let sites: SiteSummary[];

  beforeAll(async () => {
    const [demo, b] = await Promise.all([demoCampaign({ sites: 6, seed: 7 }), launchBrowser()]);
    browser = b;
    serve = await startServe(demo.db);
    sites = await serve.api<SiteSummary[]>('listSites');
    page = await browser.newPage({ viewport: VIEWPORT, deviceScaleFactor: 1 });
    errors = watchErrors(page);
    page.on('request', (r) => {
      if (r.url().includes('/tiles/')) tileRequests.push(r.url());
    });
    page.on('requestfailed', (r) => {
      // MapLibre aborts tiles it no longer needs (bands switched); the event stream ends with the page.
      const why = r.failure()?.errorText ?? '';
      if (!r.url().includes('/api/events') && !why.includes('ERR_ABORTED')) errors.push(`request failed: ${r.url()} ${why}`);
    });
  });

  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
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

  /** Waits until `body[data-site-id]` names the site and its view's tiles are loaded. */
  async function waitForSite(id: string): Promise<void> {
    await waitForBody(`open site ${id}`, { siteId: id, ready: 'true' });
  }

  /** Screen positions (page pixels) of lon/lat points, through the map's own projection. */
  async function project(points: [number, number][]): Promise<[number, number][]> {
    const rect = await mapRect();
    const local = await page.evaluate((pts) => {
      const map = (window as unknown as { __fieldmarkMap?: { project(p: [number, number]): { x: number; y: number } } }).__fieldmarkMap;
      if (!map) throw new Error('window.__fieldmarkMap is missing: the page needs ?test=1');
      return pts.map((p) => {
        const q = map.project(p);
        return [q.x, q.y] as [number, number];
      });
    }, points);
    return local.map(([x, y]) => [x + rect.x, y + rect.y]);
  }

  function imageryColours(img: Image, rect: Rect): number {
    // The middle of the map: the context window fills it after fit, away from legend and controls.
    const inner = { x: rect.x + rect.width * 0.25, y: rect.y + rect.height * 0.2, width: rect.width * 0.5, height: rect.height * 0.6 };
    return distinctColours(img, inner, MAP_BACKGROUND);
  }

  it('lists the sites and opens the first one with imagery and its white cell box', async () => {
    expect(sites.length).toBe(6);
    await page.goto(`${serve.url.replace(/\/?(\?.*)?$/, '/')}?test=1`);
    await page.waitForSelector('#site-list .site-row');
    expect(await page.locator('#site-list .site-row').count()).toBe(sites.length);
    expect(await page.locator('body').getAttribute('data-ready')).not.toBe('true');

    const first = sites[0]!;
    await page.locator(`#site-list .site-row[data-site-id="${first.id}"]`).click();
    await waitForSite(first.id);
    expect(await page.locator('body').getAttribute('data-bands')).toBe('3,2,1');
    expect(tileRequests.some((u) => u.includes('bands=3,2,1'))).toBe(true);

    const img = await shot();
    const rect = await mapRect();
    const colours = imageryColours(img, rect);
    expect(colours, 'distinct imagery colours in the map').toBeGreaterThan(200);

    // The cell box: white pixels along every edge of the projected cell, not inside it.
    const ring = first.cell.coordinates[0]!;
    const lons = ring.map((p) => p[0]);
    const lats = ring.map((p) => p[1]);
    const [[x0, y0], [x1, y1]] = await project([
      [Math.min(...lons), Math.max(...lats)],
      [Math.max(...lons), Math.min(...lats)],
    ]) as [[number, number], [number, number]];
    expect(x1 - x0).toBeGreaterThan(100);
    expect(y1 - y0).toBeGreaterThan(100);
    const white = (x: number, y: number, r = 2): boolean => {
      for (let dy = -r; dy <= r; dy++)
        for (let dx = -r; dx <= r; dx++) {
          const [a, b, c] = pixel(img, x + dx, y + dy);
          if (a > 225 && b > 225 && c > 225) return true;
        }
      return false;
    };
    let onEdge = 0;
    let inside = 0;
    const n = 24;
    for (let i = 1; i < n; i++) {
      const t = i / n;
      const x = x0 + (x1 - x0) * t;
      const y = y0 + (y1 - y0) * t;
      for (const [ex, ey] of [
        [x, y0],
        [x, y1],
        [x0, y],
        [x1, y],
      ] as [number, number][]) {
        if (white(ex, ey)) onEdge++;
      }
      if (white(x0 + 10, y, 0)) inside++;
    }
    expect(onEdge / (4 * (n - 1)), 'share of cell-edge samples that are white').toBeGreaterThan(0.9);
    expect(inside / (n - 1), 'share of samples just inside the cell that are white').toBeLessThan(0.3);
  });

  it('switches to false colour with the F key', async () => {
    const first = sites[0]!;
    const before = await shot();
    const count = tileRequests.length;
    await page.keyboard.press('f');
    await waitForBody('false colour', { bands: '4,3,2', ready: 'true' });
    const after = await shot();
    const fresh = tileRequests.slice(count);
    expect(fresh.length).toBeGreaterThan(0);
    expect(fresh.every((u) => u.includes('bands=4,3,2'))).toBe(true);
    expect(await page.locator('#band-toggle [data-bands="false"]').getAttribute('aria-pressed')).toBe('true');
    const rect = await mapRect();
    expect(meanDifference(before, after, rect), 'mean pixel change after false colour').toBeGreaterThan(8);
    expect(imageryColours(after, rect)).toBeGreaterThan(200);
    expect(await page.locator('body').getAttribute('data-site-id')).toBe(first.id);
  });

  it('opens a second site and loads its imagery', async () => {
    const second = sites[1]!;
    const detail = await serve.api<SiteDetail>('getSite', second.id);
    const count = tileRequests.length;
    await page.locator(`#site-list .site-row[data-site-id="${second.id}"]`).click();
    await waitForSite(second.id);
    expect(await page.locator('#site-list .site-row[aria-selected="true"]').getAttribute('data-site-id')).toBe(second.id);
    const fresh = tileRequests.slice(count);
    if (detail.scenes.length > 0) {
      expect(fresh.some((u) => detail.scenes.some((s) => u.includes(`/tiles/${encodeURIComponent(s.id)}/`)))).toBe(true);
      expect(imageryColours(await shot(), await mapRect())).toBeGreaterThan(200);
    }
    // Arrow keys move through the list.
    await page.keyboard.press('ArrowDown');
    await waitForSite(sites[2]!.id);
  });

  it('raised no console errors, page errors or banners', async () => {
    if (process.env['UPDATE_SCREENSHOT'] === '1') {
      // The README picture: true colour, the site with the most labellers.
      const best = [...sites].sort((a, b) => b.assignmentCount - a.assignmentCount)[0]!;
      await page.keyboard.press('f');
      await waitForBody('true colour', { bands: '3,2,1' });
      await page.locator(`#site-list .site-row[data-site-id="${best.id}"]`).click();
      await waitForSite(best.id);
      await page.mouse.move(VIEWPORT.width * 0.6, VIEWPORT.height * 0.45);
      mkdirSync(join(ROOT, 'docs'), { recursive: true });
      writeFileSync(join(ROOT, 'docs', 'screenshot.png'), await page.screenshot({ type: 'png' }));
    }
    expect(await page.locator('.banner').allTextContents()).toEqual([]);
    expect(errors).toEqual([]);
  });
});
