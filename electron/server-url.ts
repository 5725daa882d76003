/**
 * The campaign server the desktop app connects to (`--server URL`, FIELDMARK_SERVER): checked here
 * once, so every message about a bad value is one line, and the one-origin test the server-mode
 * guards use. scripts/start-lib.mjs `checkServerUrl` applies the same rules before Electron starts
 * (electron/server-url.test.ts runs both on the same cases).
 */

export type ServerUrl = { ok: true; url: string; origin: string } | { ok: false; message: string };

export const MAX_SERVER_URL_LENGTH = 2048;

/** http(s) only, a host, no user name or password in it; path and query (a sign-in link's `?token=`) kept. */
export function parseServerUrl(raw: unknown): ServerUrl {
  if (typeof raw !== 'string' || raw.trim() === '') return { ok: false, message: '--server: give the campaign server address, e.g. http://192.168.1.20:8080/' };
  const text = raw.trim();
  const shown = JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text);
  if (text.length > MAX_SERVER_URL_LENGTH) return { ok: false, message: `--server: ${shown} is longer than ${MAX_SERVER_URL_LENGTH} characters` };
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    return { ok: false, message: `--server: ${shown} is not a URL (expected http://host:port/ or https://host/)` };
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return { ok: false, message: `--server: ${shown} is not an http or https URL` };
  if (u.hostname === '') return { ok: false, message: `--server: ${shown} names no host` };
  if (u.username !== '' || u.password !== '') return { ok: false, message: `--server: ${shown} holds a user name or password: sign in on the server's page instead` };
  return { ok: true, url: u.href, origin: u.origin };
}

/**
 * The value of `--server URL` / `--server=URL` in argv (the last one wins): null when absent, ''
 * when the flag has no value (parseServerUrl then says what is missing).
 */
export function serverFromArgv(argv: readonly string[]): string | null {
  let found: string | null = null;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--server') found = i + 1 < argv.length && !argv[i + 1]!.startsWith('--') ? argv[++i]! : '';
    else if (a.startsWith('--server=')) found = a.slice('--server='.length);
  }
  return found;
}

/** A predicate true for URLs of exactly `origin` (scheme, host and port), without credentials. */
export function sameOrigin(origin: string): (url: unknown) => boolean {
  return (url) => {
    if (typeof url !== 'string') return false;
    try {
      const u = new URL(url);
      return u.origin === origin && u.username === '' && u.password === '';
    } catch {
      return false;
    }
  };
}
