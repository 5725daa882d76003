/** The app origin (`app://fieldmark`) and the one test every guard uses to recognise it. */
import { APP_HOST, APP_SCHEME } from '../src/common/api/bridge';

export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_START_URL = `${APP_ORIGIN}/index.html`;

/**
 * True for `app://fieldmark/...` only: the exact scheme and host, no port, no credentials.
 * (Node's URL gives custom schemes an opaque `origin`, so compare the parts.)
 */
export function isAppUrl(url: unknown): boolean {
  if (typeof url !== 'string') return false;
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  return (
    u.protocol === `${APP_SCHEME}:` &&
    u.hostname === APP_HOST &&
    u.port === '' &&
    u.username === '' &&
    u.password === ''
  );
}

/** True for http(s) URLs without credentials: the only kind handed to the system browser. */
export function isSafeExternalUrl(url: unknown): boolean {
  if (typeof url !== 'string' || url.length > 2048) return false;
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  return (u.protocol === 'https:' || u.protocol === 'http:') && u.hostname !== '' && u.username === '' && u.password === '';
}
