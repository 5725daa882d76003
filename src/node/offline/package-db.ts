/**
 * An offline package (`.fmpkg`) is a Fieldmark database of its own, one file: the same schema
 * (migrations), the labeller's tasks (sites masked to look like Class 2, no reference labels, no
 * other labeller's work), the campaign's categories and settings, the labeller's labels with a
 * history base, and the imagery clipped to each task's context window as COGs stored as blobs in
 * `package_files`. Three tables only a package has: `package_info` (key/value: package id, campaign,
 * labeller, deadline), `package_tasks` (each task's server revision when taken) and
 * `package_files`. `fieldmark serve --db P.fmpkg` (or the desktop app) opens it as the local
 * database; its local user is the package's labeller (not admin), and its imagery is unpacked
 * beside it (`P.fmpkg.imagery/`, or a temporary folder when that is not writable).
 */
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Caller } from '../../common/api/contract';
import type { Db } from '../store/database';

export const PACKAGE_TABLES = `
  CREATE TABLE package_info (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
  CREATE TABLE package_tasks (assignment_id INTEGER PRIMARY KEY, server_revision INTEGER NOT NULL, base_hash TEXT NOT NULL);
  CREATE TABLE package_files (name TEXT PRIMARY KEY, data BLOB NOT NULL) WITHOUT ROWID;
`;

export interface PackageInfo {
  packageId: string;
  campaignId: string;
  labellerId: string;
  createdAt: string;
  dueAt: string;
  format: string;
}

const known = new WeakMap<Db, PackageInfo | null>();

export function packageInfo(db: Db): PackageInfo | null {
  if (known.has(db)) return known.get(db)!;
  let info: PackageInfo | null = null;
  const has = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'package_info'").get() !== undefined;
  if (has) {
    const kv = new Map((db.prepare('SELECT key, value FROM package_info').all() as { key: string; value: string }[]).map((r) => [r.key, r.value]));
    info = {
      packageId: kv.get('package_id') ?? '',
      campaignId: kv.get('campaign_id') ?? '',
      labellerId: kv.get('labeller_id') ?? '',
      createdAt: kv.get('created_at') ?? '',
      dueAt: kv.get('due_at') ?? '',
      format: kv.get('format') ?? '',
    };
  }
  known.set(db, info);
  return info;
}

export function isPackageDb(db: Db): boolean {
  return packageInfo(db) !== null;
}

/** The local user of a package: its labeller. Null for an ordinary campaign database. */
export function packageCaller(db: Db): Caller | null {
  const p = packageInfo(db);
  return p && p.labellerId ? { userId: p.labellerId, role: 'labeller' } : null;
}

/** The state of a task that a return compares: its fields and status. */
export function taskHash(fields: readonly { id: string }[], status: string): string {
  const sorted = [...fields].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return createHash('sha256').update(JSON.stringify({ fields: sorted, status })).digest('hex');
}

/**
 * Opening a package: it stays one file (rollback journal instead of WAL, so every commit is in
 * the file itself and it can be copied or uploaded at any time), and its imagery is unpacked
 * (once) with its scenes pointed at the files. Nothing happens for an ordinary database.
 */
export function preparePackage(db: Db): string | null {
  const p = packageInfo(db);
  if (!p) return null;
  if (!db.readonly) db.pragma('journal_mode = DELETE');
  const names = db.prepare('SELECT name, length(data) AS size FROM package_files').all() as { name: string; size: number }[];
  if (names.length === 0) return null;
  const candidates = [`${db.name}.imagery`, join(tmpdir(), `fieldmark-package-${p.packageId.replace(/[^A-Za-z0-9_-]/g, '_')}`)];
  for (const dir of candidates) {
    try {
      mkdirSync(dir, { recursive: true });
      const get = db.prepare('SELECT data FROM package_files WHERE name = ?').pluck();
      for (const f of names) {
        const path = join(dir, f.name);
        if (existsSync(path) && statSync(path).size === f.size) continue;
        writeFileSync(path, get.get(f.name) as Buffer);
      }
      if (!db.readonly) {
        const upd = db.prepare('UPDATE scenes SET path = ? WHERE path = ?');
        const updMask = db.prepare('UPDATE scenes SET mask_path = ? WHERE mask_path = ?');
        db.transaction(() => {
          for (const f of names) {
            upd.run(join(dir, f.name), `package:${f.name}`);
            updMask.run(join(dir, f.name), `package:${f.name}`);
          }
          // a package moved to another folder: repoint scenes unpacked elsewhere before
          for (const s of db.prepare('SELECT id, path, mask_path FROM scenes').all() as { id: string; path: string; mask_path: string | null }[]) {
            const base = (x: string) => x.replace(/^.*[\\/]/, '');
            if (!existsSync(s.path) && names.some((n) => n.name === base(s.path))) db.prepare('UPDATE scenes SET path = ? WHERE id = ?').run(join(dir, base(s.path)), s.id);
            if (s.mask_path && !existsSync(s.mask_path) && names.some((n) => n.name === base(s.mask_path!))) db.prepare('UPDATE scenes SET mask_path = ? WHERE id = ?').run(join(dir, base(s.mask_path)), s.id);
          }
        })();
      }
      return dir;
    } catch {
      // not writable here: try the next place
    }
  }
  return null;
}

/** Reads a file's first bytes: is it a SQLite database? */
export function looksLikeSqlite(path: string): boolean {
  try {
    const fd = openSync(path, 'r');
    const head = Buffer.alloc(16);
    try {
      readSync(fd, head, 0, 16, 0);
    } finally {
      closeSync(fd);
    }
    return head.toString('latin1') === 'SQLite format 3\u0000';
  } catch {
    return false;
  }
}
