// better-sqlite3 for Electron in a dev checkout (scripts/electron-sqlite.mjs, `npm start`), kept
// apart from the Node build the CLI and the tests use: node_modules/better-sqlite3 is never touched.
// The package is copied (without its build/) to build-electron/better-sqlite3, built there for
// Electron's ABI (prebuild-install's prebuilt binary, else node-gyp against Electron's headers),
// and the addon copied to build-electron/better_sqlite3.node with a stamp (Electron version, arch,
// better-sqlite3 version) so it is rebuilt only when one of them changes; the work copy is then
// removed. The Electron main process loads it through FIELDMARK_SQLITE_BINDING
// (src/node/store/sqlite-binding.ts). Tested by electron/electron-sqlite.test.ts with injected
// processes.
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export const BUILD_DIR = 'build-electron';
export const SQLITE_BINDING_ENV = 'FIELDMARK_SQLITE_BINDING';
const ELECTRON_HEADERS = 'https://electronjs.org/headers';
const PREBUILD_TIMEOUT_MS = 120_000;
const NODE_GYP_TIMEOUT_MS = 15 * 60_000;

/** Where everything lives under `<root>/build-electron`. */
export function electronSqlitePaths(root) {
  const dir = join(root, BUILD_DIR);
  return {
    dir,
    binding: join(dir, 'better_sqlite3.node'),
    stamp: join(dir, 'better_sqlite3.stamp.json'),
    pkgCopy: join(dir, 'better-sqlite3'),
    pkgSource: join(root, 'node_modules', 'better-sqlite3'),
  };
}

const defaultReadText = (p) => readFileSync(p, 'utf8');

/**
 * What the Electron build is for: the installed Electron (node_modules/electron/package.json, or
 * `electronVersion`: the version the binary reported), the arch, and better-sqlite3's version.
 * @returns {{ ok: true, target: { electron: string, arch: string, betterSqlite3: string } } | { ok: false, reason: string }}
 */
export function electronSqliteTarget({ root, arch = process.arch, electronVersion, exists = existsSync, readText = defaultReadText }) {
  const version = (file) => {
    if (!exists(file)) return null;
    try {
      const v = JSON.parse(readText(file)).version;
      return typeof v === 'string' && v ? v : null;
    } catch {
      return null;
    }
  };
  const electron = electronVersion || version(join(root, 'node_modules', 'electron', 'package.json'));
  if (!electron) return { ok: false, reason: 'the electron package is not installed' };
  const betterSqlite3 = version(join(electronSqlitePaths(root).pkgSource, 'package.json'));
  if (!betterSqlite3) return { ok: false, reason: 'better-sqlite3 is not installed (run `npm ci`)' };
  return { ok: true, target: { electron, arch, betterSqlite3 } };
}

export function stampText(target) {
  return JSON.stringify({ electron: target.electron, arch: target.arch, betterSqlite3: target.betterSqlite3 }) + '\n';
}

const describeTarget = (t) => `Electron ${t.electron} (${t.arch}), better-sqlite3 ${t.betterSqlite3}`;

/**
 * Is build-electron/better_sqlite3.node there and built for this target?
 * @returns {{ ready: boolean, path: string, reason?: string }}
 */
export function bindingStatus({ root, target, exists = existsSync, readText = defaultReadText }) {
  const { binding, stamp } = electronSqlitePaths(root);
  if (!exists(binding)) return { ready: false, path: binding, reason: 'not built yet' };
  let built = null;
  try {
    built = exists(stamp) ? JSON.parse(readText(stamp)) : null;
  } catch {
    built = null;
  }
  if (!built) return { ready: false, path: binding, reason: 'its stamp is missing or unreadable: rebuild' };
  if (built.electron !== target.electron || built.arch !== target.arch || built.betterSqlite3 !== target.betterSqlite3) {
    return { ready: false, path: binding, reason: `built for ${describeTarget(built)}, needed for ${describeTarget(target)}` };
  }
  return { ready: true, path: binding };
}

/**
 * node-gyp's entry script: the project's own (node_modules/node-gyp, the version the lockfile pins),
 * else the one bundled with npm (found from npm_execpath, or beside the node binary).
 */
export function findNodeGyp({ root, env = process.env, execPath = process.execPath, exists = existsSync }) {
  const inNpm = (npmDir) => join(npmDir, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
  const candidates = [join(root, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js')];
  if (env.npm_execpath) candidates.push(inNpm(join(dirname(env.npm_execpath), '..')));
  const nodeDir = dirname(execPath);
  candidates.push(inNpm(join(nodeDir, '..', 'lib', 'node_modules', 'npm')), inNpm(join(nodeDir, 'node_modules', 'npm')));
  return candidates.find((c) => exists(c)) ?? null;
}

/**
 * The ways to get the addon, in order; each runs in the package copy and leaves
 * build/Release/better_sqlite3.node there.
 */
export function buildSteps({ root, target, execPath = process.execPath, env = process.env, exists = existsSync }) {
  const steps = [];
  const prebuild = join(root, 'node_modules', 'prebuild-install', 'bin.js');
  if (exists(prebuild)) {
    steps.push({
      name: 'prebuild-install',
      cmd: execPath,
      args: [prebuild, '--runtime', 'electron', '--target', target.electron, '--arch', target.arch],
      timeoutMs: PREBUILD_TIMEOUT_MS,
    });
  } else {
    steps.push({ name: 'prebuild-install', missing: 'node_modules/prebuild-install is not installed' });
  }
  const gyp = findNodeGyp({ root, env, execPath, exists });
  if (gyp) {
    steps.push({
      name: 'node-gyp',
      cmd: execPath,
      args: [gyp, 'rebuild', '--release', `--target=${target.electron}`, `--arch=${target.arch}`, `--dist-url=${ELECTRON_HEADERS}`, '--runtime=electron'],
      timeoutMs: NODE_GYP_TIMEOUT_MS,
    });
  } else {
    steps.push({ name: 'node-gyp', missing: 'node-gyp was not found (neither in node_modules nor with npm)' });
  }
  return steps;
}

/**
 * One line out of a failed step's output: node-gyp's first `ERR! stack` message (its lines joined
 * up to the stack frames), else the last line that reads like an error, else the last line.
 */
export function failureSummary(output) {
  const lines = String(output ?? '')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
  const stack = [];
  for (const l of lines) {
    const m = /ERR! stack (.*)$/.exec(l);
    if (!m) {
      if (stack.length) break;
      continue;
    }
    if (/^at /.test(m[1].trim())) break;
    stack.push(m[1].trim());
  }
  let line = stack.join(' ');
  if (!line) {
    const errorish = lines.filter((l) => /\b(ERR!|error|warn)\b/i.test(l) && !/ERR! (not ok|cwd|command|System|node -v|node-gyp -v)\b/.test(l));
    line = errorish.at(-1) ?? lines.at(-1) ?? 'no output';
  }
  line = line.replace(/^prebuild-install (warn|info|ERR!) \S+ /, '').replace(/^gyp ERR! /, '');
  return line.length > 240 ? `${line.slice(0, 237)}...` : line;
}

const defaultSay = (line) => process.stderr.write(`fieldmark: ${line}\n`);

/**
 * Makes build-electron/better_sqlite3.node for `target` unless it is already current.
 * `run` is spawnSync-shaped; the file operations are real (tests use a temporary root).
 * @returns {{ ok: true, path: string, built: boolean, via?: string } | { ok: false, reason: string }}
 */
export function ensureElectronSqlite({ root, target, force = false, run = spawnSync, say = defaultSay, env = process.env, execPath = process.execPath, exists = existsSync }) {
  const paths = electronSqlitePaths(root);
  const status = bindingStatus({ root, target });
  if (status.ready && !force) return { ok: true, path: paths.binding, built: false };
  const what = `better-sqlite3 ${target.betterSqlite3} for Electron ${target.electron} (${target.arch})`;
  const fail = (why) => ({ ok: false, reason: `could not build ${what}: ${why}` });
  if (!existsSync(paths.pkgSource)) return fail(`${paths.pkgSource} is missing (run \`npm ci\`)`);
  say(`building ${what} into ${BUILD_DIR}/ (${status.reason ?? 'forced'})`);
  try {
    mkdirSync(paths.dir, { recursive: true });
    rmSync(paths.pkgCopy, { recursive: true, force: true });
    const skip = new Set([join(paths.pkgSource, 'build'), join(paths.pkgSource, 'node_modules')]);
    cpSync(paths.pkgSource, paths.pkgCopy, { recursive: true, dereference: true, filter: (src) => !skip.has(src) });
  } catch (e) {
    return fail(`copying the package failed (${e.message})`);
  }
  const produced = join(paths.pkgCopy, 'build', 'Release', 'better_sqlite3.node');
  const failures = [];
  for (const step of buildSteps({ root, target, execPath, env, exists })) {
    if (step.missing) {
      failures.push(`${step.name}: ${step.missing}`);
      continue;
    }
    say(step.name === 'node-gyp' ? `compiling with node-gyp (downloads Electron's headers; a minute or two)` : `trying ${step.name} (a prebuilt binary)`);
    const r = run(step.cmd, step.args, { cwd: paths.pkgCopy, env, encoding: 'utf8', timeout: step.timeoutMs, maxBuffer: 64 * 1024 * 1024, windowsHide: true });
    if (r.error) {
      const why = r.error.code === 'ETIMEDOUT' ? `timed out after ${Math.round(step.timeoutMs / 1000)} s` : (r.error.code ?? r.error.message);
      failures.push(`${step.name}: ${why}`);
    } else if (r.status !== 0) {
      failures.push(`${step.name}: ${failureSummary(`${r.stdout ?? ''}\n${r.stderr ?? ''}`)}`);
    } else if (!existsSync(produced)) {
      failures.push(`${step.name}: finished without build/Release/better_sqlite3.node`);
    } else {
      try {
        const tmp = `${paths.binding}.${process.pid}.tmp`;
        copyFileSync(produced, tmp);
        renameSync(tmp, paths.binding);
        writeFileSync(paths.stamp, stampText(target));
      } catch (e) {
        return fail(`copying the addon failed (${e.message})`);
      }
      rmSync(paths.pkgCopy, { recursive: true, force: true });
      say(`built ${BUILD_DIR}/better_sqlite3.node with ${step.name}`);
      return { ok: true, path: paths.binding, built: true, via: step.name };
    }
  }
  rmSync(paths.pkgCopy, { recursive: true, force: true });
  return fail(failures.join('; '));
}

/**
 * `npm start`'s Electron launch, given better-sqlite3's Electron build: the decision plus the
 * addon's path, or the browser fallback saying why the addon could not be made. A usable
 * FIELDMARK_SQLITE_BINDING already in the environment is taken as is.
 */
export function withSqliteBinding(decision, { env = process.env, exists = existsSync, ensure }) {
  if (decision.mode !== 'electron') return decision;
  const given = env[SQLITE_BINDING_ENV]?.trim();
  if (given && exists(resolve(given))) return { ...decision, sqliteBinding: resolve(given) };
  const r = ensure();
  if (!r.ok) return { mode: 'browser', reason: `${r.reason} (\`node scripts/electron-sqlite.mjs\` retries)` };
  return { ...decision, sqliteBinding: r.path };
}

/** For `--check`: is the Electron addon ready, for which versions, and where. Builds nothing. */
export function checkSqliteBinding({ root, electronVersion, arch = process.arch, exists = existsSync, readText = defaultReadText }) {
  const t = electronSqliteTarget({ root, arch, electronVersion, exists, readText });
  if (!t.ok) return { ready: false, path: electronSqlitePaths(root).binding, reason: t.reason };
  return { ...t.target, ...bindingStatus({ root, target: t.target, exists, readText }) };
}
