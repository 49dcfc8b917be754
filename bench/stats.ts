/** One measured run: latency percentiles (ms), throughput, and every kind of failure seen. */
export interface Measured {
  median: number;
  p99: number;
  rps: number;
  requests: number;
  /** non-2xx responses + socket errors/timeouts + 2xx bodies carrying GraphQL `errors`. */
  errors: number;
}

export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export function summarize(latencies: number[], seconds: number, errors: number): Measured {
  const sorted = Float64Array.from(latencies).sort();
  return { median: percentile(sorted, 50), p99: percentile(sorted, 99), rps: latencies.length / seconds, requests: latencies.length, errors };
}

export function median(values: number[]): number {
  const sorted = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  if (!sorted.length) return NaN;
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Median of each field over rounds; errors are summed so a single bad round stays visible. */
export function combine(rounds: Measured[]): Measured {
  const of = (k: keyof Measured) => median(rounds.map((r) => r[k]));
  return { median: of('median'), p99: of('p99'), rps: of('rps'), requests: of('requests'), errors: rounds.reduce((s, r) => s + r.errors, 0) };
}
