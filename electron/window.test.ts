import type { App, Session, WebContents } from 'electron';
import * as electron from 'electron';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeBrowserWindow, FakeWebContents, navEvent, type FakeElectron, type FakeSession } from './testing/fake-electron';
import {
  createMainWindow,
  hardenSession,
  hardenWebContents,
  installWebContentsGuard,
  openExternalSafely,
  SECURE_WEB_PREFERENCES,
} from './window';

vi.mock('electron', async () => (await import('./testing/fake-electron')).createFakeElectron());
const fake = electron as unknown as FakeElectron;
const asContents = (c: FakeWebContents) => c as unknown as WebContents;

beforeEach(() => {
  FakeBrowserWindow.instances.length = 0;
  fake.shell.openExternal.mockClear();
});

describe('main window', () => {
  it('is created isolated, sandboxed, without Node, with the preload, and loads app://fieldmark', () => {
    const win = createMainWindow({ preloadPath: '/app/dist/electron/preload.cjs' }) as unknown as FakeBrowserWindow;
    expect(FakeBrowserWindow.instances).toEqual([win]);
    const prefs = win.options.webPreferences;
    expect(prefs).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      webviewTag: false,
      spellcheck: false,
      preload: '/app/dist/electron/preload.cjs',
    });
    expect(SECURE_WEB_PREFERENCES.allowRunningInsecureContent).toBe(false);
    expect(win.loaded).toEqual(['app://fieldmark/index.html']);
    expect(win.shown).toBe(false);
    win.emit('ready-to-show');
    expect(win.shown).toBe(true);
    // the window's own webContents is hardened
    const ev = navEvent('https://evil.example/');
    win.webContents.emit('will-navigate', ev);
    expect(ev.prevented).toBe(true);
  });
});

describe('webContents hardening', () => {
  it('prevents navigation and redirects away from the app origin and allows in-app ones', () => {
    const c = new FakeWebContents();
    hardenWebContents(asContents(c), fake.shell);
    for (const name of ['will-navigate', 'will-frame-navigate', 'will-redirect']) {
      for (const url of ['https://evil.example/', 'file:///etc/passwd', 'app://other/index.html', 'app://fieldmark:1/x', 'app://u:p@fieldmark/', 'javascript:alert(1)', 'not a url']) {
        const ev = navEvent(url);
        c.emit(name, ev);
        expect(ev.prevented, `${name} ${url}`).toBe(true);
      }
      const ok = navEvent('app://fieldmark/index.html#site=3');
      c.emit(name, ok);
      expect(ok.prevented, name).toBe(false);
    }
  });

  it('denies window.open, sending only http(s) links to the system browser', () => {
    const c = new FakeWebContents();
    hardenWebContents(asContents(c), fake.shell);
    expect(c.windowOpenHandler!({ url: 'https://fieldmark.example/docs' })).toEqual({ action: 'deny' });
    expect(fake.shell.openExternal).toHaveBeenCalledWith('https://fieldmark.example/docs');
    for (const url of ['app://fieldmark/index.html', 'file:///etc/passwd', 'smb://host/share', 'javascript:alert(1)', 'https://user:pw@example.com/']) {
      expect(c.windowOpenHandler!({ url })).toEqual({ action: 'deny' });
    }
    expect(fake.shell.openExternal).toHaveBeenCalledTimes(1);
    expect(openExternalSafely(undefined, 'https://example.com')).toBe(false);
  });

  it('prevents <webview> attachment and hardens each webContents once', () => {
    const c = new FakeWebContents();
    hardenWebContents(asContents(c));
    hardenWebContents(asContents(c));
    expect(c.count('will-navigate')).toBe(1);
    const ev = navEvent('app://fieldmark/');
    c.emit('will-attach-webview', ev);
    expect(ev.prevented).toBe(true);
  });

  it('guards every webContents the app creates', () => {
    installWebContentsGuard(fake.app as unknown as App, fake.shell);
    const c = new FakeWebContents();
    fake.app.emit('web-contents-created', {}, c);
    const ev = navEvent('https://evil.example/');
    c.emit('will-navigate', ev);
    expect(ev.prevented).toBe(true);
    expect(c.windowOpenHandler!({ url: 'https://a.example/' })).toEqual({ action: 'deny' });
  });
});

describe('session', () => {
  it('denies every permission request and check', () => {
    const ses = fake.session.defaultSession as FakeSession;
    hardenSession(ses as unknown as Session);
    for (const perm of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal', 'fullscreen']) {
      const cb = vi.fn();
      ses.permissionRequestHandler!({}, perm, cb, {});
      expect(cb).toHaveBeenCalledWith(false);
      expect(ses.permissionCheckHandler!({}, perm, 'app://fieldmark', {})).toBe(false);
    }
    expect(ses.devicePermissionHandler!({})).toBe(false);
  });
});
