/**
 * `fieldmark bench <name>`: every benchmark prints its figures with a baseline measured in the
 * same run (machines are noisy: compare ratios and medians, never absolute times in tests).
 * Each benchmark registers here; implementations live beside it as `<name>.bench.ts`.
 */
import type { CliContext } from '../cli/command';
import { storeBench } from './store.bench';
import { scoreBench } from './score.bench';
import { tilesBench } from './tiles.bench';
import { editorBench } from './editor.bench';
import { suggestBench } from './suggest.bench';
import { serveBench } from './serve.bench';

export interface BenchOptions {
  /** Free-form options of the benchmark (e.g. `image`, `labellers`, `seconds`). */
  [name: string]: string | boolean | undefined;
}

export interface Benchmark {
  name: string;
  summary: string;
  /** Returns the JSON document `--json` prints: at least {name, n, median_ms, p95_ms, baseline}. */
  run(opts: BenchOptions, ctx: CliContext): Promise<Record<string, unknown>>;
}

export const BENCHMARKS: Benchmark[] = [storeBench, scoreBench, tilesBench, editorBench, suggestBench, serveBench];
