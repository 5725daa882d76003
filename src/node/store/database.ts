/**
 * Opens the campaign database: WAL journal, foreign keys on, migrations applied.
 * `synchronous = FULL` in WAL mode: every acknowledged transaction survives a power cut
 * (NORMAL would only survive a process crash), at a cost of one fsync per commit, which
 * labelling's write rate (a few edits a second per labeller) easily affords.
 */
import Database from 'better-sqlite3';
import { ApiError } from '../../common/api/errors';
import { MIGRATIONS } from './migrations';
import { sqliteBindingOptions } from './sqlite-binding';

export type Db = Database.Database;

export interface OpenOptions {
  readonly?: boolean;
  /** Create the file when missing (default true; `serve --db` refuses a missing file). */
  create?: boolean;
}

export function openDatabase(path: string, opts: OpenOptions = {}): Db {
  let db: Db;
  try {
    db = new Database(path, { ...sqliteBindingOptions(), readonly: opts.readonly ?? false, fileMustExist: opts.create === false });
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    throw new ApiError('BAD_INPUT', `${path}: cannot open database: ${msg}`);
  }
  try {
    db.pragma('busy_timeout = 5000');
    if (!opts.readonly) {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
    }
    db.pragma('foreign_keys = ON');
    if (!opts.readonly) migrate(db);
  } catch (e) {
    db.close();
    if (e instanceof ApiError) throw e;
    const msg = e instanceof Error ? e.message : String(e);
    throw new ApiError('BAD_INPUT', `${path}: not a Fieldmark database: ${msg}`);
  }
  return db;
}

export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

export function migrate(db: Db): void {
  const current = schemaVersion(db);
  if (current > MIGRATIONS.length) {
    throw new ApiError('BAD_INPUT', `database schema version ${current} is newer than this Fieldmark (${MIGRATIONS.length}): update Fieldmark`);
  }
  for (let v = current; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]!);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}
