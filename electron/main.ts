/**
 * Electron entry (bundled to dist/electron/main.cjs; `electron` stays external). Wiring only:
 * the lifecycle is in app.ts, the windows in window.ts, app:// in protocol.ts, IPC in ipc.ts, the
 * menu in menu.ts, the connect prompt in connect-prompt.ts (+ its own preload, connect-preload.ts).
 *
 * better-sqlite3 under Electron: its `.node` addon must be built for Electron's ABI, not Node's.
 * electron-builder rebuilds it when packaging (`npmRebuild: true`). In a dev checkout, which keeps
 * the Node build for the CLI and tests, `npm start` builds a second copy into
 * build-electron/better_sqlite3.node (scripts/electron-sqlite.mjs) and names it in
 * FIELDMARK_SQLITE_BINDING; every `new Database(` passes it as `nativeBinding` under Electron
 * (src/node/store/sqlite-binding.ts).
 */
import { join } from 'node:path';
import { createDemoCampaign } from '../src/node/demo/create-demo-campaign';
import { openService } from '../src/node/service/open-service';
import { setSuggestTransport } from '../src/node/suggest/transport';
import { bootstrap } from './app';
import { utilityProcessTransport } from './suggest-process';

// __dirname is dist/electron once bundled to CJS.
// Suggestions run in a utilityProcess (dist/electron/suggest-utility.cjs), not a worker thread.
setSuggestTransport(utilityProcessTransport(join(__dirname, 'suggest-utility.cjs')));
bootstrap({
  openService,
  createDemoCampaign,
  rendererDir: join(__dirname, '..', 'renderer'),
  preloadPath: join(__dirname, 'preload.cjs'),
  connectPreloadPath: join(__dirname, 'connect-preload.cjs'),
});
