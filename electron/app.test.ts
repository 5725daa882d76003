import * as electron from 'electron';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { IPC_CALL } from '../src/common/api/bridge';
import { bootstrap, type BootOptions } from './app';
import { chooseDb, dbFromArgv, ensureDb } from './config';
import { FakeBrowserWindow, type FakeElectron } from './testing/fake-electron';
import { resetFakeElectron, testBootOptions } from './testing/boot-options';

vi.mock('electron', async () => (await import('./testing/fake-electron')).createFakeElectron());
const fake = electron as unknown as FakeElectron;

let userData: string;
beforeEach(() => {
  userData = mkdtempSync(join(tmpdir(), 'fieldmark-userdata-'));
  fake.app.state.userData = userData;
  fake.app.state.singleInstance = true;
  resetFakeElectron(fake);
});
afterEach(() => rmSync(userData, { recursive: true, force: true }));

const options = (over: Partial<BootOptions> = {}) => testBootOptions([], over);

describe('bootstrap', () => {
  it('registers the scheme before ready, then opens the service, app://, IPC and the window', async () => {
    const { opts, service, openService, createDemoCampaign } = options();
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const booted = await bootstrap(opts)!;
    log.mockRestore();
    const order = fake.calls;
    expect(order.indexOf('protocol.registerSchemesAsPrivileged')).toBe(0);
    expect(order.indexOf('app.enableSandbox')).toBeLessThan(order.indexOf('app.whenReady'));
    expect(order.indexOf('app.whenReady')).toBeLessThan(order.indexOf('protocol.handle'));
    expect(fake.protocol.registerSchemesAsPrivileged.mock.calls[0]![0]).toEqual([
      { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } },
    ]);
    expect(fake.protocol.handle.mock.calls[0]![0]).toBe('app');
    expect(fake.ipcMain.handlers.has(IPC_CALL)).toBe(true);
    // first run: the default DB is missing, so the demo campaign is generated in userData
    expect(createDemoCampaign).toHaveBeenCalledWith({ outDir: resolve(userData), seed: 1 });
    expect(openService).toHaveBeenCalledWith({ dbPath: join(resolve(userData), 'campaign.db') });
    expect(booted.service).toBe(service);
    const win = FakeBrowserWindow.instances[0]!;
    expect(booted.window).toBe(win);
    expect(win.options.webPreferences).toMatchObject({ sandbox: true, contextIsolation: true, preload: opts.preloadPath });
    expect(fake.session.defaultSession.permissionCheckHandler).not.toBeNull();
    // the IPC sender check accepts the main window only
    const call = fake.ipcMain.handlers.get(IPC_CALL)!;
    expect(await call({ sender: win.webContents, senderFrame: { url: 'app://fieldmark/index.html' } }, 'getAppInfo', [])).toMatchObject({ ok: true });
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    expect(await call({ sender: {}, senderFrame: { url: 'app://fieldmark/index.html' } }, 'getAppInfo', [])).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    warn.mockRestore();
    // quitting closes the service
    fake.app.emit('will-quit');
    expect(service.close).toHaveBeenCalledTimes(1);
  });

  it('opens an existing default DB without generating the demo', async () => {
    writeFileSync(join(userData, 'campaign.db'), '');
    const { opts, createDemoCampaign, openService } = options();
    await bootstrap(opts);
    expect(createDemoCampaign).not.toHaveBeenCalled();
    expect(openService).toHaveBeenCalledWith({ dbPath: join(resolve(userData), 'campaign.db') });
  });

  it('uses --db from argv, then FIELDMARK_DB', async () => {
    const a = options({ argv: ['electron', 'main.cjs', '--db', '/data/x.db'], env: { FIELDMARK_DB: '/data/env.db' } });
    await bootstrap(a.opts);
    expect(a.openService).toHaveBeenCalledWith({ dbPath: '/data/x.db' });
    expect(a.createDemoCampaign).not.toHaveBeenCalled();
    const b = options({ env: { FIELDMARK_DB: '/data/env.db' } });
    await bootstrap(b.opts);
    expect(b.openService).toHaveBeenCalledWith({ dbPath: '/data/env.db' });
  });

  it('quits at once when another instance holds the lock', () => {
    fake.app.state.singleInstance = false;
    const { opts, openService } = options();
    expect(bootstrap(opts)).toBeNull();
    expect(fake.app.quit).toHaveBeenCalled();
    expect(openService).not.toHaveBeenCalled();
    expect(FakeBrowserWindow.instances).toHaveLength(0);
  });

  it('shows an error and exits when the service cannot open', async () => {
    const { opts } = options({ openService: async () => Promise.reject(new Error('/data/x.db: no such database')), argv: ['--db', '/data/x.db'] });
    const err = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    await expect(bootstrap(opts)).rejects.toThrow('no such database');
    err.mockRestore();
    expect(fake.dialog.showErrorBox).toHaveBeenCalledWith('Fieldmark could not start', '/data/x.db: no such database');
    expect(fake.app.exit).toHaveBeenCalledWith(1);
    expect(FakeBrowserWindow.instances).toHaveLength(0);
  });
});

describe('database choice', () => {
  it('reads --db FILE and --db=FILE, the last one winning', () => {
    expect(dbFromArgv(['electron', '.', '--db', 'a.db'])).toBe('a.db');
    expect(dbFromArgv(['--db=b.db'])).toBe('b.db');
    expect(dbFromArgv(['--db', 'a.db', '--db=b.db'])).toBe('b.db');
    expect(dbFromArgv(['--db'])).toBeNull();
    expect(dbFromArgv(['--db', '--other'])).toBeNull();
    expect(dbFromArgv([])).toBeNull();
  });

  it('resolves relative paths against cwd and falls back to userData/campaign.db', () => {
    expect(chooseDb({ argv: ['--db', 'x.db'], env: {}, userDataDir: '/u', cwd: '/w' })).toEqual({ path: '/w/x.db', source: 'argv' });
    expect(chooseDb({ argv: [], env: { FIELDMARK_DB: ' y.db ' }, userDataDir: '/u', cwd: '/w' })).toEqual({ path: '/w/y.db', source: 'env' });
    expect(chooseDb({ argv: [], env: { FIELDMARK_DB: '' }, userDataDir: '/u', cwd: '/w' })).toEqual({ path: '/u/campaign.db', source: 'default' });
  });

  it('never generates a demo over an explicitly named database', async () => {
    const create = vi.fn(async () => ({ db: '/x' }));
    expect(await ensureDb({ path: '/missing.db', source: 'argv' }, create, () => false)).toBe('/missing.db');
    expect(create).not.toHaveBeenCalled();
  });
});
