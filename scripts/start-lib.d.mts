// Types of start-lib.mjs for the TypeScript tests (electron/start.test.ts).
import type { spawnSync } from 'node:child_process';

export type Env = Record<string, string | undefined>;
export type Probe = (bin: string) => { ok: true; version: string } | { ok: false; reason: string };
export type LaunchDecision = { mode: 'electron'; bin: string; version: string } | { mode: 'browser'; reason: string };

export const START_FLAGS: string[];
export function findElectronBinary(opts: {
  root: string;
  env?: Env;
  exists?: (path: string) => boolean;
  readText?: (path: string) => string;
}): { path: string } | { path: null; reason: string };
export function probeElectron(bin: string, run?: typeof spawnSync): ReturnType<Probe>;
export function hasDisplay(platform: string, env: Env): boolean;
export function decideLaunch(opts: {
  root: string;
  argv?: string[];
  platform?: string;
  env?: Env;
  exists?: (path: string) => boolean;
  readText?: (path: string) => string;
  probe?: Probe;
}): LaunchDecision;
export function dataDir(opts?: { env?: Env; home?: string; cwd?: string; isWritable?: (dir: string) => boolean }): string;
export function explicitDb(argv: string[], env?: Env): string | null;
export function serveArgs(argv: string[], db: string): string[];
export type ServerCheck = { ok: true; url: string; origin: string } | { ok: false; message: string };
export function checkServerUrl(raw: unknown): ServerCheck;
export function serverChoice(argv: string[], env?: Env): ServerCheck | null;
export function serverFallbackLine(url: string, reason: string): string;
