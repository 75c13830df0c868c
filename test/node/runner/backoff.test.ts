import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeBackoff, retryDelay } from '../../../runner/sync/backoff.ts';

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
  it('lets Retry-After win over the backoff', () => {
    expect(retryDelay(7000, 0, options, () => 0.99)).toBe(7000);
    expect(retryDelay(undefined, 0, options, () => 0.5)).toBe(250);
  });

  it('bounds an absurd Retry-After', () => {
    expect(retryDelay(86_400_000, 0, options, () => 0.5)).toBe(600_000);
  });
});
