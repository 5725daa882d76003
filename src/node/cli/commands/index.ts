/** Every `fieldmark` command, in the order `--help` lists them. */
import type { CliCommand } from '../command';
import { benchCommand } from './bench';
import { campaignCommand } from './campaign';
import { compareCommand } from './compare';
import { consensusCommand } from './consensus';
import { demoCommand } from './demo';
import { exportCommand } from './export';
import { importCommand } from './import';
import { infoCommand } from './info';
import { offlineCommand } from './offline';
import { scoreCommand } from './score';
import { serveCommand } from './serve';
import { suggestCommand } from './suggest';
import { tileCommand } from './tile';
import { userCommand } from './user';

export const COMMANDS: CliCommand[] = [
  demoCommand,
  serveCommand,
  infoCommand,
  tileCommand,
  importCommand,
  exportCommand,
  compareCommand,
  scoreCommand,
  consensusCommand,
  suggestCommand,
  campaignCommand,
  userCommand,
  offlineCommand,
  benchCommand,
];
