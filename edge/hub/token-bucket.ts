/**
 * A token bucket: `burst` takes at once, refilled at `ratePerS`. `take` answers how long to wait
 * when empty, which becomes `Retry-After`. The clock is injected so tests never wait; a bucket only
 * reads the time, so any `{ now }` will do.
 */
import { systemClock, type Clock } from '../../shared/clock.ts';

export type TakeOutcome = { kind: 'taken' } | { kind: 'limited'; retryAfterS: number };

export interface TokenBucket {
  take(): TakeOutcome;
}

export interface TokenBucketOptions {
  ratePerS: number;
  burst: number;
  clock?: Pick<Clock, 'now'>;
}

export function createTokenBucket({ ratePerS, burst, clock = systemClock }: TokenBucketOptions): TokenBucket {
  let tokens = burst;
  let updatedAt = clock.now();
  return {
    take() {
      const t = clock.now();
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

export interface KeyedBuckets {
  take(key: string): TakeOutcome;
}

/**
 * One bucket per key (runner id). Past `maxKeys` the map starts over: a flood of made-up runner ids
 * must not grow memory without bound, and losing buckets only forgives a little.
 */
export function createKeyedBuckets({ maxKeys = 10_000, ...bucket }: TokenBucketOptions & { maxKeys?: number }): KeyedBuckets {
  const buckets = new Map<string, TokenBucket>();
  return {
    take(key) {
      let found = buckets.get(key);
      if (found === undefined) {
        if (buckets.size >= maxKeys) buckets.clear();
        found = createTokenBucket(bucket);
        buckets.set(key, found);
      }
      return found.take();
    },
  };
}
