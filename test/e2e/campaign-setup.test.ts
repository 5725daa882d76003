/**
 * Sign-in and campaign setup in the UI (issue 8), headless Chromium against a network-mode
 * `fieldmark serve --host 127.0.0.1` on a fresh empty database:
 * - the admin (the token `serve` prints in its URL) creates the campaign through the setup form,
 *   adds sites over a box and a qualification site by its centre, reorders the qualification set,
 *   adds a labeller (one-time token and sign-in link), sets their password and passes them by hand;
 *   every step is checked through the API;
 * - in a second browser context, with no token: the sign-in page; a wrong password answers
 *   inline; the right one opens the app as the labeller (no Campaign or Quality button, the
 *   offline panel, no token in the URL); Sign out goes back to the sign-in page; a session ended
 *   from elsewhere shows the "session has ended" bar, whose button leads to sign-in.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CampaignInfo, LabellerSummary, LabellerTableRow, SiteSummary, WhoAmI } from '../../src/common/api/contract';
import { openDatabase } from '../../src/node/store/database';
import { hasChromium, launchBrowser, watchErrors } from './helpers/browser';
import { startServe, type RunningServe } from './helpers/server';

const VIEWPORT = { width: 1400, height: 900 };
const PASSWORD = 'field-boundaries-42';

describe.skipIf(!hasChromium)('sign-in and campaign setup in the UI (headless Chromium + fieldmark serve --host)', () => {
  let dir: string;
  let serve: RunningServe;
  let browser: Browser;
  let adminToken: string;
  let admin: Page;
  let adminErrors: string[];
  let labellerId = '';

  /** POST /api/<method> with a Bearer token (network mode). */
  const call = <T>(token: string | null, method: string, ...args: unknown[]): Promise<T> => serve.apiAs<T>(token, method, ...args);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fieldmark-e2e-setup-'));
    const db = join(dir, 'campaign.db');
    openDatabase(db, { create: true }).close();
    [serve, browser] = await Promise.all([startServe(db, 30_000, ['--host', '127.0.0.1']), launchBrowser()]);
    adminToken = new URL(serve.url).searchParams.get('token') ?? '';
    expect(adminToken.length).toBeGreaterThan(20);
    admin = await browser.newPage({ viewport: VIEWPORT });
    adminErrors = watchErrors(admin);
  });

  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('the admin opens the printed link: the app, with the token out of the address bar, and no campaign yet', async () => {
    await admin.goto(serve.url);
    await admin.waitForSelector('body[data-sites-loaded="true"]');
    expect(new URL(admin.url()).searchParams.get('token')).toBeNull();
    expect(await admin.textContent('#campaign')).toBe('No campaign');
    expect(await admin.isVisible('#setup-toggle')).toBe(true);
    expect(await admin.isVisible('#offline-panel')).toBe(false);
    expect(await admin.locator('body').getAttribute('data-signin')).toBeNull();
    await admin.click('#setup-toggle');
    await admin.waitForSelector('body[data-setup-loaded="true"]');
    expect(await admin.getAttribute('#cs-campaign', 'data-mode')).toBe('create');
    // sites cannot be added before the campaign exists
    expect(await admin.isDisabled('#cs-sites-add')).toBe(true);
  });

  it('creates the campaign through the form (a bad value is refused beside the form first)', async () => {
    await admin.fill('#cs-campaign-name', 'Ghana UI test');
    await admin.fill('#cs-categories', 'maize field\nfallow field\nbush no_field');
    await admin.fill('#cs-qRate', '1.5');
    await admin.click('#cs-campaign-save');
    await admin.waitForSelector('#campaign-form-status[data-state="error"]');
    expect(await admin.textContent('#campaign-form-status')).toContain('Q rate: must be at most 1');
    await expect(call<CampaignInfo>(adminToken, 'getCampaign')).rejects.toThrow('NOT_FOUND');

    await admin.fill('#cs-qRate', '0.05');
    await admin.fill('#cs-labellersPerClass4', '4');
    await admin.fill('#cs-wEdge', '0.2');
    await admin.click('#cs-campaign-save');
    await admin.waitForSelector('#campaign-form-status[data-state="ok"]');
    expect(await admin.getAttribute('#cs-campaign', 'data-mode')).toBe('edit');
    const c = await call<CampaignInfo>(adminToken, 'getCampaign');
    expect(c.name).toBe('Ghana UI test');
    expect(c.settings.categories.map((x) => `${x.id}:${x.group}`)).toEqual(['maize:field', 'fallow:field', 'bush:no_field']);
    expect(c.settings.qRate).toBe(0.05);
    expect(c.settings.labellersPerClass4).toBe(4);
    expect(c.settings.weights).toEqual({ area: 0.55, fragmentation: 0.225, edge: 0.2, categorical: 0.125 });
    expect(c.settings.taskTimeoutHours).toBe(24); // left empty: the default
    await admin.waitForFunction(() => document.getElementById('campaign')?.textContent?.startsWith('Ghana UI test'));

    // the same form edits it
    await admin.fill('#cs-trustThreshold', '0.5');
    await admin.click('#cs-campaign-save');
    await admin.waitForFunction(() => document.getElementById('campaign-form-status')?.textContent === 'Settings saved.');
    expect((await call<CampaignInfo>(adminToken, 'getCampaign')).settings.trustThreshold).toBe(0.5);
  });

  it('adds sites over a box and a qualification site by its centre, and reorders the qualification set', async () => {
    await admin.fill('#cs-country', 'gh');
    await admin.fill('#cs-west', '-1.25');
    await admin.fill('#cs-south', '9.40');
    await admin.fill('#cs-east', '-1.24');
    await admin.fill('#cs-north', '9.41');
    await admin.selectOption('#cs-class', '2');
    await admin.click('#cs-sites-add');
    await admin.waitForSelector('#cs-sites-result');
    const added = Number(await admin.getAttribute('#cs-sites-result', 'data-added'));
    expect(added).toBe(4); // 0.01° box = 2 x 2 cells of 0.005°
    let sites = await call<SiteSummary[]>(adminToken, 'listSites');
    expect(sites.length).toBe(4);
    expect(sites.every((s) => s.cls === 2 && /^GH\d{7}$/.test(s.id))).toBe(true);
    // the app's site list follows
    await admin.waitForFunction(() => document.querySelectorAll('#site-list [data-site-id]').length === 4);

    // the same box again: nothing new
    await admin.click('#cs-sites-add');
    await admin.waitForFunction(() => document.getElementById('cs-sites-result')?.textContent?.includes('Added 0 sites; 4 existing'));

    await admin.selectOption('#cs-sites-mode', 'centres');
    await admin.fill('#cs-centres', '-1.2975, 9.4025\n-1.2925, 9.4025');
    await admin.check('#cs-qualification');
    expect(await admin.inputValue('#cs-class')).toBe('1');
    await admin.click('#cs-sites-add');
    await admin.waitForFunction(() => document.getElementById('cs-sites-result')?.getAttribute('data-added') === '2');
    sites = await call<SiteSummary[]>(adminToken, 'listSites', { cls: 1 });
    expect(sites.length).toBe(2);
    const c = await call<CampaignInfo>(adminToken, 'getCampaign');
    expect(c.qualificationSet.length).toBe(2);
    await admin.waitForFunction((ids) => (document.getElementById('cs-qualification-ids') as HTMLTextAreaElement).value === ids.join('\n'), c.qualificationSet);

    const reversed = [...c.qualificationSet].reverse();
    await admin.fill('#cs-qualification-ids', reversed.join(', '));
    await admin.click('#cs-qualification-save');
    await admin.waitForSelector('#qualification-form-status[data-state="ok"]');
    expect((await call<CampaignInfo>(adminToken, 'getCampaign')).qualificationSet).toEqual(reversed);

    // a Class 2 site in the set is refused by the server, shown beside the form, nothing changed
    const class2 = (await call<SiteSummary[]>(adminToken, 'listSites', { cls: 2 }))[0]!.id;
    await admin.fill('#cs-qualification-ids', class2);
    await admin.click('#cs-qualification-save');
    await admin.waitForSelector('#qualification-form-status[data-state="error"]');
    expect(await admin.textContent('#qualification-form-status')).toMatch(/class 1|Class 1/);
    expect((await call<CampaignInfo>(adminToken, 'getCampaign')).qualificationSet).toEqual(reversed);
  });

  it('adds a labeller (one-time token and sign-in link), sets their password and passes them by hand', async () => {
    await admin.fill('#cs-user-name', 'Ama Mensah');
    await admin.selectOption('#cs-user-role', 'labeller');
    await admin.click('#cs-user-add');
    await admin.waitForSelector('#cs-new-user');
    labellerId = (await admin.getAttribute('#cs-new-user', 'data-user')) ?? '';
    const token = (await admin.textContent('#cs-new-token')) ?? '';
    expect(await admin.inputValue('#cs-new-link')).toBe(`${serve.origin}/?token=${encodeURIComponent(token)}`);
    const me = await call<WhoAmI>(token, 'whoAmI');
    expect(me).toMatchObject({ id: labellerId, name: 'Ama Mensah', role: 'labeller' });
    await admin.waitForSelector(`#people-list tr[data-user="${labellerId}"]`);
    expect((await call<LabellerSummary[]>(adminToken, 'listLabellers')).map((p) => p.id)).toContain(labellerId);

    // too short a password is refused in the page; then the real one
    await admin.selectOption('#cs-password-user', labellerId);
    await admin.fill('#cs-password-value', 'short');
    await admin.click('#cs-password-save');
    await admin.waitForSelector('#people-password-status[data-state="error"]');
    await admin.fill('#cs-password-value', PASSWORD);
    await admin.click('#cs-password-save');
    await admin.waitForSelector('#people-password-status[data-state="ok"]');

    await admin.selectOption(`select.cs-override[data-labeller="${labellerId}"]`, 'passed');
    await admin.waitForFunction(
      (id) => document.querySelector(`#people-list tr[data-user="${id}"] .cs-qual`)?.textContent?.includes('set by staff'),
      labellerId,
    );
    const row = (await call<LabellerTableRow[]>(adminToken, 'listLabellerTable')).find((r) => r.id === labellerId)!;
    expect(row.qualification).toMatchObject({ state: 'passed', override: true });

    await admin.keyboard.press('Escape');
    await admin.waitForSelector('body[data-setup="false"]');
    // the browser logs the answers the steps above asked for: NOT_FOUND before the campaign existed, the refused set
    const expected = [/status of 404 .*\/api\/getCampaign\)$/, /status of 422 .*\/api\/setQualificationSet\)$/];
    expect(adminErrors.filter((e) => !expected.some((r) => r.test(e)))).toEqual([]);
  });

  describe('the labeller in a browser of their own', () => {
    let ctx: BrowserContext;
    let page: Page;
    let errors: string[];
    // 401s are the expected answers while signed out (and after the session ends)
    const unexpected = (): string[] => errors.filter((e) => !/status of 401|401 \(Unauthorized\)/.test(e));

    beforeAll(async () => {
      ctx = await browser.newContext({ viewport: VIEWPORT });
      page = await ctx.newPage();
      errors = watchErrors(page);
    });

    afterAll(async () => {
      await ctx?.close();
    });

    async function signIn(password: string): Promise<void> {
      await page.fill('#signin-name', 'Ama Mensah');
      await page.fill('#signin-password', password);
      await page.click('#signin-submit');
    }

    it('sees the sign-in page instead of the app; a wrong password is answered inline', async () => {
      await page.goto(serve.origin + '/');
      await page.waitForSelector('body[data-signin="shown"]');
      expect(await page.isVisible('#signin-form')).toBe(true);
      expect(await page.locator('#app').isVisible()).toBe(false);
      await signIn('not-the-password');
      await page.waitForSelector('#signin-error[data-state="error"]');
      expect(await page.textContent('#signin-error')).toContain('wrong name or password');
      expect(await page.inputValue('#signin-password')).toBe('');
      expect(unexpected()).toEqual([]);
    });

    it('signs in with name and password: the app as a labeller, no staff controls, no token in the URL', async () => {
      await signIn(PASSWORD);
      await page.waitForSelector('body[data-sites-loaded="true"]');
      expect(await page.locator('body').getAttribute('data-signin')).toBeNull();
      expect(page.url()).not.toContain('token');
      expect(await page.textContent('#user')).toBe('Ama Mensah (labeller)');
      expect(await page.isVisible('#sign-out')).toBe(true);
      expect(await page.isVisible('#setup-toggle')).toBe(false);
      expect(await page.isVisible('#quality-toggle')).toBe(false);
      expect(await page.isVisible('#offline-panel')).toBe(true);
      const token = await page.evaluate(() => sessionStorage.getItem('fieldmark.token'));
      expect(token).toBeTruthy();
      expect(token).not.toBe(adminToken);
      expect(await call<WhoAmI>(token, 'whoAmI')).toMatchObject({ id: labellerId, role: 'labeller' });
      // the server refuses the setup methods to a labeller whatever the page shows
      await expect(call(token, 'getCampaign')).rejects.toThrow('FORBIDDEN');
      expect(unexpected()).toEqual([]);
    });

    it('takes two tasks offline (a package download) and returns the package (nothing changed: unchanged)', async () => {
      await page.click('#offline-panel > summary');
      await page.fill('#offline-n', '2');
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('#offline-take')]);
      expect(download.suggestedFilename()).toMatch(/\.fmpkg$/);
      await page.waitForSelector('#offline-take-status[data-state="ok"]');
      expect(await page.textContent('#offline-take-status')).toMatch(/2 tasks/);
      const file = join(dir, 'taken.fmpkg');
      await download.saveAs(file);
      await page.setInputFiles('#offline-file', file);
      await page.click('#offline-return');
      await page.waitForSelector('#offline-return-result');
      expect(await page.textContent('#offline-return-result')).toBe('Returned: 0 imported, 2 unchanged, 0 conflicts.');
      expect(unexpected()).toEqual([]);
    });

    it('signs out: the session ends on the server and the sign-in page is back', async () => {
      const token = await page.evaluate(() => sessionStorage.getItem('fieldmark.token'));
      await page.click('#sign-out');
      await page.waitForSelector('body[data-signin="shown"]');
      expect(await page.evaluate(() => sessionStorage.getItem('fieldmark.token'))).toBeNull();
      await expect(call(token, 'whoAmI')).rejects.toThrow('UNAUTHENTICATED');
      expect(unexpected()).toEqual([]);
    });

    it('a session ended elsewhere shows the "session has ended" bar, which leads back to sign-in', async () => {
      await signIn(PASSWORD);
      await page.waitForSelector('body[data-sites-loaded="true"]');
      const token = await page.evaluate(() => sessionStorage.getItem('fieldmark.token'));
      await call(token, 'signOut');
      // any call now: ask for the next task (N)
      await page.waitForSelector('body[data-ready]');
      await page.locator('#user').click();
      await page.keyboard.press('n');
      await page.waitForSelector('body[data-session="expired"]');
      expect(await page.isVisible('#session-ended')).toBe(true);
      await page.click('#sign-in-again');
      await page.waitForSelector('body[data-signin="shown"]');
      expect(await page.evaluate(() => sessionStorage.getItem('fieldmark.token'))).toBeNull();
      expect(unexpected()).toEqual([]);
    });
  });
});
