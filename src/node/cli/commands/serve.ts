import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { ApiError } from '../../../common/api/errors';
import { startServer } from '../../server/http-server';
import { openService } from '../../service/open-service';
import { optionalInt, requireString } from '../args';
import type { CliCommand } from '../command';

export const serveCommand: CliCommand = {
  name: 'serve',
  summary: 'Serve the app (UI, API, tiles) to a browser; 127.0.0.1 only unless --host is given.',
  usage: '--db FILE [--create] [--host 127.0.0.1] [--port N]',
  options: {
    db: { type: 'string', description: 'the campaign database (made by `fieldmark demo` or the app)' },
    host: { type: 'string', description: 'interface to bind; anything given here requires tokens (default 127.0.0.1, local admin)' },
    port: { type: 'string', description: 'port (default 0: any free port)' },
    create: { type: 'boolean', description: 'make an empty database when the file does not exist (then set the campaign up in the app)' },
  },
  async run(opts, _pos, ctx) {
    const db = resolve(ctx.cwd, requireString(opts, 'db', 'serve'));
    const port = optionalInt(opts, 'port', 'serve', [0, 65535], 0);
    const hostGiven = typeof opts.host === 'string';
    const host = hostGiven ? (opts.host as string) : '127.0.0.1';
    if (hostGiven && !/^[A-Za-z0-9.:[\]-]+$/.test(host)) throw new ApiError('BAD_ARGUMENTS', `serve: --host "${host}" is not an address`);
    const created = opts.create === true && !existsSync(db);
    const service = await openService({ dbPath: db, create: opts.create === true });
    if (created) process.stderr.write(`fieldmark: created the empty database ${db}: open the app and set the campaign up (Campaign button)\n`);
    const adminToken = hostGiven ? randomBytes(24).toString('base64url') : undefined;
    let running;
    try {
      running = await startServer({
        service,
        host,
        port,
        requireToken: hostGiven,
        ...(adminToken ? { adminToken } : {}),
        log: (line) => process.stderr.write(line + '\n'),
      });
    } catch (e) {
      service.close();
      throw e;
    }
    // The URL is the first line on stdout (CLI.md), also with --json, so scripts can read it at once.
    const url = adminToken ? `${running.url}?token=${adminToken}` : running.url;
    process.stdout.write((ctx.json ? JSON.stringify({ url, port: running.port, host }) : url) + '\n');
    process.stderr.write(
      hostGiven
        ? `fieldmark: serving ${db} on ${host}:${running.port}; every request needs a token (admin token in the URL above). Ctrl-C stops.\n`
        : `fieldmark: serving ${db} on the loopback only (local admin, no token). Ctrl-C stops.\n`,
    );
    await ctx.stopped;
    await running.close();
    service.close();
    return { value: { url, stopped: true }, text: 'stopped' };
  },
};
