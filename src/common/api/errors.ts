/**
 * The closed set of error codes every host (HTTP, IPC, CLI, in-process) speaks.
 * A client always gets `{code, message}`; `message` is one line a user can act on:
 * it names the file / feature / argument and what is wrong.
 */
export const ERROR_CODES = [
  'BAD_ARGUMENTS', // an argument failed schema validation (HTTP 400, CLI exit 2)
  'BAD_INPUT', // a file, URL or geometry the user gave is unreadable or invalid (HTTP 422, CLI exit 2)
  'NOT_FOUND', // no such method, campaign, site, scene, label ... (HTTP 404, CLI exit 2)
  'UNAUTHENTICATED', // no or unknown token (HTTP 401)
  'FORBIDDEN', // the caller's role may not do this (HTTP 403)
  'CONFLICT', // the write lost a race or breaks a rule of the campaign (HTTP 409)
  'UNAVAILABLE', // a remote source timed out or refused (HTTP 503)
  'INTERNAL', // a bug: logged with its stack, reported without it (HTTP 500, CLI exit 1)
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ApiErrorShape {
  code: ErrorCode;
  message: string;
  details?: unknown;
}

/** The one error type thrown across the API boundary; clients rethrow it from the envelope. */
export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly details?: unknown;
  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.details = details;
  }
  toJSON(): ApiErrorShape {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}

export function isApiError(e: unknown): e is ApiError {
  return e instanceof ApiError;
}

/** Errors that are the user's fault (bad arguments/input) map to CLI exit 2; others to 1. */
export function isUserError(code: ErrorCode): boolean {
  return code !== 'INTERNAL';
}

export const HTTP_STATUS: Record<ErrorCode, number> = {
  BAD_ARGUMENTS: 400,
  BAD_INPUT: 422,
  NOT_FOUND: 404,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  CONFLICT: 409,
  UNAVAILABLE: 503,
  INTERNAL: 500,
};
