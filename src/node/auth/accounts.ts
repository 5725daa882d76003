/**
 * Accounts and sign-in. Two kinds of credential, both stored only as a sha256:
 *  - a static token per account (`fieldmark user add`, API addUser): 32 random bytes, base64url,
 *    in `labellers.token_hash`;
 *  - a session token from `signIn(name, password)` (scrypt password hash in
 *    `labellers.password_hash`), in `sessions` with an expiry (FIELDMARK_SESSION_HOURS, default 12).
 * Failed sign-ins are limited per name (5 in 15 minutes) and per address (30 in 15 minutes); the
 * answer for an unknown name and a wrong password is the same.
 */
import { randomBytes } from 'node:crypto';
import type { Caller, NewUser, NewUserResult, Role, SignInResult } from '../../common/api/contract';
import { ApiError } from '../../common/api/errors';
import { hashToken } from '../store/campaign.repo';
import type { Db } from '../store/database';
import { hashPassword, verifyPassword } from './passwords';
import { FailureLimiter } from './rate-limit';

export const SESSION_HOURS = Math.min(24 * 30, Math.max(0.01, Number(process.env.FIELDMARK_SESSION_HOURS) || 12));

export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

const limiters = new WeakMap<Db, { names: FailureLimiter; addrs: FailureLimiter }>();
function limiter(db: Db) {
  let l = limiters.get(db);
  if (!l) {
    l = { names: new FailureLimiter({ maxFailures: 5, windowMs: 15 * 60_000 }), addrs: new FailureLimiter({ maxFailures: 30, windowMs: 15 * 60_000 }) };
    limiters.set(db, l);
  }
  return l;
}

const isStaff = (c: Caller) => c.role === 'admin' || c.role === 'supervisor';

/** An id made from the name (letters, digits, '-'), made unique with -2, -3, ... */
export function userIdFor(db: Db, name: string): string {
  const base = name.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40) || 'user';
  const taken = db.prepare('SELECT 1 FROM labellers WHERE id = ?').pluck();
  let id = base;
  for (let k = 2; taken.get(id) !== undefined; k++) id = `${base}-${k}`;
  return id;
}

export async function addUser(db: Db, caller: Caller, u: NewUser): Promise<NewUserResult> {
  if (caller.role === 'supervisor' && u.role !== 'labeller') throw new ApiError('FORBIDDEN', 'addUser: a supervisor may add labellers only');
  if (!isStaff(caller)) throw new ApiError('FORBIDDEN', 'addUser: staff only');
  const passwordHash = u.password !== undefined ? await hashPassword(u.password) : null;
  const token = newToken();
  return db
    .transaction(() => {
      if (db.prepare('SELECT 1 FROM labellers WHERE name = ?').get(u.name) !== undefined) throw new ApiError('CONFLICT', `addUser: a user named "${u.name}" exists already`);
      const id = u.id ?? userIdFor(db, u.name);
      if (db.prepare('SELECT 1 FROM labellers WHERE id = ?').get(id) !== undefined) throw new ApiError('CONFLICT', `addUser: a user with id ${id} exists already`);
      db.prepare('INSERT INTO labellers (id, name, role, token_hash, profile, created_at, password_hash) VALUES (?, ?, ?, ?, NULL, ?, ?)').run(
        id,
        u.name,
        u.role,
        hashToken(token),
        new Date().toISOString(),
        passwordHash,
      );
      return { id, name: u.name, role: u.role, token };
    })
    .immediate();
}

export async function setPassword(db: Db, caller: Caller, userId: string, password: string): Promise<{ userId: string }> {
  if (caller.role !== 'admin' && caller.userId !== userId) {
    // a supervisor manages labellers (they may add them, with passwords): a labeller's password too
    const target = db.prepare('SELECT role FROM labellers WHERE id = ?').pluck().get(userId) as Role | undefined;
    if (!(caller.role === 'supervisor' && target === 'labeller')) {
      throw new ApiError('FORBIDDEN', caller.role === 'supervisor' ? "setPassword: a supervisor sets only labellers' passwords and their own" : 'setPassword: you may set only your own password');
    }
  }
  const hash = await hashPassword(password);
  const r = db.prepare('UPDATE labellers SET password_hash = ? WHERE id = ?').run(hash, userId);
  if (r.changes === 0) throw new ApiError('NOT_FOUND', `no user ${userId}`);
  // Other sessions of this user end: a changed password should lock out whoever had the old one.
  db.prepare('DELETE FROM sessions WHERE labeller_id = ? AND token_hash <> ?').run(userId, caller.session ?? '');
  return { userId };
}

interface UserRow {
  id: string;
  name: string;
  role: Role;
  password_hash: string | null;
}

export async function signIn(db: Db, caller: Caller, name: string, password: string): Promise<SignInResult> {
  const { names, addrs } = limiter(db);
  const nameKey = `name:${name.toLowerCase()}`;
  const addrKey = `addr:${caller.address ?? 'local'}`;
  const wait = Math.max(names.retryAfter(nameKey), addrs.retryAfter(addrKey));
  if (wait > 0) throw new ApiError('UNAUTHENTICATED', `signIn: too many failed attempts; try again in ${wait} s`, { retryAfter: wait });
  const rows = db.prepare('SELECT id, name, role, password_hash FROM labellers WHERE id = ? OR name = ?').all(name, name) as UserRow[];
  const user = rows.find((r) => r.id === name) ?? (rows.length === 1 ? rows[0] : undefined);
  const ok = await verifyPassword(password, user?.password_hash ?? null);
  if (!ok || !user) {
    names.fail(nameKey);
    addrs.fail(addrKey);
    throw new ApiError('UNAUTHENTICATED', 'signIn: wrong name or password');
  }
  names.clear(nameKey);
  const token = newToken();
  const now = new Date();
  const expiresAt = new Date(now.getTime() + SESSION_HOURS * 3_600_000).toISOString();
  db.transaction(() => {
    db.prepare('DELETE FROM sessions WHERE expires_at < ?').run(now.toISOString());
    db.prepare('INSERT INTO sessions (token_hash, labeller_id, created_at, expires_at) VALUES (?, ?, ?, ?)').run(hashToken(token), user.id, now.toISOString(), expiresAt);
  }).immediate();
  return { token, expiresAt, user: { id: user.id, name: user.name, role: user.role } };
}

export function signOut(db: Db, caller: Caller): { signedOut: boolean } {
  if (!caller.session) return { signedOut: false };
  return { signedOut: db.prepare('DELETE FROM sessions WHERE token_hash = ?').run(caller.session).changes > 0 };
}

/** The caller a bearer token stands for: an account's static token, or a live session. */
export function callerForToken(db: Db, token: string): Caller | null {
  const h = hashToken(token);
  const stat = db.prepare('SELECT id, role FROM labellers WHERE token_hash = ?').get(h) as { id: string; role: Role } | undefined;
  if (stat) return { userId: stat.id, role: stat.role };
  const s = db
    .prepare('SELECT l.id, l.role FROM sessions s JOIN labellers l ON l.id = s.labeller_id WHERE s.token_hash = ? AND s.expires_at > ?')
    .get(h, new Date().toISOString()) as { id: string; role: Role } | undefined;
  return s ? { userId: s.id, role: s.role, session: h } : null;
}

export function sessionExpiry(db: Db, caller: Caller): string | null {
  if (!caller.session) return null;
  return (db.prepare('SELECT expires_at FROM sessions WHERE token_hash = ?').pluck().get(caller.session) as string | undefined) ?? null;
}

/** `fieldmark user add`: an account with a static token (and a password when given). */
export async function createAccount(db: Db, u: NewUser): Promise<NewUserResult> {
  return addUser(db, { userId: null, role: 'admin' }, u);
}
