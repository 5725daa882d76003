/**
 * Which campaign database the desktop app opens: `--db FILE` (or `--db=FILE`), else FIELDMARK_DB,
 * else `<userData>/campaign.db`; the default one is created as the demo campaign on first run.
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseServerUrl, serverFromArgv } from './server-url';

export const DEFAULT_DB_NAME = 'campaign.db';
export const DEMO_SEED = 1;

export interface DbChoice {
  path: string;
  source: 'argv' | 'env' | 'default';
}

/** The value of `--db FILE` / `--db=FILE` in argv (the last one wins), or null. */
export function dbFromArgv(argv: readonly string[]): string | null {
  let found: string | null = null;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--db' && i + 1 < argv.length && !argv[i + 1]!.startsWith('--')) found = argv[++i]!;
    else if (a.startsWith('--db=') && a.length > 5) found = a.slice(5);
  }
  return found;
}

export function chooseDb(opts: { argv: readonly string[]; env: Record<string, string | undefined>; userDataDir: string; cwd?: string }): DbChoice {
  const cwd = opts.cwd ?? process.cwd();
  const fromArgv = dbFromArgv(opts.argv);
  if (fromArgv) return { path: resolve(cwd, fromArgv), source: 'argv' };
  const fromEnv = opts.env.FIELDMARK_DB?.trim();
  if (fromEnv) return { path: resolve(cwd, fromEnv), source: 'env' };
  return { path: resolve(opts.userDataDir, DEFAULT_DB_NAME), source: 'default' };
}

/** What the app opens: a campaign server's UI, or a local database (a campaign or an offline package). */
export type Target = { kind: 'server'; url: string; origin: string } | { kind: 'db'; choice: DbChoice } | { kind: 'error'; message: string };

/**
 * `--server URL` or `--db FILE` from argv (both: refused), else FIELDMARK_SERVER, else the database
 * of chooseDb (FIELDMARK_DB, the default). A relaunch passes one of the two flags, which wins over
 * the environment it inherits.
 */
export function chooseTarget(opts: { argv: readonly string[]; env: Record<string, string | undefined>; userDataDir: string; cwd?: string }): Target {
  const argServer = serverFromArgv(opts.argv);
  const argDb = dbFromArgv(opts.argv);
  if (argServer !== null && argDb) return { kind: 'error', message: '--server and --db cannot be used together: a campaign server or a local database' };
  const envServer = opts.env.FIELDMARK_SERVER?.trim();
  const raw = argServer ?? (argDb ? null : envServer || null);
  if (raw !== null) {
    const s = parseServerUrl(raw);
    if (!s.ok) return { kind: 'error', message: argServer === null ? s.message.replace('--server', 'FIELDMARK_SERVER') : s.message };
    return { kind: 'server', url: s.url, origin: s.origin };
  }
  return { kind: 'db', choice: chooseDb(opts) };
}

/** The flags that pick what the app opens (`--x v` or `--x=v`). */
const TARGET_FLAGS = ['--db', '--server'];

/**
 * Arguments for `app.relaunch({ args })` that open `next` instead: the current ones (argv without
 * the executable) minus every `--db` / `--server` and its value, plus the new flag.
 */
export function relaunchArgs(argv: readonly string[], next: { db: string } | { server: string }): string[] {
  const out: string[] = [];
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i]!;
    if (TARGET_FLAGS.includes(a)) {
      if (i + 1 < argv.length && !argv[i + 1]!.startsWith('--')) i++;
      continue;
    }
    if (TARGET_FLAGS.some((f) => a.startsWith(`${f}=`))) continue;
    out.push(a);
  }
  return 'db' in next ? [...out, '--db', next.db] : [...out, '--server', next.server];
}

export type CreateDemoCampaign = (opts: { outDir: string; seed: number }) => Promise<{ db: string }>;

/**
 * The database path to open. A missing default database is generated as the demo campaign (in
 * its folder); an explicitly named one is passed on as given (the service reports what is wrong).
 */
export async function ensureDb(
  choice: DbChoice,
  createDemoCampaign: CreateDemoCampaign,
  exists: (path: string) => boolean = existsSync,
  say: (line: string) => void = (l) => console.log(l),
): Promise<string> {
  if (choice.source !== 'default' || exists(choice.path)) return choice.path;
  const outDir = dirname(choice.path);
  say(`fieldmark: no campaign at ${choice.path}: generating the demo campaign in ${outDir}`);
  const { db } = await createDemoCampaign({ outDir, seed: DEMO_SEED });
  return db;
}
