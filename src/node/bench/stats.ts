/** Summary statistics for benchmark timings. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

export function summarize(ms: readonly number[]): { n: number; median_ms: number; p95_ms: number; mean_ms: number } {
  const s = [...ms].sort((a, b) => a - b);
  const round = (v: number) => Math.round(v * 1000) / 1000;
  return {
    n: s.length,
    median_ms: round(quantile(s, 0.5)),
    p95_ms: round(quantile(s, 0.95)),
    mean_ms: round(s.reduce((a, b) => a + b, 0) / Math.max(1, s.length)),
  };
}
