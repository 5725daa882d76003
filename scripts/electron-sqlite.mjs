#!/usr/bin/env node
// Builds better-sqlite3's addon for the installed Electron into build-electron/better_sqlite3.node
// (node_modules/better-sqlite3 keeps its Node build for the CLI and the tests). `npm start` runs
// this once by itself; run it by hand to retry after a failure. `--force` rebuilds even when the
// stamp says the addon is current; `--check` only reports (JSON) and builds nothing.
// Prints the addon's path on stdout; progress and errors one line each on stderr; exit 1 on failure.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bindingStatus, ensureElectronSqlite, electronSqliteTarget } from './electron-sqlite-lib.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const say = (line) => process.stderr.write(`fieldmark: ${line}\n`);

const t = electronSqliteTarget({ root });
if (!t.ok) {
  say(`cannot build better-sqlite3 for Electron: ${t.reason}`);
  process.exit(1);
}
if (argv.includes('--check')) {
  process.stdout.write(JSON.stringify({ ...t.target, ...bindingStatus({ root, target: t.target }) }) + '\n');
  process.exit(0);
}
const r = ensureElectronSqlite({ root, target: t.target, force: argv.includes('--force'), say });
if (!r.ok) {
  say(r.reason);
  process.exit(1);
}
if (!r.built) say(`${r.path} is current (${t.target.electron}, ${t.target.arch}, better-sqlite3 ${t.target.betterSqlite3})`);
process.stdout.write(r.path + '\n');
