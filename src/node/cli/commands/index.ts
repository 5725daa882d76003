/** Every `fieldmark` command, in the order `--help` lists them. */
import type { CliCommand } from '../command';
import { benchCommand } from './bench';
import { demoCommand } from './demo';
import { infoCommand } from './info';
import { serveCommand } from './serve';
import { tileCommand } from './tile';

export const COMMANDS: CliCommand[] = [
  demoCommand,
  serveCommand,
  infoCommand,
  tileCommand,
  benchCommand,
];
