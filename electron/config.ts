/**
 * Which campaign database the desktop app opens: `--db FILE` (or `--db=FILE`), else FIELDMARK_DB,
 * else `<userData>/campaign.db`; the default one is created as the demo campaign on first run.
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

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
