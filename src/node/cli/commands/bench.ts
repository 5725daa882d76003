import { ApiError } from '../../../common/api/errors';
import { BENCHMARKS } from '../../bench/registry';
import type { CliCommand } from '../command';

export const benchCommand: CliCommand = {
  name: 'bench',
  summary: 'Run a benchmark (tiles, store, score, suggest, editor, serve) with its baseline measured in the same run.',
  usage: '<name> [--image FILE] [--labellers N] [--seconds N] [--n N]',
  allowPositionals: true,
  options: {
    image: { type: 'string', description: 'an image to benchmark on (tiles, suggest)' },
    labellers: { type: 'string', description: 'simulated labellers (serve)' },
    seconds: { type: 'string', description: 'duration (serve)' },
    n: { type: 'string', description: 'problem size where the benchmark has one' },
    out: { type: 'string', description: 'a working folder to keep (default: a temporary one)' },
  },
  async run(opts, positionals, ctx) {
    const name = positionals[0];
    const bench = BENCHMARKS.find((b) => b.name === name);
    if (!bench) {
      const known = BENCHMARKS.map((b) => b.name).join(', ') || 'none yet';
      throw new ApiError('BAD_ARGUMENTS', `bench: unknown benchmark "${name ?? ''}" (available: ${known})`);
    }
    if (positionals.length > 1) throw new ApiError('BAD_ARGUMENTS', `bench: one benchmark at a time, got ${positionals.join(' ')}`);
    const value = await bench.run(opts as Record<string, string | boolean | undefined>, ctx);
    return { value };
  },
};
