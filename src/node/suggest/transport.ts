/**
 * How SuggestClient reaches a SuggestHost running elsewhere: a worker_threads worker
 * (`workerThreadTransport`, dist/suggest-worker.js) or, under Electron, a utilityProcess
 * (electron/suggest-process.ts; src/node never imports electron). Both carry the same messages
 * (protocol.ts): `HostCall`s answered by `HostReply`s, the host's options as workerData or a first
 * `HostInit`; the far side is `serveHostPort` (host-port.ts). `setSuggestTransport` lets a host application (Electron's main)
 * choose the transport every SuggestClient made afterwards uses.
 */
import { Worker } from 'node:worker_threads';
import type { HostCall, HostOptions, HostReply } from './protocol';

export interface HostTransport {
  /** 'worker' (worker_threads) or 'utility-process' (Electron) */
  readonly kind: string;
  post(call: HostCall): void;
  onReply(listener: (reply: HostReply) => void): void;
  /** the far side is gone (exit, crash, failed start); called at most once */
  onExit(listener: (error: Error) => void): void;
  /** keep the event loop alive while calls are pending (no-op where meaningless) */
  ref(): void;
  unref(): void;
  terminate(): Promise<void>;
}

/** Makes a transport for a client's host options. */
export type TransportFactory = (options: HostOptions) => HostTransport;

let chosen: TransportFactory | null = null;

/** Every SuggestClient made from now on (unless it names a worker file or 'never') uses this transport; null restores the default. */
export function setSuggestTransport(factory: TransportFactory | null): void {
  chosen = factory;
}

export function chosenSuggestTransport(): TransportFactory | null {
  return chosen;
}

/** A worker_threads worker running `file` (dist/suggest-worker.js). */
export function workerThreadTransport(file: string, options: HostOptions): HostTransport {
  const w = new Worker(file, { workerData: { options } });
  w.unref();
  let exited = false;
  return {
    kind: 'worker',
    post: (call) => w.postMessage(call),
    onReply: (l) => void w.on('message', l),
    onExit: (l) => {
      const once = (e: Error) => {
        if (exited) return;
        exited = true;
        l(e);
      };
      w.on('error', once);
      w.on('exit', (code) => once(new Error(`suggestion worker exited with code ${code}`)));
    },
    ref: () => w.ref(),
    unref: () => w.unref(),
    terminate: async () => {
      exited = true;
      w.removeAllListeners();
      await w.terminate().catch(() => undefined);
    },
  };
}
