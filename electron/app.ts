/**
 * The Electron main-process lifecycle, with the service functions injected so tests can drive it
 * with a mocked `electron` module and a fake ServiceHost. main.ts only supplies the real pieces.
 */
import { app, BrowserWindow, dialog, ipcMain, protocol, session, shell } from 'electron';
import { APP_SCHEME } from '../src/common/api/bridge';
import type { ServiceHost } from '../src/node/service/host';
import { chooseTarget, ensureDb, type CreateDemoCampaign } from './config';
import { createConnectPrompt } from './connect-prompt';
import { makeTrustedSenderCheck, registerIpc } from './ipc';
import { installMenu, openFileAndRelaunch, relaunchInto, showKeyboardHelp } from './menu';
import { createAppProtocolHandler, PRIVILEGED_SCHEME } from './protocol';
import { sameOrigin } from './server-url';
import { createMainWindow, createServerWindow, hardenSession, installWebContentsGuard } from './window';

export interface BootOptions {
  openService(opts: { dbPath: string }): Promise<ServiceHost>;
  createDemoCampaign: CreateDemoCampaign;
  /** Absolute path of dist/renderer. */
  rendererDir: string;
  /** Absolute path of dist/electron/preload.cjs. */
  preloadPath: string;
  /** Absolute path of dist/electron/connect-preload.cjs (the connect prompt's preload). */
  connectPreloadPath: string;
  argv?: readonly string[];
  env?: Record<string, string | undefined>;
}

export interface Booted {
  window: BrowserWindow;
  /** The local service (null in server mode). */
  service: ServiceHost | null;
  dbPath: string | null;
  /** The campaign server shown (null in local mode). */
  serverUrl: string | null;
}

/**
 * Must run before `app.ready` (scheme privileges, sandbox). Returns null when another instance
 * already runs (this one quits and the other focuses its window) or `--server` / FIELDMARK_SERVER is
 * not a valid server URL (one line on stderr and in a dialog, exit 2), else a promise of the started
 * app: with `--server` a window on that server's UI (no app://, no local service, no preload),
 * otherwise the local database in app://fieldmark.
 */
export function bootstrap(opts: BootOptions): Promise<Booted> | null {
  const argv = opts.argv ?? process.argv;
  const target = chooseTarget({ argv, env: opts.env ?? process.env, userDataDir: app.getPath('userData') });
  if (target.kind === 'error') {
    console.error(`fieldmark: ${target.message}`);
    dialog.showErrorBox('Fieldmark could not start', target.message);
    app.exit(2);
    return null;
  }
  const server = target.kind === 'server' ? target : null;
  if (!server) protocol.registerSchemesAsPrivileged([PRIVILEGED_SCHEME]);
  app.enableSandbox();
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return null;
  }
  installWebContentsGuard(app, shell, server ? sameOrigin(server.origin) : undefined);

  let win: BrowserWindow | null = null;
  let service: ServiceHost | null = null;
  let disposeIpc: (() => void) | null = null;
  const liveWindow = (): BrowserWindow | null => (win && !win.isDestroyed() ? win : null);
  const prompt = createConnectPrompt({
    ipcMain,
    preloadPath: opts.connectPreloadPath,
    getParent: liveWindow,
    onConnect: (url) => relaunchInto({ server: url }, argv),
  });

  app.on('second-instance', () => {
    const w = liveWindow();
    if (!w) return;
    if (w.isMinimized()) w.restore();
    w.focus();
  });
  app.on('window-all-closed', () => app.quit());
  app.on('will-quit', () => {
    prompt.dispose();
    disposeIpc?.();
    disposeIpc = null;
    service?.close();
    service = null;
  });

  const started = (async (): Promise<Booted> => {
    await app.whenReady();
    hardenSession(session.defaultSession);
    installMenu(
      {
        openFile: () => void openFileAndRelaunch(liveWindow(), argv).catch((e: unknown) => console.error('fieldmark: open failed', e)),
        connect: () => void prompt.open(server ? `${server.origin}/` : ''), // never a sign-in link's token
        showKeyboardHelp: () => showKeyboardHelp(liveWindow()),
      },
      { isPackaged: app.isPackaged },
    );
    if (target.kind === 'server') {
      const w = createServerWindow({
        url: target.url,
        origin: target.origin,
        shell,
        onLoadFailed: (message) => {
          console.error(`fieldmark: ${message}`);
          const detail = `${message}\n\nView → Reload tries again; File → Connect to a campaign server… picks another.`;
          dialog.showMessageBox(w, { type: 'error', message: 'The campaign server could not be reached', detail }).catch(() => undefined);
        },
      });
      win = w;
      w.on('closed', () => {
        if (win === w) win = null;
      });
      return { window: w, service: null, dbPath: null, serverUrl: target.url };
    }
    const dbPath = await ensureDb(target.choice, opts.createDemoCampaign);
    const svc = await opts.openService({ dbPath });
    service = svc;
    protocol.handle(
      APP_SCHEME,
      createAppProtocolHandler({
        rendererDir: opts.rendererDir,
        service: svc,
        onError: (what, e) => console.error(`fieldmark: ${what} failed`, e),
      }),
    );
    disposeIpc = registerIpc(ipcMain, svc, makeTrustedSenderCheck(() => liveWindow()?.webContents ?? null));
    const w = createMainWindow({ preloadPath: opts.preloadPath, shell });
    win = w;
    w.on('closed', () => {
      if (win === w) win = null;
    });
    return { window: w, service: svc, dbPath, serverUrl: null };
  })();

  started.catch((e: unknown) => {
    const msg = e instanceof Error ? e.message : String(e);
    console.error('fieldmark: could not start:', e);
    dialog.showErrorBox('Fieldmark could not start', msg);
    app.exit(1);
  });
  return started;
}
