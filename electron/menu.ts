/**
 * The application menu: File (open a campaign database or an offline package, connect to a
 * campaign server, quit), Edit (the standard roles, so copy / paste work in text fields), View
 * (reload, zoom, full screen; developer tools only when not packaged), Help (the keyboard
 * shortcuts). The actions are injected (app.ts), so the template is plain data tests can read.
 * Opening a file or a server relaunches the app on it (`relaunchInto`): one code path for start-up
 * and for switching, nothing swapped under a live window.
 */
import { app, dialog, Menu, type BrowserWindow, type MenuItemConstructorOptions } from 'electron';
import { relaunchArgs } from './config';

export interface MenuActions {
  openFile(): void;
  connect(): void;
  showKeyboardHelp(): void;
}

export const OPEN_DIALOG_FILTERS = [
  { name: 'Campaigns and offline packages', extensions: ['db', 'sqlite', 'fmpkg'] },
  { name: 'All files', extensions: ['*'] },
];

export function menuTemplate(actions: MenuActions, opts: { isPackaged: boolean; platform: string }): MenuItemConstructorOptions[] {
  const mac = opts.platform === 'darwin';
  const view: MenuItemConstructorOptions[] = [
    { role: 'reload' },
    { role: 'forceReload' },
    ...(opts.isPackaged ? [] : [{ role: 'toggleDevTools' } as const]),
    { type: 'separator' },
    { role: 'resetZoom' },
    { role: 'zoomIn' },
    { role: 'zoomOut' },
    { type: 'separator' },
    { role: 'togglefullscreen' },
  ];
  return [
    ...(mac ? [{ role: 'appMenu' } as const] : []),
    {
      label: '&File',
      submenu: [
        { id: 'open', label: 'Open campaign or offline package…', accelerator: 'CmdOrCtrl+O', click: () => actions.openFile() },
        { id: 'connect', label: 'Connect to a campaign server…', accelerator: 'CmdOrCtrl+Shift+O', click: () => actions.connect() },
        { type: 'separator' },
        mac ? { role: 'close' } : { id: 'quit', role: 'quit', label: 'Quit' },
      ],
    },
    { role: 'editMenu', label: '&Edit' },
    { label: '&View', submenu: view },
    { role: 'windowMenu' },
    {
      role: 'help',
      label: '&Help',
      submenu: [{ id: 'keyboard-help', label: 'Keyboard shortcuts', click: () => actions.showKeyboardHelp() }],
    },
  ];
}

export function installMenu(actions: MenuActions, opts: { isPackaged: boolean; platform?: string }): void {
  Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate(actions, { isPackaged: opts.isPackaged, platform: opts.platform ?? process.platform })));
}

/** Restarts the app on a database or a campaign server: quits cleanly (the service is closed), then starts again. */
export function relaunchInto(next: { db: string } | { server: string }, argv: readonly string[] = process.argv): void {
  app.relaunch({ args: relaunchArgs(argv, next) });
  app.quit();
}

/** File → Open: the file dialog, then a relaunch on the chosen file. Resolves with it, or null when cancelled. */
export async function openFileAndRelaunch(parent: BrowserWindow | null, argv: readonly string[] = process.argv): Promise<string | null> {
  const options = { title: 'Open a campaign or an offline package', properties: ['openFile' as const], filters: OPEN_DIALOG_FILTERS };
  const r = parent ? await dialog.showOpenDialog(parent, options) : await dialog.showOpenDialog(options);
  const file = r.canceled ? undefined : r.filePaths[0];
  if (!file) return null;
  relaunchInto({ db: file }, argv);
  return file;
}

/**
 * Help → Keyboard shortcuts: the renderer opens its shortcut list on the `?` key (keymap `help`),
 * so the same key event is dispatched in the page. A fixed script, no data from outside.
 */
export const KEYBOARD_HELP_SCRIPT = "document.dispatchEvent(new KeyboardEvent('keydown', { key: '?', bubbles: true }))";

export function showKeyboardHelp(win: BrowserWindow | null): void {
  if (!win || win.isDestroyed()) return;
  win.webContents.executeJavaScript(KEYBOARD_HELP_SCRIPT).catch(() => undefined);
}
