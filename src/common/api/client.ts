/**
 * Builds a typed `FieldmarkApi` over any transport that can carry `(method, args) -> Envelope`.
 * Used by the renderer's HTTP client, the Electron preload bridge and the contract tests.
 */
import type { FieldmarkApi, MethodName } from './contract';
import type { Envelope } from './dispatch';
import { ApiError, ERROR_CODES, type ErrorCode } from './errors';
import { METHOD_NAMES } from './schemas';

export type Transport = (method: MethodName, args: unknown[]) => Promise<Envelope>;

export function unwrap<T>(env: Envelope): T {
  if (env.ok) return env.value as T;
  const code: ErrorCode = (ERROR_CODES as readonly string[]).includes(env.error.code) ? env.error.code : 'INTERNAL';
  throw new ApiError(code, env.error.message, env.error.details);
}

export function createClient(transport: Transport): FieldmarkApi {
  const api: Record<string, (...args: unknown[]) => Promise<unknown>> = {};
  for (const name of METHOD_NAMES) {
    api[name] = async (...args: unknown[]) => unwrap(await transport(name, args));
  }
  return api as unknown as FieldmarkApi;
}
