/** Headless Chromium (playwright-core, the system browser) for the end-to-end tests. */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env['FIELDMARK_CHROMIUM'] ?? '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM_PATH);

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--enable-unsafe-swiftshader',
      '--use-angle=swiftshader',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--no-sandbox',
    ],
  });
}

/** Collects console errors and uncaught page errors; `errors` should stay empty. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}${m.location().url ? ` (${m.location().url})` : ''}`);
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  return errors;
}

export interface WaitOptions {
  /** ms (default 30 s) */
  timeout?: number;
  /** 'fail' (default): an error banner showing up ends the wait and fails it; 'ignore': banners are expected */
  banners?: 'fail' | 'ignore';
}

/**
 * Waits until `body` carries every given data-* value (e.g. {siteId, ready: 'true'}); a failure
 * names `what`, the body's data, the banners and the page's errors. (A function, not a string:
 * the page's CSP forbids eval.)
 */
export async function waitForBody(page: Page, errors: string[], what: string, want: Record<string, string>, opts: WaitOptions = {}): Promise<void> {
  const stopOnBanner = (opts.banners ?? 'fail') === 'fail';
  try {
    await page.waitForFunction(
      ([w, stop]) => Object.entries(w).every(([k, v]) => document.body.dataset[k] === v) || (stop && document.querySelector('.banner') !== null),
      [want, stopOnBanner] as const,
      { timeout: opts.timeout ?? 30_000 },
    );
  } catch (e) {
    const body = await page.evaluate(() => ({ ...document.body.dataset })).catch(() => ({}));
    const banners = await page.locator('.banner').allTextContents().catch(() => []);
    throw new Error(`${what}: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}; body ${JSON.stringify(body)}; banners ${JSON.stringify(banners)}; errors ${JSON.stringify(errors)}`);
  }
  if (stopOnBanner) {
    const banners = await page.locator('.banner').allTextContents();
    if (banners.length) throw new Error(`${what}: the UI shows errors: ${JSON.stringify(banners)}; console: ${JSON.stringify(errors)}`);
  }
}
