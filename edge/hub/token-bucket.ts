/**
 * A token bucket: `burst` writes at once, refilled at `ratePerS`. `take` answers how long to wait
 * when empty, which becomes `Retry-After`. The clock is injected so tests never wait.
 */
export type TakeOutcome = { kind: 'taken' } | { kind: 'limited'; retryAfterS: number };

export interface TokenBucket {
  take(): TakeOutcome;
}

export function createTokenBucket({
  ratePerS,
  burst,
  now = Date.now,
}: {
  ratePerS: number;
  burst: number;
  now?: () => number;
}): TokenBucket {
  let tokens = burst;
  let updatedAt = now();
  return {
    take() {
      const t = now();
      tokens = Math.min(burst, tokens + ((t - updatedAt) / 1000) * ratePerS);
      updatedAt = t;
      if (tokens >= 1) {
        tokens -= 1;
        return { kind: 'taken' };
      }
      return { kind: 'limited', retryAfterS: Math.max(1, Math.ceil((1 - tokens) / ratePerS)) };
    },
  };
}

/**
 * One bucket per key (runner id). Past `maxKeys` the map starts over: a flood of made-up runner ids
 * must not grow memory without bound, and losing buckets only forgives a little.
 */
export function createKeyedBuckets({
  ratePerS,
  burst,
  maxKeys = 10_000,
  now = Date.now,
}: {
  ratePerS: number;
  burst: number;
  maxKeys?: number;
  now?: () => number;
}) {
  const buckets = new Map<string, TokenBucket>();
  return {
    take(key: string): TakeOutcome {
      let bucket = buckets.get(key);
      if (bucket === undefined) {
        if (buckets.size >= maxKeys) buckets.clear();
        bucket = createTokenBucket({ ratePerS, burst, now });
        buckets.set(key, bucket);
      }
      return bucket.take();
    },
  };
}
export type KeyedBuckets = ReturnType<typeof createKeyedBuckets>;
