/**
 * Percentiles and summaries of latency samples. Nearest-rank percentiles on a sorted copy: with
 * the few hundred samples a bench run collects, interpolating between ranks would pretend to a
 * precision the data does not have, and nearest-rank always returns a value that was measured.
 */

export interface Summary {
  count: number;
  min: number;
  mean: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** Nearest-rank percentile (`p` in [0, 100]) of already sorted ascending `sorted`; NaN when empty. */
export function percentileSorted(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be in [0, 100], got ${p}`);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1]!;
}

/** Nearest-rank percentile of `samples` (any order). */
export function percentile(samples: readonly number[], p: number): number {
  return percentileSorted(
    [...samples].sort((a, b) => a - b),
    p,
  );
}

/** count, min, mean, p50, p95, p99, max of `samples`; every figure NaN when there are none. */
export function summarize(samples: readonly number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const count = sorted.length;
  let total = 0;
  for (const value of sorted) total += value;
  return {
    count,
    min: count ? sorted[0]! : Number.NaN,
    mean: count ? total / count : Number.NaN,
    p50: percentileSorted(sorted, 50),
    p95: percentileSorted(sorted, 95),
    p99: percentileSorted(sorted, 99),
    max: count ? sorted[count - 1]! : Number.NaN,
  };
}

/** Median of repeated throughput measurements: robust to one run hit by a GC or a noisy neighbour. */
export function median(values: readonly number[]): number {
  return percentile(values, 50);
}
