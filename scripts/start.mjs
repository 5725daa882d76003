#!/usr/bin/env node
// `npm start`: the desktop app when Electron's binary can run here, else the same UI served to a
// browser by `fieldmark serve` (one line on stderr says why). `--check` prints the decision as
// JSON and exits; `--browser` (or FIELDMARK_NO_ELECTRON=1) skips Electron. Other arguments
// (`--db FILE`, `--port N`, ...) are passed on. `--server URL` (or FIELDMARK_SERVER) opens a
// campaign server's UI in the Electron window; without Electron it prints one line saying to open
// that URL in a browser and exits 0 (nothing is served here); a bad URL is one line and exit 2.
//
// better-sqlite3 under Electron needs a build for Electron's ABI (a Node-ABI .node fails with
// NODE_MODULE_VERSION mismatch). Packaging rebuilds it (electron-builder.yml: npmRebuild). This
// dev checkout keeps node_modules/better-sqlite3 built for Node (CLI, tests) and, before starting
// Electron, builds a second copy into build-electron/better_sqlite3.node once
// (scripts/electron-sqlite.mjs: prebuild-install, else node-gyp; rebuilt when Electron, the arch or
// better-sqlite3 changes) and names it in FIELDMARK_SQLITE_BINDING, which every
// `new Database(file, sqliteBindingOptions())` passes as `nativeBinding` under Electron
// (src/node/store/sqlite-binding.ts). If it cannot be built (offline, no compiler), the browser
// fallback below is used. `--check` also reports whether that addon is ready (`sqliteBinding`).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkSqliteBinding, electronSqliteTarget, ensureElectronSqlite, SQLITE_BINDING_ENV, withSqliteBinding } from './electron-sqlite-lib.mjs';
import { dataDir, decideLaunch, explicitDb, serveArgs, serverChoice, serverFallbackLine, START_FLAGS } from './start-lib.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const userArgs = argv.filter((a) => !START_FLAGS.includes(a));
const cli = join(root, 'bin', 'fieldmark.js');

function say(line) {
  process.stderr.write(`fieldmark: ${line}\n`);
}

/** Builds dist/ once if the file we are about to run is not there yet. */
function ensureBuilt(file) {
  if (existsSync(file)) return;
  say(`${file} is missing: building first`);
  const r = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0 || !existsSync(file)) {
    say('the build failed: run `npm run build` and read its errors');
    process.exit(1);
  }
}

/** Runs a child with our stdio, forwards Ctrl-C / SIGTERM, and exits with its status. */
function runChild(cmd, args, env, onSpawnError) {
  const child = spawn(cmd, args, { cwd: root, stdio: 'inherit', env });
  const forward = (sig) => child.kill(sig);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  child.on('error', (e) => {
    process.off('SIGINT', forward);
    process.off('SIGTERM', forward);
    onSpawnError(e);
  });
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

const server = serverChoice(userArgs, process.env);
if (server && !server.ok) {
  say(server.message);
  process.exit(2);
}

function browser(reason) {
  if (server) {
    say(serverFallbackLine(server.url, reason));
    process.exit(0);
  }
  say(`${reason}: serving the UI in your browser instead`);
  ensureBuilt(join(root, 'dist', 'cli.js'));
  let db = explicitDb(userArgs);
  if (!db) {
    const dir = dataDir();
    db = join(dir, 'campaign.db');
    if (!existsSync(db)) {
      say(`no campaign at ${db}: generating the demo campaign first`);
      const r = spawnSync(process.execPath, [cli, 'demo', '--out', dir], { cwd: root, stdio: 'inherit' });
      if (r.status !== 0 || !existsSync(db)) {
        say(`\`fieldmark demo --out ${dir}\` failed (status ${r.status}); nothing to serve`);
        process.exit(r.status || 1);
      }
    }
  }
  runChild(process.execPath, [cli, ...serveArgs(userArgs, db)], process.env, (e) => {
    say(`could not start \`fieldmark serve\`: ${e.message}`);
    process.exit(1);
  });
}

const decision = decideLaunch({ root, argv });
if (argv.includes('--check')) {
  const electronVersion = decision.mode === 'electron' ? decision.version : undefined;
  const target = server ? { server: server.url } : {};
  process.stdout.write(JSON.stringify({ ...decision, ...target, sqliteBinding: checkSqliteBinding({ root, electronVersion }) }) + '\n');
  process.exit(0);
}
// better-sqlite3 for the Electron binary that will run (the version it reported), built once.
// A campaign server needs no local database: without the addon Electron still shows it (only
// File → Open of a local campaign then fails).
const withBinding = withSqliteBinding(decision, {
  ensure: () => {
    const t = electronSqliteTarget({ root, electronVersion: decision.version });
    return t.ok ? ensureElectronSqlite({ root, target: t.target, say }) : { ok: false, reason: `cannot build better-sqlite3 for Electron: ${t.reason}` };
  },
});
let launch = withBinding;
if (server && decision.mode === 'electron' && withBinding.mode === 'browser') {
  say(`${withBinding.reason}: local campaigns cannot be opened from this window`);
  launch = decision;
}
if (launch.mode === 'electron') {
  const main = join(root, 'dist', 'electron', 'main.cjs');
  ensureBuilt(main);
  const env = launch.sqliteBinding ? { ...process.env, [SQLITE_BINDING_ENV]: launch.sqliteBinding } : { ...process.env };
  delete env.ELECTRON_RUN_AS_NODE; // would make the binary a plain Node
  runChild(launch.bin, [main, ...userArgs], env, (e) => browser(`Electron did not start (${e.code ?? e.message})`));
} else {
  browser(launch.reason);
}
