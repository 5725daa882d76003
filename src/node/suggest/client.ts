/**
 * SuggestClient: the suggestion host behind a transport (transport.ts): the one a host
 * application chose (`setSuggestTransport`: Electron's utilityProcess), else a worker_threads
 * worker (dist/suggest-worker.js, found beside the running bundle), so model runs never block the
 * server / CLI thread. From TypeScript sources (vitest) there is no bundled worker: the host runs
 * in-thread. A transport that cannot start or dies hands its calls to an in-thread host.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ApiError, ERROR_CODES, type ErrorCode } from '../../common/api/errors';
import type { HostCall, HostInfo, HostMethod, HostOptions, HostReply, ProposeRequest, ProposeResponse, SuggestRequest, SuggestResponse, WindowTiming } from './protocol';
import { SuggestHost } from './suggest-host';
import type { EngineInfo } from './engine';
import { chosenSuggestTransport, workerThreadTransport, type HostTransport } from './transport';

export function findSuggestWorker(): string | null {
  const here = import.meta.url;
  if (!here.startsWith('file:')) return null;
  for (const rel of ['./suggest-worker.js', '../suggest-worker.js']) {
    const p = fileURLToPath(new URL(rel, here));
    if (existsSync(p)) return p;
  }
  return null;
}

interface Pending {
  call: HostCall;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

export interface ClientOptions extends HostOptions {
  /** 'auto' (default): the chosen transport, else the bundled worker when there is one; 'never': in-thread; or a worker file */
  worker?: 'auto' | 'never' | string;
}

export class SuggestClient {
  private worker: HostTransport | null = null;
  private host: SuggestHost | null = null;
  private readonly pending = new Map<number, Pending>();
  private seq = 0;
  private closed = false;
  /** 'worker', 'utility-process' (the transport's kind) or 'in-thread' */
  mode: string;

  constructor(private readonly opts: ClientOptions = {}) {
    const { worker: _w, ...hostOptions } = opts;
    const auto = !opts.worker || opts.worker === 'auto';
    const factory = auto ? chosenSuggestTransport() : null;
    const file = opts.worker === 'never' || factory ? null : auto ? findSuggestWorker() : opts.worker!;
    let t: HostTransport | null = null;
    try {
      t = factory ? factory(hostOptions) : file ? workerThreadTransport(file, hostOptions) : null;
    } catch {
      t = null; // could not start: in-thread
    }
    if (t) {
      this.worker = t;
      t.onReply((r) => this.onReply(r));
      t.onExit((e) => this.onDeath(e));
      this.mode = t.kind;
    } else {
      this.host = new SuggestHost(hostOptions);
      this.mode = 'in-thread';
    }
  }

  private onReply(r: HostReply): void {
    const p = this.pending.get(r.id);
    if (!p) return;
    this.pending.delete(r.id);
    if (r.ok) p.resolve(r.value);
    else {
      const code = (ERROR_CODES as readonly string[]).includes(r.error.code) ? (r.error.code as ErrorCode) : 'INTERNAL';
      p.reject(new ApiError(code, r.error.message));
    }
  }

  /** The worker is gone: its calls and all later ones run in-thread. */
  private onDeath(_e: unknown): void {
    if (!this.worker) return;
    const w = this.worker;
    this.worker = null;
    void w.terminate().catch(() => undefined);
    if (this.closed) return;
    const { worker: _w, ...hostOptions } = this.opts;
    this.host = new SuggestHost(hostOptions);
    this.mode = 'in-thread';
    for (const p of this.pending.values()) void this.callHost(p.call.method, p.call.args).then(p.resolve, p.reject);
    this.pending.clear();
  }

  private callHost(method: HostMethod, args: unknown[]): Promise<unknown> {
    const h = this.host as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
    return h[method]!.apply(this.host, args);
  }

  private call<T>(method: HostMethod, ...args: unknown[]): Promise<T> {
    if (this.closed) return Promise.reject(new ApiError('UNAVAILABLE', 'the suggestion engine is closed'));
    if (!this.worker) return this.callHost(method, args) as Promise<T>;
    const call: HostCall = { id: ++this.seq, method, args };
    return new Promise<T>((resolve, reject) => {
      this.pending.set(call.id, { call, resolve: resolve as (v: unknown) => void, reject });
      this.worker!.ref();
      this.worker!.post(call);
    }).finally(() => {
      if (this.pending.size === 0) this.worker?.unref();
    });
  }

  info(): Promise<HostInfo> {
    return this.call('info');
  }
  /** Loads a model's engine (choosing its execution provider) and describes it. */
  load(model?: string): Promise<EngineInfo> {
    return this.call('load', model);
  }
  suggest(req: SuggestRequest): Promise<SuggestResponse> {
    return this.call('suggest', req);
  }
  propose(req: ProposeRequest): Promise<ProposeResponse> {
    return this.call('propose', req);
  }
  timeWindow(req: { image: string; lon: number; lat: number; model?: string }): Promise<WindowTiming> {
    return this.call('timeWindow', req);
  }
  reset(): Promise<void> {
    return this.call('reset');
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const w = this.worker;
    this.worker = null;
    if (w) await w.terminate().catch(() => undefined);
    for (const p of this.pending.values()) p.reject(new ApiError('UNAVAILABLE', 'the suggestion engine was closed'));
    this.pending.clear();
    await this.host?.close();
  }
}
