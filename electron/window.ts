/**
 * The main BrowserWindow and the hardening every webContents gets: no navigation away from
 * app://fieldmark, no new windows (http(s) links go to the system browser), no <webview>, no
 * permissions. Constants are exported so tests assert them.
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

/** Idempotent: applies the navigation/window/webview guards to one webContents. */
export function hardenWebContents(contents: WebContents, shell?: ExternalOpener): void {
  if (hardened.has(contents)) return;
  hardened.add(contents);
  const guard = (event: { url: string; preventDefault(): void }): void => {
    if (!isAppUrl(event.url)) event.preventDefault();
  };
  contents.on('will-navigate', guard);
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
export function installWebContentsGuard(app: App, shell?: ExternalOpener): void {
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, shell));
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
