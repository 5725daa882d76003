/**
 * The single entry point of every transport: validate, authorize, call, wrap.
 * Returns the envelope `{ok:true,value}` or `{ok:false,error:{code,message}}`; never throws.
 */
import type { Caller, FieldmarkApi, MethodName } from './contract';
import { ApiError, type ApiErrorShape } from './errors';
import { isMethodName, METHODS } from './schemas';

export type Envelope<T = unknown> = { ok: true; value: T } | { ok: false; error: ApiErrorShape };

/** Formats the first few schema issues as one line: `getSite: argument 1: expected string, received number`. */
function describeIssues(method: string, issues: { path: PropertyKey[]; message: string }[]): string {
  const parts = issues.slice(0, 3).map((iss) => {
    const [first, ...rest] = iss.path;
    const where =
      typeof first === 'number'
        ? `argument ${first + 1}${rest.length ? ' ' + rest.map(String).join('.') : ''}`
        : iss.path.length
          ? iss.path.map(String).join('.')
          : 'arguments';
    return `${where}: ${iss.message}`;
  });
  return `${method}: ${parts.join('; ')}`;
}

export interface DispatchOptions {
  /** Called with unexpected (non-ApiError) failures, e.g. to log the stack. */
  onInternalError?: (method: string, error: unknown) => void;
}

export async function dispatch(
  api: FieldmarkApi,
  caller: Caller,
  method: string,
  args: unknown,
  options: DispatchOptions = {},
): Promise<Envelope> {
  try {
    if (typeof method !== 'string' || !isMethodName(method)) {
      throw new ApiError('NOT_FOUND', `no such method: ${String(method).slice(0, 64)}`);
    }
    const spec = METHODS[method];
    if (!spec.roles.includes(caller.role)) {
      throw new ApiError('FORBIDDEN', `${method}: not allowed for role ${caller.role}`);
    }
    const rawArgs = args === undefined ? [] : args;
    if (!Array.isArray(rawArgs)) {
      throw new ApiError('BAD_ARGUMENTS', `${method}: arguments must be an array`);
    }
    // Trailing undefined/null optional arguments are dropped so that `f()` and `f(undefined)` agree.
    const trimmed = [...rawArgs];
    while (trimmed.length > 0 && (trimmed[trimmed.length - 1] === undefined || trimmed[trimmed.length - 1] === null)) {
      trimmed.pop();
    }
    const parsed = spec.args.safeParse(trimmed);
    if (!parsed.success) {
      throw new ApiError('BAD_ARGUMENTS', describeIssues(method, parsed.error.issues));
    }
    const fn = api[method as MethodName] as (...a: unknown[]) => Promise<unknown>;
    const value = await fn.apply(api, parsed.data as unknown[]);
    return { ok: true, value: value === undefined ? null : value };
  } catch (e) {
    if (e instanceof ApiError) return { ok: false, error: e.toJSON() };
    options.onInternalError?.(method, e);
    const msg = e instanceof Error ? e.message : String(e);
    return { ok: false, error: { code: 'INTERNAL', message: `${String(method)}: internal error: ${msg.split('\n')[0]}` } };
  }
}
