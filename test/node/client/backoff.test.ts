import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeBackoff, retryDelay } from '../../../client/backoff.ts';

const options = { baseMs: 500, capMs: 30_000 };

describe('computeBackoff', () => {
  it('draws from [0, base·2^attempt) with full jitter', () => {
    expect(computeBackoff(0, options, () => 0)).toBe(0);
    expect(computeBackoff(0, options, () => 0.5)).toBe(250);
    expect(computeBackoff(3, options, () => 0.5)).toBe(2000);
    expect(computeBackoff(3, options, () => 0.999999)).toBeLessThan(4000);
  });

  it('never exceeds the cap, even for huge attempt numbers', () => {
    expect(computeBackoff(10_000, options, () => 0.999999)).toBeLessThan(30_000);
    expect(computeBackoff(10_000, options, () => 0.5)).toBe(15_000);
  });

  it('stays within bounds for any attempt and any random value (property)', () => {
    fc.assert(
      fc.property(fc.nat(5000), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (attempt, r) => {
        const delay = computeBackoff(attempt, options, () => r);
        const ceiling = Math.min(options.capMs, options.baseMs * 2 ** attempt);
        return Number.isInteger(delay) && delay >= 0 && delay < ceiling;
      }),
    );
  });

  it('is pure: the same inputs give the same delay', () => {
    expect(computeBackoff(4, options, () => 0.3)).toBe(computeBackoff(4, options, () => 0.3));
  });
});

describe('retryDelay', () => {
  it('lets Retry-After win over the backoff, never earlier, with a spread of at most half a second', () => {
    expect(retryDelay(7000, 0, options, () => 0)).toBe(7000);
    expect(retryDelay(7000, 0, options, () => 0.5)).toBe(7250);
    expect(retryDelay(7000, 0, options, () => 0.999999)).toBeLessThanOrEqual(7500);
    expect(retryDelay(undefined, 0, options, () => 0.5)).toBe(250);
  });

  it('spreads a fleet told Retry-After: 1 over [1 s, 1.5 s] instead of retrying in lockstep', () => {
    const delays = [0, 0.25, 0.5, 0.75, 0.999999].map((r) => retryDelay(1000, 0, options, () => r));
    expect(new Set(delays).size).toBe(delays.length);
    for (const delay of delays) {
      expect(delay).toBeGreaterThanOrEqual(1000);
      expect(delay).toBeLessThanOrEqual(1500);
    }
  });

  it('spreads a short Retry-After by at most half of it', () => {
    expect(retryDelay(200, 0, options, () => 0.5)).toBe(250);
    expect(retryDelay(200, 0, options, () => 0.999999)).toBeLessThanOrEqual(300);
  });

  it('waits at least the base backoff on Retry-After: 0, never a tight loop', () => {
    expect(retryDelay(0, 0, options, () => 0)).toBe(options.baseMs);
    expect(retryDelay(0, 5, options, () => 0.5)).toBe(options.baseMs + options.baseMs * 0.25);
  });

  it('bounds an absurd Retry-After', () => {
    expect(retryDelay(86_400_000, 0, options, () => 0.5)).toBe(600_250);
  });
});
