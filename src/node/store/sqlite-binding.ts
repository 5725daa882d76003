/**
 * Which native addon better-sqlite3 loads. Under Node (CLI, tests, `fieldmark serve`) its own
 * build in node_modules/better-sqlite3/build, made for Node's ABI by `npm ci`. Under Electron in a
 * dev checkout that build cannot load (NODE_MODULE_VERSION mismatch), so `npm start` builds a
 * second copy for Electron's ABI into build-electron/ (scripts/electron-sqlite.mjs) and names it in
 * FIELDMARK_SQLITE_BINDING; a packaged app has its rebuilt addon in place and sets nothing.
 * Every `new Database(` in src/node passes these options.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

export const SQLITE_BINDING_ENV = 'FIELDMARK_SQLITE_BINDING';

export interface SqliteBindingOptions {
  nativeBinding?: string;
}

export interface SqliteBindingDeps {
  versions?: Readonly<Record<string, string | undefined>>;
  env?: Readonly<Record<string, string | undefined>>;
  exists?: (path: string) => boolean;
}

/**
 * `{ nativeBinding: <absolute path> }` under Electron (`versions.electron` set) when
 * FIELDMARK_SQLITE_BINDING names an existing file; `{}` otherwise (better-sqlite3's own build).
 */
export function sqliteBindingOptions(deps: SqliteBindingDeps = {}): SqliteBindingOptions {
  const versions = deps.versions ?? process.versions;
  if (!versions.electron) return {};
  const named = (deps.env ?? process.env)[SQLITE_BINDING_ENV]?.trim();
  if (!named) return {};
  const path = resolve(named);
  return (deps.exists ?? existsSync)(path) ? { nativeBinding: path } : {};
}
