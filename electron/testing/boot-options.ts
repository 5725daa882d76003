/**
 * What the Electron tests boot with: BootOptions over a fake service (argv after the app's own
 * two entries), and the reset of the fake `electron` module between tests.
 */
import { join } from 'node:path';
import { vi } from 'vitest';
import type { BootOptions } from '../app';
import { FakeBrowserWindow, type FakeElectron } from './fake-electron';
import { fakeService } from './fake-service';

export function testBootOptions(argv: string[] = [], over: Partial<BootOptions> = {}) {
  const { service } = fakeService();
  const openService = vi.fn(async (_o: { dbPath: string }) => service);
  const createDemoCampaign = vi.fn(async (o: { outDir: string; seed: number }) => ({ db: join(o.outDir, 'campaign.db') }));
  const opts: BootOptions = {
    openService,
    createDemoCampaign,
    rendererDir: '/app/dist/renderer',
    preloadPath: '/app/dist/electron/preload.cjs',
    connectPreloadPath: '/app/dist/electron/connect-preload.cjs',
    argv: ['/usr/bin/electron', '/app/dist/electron/main.cjs', ...argv],
    env: {},
    ...over,
  };
  return { opts, service, openService, createDemoCampaign };
}

/** Forgets the calls, windows, IPC handlers and app listeners of the previous test; a development (unpackaged) app. */
export function resetFakeElectron(fake: FakeElectron): void {
  fake.calls.length = 0;
  FakeBrowserWindow.instances.length = 0;
  fake.ipcMain.handlers.clear();
  fake.app.listeners.clear(); // each test boots its own app
  fake.app.isPackaged = false;
  fake.dialog.openDialogAnswer = { canceled: true, filePaths: [] };
  vi.clearAllMocks();
}
