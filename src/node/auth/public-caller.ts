/**
 * The caller of a request without a token in network mode: only methods marked `public` in the
 * registry (signIn) may be called that way; the address is kept for sign-in rate limits.
 */
import type { IncomingMessage } from 'node:http';
import type { Caller } from '../../common/api/contract';
import { isMethodName, METHODS } from '../../common/api/schemas';

export function anonymousCaller(method: string, req: IncomingMessage, url: URL): Caller | null {
  if (!isMethodName(method) || !(METHODS[method] as { public?: boolean }).public) return null;
  const header = req.headers.authorization;
  if (header?.startsWith('Bearer ') || url.searchParams.has('token')) return null;
  return { userId: null, role: 'labeller', address: req.socket.remoteAddress ?? '' };
}
