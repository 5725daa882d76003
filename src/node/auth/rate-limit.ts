/**
 * Failed sign-in attempts, counted per key ("name:<n>", "addr:<ip>") in a sliding window. After
 * `maxFailures` failures within `windowMs` a key is locked until the oldest failure leaves the
 * window; a success clears the name's count. In memory, per service: a restart forgets (that is
 * fine for a campaign server; nothing here is a secret).
 */
export interface LimiterOptions {
  maxFailures: number;
  windowMs: number;
  now?: () => number;
}

export class FailureLimiter {
  private readonly failures = new Map<string, number[]>();
  private readonly now: () => number;

  constructor(private readonly opts: LimiterOptions) {
    this.now = opts.now ?? Date.now;
  }

  private recent(key: string): number[] {
    const t = this.now();
    const list = (this.failures.get(key) ?? []).filter((at) => t - at < this.opts.windowMs);
    if (list.length) this.failures.set(key, list);
    else this.failures.delete(key);
    return list;
  }

  /** Seconds until the key may try again (0: now). */
  retryAfter(key: string): number {
    const list = this.recent(key);
    if (list.length < this.opts.maxFailures) return 0;
    return Math.max(1, Math.ceil((list[0]! + this.opts.windowMs - this.now()) / 1000));
  }

  fail(key: string): void {
    const list = this.recent(key);
    list.push(this.now());
    this.failures.set(key, list);
    if (this.failures.size > 100_000) this.failures.delete(this.failures.keys().next().value!);
  }

  clear(key: string): void {
    this.failures.delete(key);
  }
}
