import type { BrowserWindow, IpcMain } from 'electron';
import * as electron from 'electron';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { IPC_CONNECT_SERVER } from '../src/common/api/bridge';
import { connectPageHtml, createConnectPrompt } from './connect-prompt';
import { CONNECT_BRIDGE_KEY, createConnectBridge, type ConnectBridge } from './connect-preload';
import { FakeBrowserWindow, FakeWebContents, type FakeElectron } from './testing/fake-electron';

vi.mock('electron', async () => (await import('./testing/fake-electron')).createFakeElectron());
const fake = electron as unknown as FakeElectron;
// connect-preload.ts exposes its bridge when loaded (by the import above), before any beforeEach.
const exposedAtLoad = fake.contextBridge.exposeInMainWorld.mock.calls.slice();

beforeEach(() => {
  FakeBrowserWindow.instances.length = 0;
  fake.ipcMain.handlers.clear();
  vi.clearAllMocks();
});

function setup(parent: FakeBrowserWindow | null = null) {
  const onConnect = vi.fn();
  const log = vi.fn();
  const prompt = createConnectPrompt({
    ipcMain: fake.ipcMain as unknown as IpcMain,
    preloadPath: '/p/connect-preload.cjs',
    getParent: () => parent as unknown as BrowserWindow | null,
    onConnect,
    log,
  });
  const handler = fake.ipcMain.handlers.get(IPC_CONNECT_SERVER)!;
  const win = prompt.open() as unknown as FakeBrowserWindow;
  const fromPrompt = { sender: win.webContents, senderFrame: { url: win.loaded[0]! } };
  return { prompt, handler, win, fromPrompt, onConnect, log };
}

describe('connect prompt IPC', () => {
  it('accepts a valid server URL from the prompt: closes it and connects', async () => {
    const { handler, win, fromPrompt, onConnect } = setup();
    expect(await handler(fromPrompt, ' http://192.168.1.20:8080 ')).toEqual({ ok: true });
    expect(onConnect).toHaveBeenCalledWith('http://192.168.1.20:8080/');
    expect(win.destroyed).toBe(true);
  });

  it('answers a bad URL with the one-line reason and keeps the prompt open', async () => {
    const { handler, win, fromPrompt, onConnect } = setup();
    expect(await handler(fromPrompt, 'ftp://host/')).toEqual({ ok: false, message: '"ftp://host/" is not an http or https URL' });
    expect(await handler(fromPrompt, 'http://me:pw@host/')).toMatchObject({ ok: false, message: expect.stringContaining('user name or password') });
    expect(await handler(fromPrompt, '')).toMatchObject({ ok: false, message: expect.stringContaining('give the campaign server address') });
    expect(onConnect).not.toHaveBeenCalled();
    expect(win.destroyed).toBe(false);
  });

  it('validates the arguments: exactly one string of at most 2048 characters', async () => {
    const { handler, fromPrompt, onConnect } = setup();
    for (const args of [[], [42], [{ toString: () => 'http://h/' }], ['http://h/', 'extra'], [`http://h/${'a'.repeat(2100)}`], [null]]) {
      const r = await handler(fromPrompt, ...args);
      expect(r, JSON.stringify(args).slice(0, 40)).toMatchObject({ ok: false, message: expect.stringContaining('Type the server address') });
    }
    expect(onConnect).not.toHaveBeenCalled();
  });

  it('refuses senders other than the prompt window showing its page', async () => {
    const { handler, win, onConnect, log } = setup();
    const stranger = new FakeWebContents();
    const refused = [
      { sender: stranger, senderFrame: { url: win.loaded[0]! } },
      { sender: win.webContents, senderFrame: { url: 'http://evil.example/' } },
      { sender: win.webContents, senderFrame: { url: 'app://fieldmark/index.html' } },
      { sender: win.webContents, senderFrame: null },
    ];
    for (const ev of refused) expect(await handler(ev, 'http://h/')).toEqual({ ok: false, message: 'Refused: not the connect prompt.' });
    expect(log).toHaveBeenCalledTimes(refused.length);
    win.close(); // a closed prompt accepts nothing either
    expect(await handler({ sender: win.webContents, senderFrame: { url: win.loaded[0]! } }, 'http://h/')).toMatchObject({ ok: false });
    expect(onConnect).not.toHaveBeenCalled();
  });

  it('opens a fresh prompt after the last one closed, without a parent when there is no window', () => {
    const { prompt, win } = setup();
    expect(win.options.modal).toBe(false);
    expect(win.options).not.toHaveProperty('parent');
    win.close();
    expect(prompt.current()).toBeNull();
    const again = prompt.open('http://h:1/') as unknown as FakeBrowserWindow;
    expect(again).not.toBe(win);
    prompt.dispose();
    expect(fake.ipcMain.handlers.has(IPC_CONNECT_SERVER)).toBe(false);
    expect(again.destroyed).toBe(true);
  });

  it('escapes the prefilled address', () => {
    const html = connectPageHtml('http://h/"><script>alert(1)</script>');
    expect(html).toContain('value="http://h/&#34;&#62;&#60;script&#62;alert(1)&#60;/script&#62;"');
    expect(html.match(/<script>/g)).toHaveLength(1);
  });
});

describe('connect preload', () => {
  it('exposes only `fieldmarkConnect.submit`, which invokes the one channel with the string', async () => {
    expect(exposedAtLoad).toHaveLength(1);
    const [key, exposed] = exposedAtLoad[0]!;
    expect(key).toBe(CONNECT_BRIDGE_KEY);
    expect(Object.keys(exposed as object)).toEqual(['submit']);
    expect(Object.isFrozen(exposed)).toBe(true);
    fake.ipcRenderer.invoke.mockResolvedValueOnce({ ok: false, message: 'x' });
    expect(await (exposed as ConnectBridge).submit('http://h/')).toEqual({ ok: false, message: 'x' });
    expect(fake.ipcRenderer.invoke).toHaveBeenCalledWith(IPC_CONNECT_SERVER, 'http://h/');
  });

  it('answers without IPC for a non-string, and turns a failed send into a message', async () => {
    const invoke = vi.fn(async (_c: string, ..._a: unknown[]): Promise<unknown> => ({ ok: true }));
    const bridge: ConnectBridge = createConnectBridge({ invoke } as never);
    expect(await bridge.submit('http://h/')).toEqual({ ok: true });
    expect(invoke).toHaveBeenCalledWith(IPC_CONNECT_SERVER, 'http://h/');
    expect(await bridge.submit(7 as unknown as string)).toMatchObject({ ok: false });
    expect(invoke).toHaveBeenCalledTimes(1);
    invoke.mockRejectedValueOnce(new Error('An object could not be cloned.\nmore'));
    expect(await bridge.submit('http://h/')).toEqual({ ok: false, message: 'The address could not be sent: An object could not be cloned.' });
  });
});
