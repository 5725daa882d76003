/** Small helpers turning CLI option strings into checked values (ApiError BAD_ARGUMENTS otherwise). */
import { ApiError } from '../../common/api/errors';

type Opts = Record<string, string | boolean | string[] | undefined>;

export function requireString(opts: Opts, name: string, command: string): string {
  const v = opts[name];
  if (typeof v !== 'string' || v.length === 0) throw new ApiError('BAD_ARGUMENTS', `${command}: --${name} is required`);
  return v;
}

export function optionalInt(opts: Opts, name: string, command: string, range: [number, number], fallback: number): number {
  const v = opts[name];
  if (v === undefined) return fallback;
  return parseIntArg(String(v), name, command, range);
}

export function parseIntArg(text: string, name: string, command: string, [min, max]: [number, number]): number {
  if (!/^-?\d+$/.test(text)) throw new ApiError('BAD_ARGUMENTS', `${command}: --${name} must be an integer, got "${text.slice(0, 40)}"`);
  const n = Number(text);
  if (n < min || n > max) throw new ApiError('BAD_ARGUMENTS', `${command}: --${name} must be between ${min} and ${max}, got ${n}`);
  return n;
}
