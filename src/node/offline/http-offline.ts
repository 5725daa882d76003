/**
 * The HTTP routes of offline work (binary, so outside the JSON API), token required like every
 * route in network mode:
 *  - `POST /offline/take?n=5[&labeller=ID]` answers the package file (a labeller: their own tasks;
 *    staff name the labeller), with `X-Fieldmark-Package` and the take report as
 *    `X-Fieldmark-Take` (JSON);
 *  - `POST /offline/return` with the package file as the body (application/octet-stream, up to
 *    1 GiB) answers the envelope `{ok, value: OfflineReturnResult}`.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Caller } from '../../common/api/contract';
import { ApiError } from '../../common/api/errors';
import type { OfflineHost } from './offline-host';

export const MAX_PACKAGE_BYTES = 1024 * 1024 * 1024;

async function receive(req: IncomingMessage, file: string, limit: number): Promise<void> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) throw new ApiError('BAD_ARGUMENTS', `offline return: a package over ${limit} bytes`);
  let size = 0;
  const out = createWriteStream(file);
  await pipeline(
    req,
    async function* (source: AsyncIterable<Buffer>) {
      for await (const chunk of source) {
        size += chunk.length;
        if (size > limit) throw new ApiError('BAD_ARGUMENTS', `offline return: a package over ${limit} bytes`);
        yield chunk;
      }
    },
    out,
  );
}

export async function handleOfflineRoute(host: OfflineHost | undefined, caller: Caller, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  if (!host) throw new ApiError('NOT_FOUND', 'this server does not take offline packages');
  if (req.method !== 'POST') {
    res.setHeader('Allow', 'POST');
    throw new ApiError('BAD_ARGUMENTS', `${url.pathname}: use POST`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'fm-offline-'));
  try {
    if (url.pathname === '/offline/take') {
      const nText = url.searchParams.get('n') ?? '5';
      const n = /^\d{1,3}$/.test(nText) ? Number(nText) : NaN;
      if (!(n >= 1 && n <= 200)) throw new ApiError('BAD_ARGUMENTS', 'offline take: n must be an integer from 1 to 200');
      const labeller = url.searchParams.get('labeller') ?? undefined;
      if (labeller !== undefined && !/^[A-Za-z0-9_.:-]{1,128}$/.test(labeller)) throw new ApiError('BAD_ARGUMENTS', 'offline take: bad labeller id');
      const out = join(dir, `${randomBytes(6).toString('hex')}.fmpkg`);
      const r = await host.take(caller, { n, out, ...(labeller ? { labellerId: labeller } : {}) });
      res.writeHead(200, {
        'Content-Type': 'application/vnd.fieldmark.package+sqlite3',
        'Content-Length': r.bytes,
        'Content-Disposition': `attachment; filename="${r.packageId}.fmpkg"`,
        'Cache-Control': 'no-store',
        'X-Content-Type-Options': 'nosniff',
        'X-Fieldmark-Package': r.packageId,
        // JSON with every non-ASCII character escaped: header values must be ASCII
        'X-Fieldmark-Take': JSON.stringify(r).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`),
      });
      await pipeline(createReadStream(out), res);
      return;
    }
    if (url.pathname === '/offline/return') {
      const file = join(dir, 'returned.fmpkg');
      await receive(req, file, MAX_PACKAGE_BYTES);
      const value = await host.return(caller, file);
      const text = JSON.stringify({ ok: true, value });
      res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' });
      res.end(text);
      return;
    }
    throw new ApiError('NOT_FOUND', `no route ${url.pathname.slice(0, 80)}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
