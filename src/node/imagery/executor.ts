/**
 * Where the tile path's CPU work runs: `InlineExecutor` (this thread, one job at a time) or
 * `WorkerPool` (node:worker_threads running the bundled dist/tile-worker.js). Both keep one queue
 * in which foreground jobs go before prefetch jobs and a job whose AbortSignal fires while it
 * waits is dropped (its promise rejects with an AbortError and it never runs).
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { abortError } from './block-reader';
import { runJob, type JobKind, type JobPayload, type JobResult } from './tile-job';

/** Mutable, so a queued prefetch job can be promoted when a user asks for the same tile. */
export interface Priority {
  high: boolean;
}

export interface RunOptions {
  signal?: AbortSignal;
  priority?: Priority;
  /** ArrayBuffers to move (not copy) to the worker. */
  transfer?: ArrayBuffer[];
}

export interface ExecutorStats {
  kind: 'inline' | 'workers';
  workers: number;
  queued: number;
  running: number;
  completed: number;
  /** Jobs dropped from the queue because their request was cancelled. */
  dropped: number;
}

export interface Executor {
  readonly kind: 'inline' | 'workers';
  run<K extends JobKind>(kind: K, payload: JobPayload<K>, opts?: RunOptions): Promise<JobResult<K>>;
  stats(): ExecutorStats;
  close(): Promise<void>;
}

interface Job {
  kind: JobKind;
  payload: unknown;
  transfer: ArrayBuffer[];
  priority: Priority;
  signal: AbortSignal | undefined;
  resolve(v: unknown): void;
  reject(e: unknown): void;
  detach(): void;
}

/** The shared queue: high-priority jobs first, FIFO within a priority; cancelled jobs removed. */
class JobQueue {
  private readonly jobs: Job[] = [];
  dropped = 0;

  push(kind: JobKind, payload: unknown, opts: RunOptions, wake: () => void): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const signal = opts.signal;
      if (signal?.aborted) {
        this.dropped++;
        reject(abortError());
        return;
      }
      const onAbort = (): void => {
        const i = this.jobs.indexOf(job);
        if (i >= 0) {
          this.jobs.splice(i, 1);
          this.dropped++;
          reject(abortError());
        }
      };
      const job: Job = {
        kind,
        payload,
        transfer: opts.transfer ?? [],
        priority: opts.priority ?? { high: true },
        signal,
        resolve,
        reject,
        detach: () => signal?.removeEventListener('abort', onAbort),
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.jobs.push(job);
      wake();
    });
  }

  take(): Job | undefined {
    let i = this.jobs.findIndex((j) => j.priority.high);
    if (i < 0) i = this.jobs.length > 0 ? 0 : -1;
    if (i < 0) return undefined;
    const job = this.jobs.splice(i, 1)[0]!;
    job.detach();
    return job;
  }

  get length(): number {
    return this.jobs.length;
  }

  failAll(e: unknown): void {
    for (const j of this.jobs.splice(0)) {
      j.detach();
      j.reject(e);
    }
  }
}

/**
 * Runs jobs on this thread. Up to `concurrency` jobs are in flight: their JavaScript parts take
 * turns, their zlib parts (inflating blocks, deflating PNGs) run meanwhile on libuv's thread pool,
 * which is what makes more than one core work without worker threads.
 */
export class InlineExecutor implements Executor {
  readonly kind = 'inline' as const;
  private readonly queue = new JobQueue();
  private running = 0;
  private completed = 0;
  private scheduled = false;

  constructor(private readonly concurrency = 3) {}

  run<K extends JobKind>(kind: K, payload: JobPayload<K>, opts: RunOptions = {}): Promise<JobResult<K>> {
    return this.queue.push(kind, payload, opts, () => this.schedule()) as Promise<JobResult<K>>;
  }

  private schedule(): void {
    if (this.scheduled || this.running >= this.concurrency) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      while (this.running < this.concurrency && this.queue.length > 0) void this.next();
    });
  }

  private async next(): Promise<void> {
    const job = this.queue.take();
    if (!job) return;
    this.running++;
    try {
      job.resolve(await runJob(job.kind, job.payload as never, false));
    } catch (e) {
      job.reject(e);
    } finally {
      this.running--;
      this.completed++;
      if (this.queue.length > 0) this.schedule();
    }
  }

  stats(): ExecutorStats {
    return { kind: 'inline', workers: 0, queued: this.queue.length, running: this.running, completed: this.completed, dropped: this.queue.dropped };
  }

  async close(): Promise<void> {
    this.queue.failAll(abortError());
  }
}

interface Slot {
  worker: Worker;
  job: Job | null;
  id: number;
}

/** Messages to and from tile-worker.ts. */
export interface WorkerRequest {
  id: number;
  kind: JobKind;
  payload: unknown;
}
export type WorkerReply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: { name: string; message: string } };

/**
 * A fixed pool of tile workers. A worker that dies is replaced; if workers cannot start at all
 * (e.g. the bundled file is unreadable), the pool hands its queue to an InlineExecutor.
 */
export class WorkerPool implements Executor {
  readonly kind = 'workers' as const;
  private readonly queue = new JobQueue();
  private readonly slots: Slot[] = [];
  private seq = 0;
  private completed = 0;
  private closed = false;
  private fallback: InlineExecutor | null = null;
  private failures = 0;
  private broken = false;
  private started = false;

  /** Workers start with the first job (a service that never renders a tile starts none). */
  constructor(
    readonly size: number,
    private readonly workerPath: string,
  ) {}

  private spawn(): Slot {
    // workerData must be an object: geotiff.js pulls in 'web-worker', whose Node shim reads it on load.
    const slot: Slot = { worker: new Worker(this.workerPath, { workerData: {} }), job: null, id: 0 };
    slot.worker.unref();
    slot.worker.on('message', (m: WorkerReply) => {
      const job = slot.job;
      if (!job || m.id !== slot.id) return;
      slot.job = null;
      this.completed++;
      this.failures = 0;
      if (m.ok) job.resolve(m.value);
      else {
        const err = new Error(m.error.message);
        err.name = m.error.name;
        job.reject(err);
      }
      this.pump();
    });
    slot.worker.on('error', (e) => this.onDeath(slot, e));
    slot.worker.on('exit', (code) => {
      if (!this.closed) this.onDeath(slot, new Error(`tile worker exited with code ${code}`));
    });
    return slot;
  }

  private onDeath(slot: Slot, _e: unknown): void {
    const i = this.slots.indexOf(slot);
    if (i < 0 || this.closed) return;
    this.slots.splice(i, 1);
    slot.worker.removeAllListeners();
    void slot.worker.terminate().catch(() => undefined);
    const orphan = slot.job;
    slot.job = null;
    this.failures++;
    if (orphan) {
      // The job is not at fault for a worker that could not start or crashed: run it in-thread.
      if (orphan.signal?.aborted) orphan.reject(abortError());
      else {
        this.fallback ??= new InlineExecutor();
        this.fallback.run(orphan.kind, orphan.payload as never, { priority: orphan.priority }).then(orphan.resolve, orphan.reject);
      }
    }
    if (this.failures > 3 * this.size) {
      // Workers keep dying (cannot load?): run everything in-thread from now on.
      this.broken = true;
      this.fallback ??= new InlineExecutor();
      for (let job = this.queue.take(); job; job = this.queue.take()) {
        const j = job;
        this.fallback.run(j.kind, j.payload as never, { priority: j.priority, ...(j.signal ? { signal: j.signal } : {}) }).then(j.resolve, j.reject);
      }
      return;
    }
    this.slots.push(this.spawn());
    this.pump();
  }

  run<K extends JobKind>(kind: K, payload: JobPayload<K>, opts: RunOptions = {}): Promise<JobResult<K>> {
    if (this.closed) return Promise.reject(abortError());
    if (this.broken && this.fallback) return this.fallback.run(kind, payload, opts);
    return this.queue.push(kind, payload, opts, () => this.pump()) as Promise<JobResult<K>>;
  }

  private pump(): void {
    if (!this.started) {
      this.started = true;
      for (let i = 0; i < this.size; i++) this.slots.push(this.spawn());
    }
    for (const slot of this.slots) {
      if (slot.job) continue;
      const job = this.queue.take();
      if (!job) return;
      slot.job = job;
      slot.id = ++this.seq;
      const msg: WorkerRequest = { id: slot.id, kind: job.kind, payload: job.payload };
      try {
        slot.worker.postMessage(msg, job.transfer);
      } catch (e) {
        slot.job = null;
        job.reject(e);
      }
    }
  }

  stats(): ExecutorStats {
    const fb = this.fallback?.stats();
    return {
      kind: 'workers',
      workers: this.started ? this.slots.length : this.size,
      queued: this.queue.length + (fb?.queued ?? 0),
      running: this.slots.filter((s) => s.job).length + (fb?.running ?? 0),
      completed: this.completed + (fb?.completed ?? 0),
      dropped: this.queue.dropped + (fb?.dropped ?? 0),
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    this.queue.failAll(abortError());
    for (const s of this.slots) s.job?.reject(abortError());
    await Promise.all(this.slots.map((s) => s.worker.terminate().catch(() => 0)));
    this.slots.length = 0;
    await this.fallback?.close();
  }
}

/**
 * The bundled worker next to the running bundle: dist/tile-worker.js from dist/cli.js, or from
 * dist/electron/main.cjs one folder up. From TypeScript sources (vitest) there is none: null.
 */
export function findWorkerFile(): string | null {
  const here = import.meta.url;
  if (!here.startsWith('file:')) return null;
  for (const rel of ['./tile-worker.js', '../tile-worker.js']) {
    const p = fileURLToPath(new URL(rel, here));
    if (existsSync(p)) return p;
  }
  return null;
}

export function cpuCount(): number {
  return Math.max(1, availableParallelism());
}

/**
 * `workers`: a number (0 = in-thread), or 'auto': cores - 1 (min 1) when the worker file exists
 * and the machine has more than `autoMinCores` cores, else in-thread.
 */
export function createExecutor(workers: number | 'auto' = 'auto', workerPath: string | null = findWorkerFile(), autoMinCores = 2): Executor {
  let n = workers === 'auto' ? (cpuCount() > autoMinCores ? cpuCount() - 1 : 0) : Math.max(0, Math.floor(workers));
  if (n > 0 && !workerPath) n = 0;
  return n > 0 ? new WorkerPool(n, workerPath!) : new InlineExecutor();
}
