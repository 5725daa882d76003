/**
 * A recording stand-in for the `electron` module: `vi.mock('electron', async () =>
 * (await import('./testing/fake-electron')).createFakeElectron())`. Only what electron/ uses.
 */
import { vi } from 'vitest';

type Listener = (...args: any[]) => unknown;

export class FakeEmitter {
  readonly listeners = new Map<string, Listener[]>();
  on(event: string, l: Listener): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), l]);
    return this;
  }
  once(event: string, l: Listener): this {
    const wrapped: Listener = (...args) => {
      this.removeListener(event, wrapped);
      return l(...args);
    };
    return this.on(event, wrapped);
  }
  removeListener(event: string, l: Listener): this {
    this.listeners.set(event, (this.listeners.get(event) ?? []).filter((x) => x !== l));
    return this;
  }
  emit(event: string, ...args: unknown[]): void {
    for (const l of [...(this.listeners.get(event) ?? [])]) l(...args);
  }
  count(event: string): number {
    return this.listeners.get(event)?.length ?? 0;
  }
}

/** An event with preventDefault, as will-navigate & co. receive. */
export function navEvent(url: string): { url: string; prevented: boolean; preventDefault(): void } {
  return {
    url,
    prevented: false,
    preventDefault() {
      this.prevented = true;
    },
  };
}

let nextId = 1;

export class FakeWebContents extends FakeEmitter {
  readonly id = nextId++;
  readonly sent: [string, unknown][] = [];
  destroyed = false;
  windowOpenHandler: ((details: { url: string }) => { action: string }) | null = null;
  readonly executed: string[] = [];
  executeJavaScript(code: string): Promise<unknown> {
    this.executed.push(code);
    return Promise.resolve(undefined);
  }
  send(channel: string, payload: unknown): void {
    if (this.destroyed) throw new Error('Object has been destroyed');
    this.sent.push([channel, payload]);
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  setWindowOpenHandler(h: (details: { url: string }) => { action: string }): void {
    this.windowOpenHandler = h;
  }
  destroy(): void {
    this.destroyed = true;
    this.emit('destroyed');
  }
}

export class FakeBrowserWindow extends FakeEmitter {
  static instances: FakeBrowserWindow[] = [];
  readonly webContents = new FakeWebContents();
  readonly loaded: string[] = [];
  shown = false;
  focused = false;
  destroyed = false;
  menuRemoved = false;
  constructor(readonly options: Record<string, any>) {
    super();
    FakeBrowserWindow.instances.push(this);
  }
  loadURL(url: string): Promise<void> {
    this.loaded.push(url);
    return Promise.resolve();
  }
  show(): void {
    this.shown = true;
  }
  focus(): void {
    this.focused = true;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  close(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.emit('closed');
  }
  removeMenu(): void {
    this.menuRemoved = true;
  }
  isMinimized(): boolean {
    return false;
  }
  restore(): void {}
}

export class FakeSession {
  permissionRequestHandler: Listener | null = null;
  permissionCheckHandler: Listener | null = null;
  devicePermissionHandler: Listener | null = null;
  setPermissionRequestHandler(h: Listener): void {
    this.permissionRequestHandler = h;
  }
  setPermissionCheckHandler(h: Listener): void {
    this.permissionCheckHandler = h;
  }
  setDevicePermissionHandler(h: Listener): void {
    this.devicePermissionHandler = h;
  }
}

export function createFakeElectron() {
  /** Names of calls in order, e.g. 'protocol.registerSchemesAsPrivileged', 'app.whenReady'. */
  const calls: string[] = [];
  const rec =
    <T extends Listener>(name: string, impl: T) =>
    (...args: Parameters<T>): ReturnType<T> => {
      calls.push(name);
      return impl(...args) as ReturnType<T>;
    };
  const appEmitter = new FakeEmitter();
  const state = { singleInstance: true, userData: '/tmp/fieldmark-userdata', ready: Promise.resolve() };
  const app = Object.assign(appEmitter, {
    state,
    isPackaged: false,
    relaunch: vi.fn(rec('app.relaunch', (_opts?: { args?: string[]; execPath?: string }) => undefined)),
    requestSingleInstanceLock: vi.fn(rec('app.requestSingleInstanceLock', () => state.singleInstance)),
    whenReady: vi.fn(rec('app.whenReady', () => state.ready)),
    enableSandbox: vi.fn(rec('app.enableSandbox', () => undefined)),
    getPath: vi.fn((_name: string) => state.userData),
    quit: vi.fn(rec('app.quit', () => undefined)),
    exit: vi.fn(rec('app.exit', (_code?: number) => undefined)),
  });
  const ipcMain = Object.assign(new FakeEmitter(), {
    handlers: new Map<string, Listener>(),
    handle: vi.fn(function (this: void, channel: string, l: Listener) {
      calls.push('ipcMain.handle');
      ipcMain.handlers.set(channel, l);
    }),
    removeHandler: vi.fn((channel: string) => void ipcMain.handlers.delete(channel)),
  });
  const ipcRenderer = Object.assign(new FakeEmitter(), {
    invoke: vi.fn(async (_channel: string, ..._args: unknown[]): Promise<unknown> => ({ ok: true, value: null })),
    send: vi.fn((_channel: string, ..._args: unknown[]) => undefined),
  });
  const dialogAnswer = () => fake.dialog.openDialogAnswer;
  const fake = {
    calls,
    app,
    BrowserWindow: FakeBrowserWindow,
    protocol: {
      registerSchemesAsPrivileged: vi.fn(rec('protocol.registerSchemesAsPrivileged', (_s: unknown[]) => undefined)),
      handle: vi.fn(rec('protocol.handle', (_scheme: string, _h: Listener) => undefined)),
    },
    session: { defaultSession: new FakeSession() },
    shell: { openExternal: vi.fn(async (_url: string) => undefined) },
    dialog: {
      showErrorBox: vi.fn((_t: string, _m: string) => undefined),
      /** Answers with `openDialogAnswer` (set it per test). */
      openDialogAnswer: { canceled: true, filePaths: [] as string[] },
      showOpenDialog: vi.fn(async (..._args: unknown[]) => dialogAnswer()),
      showMessageBox: vi.fn(async (..._args: unknown[]) => ({ response: 0, checkboxChecked: false })),
    },
    Menu: {
      /** The last template given to buildFromTemplate. */
      template: null as MenuTemplate | null,
      buildFromTemplate: vi.fn((t: MenuTemplate) => {
        fake.Menu.template = t;
        return { template: t };
      }),
      setApplicationMenu: vi.fn((_m: unknown) => undefined),
    },
    ipcMain,
    ipcRenderer,
    contextBridge: { exposeInMainWorld: vi.fn((_key: string, _api: unknown) => undefined) },
  };
  return fake;
}

/** A menu item as the template holds it (what electron/menu.ts builds). */
export interface MenuTemplateItem {
  id?: string;
  label?: string;
  role?: string;
  type?: string;
  accelerator?: string;
  click?: () => void;
  submenu?: MenuTemplateItem[];
}
export type MenuTemplate = MenuTemplateItem[];

/** Every item of a template, depth first. */
export function menuItems(t: MenuTemplate): MenuTemplateItem[] {
  return t.flatMap((i) => [i, ...(i.submenu ? menuItems(i.submenu) : [])]);
}

export type FakeElectron = ReturnType<typeof createFakeElectron>;
