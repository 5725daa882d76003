import { resolve } from 'node:path';
import { createDemoCampaign } from '../../demo/create-demo-campaign';
import { optionalInt, requireString } from '../args';
import type { CliCommand } from '../command';

export const demoCommand: CliCommand = {
  name: 'demo',
  summary: 'Build a complete synthetic Planet-style demo campaign (COGs, true fields, simulated labellers) in DIR.',
  usage: '--out DIR [--seed N] [--sites N] [--labellers N] [--quad-size PX]',
  options: {
    out: { type: 'string', description: 'output folder (created; must not already hold a campaign.db)' },
    seed: { type: 'string', description: 'random seed (default 1); the same seed gives the same campaign' },
    sites: { type: 'string', description: 'number of sites (default 24)' },
    labellers: { type: 'string', description: 'number of simulated labellers (default 6)' },
    'quad-size': { type: 'string', description: 'pixels a side of the NICFI-like quads (default 2048)' },
  },
  async run(opts, _pos, ctx) {
    const outDir = resolve(ctx.cwd, requireString(opts, 'out', 'demo'));
    const seed = optionalInt(opts, 'seed', 'demo', [0, 2 ** 31 - 1], 1);
    const sites = optionalInt(opts, 'sites', 'demo', [1, 400], 24);
    const labellers = optionalInt(opts, 'labellers', 'demo', [3, 100], 6);
    const quadSize = optionalInt(opts, 'quad-size', 'demo', [512, 8192], 2048);
    let bar: ReturnType<typeof ctx.progress> | null = null;
    let last = 0;
    const t0 = Date.now();
    const r = await createDemoCampaign({
      outDir,
      seed,
      sites,
      labellers,
      quadSize,
      onProgress: (done, total, note) => {
        bar ??= ctx.progress('demo', total);
        bar.tick(done - last, note);
        last = done;
      },
    });
    (bar as ReturnType<typeof ctx.progress> | null)?.done();
    return {
      value: r,
      text: `demo campaign in ${r.db} (${r.sites} sites, ${r.labellers} labellers, ${r.assignments} assignments, ${r.images.length} images) in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
    };
  },
};
