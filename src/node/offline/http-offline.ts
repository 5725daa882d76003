/**
 * The HTTP routes of offline work (binary, so outside the JSON API), token required like every
 * route in network mode; host-neutral (`TransferRequest` → `TransferAnswer`, src/node/server/
 * file-answer.ts), so `fieldmark serve` and Electron's app:// scheme answer them alike:
 *  - `POST /offline/take?n=5[&labeller=ID]` answers the package file (a labeller: their own tasks;
 *    staff name the labeller), with `X-Fieldmark-Package` and the take report as
 *    `X-Fieldmark-Take` (JSON);
 *  - `POST /offline/return` with the package file as the body (application/octet-stream, up to
 *    1 GiB) answers the envelope `{ok, value: OfflineReturnResult}`.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiError } from '../../common/api/errors';
import { fileAnswer, jsonAnswer, receiveUpload, type TransferAnswer, type TransferRequest } from '../server/file-answer';
import type { OfflineHost } from './offline-host';

export const MAX_PACKAGE_BYTES = 1024 * 1024 * 1024;

export async function offlineRoute(host: OfflineHost | undefined, req: TransferRequest): Promise<TransferAnswer> {
  const { url, caller } = req;
  if (!host) throw new ApiError('NOT_FOUND', 'this server does not take offline packages');
  if (req.method !== 'POST') throw new ApiError('BAD_ARGUMENTS', `${url.pathname.slice(0, 80)}: use POST`);
  if (url.pathname !== '/offline/take' && url.pathname !== '/offline/return') throw new ApiError('NOT_FOUND', `no route ${url.pathname.slice(0, 80)}`);
  const dir = mkdtempSync(join(tmpdir(), 'fm-offline-'));
  const dispose = () => rmSync(dir, { recursive: true, force: true });
  try {
    if (url.pathname === '/offline/take') {
      const nText = url.searchParams.get('n') ?? '5';
      const n = /^\d{1,3}$/.test(nText) ? Number(nText) : NaN;
      if (!(n >= 1 && n <= 200)) throw new ApiError('BAD_ARGUMENTS', 'offline take: n must be an integer from 1 to 200');
      const labeller = url.searchParams.get('labeller') ?? undefined;
      if (labeller !== undefined && !/^[A-Za-z0-9_.:-]{1,128}$/.test(labeller)) throw new ApiError('BAD_ARGUMENTS', 'offline take: bad labeller id');
      const out = join(dir, `${randomBytes(6).toString('hex')}.fmpkg`);
      const r = await host.take(caller, { n, out, ...(labeller ? { labellerId: labeller } : {}) });
      return fileAnswer(
        out,
        r.bytes,
        {
          'Content-Type': 'application/vnd.fieldmark.package+sqlite3',
          'Content-Disposition': `attachment; filename="${r.packageId}.fmpkg"`,
          'X-Fieldmark-Package': r.packageId,
          // JSON with every non-ASCII character escaped: header values must be ASCII
          'X-Fieldmark-Take': JSON.stringify(r).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`),
        },
        dispose,
      );
    }
    const file = join(dir, 'returned.fmpkg');
    await receiveUpload(req, file, MAX_PACKAGE_BYTES, 'offline return');
    const value = await host.return(caller, file);
    dispose();
    return jsonAnswer(200, { ok: true, value });
  } catch (e) {
    dispose();
    throw e;
  }
}
