/**
 * Files in and out of the service, outside the JSON API, on the same origin as the tiles: the
 * server in a browser (Bearer token), `app://fieldmark` under Electron. Routes:
 *  - uploads: `POST <path>?<params>` with the file as the body, answered by the API envelope
 *    (`/import/...`, `/offline/return`);
 *  - downloads: `GET`/`POST <path>` answered by a file (`/export/...`, `/offline/take`), handed to
 *    the browser as a download.
 * Failures reject with an ApiError carrying the server's code and one-line message.
 */
import { ApiError, ERROR_CODES, type ErrorCode } from '../../src/common/api/errors';

export type Params = Record<string, string | number | boolean | undefined>;

export interface Downloaded {
  filename: string;
  bytes: number;
  headers: Headers;
}

export interface Transfer {
  /** POSTs `body` to `path`; resolves with the envelope's value. */
  upload<T>(path: string, body: Blob, params?: Params): Promise<T>;
  /** Fetches a file and saves it through the browser's download (unless `save: false`). */
  download(path: string, opts?: { method?: 'GET' | 'POST'; params?: Params; save?: boolean }): Promise<Downloaded>;
}

function urlOf(base: string, path: string, params?: Params): string {
  const url = new URL(path, base.endsWith('/') ? base : `${base}/`);
  for (const [k, v] of Object.entries(params ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
  return url.href;
}

async function failure(res: Response, what: string): Promise<ApiError> {
  const text = await res.text().catch(() => '');
  try {
    const body = JSON.parse(text) as { ok?: boolean; error?: { code?: string; message?: string } };
    const code = (ERROR_CODES as readonly string[]).includes(body.error?.code ?? '') ? (body.error!.code as ErrorCode) : 'INTERNAL';
    if (body.error?.message) return new ApiError(code, body.error.message);
  } catch {
    // app:// answers errors as "CODE: message" text
    const m = /^([A-Z_]+): (.+)$/.exec(text.trim());
    if (m && (ERROR_CODES as readonly string[]).includes(m[1]!)) return new ApiError(m[1] as ErrorCode, m[2]!);
  }
  return new ApiError(res.status >= 500 ? 'UNAVAILABLE' : 'BAD_INPUT', `${what}: HTTP ${res.status}`);
}

function filenameOf(res: Response, fallback: string): string {
  const cd = res.headers.get('Content-Disposition') ?? '';
  const m = /filename="([^"]+)"/.exec(cd);
  return m?.[1] ?? fallback;
}

export function createTransfer(base: string, token: string | null): Transfer {
  const auth: Record<string, string> = token ? { Authorization: `Bearer ${token}` } : {};
  const send = async (method: string, url: string, what: string, body?: Blob): Promise<Response> => {
    let res: Response;
    try {
      res = await fetch(url, { method, headers: body ? { ...auth, 'Content-Type': 'application/octet-stream' } : auth, ...(body ? { body } : {}) });
    } catch (e) {
      throw new ApiError('UNAVAILABLE', `${what}: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (!res.ok) throw await failure(res, what);
    return res;
  };
  return {
    async upload<T>(path: string, body: Blob, params?: Params): Promise<T> {
      const res = await send('POST', urlOf(base, path, params), path, body);
      const env = (await res.json()) as { ok: boolean; value?: T; error?: { code: ErrorCode; message: string } };
      if (!env.ok) throw new ApiError(env.error?.code ?? 'INTERNAL', env.error?.message ?? `${path}: failed`);
      return env.value as T;
    },
    async download(path, opts = {}) {
      const res = await send(opts.method ?? 'GET', urlOf(base, path, opts.params), path);
      const blob = await res.blob();
      const filename = filenameOf(res, path.split('/').pop() ?? 'download');
      if (opts.save !== false) {
        const href = URL.createObjectURL(blob);
        const a = document.createElement('a');
        a.href = href;
        a.download = filename;
        a.hidden = true;
        document.body.append(a);
        a.click();
        a.remove();
        setTimeout(() => URL.revokeObjectURL(href), 60_000);
      }
      return { filename, bytes: blob.size, headers: res.headers };
    },
  };
}
