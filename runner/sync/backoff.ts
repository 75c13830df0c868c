/**
 * Retry delays: exponential with full jitter (AWS Architecture Blog, "Exponential Backoff And
 * Jitter"): a delay drawn uniformly from [0, min(cap, base·2^attempt)). Full jitter spreads a fleet
 * of runners that lost the edge at the same instant, so they do not come back in lockstep.
 */

export interface BackoffOptions {
  baseMs: number;
  capMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 500, capMs: 30_000 };

/**
 * The delay before retry number `attempt` (0 for the first retry). Pure: the same inputs give the
 * same delay. `random` returns a number in [0, 1).
 */
export function computeBackoff(attempt: number, { baseMs, capMs }: BackoffOptions = DEFAULT_BACKOFF, random: () => number = Math.random): number {
  // 2^attempt overflows to Infinity past ~1024; min() keeps the ceiling at the cap either way.
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt));
  const r = Math.min(Math.max(random(), 0), 1 - Number.EPSILON);
  return Math.floor(r * ceiling);
}

/** The delay after a failure: the server's `Retry-After` when it gave one, else the backoff. */
export function retryDelay(retryAfterMs: number | undefined, attempt: number, options: BackoffOptions, random: () => number, maxRetryAfterMs = 10 * 60_000): number {
  if (retryAfterMs !== undefined) return Math.min(retryAfterMs, maxRetryAfterMs);
  return computeBackoff(attempt, options, random);
}
