/**
 * `fieldmark offline take --db FILE --labeller ID [--n 5] --out P.fmpkg` writes a package of a
 * labeller's tasks (one file: open it with `fieldmark serve --db P.fmpkg` or the desktop app);
 * `fieldmark offline return --db FILE --package P.fmpkg` imports it back, task by task: imported,
 * unchanged (returned before), or refused (CONFLICT, with the reason) when the server's task
 * changed since. See src/node/offline.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Caller } from '../../../common/api/contract';
import { ApiError } from '../../../common/api/errors';
import { openService } from '../../service/open-service';
import { optionalInt, requireString } from '../args';
import type { CliCommand } from '../command';

const ADMIN: Caller = { userId: null, role: 'admin' };

export const offlineCommand: CliCommand = {
  name: 'offline',
  summary: 'Offline work: `take` a package of a labeller\'s tasks with their imagery, `return` it (idempotent, conflicts refused).',
  usage: 'take --db FILE --labeller ID [--n 5] --out P.fmpkg | return --db FILE --package P.fmpkg',
  allowPositionals: true,
  options: {
    db: { type: 'string', description: 'the campaign database' },
    labeller: { type: 'string', description: 'take: the labeller' },
    n: { type: 'string', description: 'take: how many tasks (default 5; open tasks count)' },
    out: { type: 'string', description: 'take: the package file to write' },
    package: { type: 'string', description: 'return: the package file' },
  },
  async run(opts, pos, ctx) {
    const sub = pos[0];
    if ((sub !== 'take' && sub !== 'return') || pos.length > 1) throw new ApiError('BAD_ARGUMENTS', 'offline: give `take` or `return`');
    const db = resolve(ctx.cwd, requireString(opts, 'db', `offline ${sub}`));
    if (!existsSync(db)) throw new ApiError('NOT_FOUND', `${db}: no such database`);
    if (sub === 'take') {
      const labellerId = requireString(opts, 'labeller', 'offline take');
      const out = resolve(ctx.cwd, requireString(opts, 'out', 'offline take'));
      if (out === db) throw new ApiError('BAD_ARGUMENTS', 'offline take: --out is the campaign database itself');
      const n = optionalInt(opts, 'n', 'offline take', [1, 200], 5);
      const service = await openService({ dbPath: db });
      try {
        const r = await service.offline.take(ADMIN, { labellerId, n, out });
        for (const w of r.warnings) ctx.say(`warning: ${w}`);
        return { value: { ...r, path: out }, text: `wrote ${r.tasks} task(s) with ${r.scenes} clipped scene(s) to ${out} (${r.bytes} bytes); due ${r.dueAt}` };
      } finally {
        service.close();
      }
    }
    const pkg = resolve(ctx.cwd, requireString(opts, 'package', 'offline return'));
    if (!existsSync(pkg)) throw new ApiError('NOT_FOUND', `${pkg}: no such package`);
    const service = await openService({ dbPath: db });
    try {
      const r = await service.offline.return(ADMIN, pkg);
      for (const t of r.tasks) if (t.result === 'conflict') ctx.say(`refused: ${t.message}`);
      return { value: r, text: `package ${r.packageId}: ${r.imported} imported, ${r.unchanged} unchanged, ${r.conflicts} refused` };
    } finally {
      // Let the deferred scoring of returned Class 1 work run before the database closes.
      await new Promise((r) => setImmediate(r));
      service.close();
    }
  },
};
