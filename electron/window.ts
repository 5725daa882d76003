/**
 * The main BrowserWindow and the hardening every webContents gets: no navigation away from the one
 * allowed origin (app://fieldmark, or in server mode the campaign server's), no new windows (http(s)
 * links go to the system browser), no <webview>, no permissions. Constants are exported so tests
 * assert them. `createServerWindow` shows a campaign server's UI: the same isolation, and no preload.
 */
import {
  BrowserWindow,
  type App,
  type BrowserWindowConstructorOptions,
  type Session,
  type Shell,
  type WebContents,
  type WebPreferences,
} from 'electron';
import { APP_START_URL, isAppUrl, isSafeExternalUrl } from './origin';
import { sameOrigin } from './server-url';

/** The renderer gets no Node, runs sandboxed and isolated; only the preload bridge crosses. */
export const SECURE_WEB_PREFERENCES = {
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  webviewTag: false,
  spellcheck: false,
  navigateOnDragDrop: false,
  experimentalFeatures: false,
  enableWebSQL: false,
  safeDialogs: true,
} as const satisfies WebPreferences;

export const WINDOW_OPTIONS = {
  width: 1440,
  height: 900,
  minWidth: 900,
  minHeight: 600,
  title: 'Fieldmark',
  backgroundColor: '#1e1f22',
  show: false,
} as const satisfies BrowserWindowConstructorOptions;

type ExternalOpener = Pick<Shell, 'openExternal'>;

/** Opens http(s) links in the system browser; anything else is ignored. Returns whether it opened. */
export function openExternalSafely(shell: ExternalOpener | undefined, url: string): boolean {
  if (!shell || !isSafeExternalUrl(url)) return false;
  shell.openExternal(url).catch(() => undefined);
  return true;
}

const hardened = new WeakSet<object>();

/** Which URLs a window may navigate to (its own origin). */
export type UrlFilter = (url: unknown) => boolean;

/**
 * Idempotent: applies the navigation/window/webview guards to one webContents. Navigation outside
 * `isAllowed` (default: app://fieldmark) is prevented; a link the user follows there (will-navigate)
 * opens in the system browser when it is http(s), redirects and frame navigations are just refused.
 */
export function hardenWebContents(contents: WebContents, shell?: ExternalOpener, isAllowed: UrlFilter = isAppUrl): void {
  if (hardened.has(contents)) return;
  hardened.add(contents);
  const guard = (event: { url: string; preventDefault(): void }): void => {
    if (!isAllowed(event.url)) event.preventDefault();
  };
  contents.on('will-navigate', (event: { url: string; preventDefault(): void }) => {
    if (isAllowed(event.url)) return;
    event.preventDefault();
    openExternalSafely(shell, event.url);
  });
  contents.on('will-frame-navigate', guard);
  contents.on('will-redirect', guard);
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler((details) => {
    openExternalSafely(shell, details.url);
    return { action: 'deny' };
  });
}

/** Denies every permission request and check (camera, geolocation, notifications, HID, ...). */
export function hardenSession(ses: Session): void {
  ses.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  ses.setDevicePermissionHandler?.(() => false);
}

/** Hardens every webContents the app ever creates (devtools, popups that slip through, ...). */
export function installWebContentsGuard(app: App, shell?: ExternalOpener, isAllowed: UrlFilter = isAppUrl): void {
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, shell, isAllowed));
}

export interface MainWindowOptions {
  /** Absolute path of dist/electron/preload.cjs. */
  preloadPath: string;
  shell?: ExternalOpener;
  /** Defaults to app://fieldmark/index.html. */
  startUrl?: string;
}

export function createMainWindow(opts: MainWindowOptions): BrowserWindow {
  const win = new BrowserWindow({
    ...WINDOW_OPTIONS,
    webPreferences: { ...SECURE_WEB_PREFERENCES, preload: opts.preloadPath },
  });
  hardenWebContents(win.webContents, opts.shell);
  win.once('ready-to-show', () => win.show());
  win.loadURL(opts.startUrl ?? APP_START_URL).catch((e: unknown) => console.error('fieldmark: the window could not load:', e));
  return win;
}

export interface ServerWindowOptions {
  /** A URL checked by server-url.ts parseServerUrl (http(s), no credentials). */
  url: string;
  /** Its origin: the only one the window may navigate to. */
  origin: string;
  shell?: ExternalOpener;
  /** The page could not be loaded (server unreachable, TLS refused): told once per failed load. */
  onLoadFailed?: (message: string) => void;
}

/**
 * A campaign server's UI, as in a browser: NO preload (the page talks to its server over HTTP and
 * signs in on its own page), isolated, sandboxed, no Node, navigation kept to the server's origin.
 * Downloads (offline packages, exports) get Electron's default save dialog.
 */
export function createServerWindow(opts: ServerWindowOptions): BrowserWindow {
  const win = new BrowserWindow({
    ...WINDOW_OPTIONS,
    title: `Fieldmark — ${opts.origin}`,
    webPreferences: { ...SECURE_WEB_PREFERENCES },
  });
  hardenWebContents(win.webContents, opts.shell, sameOrigin(opts.origin));
  win.once('ready-to-show', () => win.show());
  win.webContents.on('did-fail-load', (_e: unknown, code: number, description: string, url: string, isMainFrame: boolean) => {
    if (!isMainFrame || code === -3) return; // -3: aborted (a new navigation replaced it)
    win.show();
    opts.onLoadFailed?.(`${url || opts.url} could not be loaded: ${description} (${code})`);
  });
  win.loadURL(opts.url).catch((e: unknown) => console.error(`fieldmark: ${opts.url} could not be loaded:`, e instanceof Error ? e.message : e));
  return win;
}
