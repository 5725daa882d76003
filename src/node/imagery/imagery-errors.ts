/** Turns whatever geotiff.js / the sources throw into one-line `ApiError`s that name the file. */
import { ApiError } from '../../common/api/errors';
import { PastEndError } from './source';

/**
 * @param name the file's base name or the URL
 * @param what what was being read, e.g. "image directory", "tile 3 of level 0"
 */
export function toImageryError(name: string, what: string, e: unknown): ApiError {
  if (e instanceof ApiError) return e;
  if (e instanceof PastEndError) {
    return new ApiError('BAD_INPUT', `${name}: truncated: ${what} at byte ${e.offset} is past the end of the ${e.fileSize}-byte file`);
  }
  if ((e as Error)?.name === 'AbortError') return new ApiError('UNAVAILABLE', `${name}: reading ${what} was aborted`);
  const raw = e instanceof Error ? e.message : String(e);
  const firstLine = (raw.split('\n')[0] ?? '').trim().slice(0, 200);
  if (e instanceof RangeError || /outside the bounds|out of bounds|Offset is outside/i.test(firstLine)) {
    return new ApiError('BAD_INPUT', `${name}: corrupt or truncated: ${what} points outside the data`);
  }
  return new ApiError('BAD_INPUT', `${name}: cannot read ${what}: ${firstLine || 'unknown error'}`);
}

/** Runs `fn`, mapping any error to a one-line ApiError. */
export async function guard<T>(name: string, what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw toImageryError(name, what, e);
  }
}
