/**
 * The file routes of both hosts (`fieldmark serve` and Electron's app://fieldmark), one place:
 *  - `POST /import/labels|sites|scene?...` (staff; src/node/campaign/http-import.ts),
 *  - `POST /offline/take|return` (src/node/offline/http-offline.ts),
 *  - `GET /export/<what>.<format>?...` (staff; src/node/campaign/http-export.ts).
 * `transferRoute` answers a host-neutral `TransferAnswer` (null: not a file route); `sendAnswer`
 * writes one to a Node ServerResponse.
 */
import { createReadStream } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { ApiError } from '../../common/api/errors';
import { offlineRoute } from '../offline/http-offline';
import type { ServiceHost } from '../service/host';
import { errorAnswer, type TransferAnswer, type TransferRequest } from './file-answer';

export interface TransferOptions {
  /** Largest accepted import upload (bytes); default MAX_UPLOAD_BYTES of http-import.ts. */
  maxUploadBytes?: number;
}

/** True for the paths `transferRoute` answers. */
export function isTransferPath(pathname: string): boolean {
  return pathname.startsWith('/import/') || pathname.startsWith('/offline/') || pathname.startsWith('/export/');
}

export async function transferRoute(service: ServiceHost, req: TransferRequest, opts: TransferOptions = {}): Promise<TransferAnswer | null> {
  const p = req.url.pathname;
  if (p.startsWith('/offline/')) return offlineRoute(service.offline, req);
  if (p.startsWith('/export/')) {
    if (req.method !== 'GET' && req.method !== 'HEAD') throw new ApiError('BAD_ARGUMENTS', `${p.slice(0, 80)}: use GET`);
    if (!service.exports) throw new ApiError('NOT_FOUND', 'this server has no exports');
    return service.exports.open(req.caller, req.url);
  }
  if (p.startsWith('/import/')) {
    if (!service.imports) throw new ApiError('NOT_FOUND', 'this server takes no imports');
    return service.imports.handle(req, opts.maxUploadBytes !== undefined ? { maxBytes: opts.maxUploadBytes } : {});
  }
  return null;
}

/** The request as a TransferRequest; reading its body never destroys the socket, so an early refusal still reaches the client. */
export function nodeTransferRequest(req: IncomingMessage, url: URL, caller: TransferRequest['caller']): TransferRequest {
  const declared = req.headers['content-length'];
  const length = declared !== undefined && /^\d+$/.test(declared) ? Number(declared) : null;
  const hasBody = req.method === 'POST' || req.method === 'PUT';
  return {
    method: req.method ?? 'GET',
    url,
    caller,
    body: hasBody ? { [Symbol.asyncIterator]: () => req.iterator({ destroyOnReturn: false }) as AsyncIterator<Uint8Array> } : null,
    length,
  };
}

/** Writes an answer; a refused upload closes the connection once answered (its unread body is not drained). */
export async function sendAnswer(req: IncomingMessage, res: ServerResponse, a: TransferAnswer): Promise<void> {
  try {
    if (a.status >= 400 && (req.method === 'POST' || req.method === 'PUT') && !req.complete) {
      res.setHeader('Connection', 'close');
      res.once('finish', () => req.destroy());
    }
    if (a.file) {
      res.writeHead(a.status, a.headers);
      if (req.method === 'HEAD') {
        res.end();
        return;
      }
      await pipeline(createReadStream(a.file.path), res);
      return;
    }
    const text = JSON.stringify(a.json ?? null);
    res.writeHead(a.status, { ...a.headers, 'Content-Length': String(Buffer.byteLength(text)) });
    res.end(req.method === 'HEAD' ? undefined : text);
  } finally {
    a.dispose();
  }
}

/**
 * `fieldmark serve`'s side: answers a file route on `res` (false: not one). ApiErrors (the
 * caller's token included) become the error envelope; anything else is thrown to the server's
 * handler, which logs it and answers INTERNAL.
 */
export async function serveTransfer(service: ServiceHost, req: IncomingMessage, res: ServerResponse, url: URL, callerOf: () => TransferRequest['caller'], opts: TransferOptions = {}): Promise<boolean> {
  if (!isTransferPath(url.pathname)) return false;
  let answer: TransferAnswer | null;
  try {
    answer = await transferRoute(service, nodeTransferRequest(req, url, callerOf()), opts);
  } catch (e) {
    if (!(e instanceof ApiError)) throw e;
    answer = errorAnswer(e);
  }
  if (!answer) return false;
  await sendAnswer(req, res, answer);
  return true;
}
