import type { ProgressReporter } from './progress';

/** One `fieldmark <name>` sub-command. Options are parsed by node:util parseArgs. */
export interface CliOption {
  type: 'string' | 'boolean';
  /** A short description shown by `fieldmark <name> --help`. */
  description: string;
  multiple?: boolean;
  default?: string | boolean;
}

export interface CliContext {
  /** `--json` was given: `run` must return the JSON value; human text goes to stderr. */
  json: boolean;
  cwd: string;
  /** Human text, to stdout without --json and to stderr with it. */
  say(line: string): void;
  /** A progress bar on stderr, drawn only when stderr is a terminal. */
  progress(label: string, total: number): ProgressReporter;
  /** Resolves when the command should stop (SIGINT/SIGTERM); used by long-running `serve`. */
  stopped: Promise<void>;
}

export interface CliResult {
  /** What `--json` prints (exactly one JSON document). */
  value: unknown;
  /** What a human sees without `--json`; defaults to pretty JSON of value. */
  text?: string;
}

export interface CliCommand {
  name: string;
  summary: string;
  /** e.g. `--image FILE|URL --z Z --x X --y Y [--bands 3,2,1] --out FILE.png` */
  usage: string;
  options: Record<string, CliOption>;
  /** Positional arguments allowed (e.g. `consensus --labels A B C`). */
  allowPositionals?: boolean;
  /**
   * Throw ApiError('BAD_ARGUMENTS' | 'BAD_INPUT' | 'NOT_FOUND', oneLine) for the user's mistakes
   * (exit 2); anything else is an internal error (exit 1).
   */
  run(opts: Record<string, string | boolean | string[] | undefined>, positionals: string[], ctx: CliContext): Promise<CliResult>;
}
