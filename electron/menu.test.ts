import * as electron from 'electron';
import { createHash } from 'node:crypto';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { bootstrap } from './app';
import { KEYBOARD_HELP_SCRIPT, menuTemplate, OPEN_DIALOG_FILTERS } from './menu';
import { FakeBrowserWindow, menuItems, type FakeElectron, type MenuTemplate } from './testing/fake-electron';
import { resetFakeElectron, testBootOptions } from './testing/boot-options';

vi.mock('electron', async () => (await import('./testing/fake-electron')).createFakeElectron());
const fake = electron as unknown as FakeElectron;

beforeEach(() => resetFakeElectron(fake));

const actions = () => ({ openFile: vi.fn(), connect: vi.fn(), showKeyboardHelp: vi.fn() });
const item = (t: MenuTemplate, id: string) => menuItems(t).find((i) => i.id === id)!;

async function boot(argv: string[]) {
  const { opts } = testBootOptions(argv);
  const booted = await bootstrap(opts)!;
  return { booted, template: fake.Menu.template! };
}

describe('application menu', () => {
  it('has File (open, connect, quit), Edit, View and Help', () => {
    const a = actions();
    const t = menuTemplate(a, { isPackaged: true, platform: 'linux' }) as unknown as MenuTemplate;
    expect(t.map((m) => m.label ?? m.role)).toEqual(['&File', '&Edit', '&View', 'windowMenu', '&Help']);
    expect(t[0]!.submenu!.map((i) => i.label ?? i.type)).toEqual(['Open campaign or offline package…', 'Connect to a campaign server…', 'separator', 'Quit']);
    expect(item(t, 'quit').role).toBe('quit');
    expect(t[1]!.role).toBe('editMenu'); // undo, redo, cut, copy, paste, select all
    const view = t[2]!.submenu!.map((i) => i.role).filter(Boolean);
    expect(view).toEqual(['reload', 'forceReload', 'resetZoom', 'zoomIn', 'zoomOut', 'togglefullscreen']);
    item(t, 'open').click!();
    item(t, 'connect').click!();
    item(t, 'keyboard-help').click!();
    expect(a.openFile).toHaveBeenCalledTimes(1);
    expect(a.connect).toHaveBeenCalledTimes(1);
    expect(a.showKeyboardHelp).toHaveBeenCalledTimes(1);
  });

  it('offers developer tools only when not packaged, and the app menu on macOS', () => {
    const dev = menuTemplate(actions(), { isPackaged: false, platform: 'linux' }) as unknown as MenuTemplate;
    expect(menuItems(dev).some((i) => i.role === 'toggleDevTools')).toBe(true);
    const packaged = menuTemplate(actions(), { isPackaged: true, platform: 'linux' }) as unknown as MenuTemplate;
    expect(menuItems(packaged).some((i) => i.role === 'toggleDevTools')).toBe(false);
    const mac = menuTemplate(actions(), { isPackaged: true, platform: 'darwin' }) as unknown as MenuTemplate;
    expect(mac[0]!.role).toBe('appMenu');
  });

  it('File → Open asks for a campaign or offline package and relaunches the app on it', async () => {
    const { booted, template } = await boot(['--db', '/data/old.db', '--trace-warnings']);
    fake.dialog.openDialogAnswer = { canceled: false, filePaths: ['/home/me/tasks.fmpkg'] };
    item(template, 'open').click!();
    await vi.waitFor(() => expect(fake.app.relaunch).toHaveBeenCalled());
    const [parent, dlg] = fake.dialog.showOpenDialog.mock.calls[0]! as [unknown, { filters: unknown; properties: string[] }];
    expect(parent).toBe(booted.window);
    expect(dlg.filters).toEqual(OPEN_DIALOG_FILTERS);
    expect(OPEN_DIALOG_FILTERS[0]!.extensions).toEqual(['db', 'sqlite', 'fmpkg']);
    expect(dlg.properties).toEqual(['openFile']);
    expect(fake.app.relaunch).toHaveBeenCalledWith({ args: ['/app/dist/electron/main.cjs', '--trace-warnings', '--db', '/home/me/tasks.fmpkg'] });
    // quit, not exit: will-quit still closes the service before the new instance opens the file
    expect(fake.calls.indexOf('app.quit')).toBeGreaterThan(fake.calls.indexOf('app.relaunch'));
    expect(fake.app.exit).not.toHaveBeenCalled();
  });

  it('File → Open does nothing when the dialog is cancelled', async () => {
    const { template } = await boot([]);
    item(template, 'open').click!();
    await vi.waitFor(() => expect(fake.dialog.showOpenDialog).toHaveBeenCalled());
    await new Promise((r) => setTimeout(r, 5));
    expect(fake.app.relaunch).not.toHaveBeenCalled();
    expect(fake.app.quit).not.toHaveBeenCalled();
  });

  it('File → Open from a server window relaunches on the local file, dropping --server', async () => {
    const { template } = await boot(['--server', 'http://h:8080/']);
    fake.dialog.openDialogAnswer = { canceled: false, filePaths: ['/d/campaign.db'] };
    item(template, 'open').click!();
    await vi.waitFor(() => expect(fake.app.relaunch).toHaveBeenCalledWith({ args: ['/app/dist/electron/main.cjs', '--db', '/d/campaign.db'] }));
  });

  it('Help → Keyboard shortcuts sends the page its `?` key', async () => {
    const { booted, template } = await boot([]);
    item(template, 'keyboard-help').click!();
    expect((booted.window as unknown as FakeBrowserWindow).webContents.executed).toEqual([KEYBOARD_HELP_SCRIPT]);
    expect(KEYBOARD_HELP_SCRIPT).toContain("key: '?'");
  });

  it('File → Connect opens one prompt window with its own preload, modal to the main window', async () => {
    const { booted, template } = await boot([]);
    item(template, 'connect').click!();
    item(template, 'connect').click!(); // a second click focuses the same prompt
    expect(FakeBrowserWindow.instances).toHaveLength(2);
    const prompt = FakeBrowserWindow.instances[1]!;
    expect(prompt.focused).toBe(true);
    expect(prompt.options).toMatchObject({ parent: booted.window, modal: true, resizable: false });
    expect(prompt.options.webPreferences).toMatchObject({ sandbox: true, contextIsolation: true, nodeIntegration: false, preload: '/app/dist/electron/connect-preload.cjs' });
    expect(prompt.menuRemoved).toBe(true);
    const url = prompt.loaded[0]!;
    expect(url.startsWith('data:text/html;charset=utf-8;base64,')).toBe(true);
    const html = Buffer.from(url.split(',')[1]!, 'base64').toString('utf8');
    // the CSP allows exactly the page's own inline script, by hash
    const script = /<script>([\s\S]*)<\/script>/.exec(html)![1]!;
    const csp = /Content-Security-Policy" content="([^"]+)"/.exec(html)![1]!;
    expect(csp).toContain(`script-src 'sha256-${createHash('sha256').update(script).digest('base64')}'`);
    expect(csp).toContain("default-src 'none'");
    expect(html).toContain('window.fieldmarkConnect.submit');
  });
});
