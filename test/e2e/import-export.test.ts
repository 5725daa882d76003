/**
 * Import and export in the UI (renderer/transfer/) in headless Chromium against a real
 * `fieldmark serve` over the demo campaign: a supervisor (the local admin) opens Import / Export,
 * uploads a small GeoJSON through the file input (one field on a site, one far away: the report
 * counts one imported, one skipped with its reason), sees a refused reference import as a
 * one-line error, then downloads the labels as a GeoPackage and reads it with better-sqlite3
 * (as many features as the database has labels; with status=approved, as many as approved).
 * A labeller (token, network mode) never sees the button. Any other console error fails the run.
 */
import Database from 'better-sqlite3';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LabellerSummary, SiteDetail, SiteSummary } from '../../src/common/api/contract';
import { bboxPolygon } from '../../src/common/geo/geojson';
import { trueField } from '../../src/node/bench/serve-campaign-gen';
import { hashToken } from '../../src/node/store/campaign.repo';
import { openDatabase } from '../../src/node/store/database';
import { hasChromium, launchBrowser, watchErrors } from './helpers/browser';
import { demoCampaign, removeDemos, startServe, type RunningServe } from './helpers/server';

describe.skipIf(!hasChromium)('import and export in the UI (headless Chromium + fieldmark serve)', () => {
  let serve: RunningServe;
  let browser: Browser;
  let page: Page;
  let errors: string[];
  let dbPath: string;

  const count = (sql: string): number => {
    const d = new Database(dbPath, { readonly: true });
    try {
      return d.prepare(sql).pluck().get() as number;
    } finally {
      d.close();
    }
  };

  beforeAll(async () => {
    const [demo, b] = await Promise.all([demoCampaign({ sites: 6, seed: 7 }), launchBrowser()]);
    browser = b;
    dbPath = demo.db;
    serve = await startServe(demo.db);
    page = await browser.newPage({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1, acceptDownloads: true });
    errors = watchErrors(page);
    await page.goto(`${serve.url.replace(/\/?(\?.*)?$/, '/')}?test=1`);
    await page.waitForFunction(() => document.body.dataset['sitesLoaded'] === 'true', null, { timeout: 30_000 });
  });

  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
    removeDemos();
  });

  it('imports a GeoJSON through the panel and shows the report', async () => {
    await page.locator('#transfer-toggle').click();
    await page.waitForFunction(() => document.body.dataset['transfer'] === 'true');
    const sites = await serve.api<SiteSummary[]>('listSites');
    const site = await serve.api<SiteDetail>('getSite', sites.find((s) => s.cls === 2)!.id);
    const labeller = (await serve.api<LabellerSummary[]>('listLabellers')).find((l) => l.role === 'labeller')!;
    // the labellers list arrives with the panel
    await page.waitForFunction((id) => [...document.querySelectorAll('#import-labeller option')].some((o) => (o as HTMLOptionElement).value === id), labeller.id);
    await page.selectOption('#import-labeller', labeller.id);
    const far: [number, number, number, number] = [site.bbox[0] + 20, site.bbox[1] + 20, site.bbox[2] + 20, site.bbox[3] + 20];
    const geojson = {
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', id: 'mine', properties: {}, geometry: bboxPolygon(trueField(site.bbox)) },
        { type: 'Feature', id: 'far-away', properties: {}, geometry: bboxPolygon(far) },
      ],
    };
    const before = count('SELECT count(*) FROM labels');
    await page.setInputFiles('#import-labels-file', { name: 'e2e fields.geojson', mimeType: 'application/geo+json', buffer: Buffer.from(JSON.stringify(geojson)) });
    await expect.poll(() => page.locator('#import-labels-go').isDisabled()).toBe(false);
    await page.locator('#import-labels-go').click();
    await page.waitForFunction(() => document.body.dataset['importState'] === 'done' || document.body.dataset['importState'] === 'error', null, { timeout: 30_000 });
    expect(await page.locator('#import-labels-status').textContent()).toBe('e2e fields.geojson: done.');
    const summary = page.locator('#import-labels-report .tx-summary');
    expect(await summary.getAttribute('data-imported')).toBe('1');
    expect(await summary.getAttribute('data-skipped')).toBe('1');
    expect(await summary.textContent()).toMatch(/^Imported 1 label on 1 site.*skipped 1/);
    expect(await page.locator('#import-skipped li').allTextContents()).toEqual([expect.stringMatching(/far-away.*touches no site of the campaign/)]);
    expect(count('SELECT count(*) FROM labels')).toBe(before + 1);
    expect(count("SELECT count(*) FROM edit_log WHERE assignment_id IS NULL AND json_extract(command, '$.file') = 'e2e fields.geojson'")).toBe(1);
  });

  it('shows a refused import as one line in the panel and the banner, nothing imported', async () => {
    const before = count('SELECT count(*) FROM reference_labels');
    await page.locator('#import-reference').check();
    await page.setInputFiles('#import-labels-file', { name: 'nothing.geojson', mimeType: 'application/geo+json', buffer: Buffer.from('{"type":"FeatureCollection","features":[]}') });
    await page.locator('#import-labels-go').click();
    await page.waitForFunction(() => document.body.dataset['importState'] === 'error', null, { timeout: 30_000 });
    const status = await page.locator('#import-labels-status').textContent();
    expect(status).toBe('nothing.geojson: holds no features');
    expect(await page.locator('.banner[data-message="nothing.geojson: holds no features"]').count()).toBe(1);
    expect(await page.locator('#import-labels-report').textContent()).toBe('');
    expect(count('SELECT count(*) FROM reference_labels')).toBe(before);
    // the browser logs the 422 answer itself; nothing else may have gone wrong
    errors.splice(0, errors.length, ...errors.filter((e) => !/status of 422/.test(e)));
    await page.locator('#import-reference').uncheck();
  });

  it('downloads the labels as a GeoPackage with every label, and only the approved ones when asked', async () => {
    const features = async (status: string): Promise<{ n: number; name: string }> => {
      await page.selectOption('#export-what', 'labels');
      await page.selectOption('#export-format', 'gpkg');
      await page.selectOption('#export-status-filter', status);
      const [download] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), page.locator('#export-go').click()]);
      const file = await download.path();
      await page.waitForFunction(() => document.body.dataset['exportState'] === 'done');
      const g = new Database(file, { readonly: true });
      try {
        const table = g.prepare("SELECT table_name FROM gpkg_contents WHERE data_type = 'features'").pluck().get() as string;
        return { n: g.prepare(`SELECT count(*) FROM "${table}"`).pluck().get() as number, name: download.suggestedFilename() };
      } finally {
        g.close();
      }
    };
    const all = await features('');
    expect(all.name).toBe('labels.gpkg');
    expect(all.n).toBe(count('SELECT count(*) FROM labels'));
    expect(all.n).toBeGreaterThan(1);
    const approved = await features('approved');
    expect(approved.name).toBe('labels-approved.gpkg');
    expect(approved.n).toBe(count("SELECT count(*) FROM labels l JOIN assignments a ON a.id = l.assignment_id WHERE a.status = 'approved'"));
    expect(approved.n).toBeLessThan(all.n);
    expect(await page.locator('#export-status').getAttribute('data-file')).toBe('labels-approved.gpkg');
    expect(errors).toEqual([]);
  });

  it('hides Import / Export from a labeller', async () => {
    const d = openDatabase(dbPath, { create: false });
    const labeller = d.prepare("SELECT id FROM labellers WHERE role = 'labeller' LIMIT 1").pluck().get() as string;
    const token = `e2e-transfer-token-${labeller}-0123456789`;
    d.prepare('UPDATE labellers SET token_hash = ? WHERE id = ?').run(hashToken(token), labeller);
    d.close();
    const secured = await startServe(dbPath, 30_000, ['--host', '127.0.0.1']);
    try {
      const lab = await browser.newPage();
      await lab.goto(`${secured.origin}/?test=1&token=${token}`);
      await lab.waitForFunction(() => document.body.dataset['sitesLoaded'] === 'true', null, { timeout: 30_000 });
      expect(await lab.locator('#user').textContent()).toContain('(labeller)');
      expect(await lab.locator('#transfer-toggle').isHidden()).toBe(true);
      // and the route itself refuses them
      const res = await lab.evaluate(async (t) => (await fetch('/export/labels.gpkg', { headers: { Authorization: `Bearer ${t}` } })).status, token);
      expect(res).toBe(403);
      await lab.close();
    } finally {
      await secured.stop();
    }
  });
});
