// Types of electron-sqlite-lib.mjs for the TypeScript tests (electron/electron-sqlite.test.ts).
import type { spawnSync } from 'node:child_process';
import type { LaunchDecision } from './start-lib.mjs';

export type Env = Record<string, string | undefined>;
export interface SqliteTarget {
  electron: string;
  arch: string;
  betterSqlite3: string;
}
export interface BindingStatus {
  ready: boolean;
  path: string;
  reason?: string;
}
export type BuildStep =
  | { name: string; cmd: string; args: string[]; timeoutMs: number; missing?: undefined }
  | { name: string; missing: string };
export type EnsureResult = { ok: true; path: string; built: boolean; via?: string } | { ok: false; reason: string };
export type Run = (cmd: string, args: string[], opts: Record<string, unknown>) => Partial<ReturnType<typeof spawnSync>>;

export const BUILD_DIR: string;
export const SQLITE_BINDING_ENV: string;
export function electronSqlitePaths(root: string): { dir: string; binding: string; stamp: string; pkgCopy: string; pkgSource: string };
export function electronSqliteTarget(opts: {
  root: string;
  arch?: string;
  electronVersion?: string;
  exists?: (path: string) => boolean;
  readText?: (path: string) => string;
}): { ok: true; target: SqliteTarget } | { ok: false; reason: string };
export function stampText(target: SqliteTarget): string;
export function bindingStatus(opts: { root: string; target: SqliteTarget; exists?: (path: string) => boolean; readText?: (path: string) => string }): BindingStatus;
export function findNodeGyp(opts: { root: string; env?: Env; execPath?: string; exists?: (path: string) => boolean }): string | null;
export function buildSteps(opts: { root: string; target: SqliteTarget; execPath?: string; env?: Env; exists?: (path: string) => boolean }): BuildStep[];
export function failureSummary(output: string): string;
export function ensureElectronSqlite(opts: {
  root: string;
  target: SqliteTarget;
  force?: boolean;
  run?: Run;
  say?: (line: string) => void;
  env?: Env;
  execPath?: string;
  exists?: (path: string) => boolean;
}): EnsureResult;
export function withSqliteBinding(
  decision: LaunchDecision,
  opts: { env?: Env; exists?: (path: string) => boolean; ensure: () => EnsureResult },
): (LaunchDecision & { mode: 'browser' }) | (LaunchDecision & { mode: 'electron'; sqliteBinding: string });
export function checkSqliteBinding(opts: {
  root: string;
  electronVersion?: string;
  arch?: string;
  exists?: (path: string) => boolean;
  readText?: (path: string) => string;
}): BindingStatus & Partial<SqliteTarget>;
