// The decisions behind `npm start` (scripts/start.mjs), kept pure so electron/start.test.ts can
// test them: can Electron's binary run here, and if not, where the browser fallback keeps its data.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** start.mjs's own flags, never passed on to Electron or `fieldmark serve`. */
export const START_FLAGS = ['--check', '--browser'];

/**
 * Where the `electron` package says its binary is, read without require('electron'): that module
 * starts a download when the binary is missing, which hangs or fails without network.
 * @returns {{ path: string } | { path: null, reason: string }}
 */
export function findElectronBinary({ root, env = process.env, exists = existsSync, readText = (p) => readFileSync(p, 'utf8') }) {
  const pkgDir = join(root, 'node_modules', 'electron');
  if (!exists(join(pkgDir, 'package.json'))) return { path: null, reason: 'the electron package is not installed' };
  const pathFile = join(pkgDir, 'path.txt');
  let rel = '';
  if (exists(pathFile)) rel = readText(pathFile).trim();
  let bin;
  if (env.ELECTRON_OVERRIDE_DIST_PATH) bin = join(env.ELECTRON_OVERRIDE_DIST_PATH, rel || 'electron');
  else if (rel) bin = join(pkgDir, 'dist', rel);
  else return { path: null, reason: 'it was never downloaded (no network to download it)' };
  if (!exists(bin)) return { path: null, reason: `${bin} is missing (its download failed or was removed)` };
  return { path: bin };
}

/** Runs the binary as plain Node (no window, no display needed) to prove it executes here. */
export function probeElectron(bin, run = spawnSync) {
  const r = run(bin, ['-e', 'process.stdout.write(String(process.versions.electron))'], {
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    encoding: 'utf8',
    timeout: 15_000,
  });
  if (r.error) return { ok: false, reason: `it does not start (${r.error.code ?? r.error.message})` };
  if (r.status !== 0) return { ok: false, reason: `it exits with status ${r.status} (${String(r.stderr ?? '').trim().split('\n')[0] || 'no message'})` };
  return { ok: true, version: String(r.stdout ?? '').trim() };
}

/** Linux needs an X11 or Wayland display for a window. */
export function hasDisplay(platform, env) {
  if (platform !== 'linux') return true;
  return Boolean(env.DISPLAY || env.WAYLAND_DISPLAY);
}

/**
 * @returns {{ mode: 'electron', bin: string, version: string } | { mode: 'browser', reason: string }}
 */
export function decideLaunch({ root, argv = [], platform = process.platform, env = process.env, exists = existsSync, readText, probe = probeElectron }) {
  if (argv.includes('--browser') || env.FIELDMARK_NO_ELECTRON === '1') {
    return { mode: 'browser', reason: 'the browser UI was asked for (--browser or FIELDMARK_NO_ELECTRON=1)' };
  }
  const found = findElectronBinary({ root, env, exists, ...(readText ? { readText } : {}) });
  if (!found.path) return { mode: 'browser', reason: `Electron's binary is not available here: ${found.reason}` };
  const p = probe(found.path);
  if (!p.ok) return { mode: 'browser', reason: `Electron's binary cannot run here: ${p.reason}` };
  if (!hasDisplay(platform, env)) return { mode: 'browser', reason: 'there is no display for a desktop window (DISPLAY and WAYLAND_DISPLAY are unset)' };
  return { mode: 'electron', bin: found.path, version: p.version };
}

function writableDir(dir) {
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** Where the browser fallback keeps its demo campaign. */
export function dataDir({ env = process.env, home = homedir(), cwd = process.cwd(), isWritable = writableDir } = {}) {
  const candidates = [];
  if (env.FIELDMARK_DATA_DIR) candidates.push(resolve(cwd, env.FIELDMARK_DATA_DIR));
  if (env.XDG_DATA_HOME) candidates.push(join(env.XDG_DATA_HOME, 'fieldmark'));
  if (home) candidates.push(join(home, '.local', 'share', 'fieldmark'));
  for (const dir of candidates) if (isWritable(dir)) return dir;
  return join(cwd, '.fieldmark-data');
}

/** The `--db` the user gave (`--db FILE`, `--db=FILE`) or FIELDMARK_DB, else null. */
export function explicitDb(argv, env = process.env) {
  for (let i = argv.length - 1; i >= 0; i--) {
    const a = argv[i];
    if (a === '--db' && i + 1 < argv.length) return argv[i + 1];
    if (a.startsWith('--db=')) return a.slice(5);
  }
  return env.FIELDMARK_DB || null;
}

/** Arguments for `fieldmark serve`: the user's (minus start.mjs flags) plus `--db` if they gave none. */
export function serveArgs(argv, db) {
  const rest = argv.filter((a) => !START_FLAGS.includes(a));
  const hasDb = rest.some((a) => a === '--db' || a.startsWith('--db='));
  return ['serve', ...(hasDb ? [] : ['--db', db]), ...rest];
}

/**
 * A campaign server URL, checked by the same rules as electron/server-url.ts parseServerUrl
 * (http(s), a host, no user name or password; electron/server-url.test.ts runs both on one table).
 * @returns {{ ok: true, url: string, origin: string } | { ok: false, message: string }}
 */
export function checkServerUrl(raw) {
  if (typeof raw !== 'string' || raw.trim() === '') return { ok: false, message: '--server: give the campaign server address, e.g. http://192.168.1.20:8080/' };
  const text = raw.trim();
  const shown = JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text);
  if (text.length > 2048) return { ok: false, message: `--server: ${shown} is longer than 2048 characters` };
  let u;
  try {
    u = new URL(text);
  } catch {
    return { ok: false, message: `--server: ${shown} is not a URL (expected http://host:port/ or https://host/)` };
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return { ok: false, message: `--server: ${shown} is not an http or https URL` };
  if (u.hostname === '') return { ok: false, message: `--server: ${shown} names no host` };
  if (u.username !== '' || u.password !== '') return { ok: false, message: `--server: ${shown} holds a user name or password: sign in on the server's page instead` };
  return { ok: true, url: u.href, origin: u.origin };
}

/**
 * The campaign server `npm start` was asked for, as electron/config.ts chooseTarget reads it:
 * `--server URL` / `--server=URL` (with `--db` too: refused), else FIELDMARK_SERVER unless `--db`
 * was given. null when none.
 * @returns {null | { ok: true, url: string, origin: string } | { ok: false, message: string }}
 */
export function serverChoice(argv, env = process.env) {
  let arg = null;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--server') arg = i + 1 < argv.length && !argv[i + 1].startsWith('--') ? argv[++i] : '';
    else if (a.startsWith('--server=')) arg = a.slice('--server='.length);
  }
  const hasDb = argv.some((a) => a === '--db' || a.startsWith('--db='));
  if (arg !== null && hasDb) return { ok: false, message: '--server and --db cannot be used together: a campaign server or a local database' };
  if (arg !== null) return checkServerUrl(arg);
  const fromEnv = env.FIELDMARK_SERVER?.trim();
  if (!fromEnv || hasDb) return null;
  const r = checkServerUrl(fromEnv);
  return r.ok ? r : { ok: false, message: r.message.replace('--server', 'FIELDMARK_SERVER') };
}

/** Without a desktop window a campaign server is simply opened in the user's own browser: this line says so. */
export function serverFallbackLine(url, reason) {
  return `${reason}: open ${url} in your browser (the campaign server serves the same app there)`;
}
