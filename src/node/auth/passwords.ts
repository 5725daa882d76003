/**
 * Password hashing: scrypt (node:crypto) with a random 16-byte salt, stored as
 * `scrypt$N$r$p$<salt b64>$<hash b64>` so the cost can be raised later without breaking old
 * hashes. Verification is constant-time; an unknown account still costs one scrypt (no timing
 * difference between "no such user" and "wrong password").
 */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

const N = 16384;
const R = 8;
const P = 1;
const KEYLEN = 32;

function derive(password: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFC'), salt, KEYLEN, { N: n, r, p, maxmem: 64 * 1024 * 1024 }, (e, key) => (e ? reject(e) : resolve(key))),
  );
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, N, R, P);
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64')}$${key.toString('base64')}`;
}

const DUMMY = `scrypt$${N}$${R}$${P}$${Buffer.alloc(16).toString('base64')}$${Buffer.alloc(KEYLEN).toString('base64')}`;

/** True when `password` matches `stored`; a null or malformed hash never matches (after the same work). */
export async function verifyPassword(password: string, stored: string | null): Promise<boolean> {
  const parts = (stored ?? DUMMY).split('$');
  const ok = parts.length === 6 && parts[0] === 'scrypt';
  const [n, r, p] = ok ? [Number(parts[1]), Number(parts[2]), Number(parts[3])] : [N, R, P];
  const sane = ok && Number.isInteger(n) && n >= 1024 && n <= 1 << 20 && r >= 1 && r <= 32 && p >= 1 && p <= 16;
  const salt = Buffer.from(sane ? parts[4]! : '', 'base64');
  const want = Buffer.from(sane ? parts[5]! : '', 'base64');
  const key = await derive(password, salt.length ? salt : Buffer.alloc(16), sane ? n : N, sane ? r : R, sane ? p : P);
  return stored !== null && sane && want.length === key.length && timingSafeEqual(want, key);
}
