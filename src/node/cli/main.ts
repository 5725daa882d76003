/**
 * `fieldmark <command>`: the CLI contract of ../shared/CLI.md. `--json` prints exactly one JSON
 * document on stdout; human text and progress go to stderr. Exit 0 ok, 2 bad arguments or input
 * (one line naming what is wrong), 1 internal error. Never a stack trace for bad input.
 */
import { parseArgs } from 'node:util';
import { ApiError, isUserError } from '../../common/api/errors';
import type { CliCommand, CliContext } from './command';
import { COMMANDS } from './commands/index';
import { createProgress } from './progress';

function usage(): string {
  const lines = ['usage: fieldmark <command> [options] [--json]', '', 'commands:'];
  for (const c of COMMANDS) lines.push(`  ${c.name.padEnd(10)} ${c.summary}`);
  lines.push('', 'fieldmark <command> --help shows its options.');
  return lines.join('\n');
}

function commandHelp(c: CliCommand): string {
  const lines = [`usage: fieldmark ${c.name} ${c.usage} [--json]`, '', c.summary, ''];
  for (const [name, o] of Object.entries(c.options)) lines.push(`  --${name.padEnd(16)} ${o.description}`);
  return lines.join('\n');
}

/** `--lon -71.8`: a negative number after a string option is its value (parseArgs would refuse it). */
function negativeValues(args: string[], options: Record<string, { type: 'string' | 'boolean' }>): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!, next = args[i + 1];
    const opt = a.startsWith('--') && !a.includes('=') ? options[a.slice(2)] : undefined;
    if (opt?.type === 'string' && next !== undefined && /^-\d/.test(next)) {
      out.push(`${a}=${next}`);
      i++;
    } else out.push(a);
  }
  return out;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const json = rest.includes('--json');
  const out = (s: string) => process.stdout.write(s.endsWith('\n') ? s : s + '\n');
  const err = (s: string) => process.stderr.write(s.endsWith('\n') ? s : s + '\n');
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    out(usage());
    return name ? 0 : 2;
  }
  if (name === '--version') {
    const { VERSION } = await import('../service/version');
    out(VERSION);
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    err(`fieldmark: unknown command "${name}"\n${usage()}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    out(commandHelp(command));
    return 0;
  }
  let stopResolve!: () => void;
  const stopped = new Promise<void>((r) => (stopResolve = r));
  const onSignal = () => stopResolve();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const ctx: CliContext = {
    json,
    cwd: process.cwd(),
    say: (line) => (json ? err(line) : out(line)),
    progress: (label, total) => createProgress(label, total),
    stopped,
  };
  try {
    const options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean; default?: string | boolean }> = {
      json: { type: 'boolean' },
    };
    for (const [k, o] of Object.entries(command.options)) {
      options[k] = { type: o.type, ...(o.multiple ? { multiple: true } : {}), ...(o.default !== undefined ? { default: o.default } : {}) };
    }
    let parsed;
    try {
      parsed = parseArgs({ args: negativeValues(rest, options), options, allowPositionals: command.allowPositionals ?? false, strict: true });
    } catch (e) {
      throw new ApiError('BAD_ARGUMENTS', `fieldmark ${name}: ${(e as Error).message.split('\n')[0]} (see fieldmark ${name} --help)`);
    }
    const result = await command.run(parsed.values as Record<string, string | boolean | string[] | undefined>, parsed.positionals, ctx);
    if (json) out(JSON.stringify(result.value));
    else out(result.text ?? JSON.stringify(result.value, null, 2));
    return 0;
  } catch (e) {
    if (e instanceof ApiError && isUserError(e.code)) {
      err(`fieldmark ${name}: ${e.message}`);
      return 2;
    }
    const msg = e instanceof Error ? e.message : String(e);
    err(`fieldmark ${name}: internal error: ${msg.split('\n')[0]}`);
    if (process.env.FIELDMARK_DEBUG && e instanceof Error) err(e.stack ?? '');
    return 1;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
