import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  bindingStatus,
  buildSteps,
  checkSqliteBinding,
  electronSqlitePaths,
  electronSqliteTarget,
  ensureElectronSqlite,
  failureSummary,
  findNodeGyp,
  stampText,
  withSqliteBinding,
  type Run,
  type SqliteTarget,
} from '../scripts/electron-sqlite-lib.mjs';

const target: SqliteTarget = { electron: '45.5.0', arch: 'x64', betterSqlite3: '12.11.1' };
const repoRoot = join(import.meta.dirname, '..');

/** A checkout in a temporary folder: electron, better-sqlite3 (with a Node build), prebuild-install, node-gyp. */
function fakeCheckout(): string {
  const root = mkdtempSync(join(tmpdir(), 'fm-esq-'));
  const nm = join(root, 'node_modules');
  const files: Record<string, string> = {
    'electron/package.json': JSON.stringify({ name: 'electron', version: '45.5.0' }),
    'better-sqlite3/package.json': JSON.stringify({ name: 'better-sqlite3', version: '12.11.1' }),
    'better-sqlite3/binding.gyp': '{}',
    'better-sqlite3/src/better_sqlite3.cpp': '// source',
    'better-sqlite3/build/Release/better_sqlite3.node': 'NODE-ABI BUILD',
    'prebuild-install/bin.js': '',
    'node-gyp/bin/node-gyp.js': '',
  };
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(nm, rel, '..'), { recursive: true });
    writeFileSync(join(nm, rel), text);
  }
  return root;
}

/** A spawnSync stand-in: per step name, fail with this output, or succeed by writing the addon. */
function fakeRun(outcomes: Record<string, { fail: string } | { addon: string } | { error: string }>) {
  const calls: { name: string; args: string[]; cwd: string; sawBuild: boolean }[] = [];
  const run: Run = (_cmd, args, opts) => {
    const name = args[0]!.includes('prebuild-install') ? 'prebuild-install' : 'node-gyp';
    const cwd = String(opts.cwd);
    calls.push({ name, args, cwd, sawBuild: existsSync(join(cwd, 'build')) });
    const o = outcomes[name];
    if (!o) throw new Error(`unexpected step ${name}`);
    if ('error' in o) return { error: Object.assign(new Error(o.error), { code: o.error }), status: null };
    if ('fail' in o) return { status: 1, stdout: '', stderr: o.fail };
    mkdirSync(join(cwd, 'build', 'Release'), { recursive: true });
    writeFileSync(join(cwd, 'build', 'Release', 'better_sqlite3.node'), o.addon);
    return { status: 0, stdout: '', stderr: '' };
  };
  return { run, calls };
}

const quiet = () => {};
const NODE_GYP_OFFLINE = [
  'gyp info using node@20.20.2 | linux | x64',
  'gyp http GET https://electronjs.org/headers/v45.5.0/node-v45.5.0-headers.tar.gz',
  'gyp WARN install got an error, rolling back install',
  'gyp ERR! configure error ',
  'gyp ERR! stack Error: This is most likely not a problem with node-gyp or the package itself and',
  'gyp ERR! stack is related to network connectivity.',
  'gyp ERR! stack at go (/x/node_modules/node-gyp/lib/install.js:244:21)',
  'gyp ERR! System Linux 6.1',
  'gyp ERR! cwd /x/build-electron/better-sqlite3',
  'gyp ERR! not ok ',
].join('\n');

describe('better-sqlite3 for Electron: target and stamp', () => {
  let root: string;
  beforeEach(() => {
    root = fakeCheckout();
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('reads the installed Electron and better-sqlite3 versions (or the version the binary reported)', () => {
    expect(electronSqliteTarget({ root, arch: 'x64' })).toEqual({ ok: true, target });
    expect(electronSqliteTarget({ root, arch: 'arm64', electronVersion: '46.0.1' })).toEqual({ ok: true, target: { ...target, electron: '46.0.1', arch: 'arm64' } });
    rmSync(join(root, 'node_modules', 'electron'), { recursive: true });
    expect(electronSqliteTarget({ root })).toEqual({ ok: false, reason: 'the electron package is not installed' });
  });

  it('is ready only with the addon and a stamp for the same Electron, arch and better-sqlite3', () => {
    const p = electronSqlitePaths(root);
    expect(bindingStatus({ root, target })).toEqual({ ready: false, path: p.binding, reason: 'not built yet' });
    mkdirSync(p.dir);
    writeFileSync(p.binding, 'addon');
    expect(bindingStatus({ root, target }).ready).toBe(false); // no stamp
    writeFileSync(p.stamp, stampText(target));
    expect(bindingStatus({ root, target })).toEqual({ ready: true, path: p.binding });
    for (const changed of [{ electron: '46.0.0' }, { arch: 'arm64' }, { betterSqlite3: '12.12.0' }]) {
      const st = bindingStatus({ root, target: { ...target, ...changed } });
      expect(st.ready).toBe(false);
      expect(st.reason).toMatch(/^built for Electron 45\.5\.0 \(x64\), better-sqlite3 12\.11\.1, needed for /);
    }
    writeFileSync(p.stamp, '{not json');
    expect(bindingStatus({ root, target }).ready).toBe(false);
    expect(checkSqliteBinding({ root, arch: 'x64' })).toMatchObject({ ...target, ready: false });
  });

  it('finds node-gyp in node_modules first, else the copy bundled with npm', () => {
    expect(findNodeGyp({ root, env: {}, execPath: '/nowhere/bin/node' })).toBe(join(root, 'node_modules/node-gyp/bin/node-gyp.js'));
    rmSync(join(root, 'node_modules', 'node-gyp'), { recursive: true });
    const npmGyp = '/usr/lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js';
    const only = (p: string) => p === npmGyp;
    expect(findNodeGyp({ root, env: { npm_execpath: '/usr/lib/node_modules/npm/bin/npm-cli.js' }, execPath: '/x/node', exists: only })).toBe(npmGyp);
    expect(findNodeGyp({ root, env: {}, execPath: '/usr/bin/node', exists: only })).toBe(npmGyp);
    expect(findNodeGyp({ root, env: {}, execPath: '/x/node', exists: only })).toBeNull();
  });

  it('tries prebuild-install for Electron, then node-gyp against Electron headers', () => {
    const steps = buildSteps({ root, target, execPath: '/usr/bin/node', env: {} });
    expect(steps.map((s) => s.name)).toEqual(['prebuild-install', 'node-gyp']);
    expect(steps[0]!.missing ?? steps[0]).toMatchObject({ args: [join(root, 'node_modules/prebuild-install/bin.js'), '--runtime', 'electron', '--target', '45.5.0', '--arch', 'x64'] });
    expect(steps[1]).toMatchObject({
      cmd: '/usr/bin/node',
      args: [join(root, 'node_modules/node-gyp/bin/node-gyp.js'), 'rebuild', '--release', '--target=45.5.0', '--arch=x64', '--dist-url=https://electronjs.org/headers', '--runtime=electron'],
    });
  });

  it('sums up a failed step in one line', () => {
    expect(failureSummary('prebuild-install warn install getaddrinfo ENOTFOUND github.com\n')).toBe('getaddrinfo ENOTFOUND github.com');
    expect(failureSummary(NODE_GYP_OFFLINE)).toBe('Error: This is most likely not a problem with node-gyp or the package itself and is related to network connectivity.');
    expect(failureSummary('make: *** [sqlite3.o] Error 1\ngyp ERR! build error\ngyp ERR! not ok')).toBe('build error');
    expect(failureSummary('')).toBe('no output');
    expect(failureSummary('x'.repeat(500))).toHaveLength(240);
  });
});

describe('better-sqlite3 for Electron: building', () => {
  let root: string;
  beforeEach(() => {
    root = fakeCheckout();
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('builds in a copy without build/, leaves node_modules alone, stamps, and does not rebuild', () => {
    const p = electronSqlitePaths(root);
    const { run, calls } = fakeRun({ 'prebuild-install': { addon: 'ELECTRON ABI BUILD' } });
    const lines: string[] = [];
    const r = ensureElectronSqlite({ root, target, run, say: (l) => lines.push(l) });
    expect(r).toEqual({ ok: true, path: p.binding, built: true, via: 'prebuild-install' });
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ cwd: p.pkgCopy, sawBuild: false });
    expect(readFileSync(p.binding, 'utf8')).toBe('ELECTRON ABI BUILD');
    expect(JSON.parse(readFileSync(p.stamp, 'utf8'))).toEqual(target);
    expect(readFileSync(join(p.pkgSource, 'build/Release/better_sqlite3.node'), 'utf8')).toBe('NODE-ABI BUILD');
    expect(existsSync(p.pkgCopy)).toBe(false); // the work copy is removed after success
    expect(lines[0]).toBe('building better-sqlite3 12.11.1 for Electron 45.5.0 (x64) into build-electron/ (not built yet)');
    expect(lines.every((l) => !l.includes('\n'))).toBe(true);

    const again = ensureElectronSqlite({ root, target, run, say: quiet });
    expect(again).toEqual({ ok: true, path: p.binding, built: false });
    expect(calls).toHaveLength(1);

    const newer = ensureElectronSqlite({ root, target: { ...target, electron: '45.6.0' }, run, say: quiet });
    expect(newer).toMatchObject({ ok: true, built: true });
    expect(calls).toHaveLength(2);
    expect(calls[1]!.args).toContain('45.6.0');
    expect(JSON.parse(readFileSync(p.stamp, 'utf8')).electron).toBe('45.6.0');
  });

  it('falls back to node-gyp when prebuild-install fails, and copies the source it needs', () => {
    const p = electronSqlitePaths(root);
    const { run, calls } = fakeRun({ 'prebuild-install': { fail: 'prebuild-install warn install No prebuilt binaries found' }, 'node-gyp': { addon: 'COMPILED' } });
    const r = ensureElectronSqlite({ root, target, run, say: quiet });
    expect(r).toMatchObject({ ok: true, built: true, via: 'node-gyp' });
    expect(calls.map((c) => c.name)).toEqual(['prebuild-install', 'node-gyp']);
    expect(readFileSync(p.binding, 'utf8')).toBe('COMPILED');
  });

  it('reports every failure in one line when both fail (offline), writing no addon', () => {
    const p = electronSqlitePaths(root);
    const { run } = fakeRun({ 'prebuild-install': { fail: 'prebuild-install warn install getaddrinfo ENOTFOUND github.com' }, 'node-gyp': { fail: NODE_GYP_OFFLINE } });
    const r = ensureElectronSqlite({ root, target, run, say: quiet });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.reason).toBe(
      'could not build better-sqlite3 12.11.1 for Electron 45.5.0 (x64): prebuild-install: getaddrinfo ENOTFOUND github.com; ' +
        'node-gyp: Error: This is most likely not a problem with node-gyp or the package itself and is related to network connectivity.',
    );
    expect(r.reason).not.toContain('\n');
    expect(existsSync(p.binding)).toBe(false);
    expect(existsSync(p.stamp)).toBe(false);
    expect(existsSync(p.pkgCopy)).toBe(false);
  });

  it('reports a timeout, a step that produced nothing, and a missing node-gyp', () => {
    const t = fakeRun({ 'prebuild-install': { error: 'ETIMEDOUT' }, 'node-gyp': { fail: 'gyp ERR! build error' } });
    const r1 = ensureElectronSqlite({ root, target, run: t.run, say: quiet });
    expect(r1).toMatchObject({ ok: false, reason: expect.stringContaining('prebuild-install: timed out after 120 s; node-gyp: build error') });

    const nothing: Run = () => ({ status: 0, stdout: '', stderr: '' });
    const noGyp = (path: string) => existsSync(path) && !path.includes('node-gyp');
    const r2 = ensureElectronSqlite({ root, target, run: nothing, say: quiet, env: {}, execPath: '/x/node', exists: noGyp });
    expect(r2).toMatchObject({
      ok: false,
      reason: expect.stringContaining('prebuild-install: finished without build/Release/better_sqlite3.node; node-gyp: node-gyp was not found'),
    });
  });

  it('rebuilds with force even when current', () => {
    const { run, calls } = fakeRun({ 'prebuild-install': { addon: 'A' } });
    ensureElectronSqlite({ root, target, run, say: quiet });
    expect(ensureElectronSqlite({ root, target, run, say: quiet, force: true })).toMatchObject({ ok: true, built: true });
    expect(calls).toHaveLength(2);
  });
});

describe('npm start: Electron needs its better-sqlite3', () => {
  const electron = { mode: 'electron' as const, bin: '/e/electron', version: '45.5.0' };

  it('passes the built addon on to Electron', () => {
    const d = withSqliteBinding(electron, { env: {}, ensure: () => ({ ok: true, path: '/r/build-electron/better_sqlite3.node', built: false }) });
    expect(d).toEqual({ ...electron, sqliteBinding: '/r/build-electron/better_sqlite3.node' });
  });

  it('falls back to the browser, saying why, when the addon cannot be built', () => {
    const d = withSqliteBinding(electron, { env: {}, ensure: () => ({ ok: false, reason: 'could not build better-sqlite3 12.11.1 for Electron 45.5.0 (x64): prebuild-install: getaddrinfo ENOTFOUND github.com' }) });
    expect(d).toEqual({
      mode: 'browser',
      reason: 'could not build better-sqlite3 12.11.1 for Electron 45.5.0 (x64): prebuild-install: getaddrinfo ENOTFOUND github.com (`node scripts/electron-sqlite.mjs` retries)',
    });
  });

  it('with a real failing build: an offline checkout ends in the browser fallback', () => {
    const root = fakeCheckout();
    try {
      const { run } = fakeRun({ 'prebuild-install': { fail: 'prebuild-install warn install getaddrinfo ENOTFOUND github.com' }, 'node-gyp': { fail: NODE_GYP_OFFLINE } });
      const d = withSqliteBinding(electron, { env: {}, ensure: () => ensureElectronSqlite({ root, target, run, say: quiet }) });
      expect(d.mode).toBe('browser');
      expect(d).toMatchObject({ reason: expect.stringMatching(/^could not build better-sqlite3 .*ENOTFOUND github\.com; node-gyp: .*network connectivity\. \(`node scripts\/electron-sqlite\.mjs` retries\)$/) });
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('takes a FIELDMARK_SQLITE_BINDING that exists as is; never builds for the browser', () => {
    let built = 0;
    const ensure = () => {
      built++;
      return { ok: true as const, path: '/built.node', built: true };
    };
    expect(withSqliteBinding(electron, { env: { FIELDMARK_SQLITE_BINDING: '/mine.node' }, exists: (p) => p === '/mine.node', ensure })).toMatchObject({ sqliteBinding: '/mine.node' });
    expect(withSqliteBinding(electron, { env: { FIELDMARK_SQLITE_BINDING: '/gone.node' }, exists: () => false, ensure })).toMatchObject({ sqliteBinding: '/built.node' });
    expect(withSqliteBinding({ mode: 'browser', reason: 'no display' }, { env: {}, ensure })).toEqual({ mode: 'browser', reason: 'no display' });
    expect(built).toBe(1);
  });

  it('`npm start` hands FIELDMARK_SQLITE_BINDING to the Electron child, and --check reports the addon', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fm-fake-electron-'));
    try {
      // A stand-in Electron binary: answers the probe, and records what the real launch passed it.
      const record = join(dir, 'launched.txt');
      const addon = join(dir, 'better_sqlite3.node');
      writeFileSync(addon, '');
      writeFileSync(
        join(dir, 'electron'),
        `#!/bin/sh\nif [ "$ELECTRON_RUN_AS_NODE" = 1 ]; then printf 45.5.0; exit 0; fi\nprintf '%s\\n%s\\n' "$FIELDMARK_SQLITE_BINDING" "$1" > '${record}'\n`,
      );
      chmodSync(join(dir, 'electron'), 0o755);
      // Named relative to the checkout: the child must get it made absolute by start.mjs.
      const env: NodeJS.ProcessEnv = { ...process.env, ELECTRON_OVERRIDE_DIST_PATH: dir, DISPLAY: ':99', FIELDMARK_SQLITE_BINDING: relative(repoRoot, addon) };
      delete env.FIELDMARK_NO_ELECTRON;
      const check = spawnSync(process.execPath, ['scripts/start.mjs', '--check'], { cwd: repoRoot, env, encoding: 'utf8', timeout: 30_000 });
      expect(check.status).toBe(0);
      const d = JSON.parse(check.stdout);
      expect(d).toMatchObject({ mode: 'electron', version: '45.5.0', sqliteBinding: { electron: '45.5.0', path: join(repoRoot, 'build-electron/better_sqlite3.node') } });
      expect(typeof d.sqliteBinding.ready).toBe('boolean');

      const r = spawnSync(process.execPath, ['scripts/start.mjs'], { cwd: repoRoot, env, encoding: 'utf8', timeout: 120_000 });
      expect(r.status, r.stderr).toBe(0);
      expect(readFileSync(record, 'utf8')).toBe(`${addon}\n${join(repoRoot, 'dist/electron/main.cjs')}\n`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
