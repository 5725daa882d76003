/**
 * The Electron main-process lifecycle, with the service functions injected so tests can drive it
 * with a mocked `electron` module and a fake ServiceHost. main.ts only supplies the real pieces.
 */
import { app, BrowserWindow, dialog, ipcMain, protocol, session, shell } from 'electron';
import { APP_SCHEME } from '../src/common/api/bridge';
import type { ServiceHost } from '../src/node/service/host';
import { chooseDb, ensureDb, type CreateDemoCampaign } from './config';
import { makeTrustedSenderCheck, registerIpc } from './ipc';
import { createAppProtocolHandler, PRIVILEGED_SCHEME } from './protocol';
import { createMainWindow, hardenSession, installWebContentsGuard } from './window';

export interface BootOptions {
  openService(opts: { dbPath: string }): Promise<ServiceHost>;
  createDemoCampaign: CreateDemoCampaign;
  /** Absolute path of dist/renderer. */
  rendererDir: string;
  /** Absolute path of dist/electron/preload.cjs. */
  preloadPath: string;
  argv?: readonly string[];
  env?: Record<string, string | undefined>;
}

export interface Booted {
  window: BrowserWindow;
  service: ServiceHost;
  dbPath: string;
}

/**
 * Must run before `app.ready` (scheme privileges, sandbox). Returns null when another instance
 * already runs (this one quits and the other focuses its window), else a promise of the started app.
 */
export function bootstrap(opts: BootOptions): Promise<Booted> | null {
  protocol.registerSchemesAsPrivileged([PRIVILEGED_SCHEME]);
  app.enableSandbox();
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return null;
  }
  installWebContentsGuard(app, shell);

  let win: BrowserWindow | null = null;
  let service: ServiceHost | null = null;
  let disposeIpc: (() => void) | null = null;

  app.on('second-instance', () => {
    if (!win || win.isDestroyed()) return;
    if (win.isMinimized()) win.restore();
    win.focus();
  });
  app.on('window-all-closed', () => app.quit());
  app.on('will-quit', () => {
    disposeIpc?.();
    disposeIpc = null;
    service?.close();
    service = null;
  });

  const started = (async (): Promise<Booted> => {
    await app.whenReady();
    hardenSession(session.defaultSession);
    const choice = chooseDb({ argv: opts.argv ?? process.argv, env: opts.env ?? process.env, userDataDir: app.getPath('userData') });
    const dbPath = await ensureDb(choice, opts.createDemoCampaign);
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
    disposeIpc = registerIpc(ipcMain, svc, makeTrustedSenderCheck(() => (win && !win.isDestroyed() ? win.webContents : null)));
    const w = createMainWindow({ preloadPath: opts.preloadPath, shell });
    win = w;
    w.on('closed', () => {
      if (win === w) win = null;
    });
    return { window: w, service: svc, dbPath };
  })();

  started.catch((e: unknown) => {
    const msg = e instanceof Error ? e.message : String(e);
    console.error('fieldmark: could not start:', e);
    dialog.showErrorBox('Fieldmark could not start', msg);
    app.exit(1);
  });
  return started;
}
