/**
 * The suggestion engine in an Electron utilityProcess (issue 6: "a worker, utilityProcess under
 * Electron"): a HostTransport (src/node/suggest/transport.ts) over `utilityProcess.fork` of the
 * bundled dist/electron/suggest-utility.cjs, carrying the same HostInit / HostCall / HostReply
 * messages as the worker_threads worker. main.ts installs it with `setSuggestTransport`; a child
 * that cannot start or exits hands its calls to an in-thread host (SuggestClient).
 */
import { existsSync } from 'node:fs';
import { utilityProcess } from 'electron';
import type { HostOptions, HostReply } from '../src/node/suggest/protocol';
import type { HostTransport, TransportFactory } from '../src/node/suggest/transport';

export function utilityProcessTransport(modulePath: string): TransportFactory | null {
  if (!existsSync(modulePath)) return null;
  return (options: HostOptions): HostTransport => {
    const child = utilityProcess.fork(modulePath, [], { serviceName: 'Fieldmark suggestions', stdio: 'inherit' });
    let gone = false;
    let exited: Promise<void> = new Promise((resolve) => child.once('exit', () => resolve()));
    child.postMessage({ init: options });
    return {
      kind: 'utility-process',
      post: (call) => child.postMessage(call),
      onReply: (l) => void child.on('message', (m: HostReply) => l(m)),
      onExit: (l) => {
        child.once('exit', (code: number) => {
          if (gone) return;
          gone = true;
          l(new Error(`suggestion process exited with code ${code}`));
        });
      },
      ref: () => undefined,
      unref: () => undefined,
      terminate: async () => {
        gone = true;
        if (child.pid === undefined) return;
        child.kill();
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
        exited = Promise.resolve();
      },
    };
  };
}
