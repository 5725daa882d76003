import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataDir, decideLaunch, explicitDb, findElectronBinary, hasDisplay, probeElectron, serveArgs } from '../scripts/start-lib.mjs';

const root = '/repo';
const pkg = join(root, 'node_modules/electron');
const fsWith = (files: Record<string, string>) => ({
  exists: (p: string) => p in files,
  readText: (p: string) => files[p] ?? '',
});
const installed = fsWith({ [join(pkg, 'package.json')]: '{}', [join(pkg, 'path.txt')]: 'electron', [join(pkg, 'dist/electron')]: '' });
const okProbe = () => ({ ok: true as const, version: '45.5.0' });
const display = { DISPLAY: ':0' };

describe('npm start: can Electron run here?', () => {
  it('falls back to the browser when the binary was never downloaded', () => {
    const files = fsWith({ [join(pkg, 'package.json')]: '{}' });
    const d = decideLaunch({ root, env: display, platform: 'linux', ...files, probe: okProbe });
    expect(d).toEqual({ mode: 'browser', reason: expect.stringContaining("Electron's binary is not available here") });
  });

  it('falls back when path.txt points at a missing file, or the package is absent', () => {
    const files = fsWith({ [join(pkg, 'package.json')]: '{}', [join(pkg, 'path.txt')]: 'electron' });
    expect(decideLaunch({ root, env: display, platform: 'linux', ...files, probe: okProbe }).mode).toBe('browser');
    expect(findElectronBinary({ root, env: {}, ...fsWith({}) })).toEqual({ path: null, reason: 'the electron package is not installed' });
  });

  it('falls back when the binary does not run, or there is no display', () => {
    const bad = () => ({ ok: false as const, reason: 'it does not start (ENOEXEC)' });
    expect(decideLaunch({ root, env: display, platform: 'linux', ...installed, probe: bad })).toEqual({
      mode: 'browser',
      reason: "Electron's binary cannot run here: it does not start (ENOEXEC)",
    });
    expect(decideLaunch({ root, env: {}, platform: 'linux', ...installed, probe: okProbe }).mode).toBe('browser');
    expect(hasDisplay('linux', { WAYLAND_DISPLAY: 'wayland-0' })).toBe(true);
    expect(hasDisplay('darwin', {})).toBe(true);
  });

  it('starts Electron when the binary is there and runs', () => {
    expect(decideLaunch({ root, env: display, platform: 'linux', ...installed, probe: okProbe })).toEqual({
      mode: 'electron',
      bin: join(pkg, 'dist/electron'),
      version: '45.5.0',
    });
    expect(decideLaunch({ root, argv: ['--browser'], env: display, platform: 'linux', ...installed, probe: okProbe }).mode).toBe('browser');
    expect(decideLaunch({ root, env: { ...display, FIELDMARK_NO_ELECTRON: '1' }, platform: 'linux', ...installed, probe: okProbe }).mode).toBe('browser');
  });

  it('honours ELECTRON_OVERRIDE_DIST_PATH', () => {
    const files = fsWith({ [join(pkg, 'package.json')]: '{}', '/opt/electron/electron': '' });
    expect(findElectronBinary({ root, env: { ELECTRON_OVERRIDE_DIST_PATH: '/opt/electron' }, ...files })).toEqual({ path: '/opt/electron/electron' });
  });

  it('probe reports a missing executable instead of throwing', () => {
    const r = probeElectron('/nonexistent/electron-binary');
    expect(r).toEqual({ ok: false, reason: expect.stringContaining('ENOENT') });
    const probeNode = probeElectron(process.execPath); // node ignores ELECTRON_RUN_AS_NODE and runs -e
    expect(probeNode.ok).toBe(true);
  });

  it('`node scripts/start.mjs --check` prints the decision without starting anything', () => {
    const r = spawnSync(process.execPath, ['scripts/start.mjs', '--check'], {
      cwd: join(import.meta.dirname, '..'),
      env: { ...process.env, ELECTRON_OVERRIDE_DIST_PATH: '/nonexistent-electron-dist' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(r.status).toBe(0);
    const d = JSON.parse(r.stdout);
    expect(d.mode).toBe('browser');
    expect(d.reason).toMatch(/Electron's binary is not available here/);
  });
});

describe('npm start --server URL', () => {
  const start = (args: string[], env: Record<string, string> = {}) =>
    spawnSync(process.execPath, ['scripts/start.mjs', ...args], {
      cwd: join(import.meta.dirname, '..'),
      env: { ...process.env, FIELDMARK_SERVER: '', FIELDMARK_DB: '', ELECTRON_OVERRIDE_DIST_PATH: '/nonexistent-electron-dist', ...env },
      encoding: 'utf8',
      timeout: 30_000,
    });

  it('without Electron: one line telling to open the URL in a browser, exit 0, nothing served', () => {
    const r = start(['--server', 'http://192.168.1.20:8080/']);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^fieldmark: Electron's binary is not available here: .*: open http:\/\/192\.168\.1\.20:8080\/ in your browser/);
    expect(start([], { FIELDMARK_SERVER: 'https://labels.example.org' }).stderr).toContain('open https://labels.example.org/ in your browser');
  });

  it('a bad server URL is one line and exit 2, before anything starts', () => {
    const r = start(['--server', 'ftp://host/']);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('fieldmark: --server: "ftp://host/" is not an http or https URL\n');
    const both = start(['--server', 'http://h/', '--db', 'x.db']);
    expect(both.status).toBe(2);
    expect(both.stderr).toMatch(/^fieldmark: --server and --db cannot be used together[^\n]*\n$/);
  });

  it('--check names the server', () => {
    const r = start(['--check', '--server=http://h:1']);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ mode: 'browser', server: 'http://h:1/' });
  });
});

describe('npm start: browser fallback data', () => {
  it('uses FIELDMARK_DATA_DIR, XDG_DATA_HOME, ~/.local/share, else ./.fieldmark-data', () => {
    const all = () => true;
    expect(dataDir({ env: { FIELDMARK_DATA_DIR: 'd' }, home: '/h', cwd: '/w', isWritable: all })).toBe('/w/d');
    expect(dataDir({ env: { XDG_DATA_HOME: '/x' }, home: '/h', cwd: '/w', isWritable: all })).toBe('/x/fieldmark');
    expect(dataDir({ env: {}, home: '/h', cwd: '/w', isWritable: all })).toBe('/h/.local/share/fieldmark');
    expect(dataDir({ env: { XDG_DATA_HOME: '/x' }, home: '/h', cwd: '/w', isWritable: () => false })).toBe('/w/.fieldmark-data');
  });

  it('passes the user arguments on to `fieldmark serve`, adding --db only when none was given', () => {
    expect(serveArgs(['--port', '8080', '--check'], '/d/campaign.db')).toEqual(['serve', '--db', '/d/campaign.db', '--port', '8080']);
    expect(serveArgs(['--db=/mine.db'], '/d/campaign.db')).toEqual(['serve', '--db=/mine.db']);
    expect(explicitDb(['--db', 'a.db'], {})).toBe('a.db');
    expect(explicitDb(['--db=b.db'], { FIELDMARK_DB: 'c.db' })).toBe('b.db');
    expect(explicitDb([], { FIELDMARK_DB: 'c.db' })).toBe('c.db');
    expect(explicitDb([], {})).toBeNull();
  });
});
