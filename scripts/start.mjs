#!/usr/bin/env node
// `npm start`: the desktop app when Electron's binary can run here, else the same UI served to a
// browser by `fieldmark serve` (one line on stderr says why). `--check` prints the decision as
// JSON and exits; `--browser` (or FIELDMARK_NO_ELECTRON=1) skips Electron. Other arguments
// (`--db FILE`, `--port N`, ...) are passed on.
//
// better-sqlite3 under Electron needs a build for Electron's ABI (a Node-ABI .node fails with
// NODE_MODULE_VERSION mismatch). Packaging rebuilds it (electron-builder.yml: npmRebuild). In a
// dev checkout that also runs the Node CLI, build a second copy (`npx @electron/rebuild -f -w
// better-sqlite3 -b build-electron`) and point `new Database(file, { nativeBinding })` at
// `build-electron/Release/better_sqlite3.node` when `process.versions.electron` is set.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dataDir, decideLaunch, explicitDb, serveArgs, START_FLAGS } from './start-lib.mjs';

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

function browser(reason) {
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
  process.stdout.write(JSON.stringify(decision) + '\n');
  process.exit(0);
}
if (decision.mode === 'electron') {
  const main = join(root, 'dist', 'electron', 'main.cjs');
  ensureBuilt(main);
  const env = { ...process.env };
  delete env.ELECTRON_RUN_AS_NODE; // would make the binary a plain Node
  runChild(decision.bin, [main, ...userArgs], env, (e) => browser(`Electron did not start (${e.code ?? e.message})`));
} else {
  browser(decision.reason);
}
