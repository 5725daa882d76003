import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { SQLITE_BINDING_ENV, sqliteBindingOptions } from './sqlite-binding';

const electron = { node: '22.20.0', electron: '45.5.0' };
const node = { node: '20.19.0' };
const file = '/builds/better_sqlite3.node';
const only = (path: string) => (p: string) => p === path;

describe('sqliteBindingOptions', () => {
  it('names the Electron build under Electron when the file exists', () => {
    expect(sqliteBindingOptions({ versions: electron, env: { [SQLITE_BINDING_ENV]: file }, exists: only(file) })).toEqual({ nativeBinding: file });
  });

  it("keeps better-sqlite3's own build under Node, even with the variable set", () => {
    expect(sqliteBindingOptions({ versions: node, env: { [SQLITE_BINDING_ENV]: file }, exists: only(file) })).toEqual({});
  });

  it('keeps the default when the variable is unset, blank, or names a missing file (a packaged app)', () => {
    expect(sqliteBindingOptions({ versions: electron, env: {}, exists: () => true })).toEqual({});
    expect(sqliteBindingOptions({ versions: electron, env: { [SQLITE_BINDING_ENV]: '  ' }, exists: () => true })).toEqual({});
    expect(sqliteBindingOptions({ versions: electron, env: { [SQLITE_BINDING_ENV]: '/gone.node' }, exists: only(file) })).toEqual({});
  });

  it('resolves a relative path against the working directory', () => {
    const abs = resolve('build-electron/better_sqlite3.node');
    expect(sqliteBindingOptions({ versions: electron, env: { [SQLITE_BINDING_ENV]: 'build-electron/better_sqlite3.node' }, exists: only(abs) })).toEqual({ nativeBinding: abs });
  });

  it('reads process.versions / process.env by default (this is Node: no override)', () => {
    const before = process.env[SQLITE_BINDING_ENV];
    process.env[SQLITE_BINDING_ENV] = process.execPath; // an existing file
    try {
      expect(sqliteBindingOptions()).toEqual({});
    } finally {
      if (before === undefined) delete process.env[SQLITE_BINDING_ENV];
      else process.env[SQLITE_BINDING_ENV] = before;
    }
  });

  describe('better-sqlite3 loads the addon it names', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fm-binding-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const require = createRequire(import.meta.url);
    const nodeBuild = join(dirname(require.resolve('better-sqlite3/package.json')), 'build', 'Release', 'better_sqlite3.node');

    it('opens a database through the named build', () => {
      const opts = sqliteBindingOptions({ versions: electron, env: { [SQLITE_BINDING_ENV]: nodeBuild } });
      expect(opts).toEqual({ nativeBinding: nodeBuild });
      const db = new Database(':memory:', opts);
      expect(db.prepare('SELECT 1 + 1 AS two').get()).toEqual({ two: 2 });
      db.close();
    });

    it('fails on a named file that is not an addon, so the option is really used', () => {
      const bogus = join(dir, 'not-an-addon.node');
      writeFileSync(bogus, 'not a shared object');
      const opts = sqliteBindingOptions({ versions: electron, env: { [SQLITE_BINDING_ENV]: bogus } });
      expect(opts).toEqual({ nativeBinding: bogus });
      expect(() => new Database(':memory:', opts)).toThrow();
    });
  });

  it('is passed at every `new Database(` in src/node (outside tests)', () => {
    const srcNode = resolve(import.meta.dirname, '..');
    const files = readdirSync(srcNode, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
    const calls = files.flatMap((f) =>
      readFileSync(join(srcNode, f), 'utf8')
        .split('\n')
        .filter((l) => l.includes('new Database(') && !l.trim().startsWith('*') && !l.trim().startsWith('//'))
        .map((l) => `${f}: ${l.trim()}`),
    );
    expect(calls.length).toBeGreaterThanOrEqual(5);
    expect(calls.filter((c) => !c.includes('sqliteBindingOptions()'))).toEqual([]);
  });
});
