/**
 * `fieldmark serve`: the renderer, the API (`POST /api/<method>`, `GET /api/methods`,
 * `GET /api/events` as server-sent events), imagery tiles and (staff only) consensus risk tiles over HTTP,
 * offline packages (`POST /offline/take|return`, src/node/offline), staff exports (`GET /export/...`) and
 * staff uploads (`POST /import/labels|sites|scene`): the file routes of transfer-routes.ts.
 * Local mode (127.0.0.1, no --host): the desktop user is admin, no token, and only requests whose
 * Host header names the loopback are answered (no DNS rebinding). Network mode (--host): every
 * route except the static UI and `signIn` needs a token (`Authorization: Bearer`, or `?token=` for
 * tiles and the event stream, which browsers cannot send headers for).
 */
import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Caller } from '../../common/api/contract';
import { dispatch } from '../../common/api/dispatch';
import { ApiError, HTTP_STATUS, type ApiErrorShape } from '../../common/api/errors';
import { METHODS, METHOD_NAMES } from '../../common/api/schemas';
import { parseRiskTilePath, parseTilePath } from '../../common/api/tiles';
import { emptyPng } from '../imagery/png';
import type { ServiceHost } from '../service/host';
import { defaultRendererDir, serveStatic } from './static-files';
import { anonymousCaller } from '../auth/public-caller';
import { serveTransfer } from './transfer-routes';

export interface ServerOptions {
  service: ServiceHost;
  host?: string;
  port?: number;
  /** Network mode: tokens required. Set when the user passed --host. */
  requireToken?: boolean;
  /** An extra admin token accepted in network mode (printed by `serve`). */
  adminToken?: string;
  rendererDir?: string;
  /** Largest accepted API request body (bytes). */
  maxBodyBytes?: number;
  /** Largest accepted import upload (bytes; default 2 GiB). */
  maxUploadBytes?: number;
  log?: (line: string) => void;
}

export interface RunningServer {
  server: Server;
  url: string;
  port: number;
  close(): Promise<void>;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  });
  res.end(text);
}

function sendError(res: ServerResponse, e: ApiError | ApiErrorShape): void {
  const shape = e instanceof ApiError ? e.toJSON() : e;
  sendJson(res, HTTP_STATUS[shape.code] ?? 500, { ok: false, error: shape });
}

/** Reads a JSON body up to `limit` bytes; beyond it, answers once and closes the connection. */
function readBody(req: IncomingMessage, res: ServerResponse, limit: number): Promise<string> {
  const tooBig = () => {
    res.setHeader('Connection', 'close');
    res.once('finish', () => req.destroy());
    return new ApiError('BAD_ARGUMENTS', `request body over ${limit} bytes`);
  };
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) return Promise.reject(tooBig());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        req.off('data', onData);
        req.pause();
        reject(tooBig());
        return;
      }
      chunks.push(c);
    };
    req.on('data', onData);
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function startServer(opts: ServerOptions): Promise<RunningServer> {
  const { service } = opts;
  const host = opts.host ?? '127.0.0.1';
  const requireToken = opts.requireToken ?? false;
  const rendererDir = opts.rendererDir ?? defaultRendererDir();
  const maxBody = opts.maxBodyBytes ?? 8 * 1024 * 1024;
  const log = opts.log ?? (() => {});
  const uploadOpts = opts.maxUploadBytes !== undefined ? { maxUploadBytes: opts.maxUploadBytes } : {};

  const callerOf = (req: IncomingMessage, url: URL): Caller => {
    if (!requireToken) return service.localCaller;
    const header = req.headers.authorization;
    const token = header?.startsWith('Bearer ') ? header.slice(7).trim() : url.searchParams.get('token');
    if (!token) throw new ApiError('UNAUTHENTICATED', 'sign in first: this server needs a token');
    if (opts.adminToken && sameToken(token, opts.adminToken)) return { userId: null, role: 'admin' };
    const caller = service.callerForToken(token);
    if (!caller) throw new ApiError('UNAUTHENTICATED', 'unknown or expired token');
    return caller;
  };

  const handleApi = async (req: IncomingMessage, res: ServerResponse, url: URL, method: string): Promise<void> => {
    if (req.method !== 'POST') {
      res.setHeader('Allow', 'POST');
      throw new ApiError('BAD_ARGUMENTS', `${method}: use POST with a JSON body {"args": [...]}`);
    }
    // signIn (the one public method) needs no token; every caller carries its address (sign-in rate limits).
    const caller = (requireToken ? anonymousCaller(method, req, url) : null) ?? { ...callerOf(req, url), address: req.socket.remoteAddress ?? '' };
    const type = req.headers['content-type'] ?? '';
    if (!type.startsWith('application/json')) throw new ApiError('BAD_ARGUMENTS', `${method}: Content-Type must be application/json`);
    const text = await readBody(req, res, maxBody);
    let body: unknown;
    try {
      body = text.length ? JSON.parse(text) : {};
    } catch {
      throw new ApiError('BAD_ARGUMENTS', `${method}: the request body is not valid JSON`);
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new ApiError('BAD_ARGUMENTS', `${method}: the body must be an object {"args": [...]}`);
    }
    const args = (body as { args?: unknown }).args;
    const env = await dispatch(service.as(caller), caller, method, args, {
      onInternalError: (m, e) => log(`internal error in ${m}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`),
    });
    if (env.ok) sendJson(res, 200, env);
    else sendError(res, env.error);
  };

  const handleEvents = (req: IncomingMessage, res: ServerResponse, url: URL): void => {
    const caller = callerOf(req, url);
    // A labeller learns that something changed, not which sites or assignments of others.
    const scope = (ev: Parameters<Parameters<typeof service.events.subscribe>[0]>[0]) => (caller.role === 'labeller' && 'ids' in ev ? { ...ev, ids: undefined } : ev);
    res.writeHead(200, {
      'Content-Type': 'text/event-stream',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.write(': connected\n\n');
    const unsubscribe = service.events.subscribe((ev) => res.write(`data: ${JSON.stringify(scope(ev))}\n\n`));
    const ping = setInterval(() => res.write(': ping\n\n'), 15_000);
    const stop = () => {
      clearInterval(ping);
      unsubscribe();
    };
    req.on('close', stop);
    res.on('error', stop);
  };

  const handleTile = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const caller = callerOf(req, url);
    const tileReq = parseTilePath(url.pathname, url.searchParams);
    // The client going away (MapLibre cancels the tiles of a view the user panned away from)
    // aborts the render: it is dropped from the queues unless another request waits for it.
    const gone = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) gone.abort();
    });
    let rendered: Buffer | null;
    try {
      rendered = await service.renderTile(caller, tileReq, { signal: gone.signal });
    } catch (e) {
      if (gone.signal.aborted) return; // nobody to answer
      throw e;
    }
    // A tile that misses the scene is a transparent PNG, not a 204: MapLibre reports empty bodies as errors.
    const png = rendered ?? emptyPng(tileReq.size);
    res.writeHead(200, {
      'Content-Type': 'image/png',
      'Content-Length': png.length,
      'Cache-Control': 'private, max-age=3600',
      'X-Content-Type-Options': 'nosniff',
    });
    res.end(png);
  };

  /** `GET /risk/<site>/<method>/z/x/y.png`: a consensus risk map tile (staff only). */
  const handleRiskTile = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const caller = callerOf(req, url);
    const tileReq = parseRiskTilePath(url.pathname, url.searchParams);
    if (!service.renderRiskTile) throw new ApiError('NOT_FOUND', 'this server has no risk maps');
    const gone = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) gone.abort();
    });
    let rendered: Buffer | null;
    try {
      rendered = await service.renderRiskTile(caller, tileReq, { signal: gone.signal });
    } catch (e) {
      if (gone.signal.aborted) return;
      throw e;
    }
    const png = rendered ?? emptyPng(tileReq.size);
    res.writeHead(200, {
      'Content-Type': 'image/png',
      'Content-Length': png.length,
      // no shared caching: the map changes when the consensus is recomputed, and it is staff-only
      'Cache-Control': 'private, no-cache',
      'X-Content-Type-Options': 'nosniff',
    });
    res.end(png);
  };

  const server = createServer((req, res) => {
    void (async () => {
      let url: URL;
      try {
        url = new URL(req.url ?? '/', 'http://localhost');
      } catch {
        sendError(res, new ApiError('BAD_ARGUMENTS', 'malformed request URL'));
        return;
      }
      try {
        if (!requireToken) {
          const hostHeader = (req.headers.host ?? '').replace(/:\d+$/, '');
          if (!LOOPBACK_HOSTS.has(hostHeader)) throw new ApiError('FORBIDDEN', `refused Host "${hostHeader.slice(0, 60)}": this server answers only on the loopback`);
        }
        const p = url.pathname;
        if (p === '/api/methods' && req.method === 'GET') {
          callerOf(req, url); // a token in network mode, like every route but signIn and the static UI
          sendJson(res, 200, {
            ok: true,
            value: METHOD_NAMES.map((name) => ({ name, roles: METHODS[name].roles, summary: METHODS[name].summary, ...((METHODS[name] as { public?: boolean }).public ? { public: true } : {}) })),
          });
        } else if (p === '/api/events' && req.method === 'GET') {
          handleEvents(req, res, url);
        } else if (p.startsWith('/api/')) {
          await handleApi(req, res, url, p.slice(5));
        } else if (p.startsWith('/tiles/')) {
          await handleTile(req, res, url);
        } else if (p.startsWith('/risk/')) {
          await handleRiskTile(req, res, url);
        } else if (await serveTransfer(service, req, res, url, () => callerOf(req, url), uploadOpts)) {
          // /import/..., /offline/..., /export/... (src/node/server/transfer-routes.ts)
        } else if (req.method === 'GET' || req.method === 'HEAD') {
          if (!serveStatic(rendererDir, p, res)) throw new ApiError('NOT_FOUND', `no such page: ${p.slice(0, 80)}`);
        } else {
          throw new ApiError('NOT_FOUND', `no route for ${req.method} ${p.slice(0, 80)}`);
        }
      } catch (e) {
        if (res.headersSent) {
          res.destroy();
          return;
        }
        if (e instanceof ApiError) sendError(res, e);
        else {
          log(`internal error on ${req.method} ${url.pathname}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
          sendError(res, new ApiError('INTERNAL', 'internal error'));
        }
      }
    })();
  });
  server.keepAliveTimeout = 5_000;

  return new Promise((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => {
      reject(new ApiError('BAD_ARGUMENTS', `cannot listen on ${host}:${opts.port ?? 0}: ${e.code ?? e.message}`));
    });
    server.listen(opts.port ?? 0, host, () => {
      const addr = server.address() as AddressInfo;
      const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
      resolve({
        server,
        port: addr.port,
        url: `http://${shownHost}:${addr.port}/`,
        close: () =>
          new Promise<void>((r) => {
            server.closeAllConnections();
            server.close(() => r());
          }),
      });
    });
  });
}
