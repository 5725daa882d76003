/**
 * The `app://` scheme: `app://fieldmark/<file>` serves the built renderer (dist/renderer) and
 * `app://fieldmark/tiles/<scene>/<z>/<x>/<y>.png` renders imagery tiles through the service,
 * `app://fieldmark/risk/<site>/<method>/<z>/<x>/<y>.png` a site's consensus risk map, and the file
 * routes of `fieldmark serve` through the same node module (src/node/server/transfer-routes.ts) as
 * the local desktop user: `POST /import/labels|sites|scene`, `POST /offline/take|return`,
 * `GET /export/<what>.<format>` (answers: the API envelope as JSON, or the file streamed).
 * The handler is a plain `(Request) => Promise<Response>` so tests drive it with Node's globals.
 * Every response, errors included, carries the CSP (see csp.ts).
 */
import type { CustomScheme } from 'electron';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { extname, isAbsolute, join, normalize, relative, resolve, sep } from 'node:path';
import { APP_HOST, APP_SCHEME } from '../src/common/api/bridge';
import { ApiError, HTTP_STATUS } from '../src/common/api/errors';
import { parseRiskTilePath, parseTilePath } from '../src/common/api/tiles';
import type { ServiceHost } from '../src/node/service/host';
import { emptyPng } from '../src/node/imagery/png';
import { errorAnswer, type TransferAnswer } from '../src/node/server/file-answer';
import { isTransferPath, transferRoute } from '../src/node/server/transfer-routes';
import { secureHeaders } from './csp';

/** Registered before `app.ready` (protocol.registerSchemesAsPrivileged). */
export const PRIVILEGED_SCHEME: CustomScheme = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true },
};

export const MIME_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.gif': 'image/gif',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.pbf': 'application/x-protobuf',
  '.txt': 'text/plain; charset=utf-8',
};

export function mimeType(file: string): string {
  return MIME_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
}

export interface AppProtocolOptions {
  /** Absolute path of the built renderer (dist/renderer). */
  rendererDir: string;
  service: ServiceHost;
  /** Unexpected failures (not ApiError), e.g. console.error. */
  onError?: (what: string, error: unknown) => void;
}

function text(status: number, body: string, head: boolean): Response {
  return new Response(head ? null : body, {
    status,
    headers: secureHeaders({ 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' }),
  });
}

function bytes(body: Buffer, type: string, cache: string, head: boolean): Response {
  return new Response(head ? null : new Uint8Array(body), {
    status: 200,
    headers: secureHeaders({ 'Content-Type': type, 'Content-Length': String(body.length), 'Cache-Control': cache }),
  });
}

/**
 * Maps a URL pathname to a file inside `root`, or null when it would leave it (`..`, encoded
 * slashes, backslashes, NUL, absolute/drive paths, dot-files).
 */
export function resolveStaticPath(root: string, pathname: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const rel = decoded.replace(/^\/+/, '') || 'index.html';
  const parts = rel.split('/');
  if (parts.some((p) => p.startsWith('.') || /^[A-Za-z]:$/.test(p))) return null; // also '.' and '..'
  if (isAbsolute(rel)) return null;
  const base = resolve(root);
  const full = resolve(base, normalize(rel));
  const back = relative(base, full);
  if (back === '' || back.startsWith('..') || isAbsolute(back) || back.split(sep).includes('..')) return null;
  return join(base, back);
}

async function serveTile(url: URL, opts: AppProtocolOptions, head: boolean, signal?: AbortSignal): Promise<Response> {
  try {
    const req = parseTilePath(url.pathname, url.searchParams);
    const png = await opts.service.renderTile(opts.service.localCaller, req, { signal });
    return bytes(png ?? emptyPng(req.size), 'image/png', 'private, max-age=300', head);
  } catch (e) {
    if (e instanceof ApiError) return text(HTTP_STATUS[e.code], `${e.code}: ${e.message}`, head);
    if ((e as Error)?.name === 'AbortError') return text(499, 'CANCELLED: the tile request was cancelled', head);
    opts.onError?.(`tile ${url.pathname}`, e);
    return text(500, 'INTERNAL: the tile could not be rendered', head);
  }
}

/** `app://fieldmark/risk/<site>/<method>/z/x/y.png`: a consensus risk map tile (the local user is admin). */
async function serveRiskTile(url: URL, opts: AppProtocolOptions, head: boolean, signal?: AbortSignal): Promise<Response> {
  try {
    const req = parseRiskTilePath(url.pathname, url.searchParams);
    if (!opts.service.renderRiskTile) return text(404, 'NOT_FOUND: no risk maps here', head);
    const png = await opts.service.renderRiskTile(opts.service.localCaller, req, { signal });
    return bytes(png ?? emptyPng(req.size), 'image/png', 'no-cache', head);
  } catch (e) {
    if (e instanceof ApiError) return text(HTTP_STATUS[e.code], `${e.code}: ${e.message}`, head);
    if ((e as Error)?.name === 'AbortError') return text(499, 'CANCELLED: the tile request was cancelled', head);
    opts.onError?.(`risk tile ${url.pathname}`, e);
    return text(500, 'INTERNAL: the tile could not be rendered', head);
  }
}

/** A TransferAnswer as a web Response: JSON, or the file streamed (disposed once read or cancelled). */
function answerResponse(a: TransferAnswer, head: boolean): Response {
  const headers = secureHeaders(a.headers);
  if (!a.file || head) {
    a.dispose();
    return new Response(head || a.json === undefined ? null : JSON.stringify(a.json), { status: a.status, headers });
  }
  const stream = createReadStream(a.file.path);
  stream.once('close', () => a.dispose());
  return new Response(Readable.toWeb(stream) as ReadableStream<Uint8Array>, { status: a.status, headers });
}

/** `/import/...`, `/offline/...`, `/export/...` as the local user (admin, or an offline package's labeller). */
async function serveTransfer(request: Request, url: URL, opts: AppProtocolOptions): Promise<Response> {
  const head = request.method === 'HEAD';
  try {
    const answer = await transferRoute(opts.service, {
      method: request.method,
      url,
      caller: opts.service.localCaller,
      body: request.body as unknown as AsyncIterable<Uint8Array> | null,
      length: /^\d+$/.test(request.headers.get('content-length') ?? '') ? Number(request.headers.get('content-length')) : null,
    });
    return answerResponse(answer ?? errorAnswer(new ApiError('NOT_FOUND', `no route ${url.pathname.slice(0, 80)}`)), head);
  } catch (e) {
    if (e instanceof ApiError) return answerResponse(errorAnswer(e), head);
    opts.onError?.(`${request.method} ${url.pathname}`, e);
    return answerResponse(errorAnswer(new ApiError('INTERNAL', 'internal error')), head);
  }
}

async function serveFile(url: URL, opts: AppProtocolOptions, head: boolean): Promise<Response> {
  const file = resolveStaticPath(opts.rendererDir, url.pathname);
  if (!file) return text(404, `NOT_FOUND: ${url.pathname.slice(0, 120)}`, head);
  try {
    const st = await stat(file);
    if (!st.isFile()) return text(404, `NOT_FOUND: ${url.pathname.slice(0, 120)}`, head);
    const body = await readFile(file);
    return bytes(body, mimeType(file), 'no-cache', head);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException | null)?.code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return text(404, `NOT_FOUND: ${url.pathname.slice(0, 120)}`, head);
    opts.onError?.(`file ${url.pathname}`, e);
    return text(500, 'INTERNAL: the file could not be read', head);
  }
}

/** The handler given to `protocol.handle(APP_SCHEME, ...)`. Never throws. */
export function createAppProtocolHandler(opts: AppProtocolOptions): (request: Request) => Promise<Response> {
  return async (request) => {
    const head = request.method === 'HEAD';
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      return text(400, 'BAD_ARGUMENTS: unreadable URL', head);
    }
    if (url.protocol !== `${APP_SCHEME}:` || url.hostname !== APP_HOST || url.port !== '') {
      return text(404, `NOT_FOUND: unknown host ${url.host.slice(0, 60)}`, head);
    }
    if (isTransferPath(url.pathname) && (request.method === 'POST' || request.method === 'GET' || head)) return serveTransfer(request, url, opts);
    if (request.method !== 'GET' && !head) return text(405, 'METHOD_NOT_ALLOWED: only GET and HEAD', false);
    if (url.pathname === '/tiles' || url.pathname.startsWith('/tiles/')) return serveTile(url, opts, head, request.signal);
    if (url.pathname.startsWith('/risk/')) return serveRiskTile(url, opts, head, request.signal);
    return serveFile(url, opts, head);
  };
}
