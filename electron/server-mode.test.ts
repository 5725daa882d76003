import * as electron from 'electron';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { IPC_CALL, IPC_CONNECT_SERVER } from '../src/common/api/bridge';
import { bootstrap } from './app';
import { FakeBrowserWindow, navEvent, type FakeElectron } from './testing/fake-electron';
import { resetFakeElectron, testBootOptions } from './testing/boot-options';
import { createServerWindow, SECURE_WEB_PREFERENCES } from './window';

vi.mock('electron', async () => (await import('./testing/fake-electron')).createFakeElectron());
const fake = electron as unknown as FakeElectron;

beforeEach(() => resetFakeElectron(fake));

const options = (argv: string[], env: Record<string, string> = {}) => testBootOptions(argv, { env });

describe('server mode (--server URL)', () => {
  it("loads the server's UI in a window without preload, without app:// or the local service", async () => {
    const { opts, openService, createDemoCampaign } = options(['--server', 'http://192.168.1.20:8080/']);
    const booted = await bootstrap(opts)!;
    expect(booted.serverUrl).toBe('http://192.168.1.20:8080/');
    expect(booted.service).toBeNull();
    expect(openService).not.toHaveBeenCalled();
    expect(createDemoCampaign).not.toHaveBeenCalled();
    expect(fake.protocol.registerSchemesAsPrivileged).not.toHaveBeenCalled();
    expect(fake.protocol.handle).not.toHaveBeenCalled();
    expect(fake.ipcMain.handlers.has(IPC_CALL)).toBe(false); // no API over IPC: the page uses HTTP
    expect(fake.ipcMain.handlers.has(IPC_CONNECT_SERVER)).toBe(true); // only the prompt's channel
    expect(fake.calls.indexOf('app.enableSandbox')).toBeLessThan(fake.calls.indexOf('app.whenReady'));
    const win = FakeBrowserWindow.instances[0]!;
    expect(booted.window).toBe(win);
    expect(win.options.webPreferences).toEqual({ ...SECURE_WEB_PREFERENCES });
    expect(win.options.webPreferences).not.toHaveProperty('preload');
    expect(win.options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false });
    expect(win.loaded).toEqual(['http://192.168.1.20:8080/']);
    // permissions are denied, and a menu is installed
    const cb = vi.fn();
    fake.session.defaultSession.permissionRequestHandler!({}, 'media', cb, {});
    expect(cb).toHaveBeenCalledWith(false);
    expect(fake.Menu.setApplicationMenu).toHaveBeenCalledTimes(1);
  });

  it('keeps navigation on the server origin and sends other http(s) links to the system browser', async () => {
    const { opts } = options(['--server=https://labels.example.org/campaign/']);
    const booted = await bootstrap(opts)!;
    const c = (booted.window as unknown as FakeBrowserWindow).webContents;
    for (const url of ['https://labels.example.org/', 'https://labels.example.org/index.html#task=4']) {
      const ev = navEvent(url);
      c.emit('will-navigate', ev);
      expect(ev.prevented, url).toBe(false);
    }
    const away = navEvent('https://evil.example/phish');
    c.emit('will-navigate', away);
    expect(away.prevented).toBe(true);
    expect(fake.shell.openExternal).toHaveBeenCalledWith('https://evil.example/phish');
    fake.shell.openExternal.mockClear();
    for (const url of ['http://labels.example.org/', 'https://labels.example.org:444/', 'file:///etc/passwd', 'app://fieldmark/index.html', 'javascript:alert(1)', 'https://u:p@labels.example.org/']) {
      for (const name of ['will-navigate', 'will-frame-navigate', 'will-redirect']) {
        const ev = navEvent(url);
        c.emit(name, ev);
        expect(ev.prevented, `${name} ${url}`).toBe(true);
      }
    }
    // only the http(s) ones without credentials reached the system browser, and only on will-navigate
    expect(fake.shell.openExternal.mock.calls.map((a) => a[0])).toEqual(['http://labels.example.org/', 'https://labels.example.org:444/']);
    fake.shell.openExternal.mockClear();
    expect(c.windowOpenHandler!({ url: 'https://docs.example/' })).toEqual({ action: 'deny' });
    expect(c.windowOpenHandler!({ url: 'smb://host/share' })).toEqual({ action: 'deny' });
    expect(fake.shell.openExternal.mock.calls).toEqual([['https://docs.example/']]);
  });

  it('takes FIELDMARK_SERVER, and every other window the app creates is held to the server origin', async () => {
    const { opts } = options([], { FIELDMARK_SERVER: 'http://10.0.0.5:8080' });
    const booted = await bootstrap(opts)!;
    expect(booted.serverUrl).toBe('http://10.0.0.5:8080/');
    const other = new FakeBrowserWindow({}).webContents;
    fake.app.emit('web-contents-created', {}, other);
    const ev = navEvent('app://fieldmark/index.html');
    other.emit('will-redirect', ev);
    expect(ev.prevented).toBe(true);
    const ok = navEvent('http://10.0.0.5:8080/x');
    other.emit('will-redirect', ok);
    expect(ok.prevented).toBe(false);
  });

  it('refuses a bad --server with one line, a dialog and exit 2, starting nothing', () => {
    for (const [argv, env, line] of [
      [['--server', 'ftp://host/'], {}, 'fieldmark: --server: "ftp://host/" is not an http or https URL'],
      [['--server', 'http://me:secret@host/'], {}, `fieldmark: --server: "http://me:secret@host/" holds a user name or password: sign in on the server's page instead`],
      [['--server'], {}, 'fieldmark: --server: give the campaign server address, e.g. http://192.168.1.20:8080/'],
      [[], { FIELDMARK_SERVER: 'nope' }, 'fieldmark: FIELDMARK_SERVER: "nope" is not a URL (expected http://host:port/ or https://host/)'],
      [['--server', 'http://h/', '--db', 'x.db'], {}, 'fieldmark: --server and --db cannot be used together: a campaign server or a local database'],
    ] as const) {
      vi.clearAllMocks();
      const err = vi.spyOn(console, 'error').mockImplementation(() => undefined);
      const { opts, openService } = options([...argv], { ...env });
      expect(bootstrap(opts)).toBeNull();
      expect(err.mock.calls).toEqual([[line]]);
      err.mockRestore();
      expect(fake.dialog.showErrorBox).toHaveBeenCalledWith('Fieldmark could not start', line.replace('fieldmark: ', ''));
      expect(fake.app.exit).toHaveBeenCalledWith(2);
      expect(fake.app.whenReady).not.toHaveBeenCalled();
      expect(openService).not.toHaveBeenCalled();
      expect(FakeBrowserWindow.instances).toHaveLength(0);
    }
  });

  it('says so when the server cannot be reached, and shows the window anyway', () => {
    const onLoadFailed = vi.fn();
    const win = createServerWindow({ url: 'http://h:1/', origin: 'http://h:1', onLoadFailed }) as unknown as FakeBrowserWindow;
    expect(win.shown).toBe(false);
    win.webContents.emit('did-fail-load', {}, -3, 'ERR_ABORTED', 'http://h:1/', true); // replaced by a new navigation
    win.webContents.emit('did-fail-load', {}, -102, 'ERR_CONNECTION_REFUSED', 'http://h:1/x.png', false); // a sub-frame
    expect(onLoadFailed).not.toHaveBeenCalled();
    win.webContents.emit('did-fail-load', {}, -102, 'ERR_CONNECTION_REFUSED', 'http://h:1/', true);
    expect(onLoadFailed).toHaveBeenCalledWith('http://h:1/ could not be loaded: ERR_CONNECTION_REFUSED (-102)');
    expect(win.shown).toBe(true);
  });
});
