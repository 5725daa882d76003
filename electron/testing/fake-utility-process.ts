/**
 * A stand-in for Electron's `utilityProcess` that really runs the child: `fork(modulePath)` starts
 * a Node child process (child_process.fork, structured-clone serialisation as Electron's ports
 * use) through a small shim that gives it Electron's `process.parentPort` (messages arrive as
 * `{ data }`, `postMessage` answers), so a test exercises the real module and protocol.
 * Use: `vi.mock('electron', async () => ({ ...createFakeElectron(), utilityProcess: fakeUtilityProcess() }))`.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SHIM = `// Electron's utilityProcess parentPort over Node's IPC channel.
const { EventEmitter } = require('node:events');
const port = new EventEmitter();
port.postMessage = (m) => process.send(m);
process.on('message', (m) => port.emit('message', { data: m }));
process.on('disconnect', () => process.exit(0));
process.parentPort = port;
require(process.argv[2]);
`;

export interface FakeUtilityChild extends ChildProcess {
  postMessage(message: unknown): void;
}

export interface ForkRecord {
  modulePath: string;
  args: string[];
  options: Record<string, unknown>;
  child: FakeUtilityChild;
}

export function fakeUtilityProcess() {
  let shim: string | null = null;
  const forks: ForkRecord[] = [];
  return {
    forks,
    fork(modulePath: string, args: string[] = [], options: Record<string, unknown> = {}): FakeUtilityChild {
      if (!shim) {
        shim = join(mkdtempSync(join(tmpdir(), 'fieldmark-utility-')), 'shim.cjs');
        writeFileSync(shim, SHIM);
      }
      const cp = fork(shim, [modulePath, ...args], { serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      const child = Object.assign(cp, { postMessage: (m: unknown) => void cp.send(m as never) });
      forks.push({ modulePath, args, options, child });
      return child;
    },
  };
}
