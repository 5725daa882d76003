/**
 * The Content-Security-Policy and companion headers set on every app:// response (pages, scripts,
 * tiles, errors). A response header, not a <meta> tag, so it also covers workers and cannot be
 * edited away by page content. MapLibre needs `worker-src blob:`; tiles are same-origin
 * (`app://fieldmark/tiles/...`), so nothing outside the app origin is allowed anywhere.
 */
import { APP_HOST, APP_SCHEME } from '../src/common/api/bridge';

const ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

/** Directive -> sources. `'self'` is the app origin; it is repeated explicitly for custom-scheme safety. */
export const CSP_DIRECTIVES: Readonly<Record<string, readonly string[]>> = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'worker-src': ["'self'", 'blob:'],
  'img-src': ["'self'", 'data:', 'blob:', ORIGIN],
  'connect-src': ["'self'", ORIGIN],
  'style-src': ["'self'", "'unsafe-inline'"],
  'font-src': ["'self'", 'data:'],
  'object-src': ["'none'"],
  'frame-src': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'none'"],
  'frame-ancestors': ["'none'"],
};

export const CONTENT_SECURITY_POLICY = Object.entries(CSP_DIRECTIVES)
  .map(([k, v]) => `${k} ${v.join(' ')}`)
  .join('; ');

/** Headers added to every app:// response. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/** A Headers object with the security headers plus `extra`. */
export function secureHeaders(extra: Record<string, string> = {}): Headers {
  const h = new Headers(extra);
  for (const [k, v] of Object.entries(SECURITY_HEADERS)) h.set(k, v);
  return h;
}
