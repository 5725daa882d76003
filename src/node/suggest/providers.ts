/**
 * Execution providers of onnxruntime-node. In order for the platform (CUDA, DirectML, CoreML,
 * WebGPU, then CPU), each is tried: a session is created with that provider alone, warmed up on a
 * small probe, and accepted only when its output agrees with the CPU's within `tolerance`. Any
 * failure (provider absent from this build, no adapter, a crash of the run, disagreement) moves
 * on to the next; CPU always works. `FIELDMARK_SUGGEST_CPU=1` (or forceCpu) skips the others;
 * `FIELDMARK_SUGGEST_PROVIDERS=webgpu,cpu` sets the order.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { ApiError } from '../../common/api/errors';

ort.env.logLevel = 'fatal';

export type ProviderName = 'cuda' | 'dml' | 'coreml' | 'webgpu' | 'cpu' | (string & {});

export interface ProviderAttempt {
  name: ProviderName;
  ok: boolean;
  /** why it was not used (absent, failed, disagreed), or its warm-up time */
  note: string;
  ms: number;
}

export interface Feeds {
  [name: string]: ort.Tensor;
}

/** The slice of an InferenceSession the engines use (tests inject fakes). */
export interface SessionLike {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  readonly inputMetadata: readonly ort.InferenceSession.ValueMetadata[];
  readonly outputMetadata: readonly ort.InferenceSession.ValueMetadata[];
  run(feeds: Feeds): Promise<Record<string, ort.Tensor>>;
  release(): Promise<void>;
}

export type SessionFactory = (model: Uint8Array, provider: ProviderName, threads: number) => Promise<SessionLike>;

export const defaultSessionFactory: SessionFactory = async (model, provider, threads) =>
  (await ort.InferenceSession.create(model, {
    executionProviders: [provider],
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
    // errors of providers that are absent are expected and answered by falling back: not logged
    logSeverityLevel: 4,
  })) as unknown as SessionLike;

/** onnxruntime-node's native folder (bin/napi-v6/<platform>/<arch>). */
function bindingDir(): string | null {
  try {
    const pkg = createRequire(import.meta.url).resolve('onnxruntime-node/package.json');
    return join(dirname(pkg), 'bin', 'napi-v6', process.platform, process.arch);
  } catch {
    return null;
  }
}

const LIB_DIRS = ['/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib64', '/usr/lib', '/usr/local/lib', '/lib/x86_64-linux-gnu'];

/**
 * Why a provider cannot start here, found without starting it (starting it would print native
 * warnings on stderr): CUDA without onnxruntime-node's CUDA libraries, WebGPU on Linux without
 * a Vulkan loader. null: worth a try.
 */
export function providerPrecheck(name: ProviderName, platform: NodeJS.Platform = process.platform): string | null {
  if (name === 'cuda' && platform !== 'darwin') {
    const dir = bindingDir();
    const lib = platform === 'win32' ? 'onnxruntime_providers_cuda.dll' : 'libonnxruntime_providers_cuda.so';
    if (dir && !existsSync(join(dir, lib))) return `not installed (no ${lib} beside onnxruntime-node's binding: its CUDA download was not made)`;
  }
  if (name === 'webgpu' && platform === 'linux') {
    const dirs = [...(process.env['LD_LIBRARY_PATH'] ?? '').split(':').filter(Boolean), ...LIB_DIRS];
    if (!dirs.some((d) => existsSync(join(d, 'libvulkan.so.1')))) return 'no Vulkan loader (libvulkan.so.1): WebGPU cannot start here';
  }
  return null;
}

export interface ProviderOptions {
  forceCpu?: boolean;
  /** explicit order (CPU is appended when missing) */
  order?: ProviderName[];
  platform?: NodeJS.Platform;
  tolerance?: number;
  threads?: number;
  factory?: SessionFactory;
  env?: NodeJS.ProcessEnv;
  /** default: providerPrecheck with the real factory, none with an injected one */
  precheck?: (name: ProviderName) => string | null;
}

export function providerOrder(opts: ProviderOptions = {}): ProviderName[] {
  const env = opts.env ?? process.env;
  if (opts.forceCpu || env['FIELDMARK_SUGGEST_CPU'] === '1') return ['cpu'];
  let order = opts.order;
  if (!order && env['FIELDMARK_SUGGEST_PROVIDERS']) order = env['FIELDMARK_SUGGEST_PROVIDERS'].split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
  if (!order) {
    const p = opts.platform ?? process.platform;
    order = p === 'win32' ? ['cuda', 'dml', 'webgpu'] : p === 'darwin' ? ['coreml', 'webgpu'] : ['cuda', 'webgpu'];
  }
  return order.includes('cpu') ? order : [...order, 'cpu'];
}

export function defaultThreads(): number {
  const env = Number(process.env['FIELDMARK_SUGGEST_THREADS']);
  return Number.isInteger(env) && env > 0 ? env : 0; // 0: onnxruntime's default (one per core)
}

function maxAbsDiff(a: ort.Tensor, b: ort.Tensor): number {
  const x = a.data as Float32Array, y = b.data as Float32Array;
  if (x.length !== y.length) return Infinity;
  let m = 0;
  for (let i = 0; i < x.length; i++) {
    const d = Math.abs(x[i]! - y[i]!);
    if (!(d <= m)) m = Number.isNaN(d) ? Infinity : d;
  }
  return m;
}

function short(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  return (m.split('\n').find((l) => /\S/.test(l) && !/^\s*at /.test(l)) ?? m).replace(/^.*?(Failed|failed|not|No |no )/, '$1').slice(0, 160);
}

export interface SelectedSession {
  session: SessionLike;
  provider: ProviderName;
  attempts: ProviderAttempt[];
}

/**
 * The first provider in order whose session agrees with the CPU on the probe. `probe` builds
 * the feeds; outputs named in `compare` are checked.
 */
export async function selectSession(model: Uint8Array, probe: () => Feeds, compare: readonly string[], opts: ProviderOptions = {}, check: (s: SessionLike) => void = () => undefined): Promise<SelectedSession> {
  const factory = opts.factory ?? defaultSessionFactory;
  const threads = opts.threads ?? defaultThreads();
  const tol = opts.tolerance ?? 1e-3;
  const attempts: ProviderAttempt[] = [];
  const order = providerOrder(opts);
  let cpu: SessionLike | null = null;
  let reference: Record<string, ort.Tensor> | null = null;
  const cpuSession = async () => {
    if (!cpu) {
      cpu = await factory(model, 'cpu', threads);
      check(cpu); // a model of the wrong signature is refused before anything runs
      reference = await cpu.run(probe());
    }
    return cpu;
  };
  for (const name of order) {
    const t0 = performance.now();
    if (name === 'cpu') {
      const s = await cpuSession();
      attempts.push({ name, ok: true, note: 'reference', ms: Math.round(performance.now() - t0) });
      return { session: s, provider: 'cpu', attempts };
    }
    const skip = (opts.precheck ?? (opts.factory ? () => null : providerPrecheck))(name);
    if (skip) {
      attempts.push({ name, ok: false, note: skip, ms: 0 });
      continue;
    }
    let s: SessionLike | null = null;
    try {
      s = await factory(model, name, threads);
      const out = await s.run(probe());
      await cpuSession();
      const diffs = compare.map((k) => (out[k] && reference![k] ? maxAbsDiff(out[k]!, reference![k]!) : Infinity));
      const worst = Math.max(...diffs);
      if (!(worst <= tol)) throw new Error(`disagrees with CPU on the probe (max difference ${worst.toExponential(2)} > ${tol})`);
      attempts.push({ name, ok: true, note: `warm-up agrees with CPU (max difference ${worst.toExponential(1)})`, ms: Math.round(performance.now() - t0) });
      if (cpu) await (cpu as SessionLike).release().catch(() => undefined);
      return { session: s, provider: name, attempts };
    } catch (e) {
      if (e instanceof ApiError) throw e;
      attempts.push({ name, ok: false, note: short(e), ms: Math.round(performance.now() - t0) });
      if (s) await s.release().catch(() => undefined);
    }
  }
  // order always ends with cpu; unreachable
  throw new Error('no execution provider');
}
