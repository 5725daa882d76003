/**
 * A real `fieldmark serve` over a small generated demo campaign, for the end-to-end tests.
 * The demo is generated once per test process (per seed and size); each server is a child
 * process that prints its URL as the first stdout line.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const CLI = join(ROOT, 'bin', 'fieldmark.js');
const run = promisify(execFile);

export interface Demo {
  dir: string;
  db: string;
}

const demos = new Map<string, Promise<Demo>>();
const dirs: string[] = [];

/** `fieldmark demo --out <tmp> --sites N --seed S --json`, once per process. */
export function demoCampaign(opts: { sites?: number; seed?: number } = {}): Promise<Demo> {
  const sites = opts.sites ?? 6;
  const seed = opts.seed ?? 7;
  const key = `${sites}:${seed}`;
  let p = demos.get(key);
  if (!p) {
    p = (async () => {
      const dir = mkdtempSync(join(tmpdir(), 'fieldmark-e2e-'));
      dirs.push(dir);
      const { stdout } = await run(process.execPath, [CLI, 'demo', '--out', dir, '--sites', String(sites), '--seed', String(seed), '--json'], {
        cwd: ROOT,
        maxBuffer: 64 << 20,
      });
      const out = JSON.parse(stdout) as { db: string };
      return { dir, db: out.db };
    })();
    demos.set(key, p);
  }
  return p;
}

export interface RunningServe {
  url: string;
  origin: string;
  child: ChildProcess;
  stderr: () => string;
  /** POST /api/<method> from the test itself (to know what the UI should show). */
  api<T>(method: string, ...args: unknown[]): Promise<T>;
  /** The same with a Bearer token (network mode); failures throw "<method>: <CODE> <message>". */
  apiAs<T>(token: string | null, method: string, ...args: unknown[]): Promise<T>;
  stop(): Promise<void>;
}

/** Starts `fieldmark serve --db DB --port 0 [...extraArgs]` and waits for its URL. */
export async function startServe(db: string, timeoutMs = 30_000, extraArgs: string[] = []): Promise<RunningServe> {
  const child = spawn(process.execPath, [CLI, 'serve', '--db', db, '--port', '0', ...extraArgs], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (d: string) => {
    err = (err + d).slice(-20_000);
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`fieldmark serve printed no URL in ${timeoutMs} ms; stderr:\n${err}`)), timeoutMs);
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (line) => {
      clearTimeout(timer);
      resolve(line.trim());
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`fieldmark serve exited with ${code} before printing its URL; stderr:\n${err}`));
    });
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`fieldmark serve could not start: ${e.message}`));
    });
  });
  if (!/^https?:\/\//.test(url)) throw new Error(`fieldmark serve: first stdout line is not a URL: ${url}`);
  const origin = new URL(url).origin;
  return {
    url,
    origin,
    child,
    stderr: () => err,
    api<T>(method: string, ...args: unknown[]): Promise<T> {
      return apiAs<T>(origin, null, method, args, false);
    },
    apiAs<T>(token: string | null, method: string, ...args: unknown[]): Promise<T> {
      return apiAs<T>(origin, token, method, args, true);
    },
    stop: () => stopChild(child),
  };
}

async function apiAs<T>(origin: string, token: string | null, method: string, args: unknown[], withCode: boolean): Promise<T> {
  const headers: Record<string, string> = { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) };
  const res = await fetch(`${origin}/api/${method}`, { method: 'POST', headers, body: JSON.stringify({ args }) });
  const env = (await res.json()) as { ok: boolean; value?: T; error?: { code: string; message: string } };
  if (!env.ok) throw new Error(withCode ? `${method}: ${env.error?.code} ${env.error?.message}` : `${method}: ${env.error?.message}`);
  return env.value as T;
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Removes the generated demo folders (call from the last afterAll). */
export function removeDemos(): void {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  demos.clear();
}
