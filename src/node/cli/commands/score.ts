/**
 * `fieldmark score --db FILE`: scores every finished Class 1 assignment against its site's
 * reference (src/node/quality/score-campaign.ts), stores the `scores` rows, applies the
 * campaign's reject / untrusted rules (unless --keep-status), and prints per assignment and per
 * labeller figures. One transaction: a failure writes nothing.
 */
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { DEFAULT_EDGE_TOLERANCE_M } from '../../../common/quality';
import { scoreCampaign } from '../../quality/score-campaign';
import { openDatabase } from '../../store/database';
import { optionalInt, requireString } from '../args';
import type { CliCommand } from '../command';
import { parseNumber } from './compare';

export const scoreCommand: CliCommand = {
  name: 'score',
  summary: 'Score every Class 1 assignment of a campaign against its reference, and every labeller.',
  usage: '--db FILE [--edge-tolerance 9] [--keep-status] [--threads N]',
  options: {
    db: { type: 'string', description: 'the campaign database' },
    'edge-tolerance': { type: 'string', description: 'edge / boundary tolerance in metres (default 9)' },
    'keep-status': { type: 'boolean', description: 'store scores only; do not mark rejected / approved / untrusted work' },
    threads: { type: 'string', description: 'worker threads (default: one per core)' },
  },
  async run(opts, _pos, ctx) {
    const path = resolve(ctx.cwd, requireString(opts, 'db', 'score'));
    const tol = parseNumber(opts, 'edge-tolerance', 'score', [0.01, 1000], DEFAULT_EDGE_TOLERANCE_M);
    const db = openDatabase(path, { create: false });
    try {
      let bar: ReturnType<typeof ctx.progress> | null = null;
      let last = 0;
      const t0 = Date.now();
      const r = await scoreCampaign(db, {
        threads: optionalInt(opts, 'threads', 'score', [1, 64], availableParallelism()),
        edgeToleranceM: tol,
        applyRules: opts['keep-status'] !== true,
        onProgress: (done, total) => {
          bar ??= ctx.progress('score', total);
          bar.tick(done - last);
          last = done;
        },
      });
      (bar as ReturnType<typeof ctx.progress> | null)?.done();
      for (const n of r.notes) ctx.say(`note: ${n}`);
      const f = (v: number | null) => (v === null ? '  n/a' : v.toFixed(3));
      const lines = [
        `scored ${r.assignments.length} Class 1 assignments in ${((Date.now() - t0) / 1000).toFixed(1)} s: ${r.approved} approved, ${r.rejected} rejected; ${r.untrusted} Class 2/4 maps untrusted`,
        'labeller        n  score  fieldSkill  noFieldSkill',
        ...r.labellers.map((l) => `${l.id.padEnd(12)} ${String(l.n).padStart(4)}  ${f(l.score)}  ${f(l.fieldSkill)}       ${f(l.noFieldSkill)}`),
      ];
      if (r.unscored.length > 0) lines.push(`no scored Class 1 work yet: ${r.unscored.join(', ')}`);
      return { value: r, text: lines.join('\n') };
    } finally {
      db.close();
    }
  },
};
