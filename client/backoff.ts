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
export function computeBackoff(
  attempt: number,
  { baseMs, capMs }: BackoffOptions = DEFAULT_BACKOFF,
  random: () => number = Math.random,
): number {
  // 2^attempt overflows to Infinity past ~1024; min() keeps the ceiling at the cap either way.
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt));
  const r = Math.min(Math.max(random(), 0), 1 - Number.EPSILON);
  return Math.floor(r * ceiling);
}

/** A `Retry-After` is spread over at most half of itself, capped at half of this (0.5 s). */
export const RETRY_AFTER_SPREAD_MAX_MS = 1000;

/**
 * The delay after a failure: the server's `Retry-After` when it gave one, else the backoff.
 * `Retry-After` means "not earlier than", so a small full-jitter spread is added on top
 * (random × min(Retry-After, 1 s) × 0.5): fifty runners told `Retry-After: 1` by the same edge
 * must not all come back in the same millisecond. `Retry-After: 0` (a misbehaving proxy) counts as
 * the base backoff, or it would be a tight loop.
 */
export function retryDelay(
  retryAfterMs: number | undefined,
  attempt: number,
  options: BackoffOptions,
  random: () => number,
  maxRetryAfterMs = 10 * 60_000,
): number {
  if (retryAfterMs === undefined) return computeBackoff(attempt, options, random);
  const honoured = Math.min(retryAfterMs, maxRetryAfterMs);
  const notBefore = honoured > 0 ? honoured : options.baseMs;
  const r = Math.min(Math.max(random(), 0), 1 - Number.EPSILON);
  return notBefore + Math.floor(r * Math.min(notBefore, RETRY_AFTER_SPREAD_MAX_MS) * 0.5);
}
