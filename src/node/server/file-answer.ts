/**
 * Host-neutral file routes (uploads and downloads outside the JSON API): a handler takes a
 * `TransferRequest` (the body as an async iterable of bytes, so the Node server passes the
 * IncomingMessage and Electron the web Request's ReadableStream) and gives a `TransferAnswer`
 * (JSON, or a file to stream and then `dispose`). `fieldmark serve` writes it with `sendAnswer`
 * (src/node/server/transfer-routes.ts), electron/protocol.ts turns it into a web Response.
 */
import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import type { Caller } from '../../common/api/contract';
import { ApiError, HTTP_STATUS, type ApiErrorShape } from '../../common/api/errors';

export interface TransferRequest {
  method: string;
  url: URL;
  caller: Caller;
  /** The request body; null when there is none. */
  body: AsyncIterable<Uint8Array> | null;
  /** The declared Content-Length, or null. */
  length: number | null;
}

export interface TransferAnswer {
  status: number;
  headers: Record<string, string>;
  /** A JSON body (the API envelope) ... */
  json?: unknown;
  /** ... or a file to stream; call `dispose` once it was sent (or abandoned). */
  file?: { path: string; size: number };
  dispose(): void;
}

const JSON_HEADERS = { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' };

export function jsonAnswer(status: number, json: unknown, dispose: () => void = () => {}): TransferAnswer {
  return { status, headers: { ...JSON_HEADERS }, json, dispose };
}

/** The error envelope `{ok:false,error}` with the code's HTTP status. */
export function errorAnswer(e: ApiError | ApiErrorShape): TransferAnswer {
  const shape = e instanceof ApiError ? e.toJSON() : e;
  return jsonAnswer(HTTP_STATUS[shape.code] ?? 500, { ok: false, error: shape });
}

export function fileAnswer(path: string, size: number, headers: Record<string, string>, dispose: () => void): TransferAnswer {
  return { status: 200, headers: { 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff', ...headers, 'Content-Length': String(size) }, file: { path, size }, dispose };
}

/** Human size for messages: "2 GiB", "64 MiB", "1000 bytes". */
export function sizeText(bytes: number): string {
  for (const [unit, n] of [['GiB', 1024 ** 3], ['MiB', 1024 ** 2], ['KiB', 1024]] as const) if (bytes >= n && bytes % n === 0) return `${bytes / n} ${unit}`;
  return `${bytes} bytes`;
}

/**
 * Streams the request body into `file`, refusing (BAD_ARGUMENTS, one line) a declared or actual
 * size over `limit` and an empty body. Returns the number of bytes written.
 */
export async function receiveUpload(req: Pick<TransferRequest, 'body' | 'length'>, file: string, limit: number, what: string): Promise<number> {
  const tooBig = () => new ApiError('BAD_ARGUMENTS', `${what}: the file is over the ${sizeText(limit)} limit`);
  if (req.length !== null && req.length > limit) throw tooBig();
  if (!req.body) throw new ApiError('BAD_ARGUMENTS', `${what}: send the file as the request body`);
  let size = 0;
  const body = req.body;
  await pipeline(
    async function* () {
      for await (const chunk of body) {
        size += chunk.byteLength;
        if (size > limit) throw tooBig();
        yield chunk;
      }
    },
    createWriteStream(file, { mode: 0o600 }),
  );
  if (size === 0) throw new ApiError('BAD_ARGUMENTS', `${what}: the uploaded file is empty`);
  return size;
}
