import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PARAMS, type Params } from '../../../shared/params-schema.ts';
import { computeControl } from '../../../engine/strategy/control-vector.ts';
import { GRID_EPS } from '../../../shared/eps.ts';

const P: Params = { ...DEFAULT_PARAMS, base_half_spread_bps: 5, max_position: 3 };

// docs/STRATEGY.md, "Test vectors (B = 5, Qmax = 3, all seven parameters at their defaults)".
const VECTORS: [q: number, mu: number, bid: number, ask: number, buy: number, sell: number][] = [
  [0, 0, 5, 5, 0, 0],
  [0, 0.2, 5, 5.5, 0, 0],
  [0, -0.2, 5.5, 5, 0, 0],
  [1.5, 0, 7.5, 5, 0, 0],
  [-1.5, 0.1, 5, 7.8125, 0, 0],
  [2.7, 0, 11.3, 6.8, 0, 0.29],
  [3, 0, 12.5, 7.5, 0, 3],
  [-2.85, 0, 7.1375, 11.8875, 1.57375, 0],
];

describe('control vector (spec test vectors)', () => {
  it.each(VECTORS)('Q=%d μ̂=%d → δb=%d δa=%d νb=%d νa=%d', (q, mu, bid, ask, buy, sell) => {
    const c = computeControl(P, q, mu);
    expect(c.bidBps).toBeCloseTo(bid, 10);
    expect(c.askBps).toBeCloseTo(ask, 10);
    expect(c.buyRate).toBeCloseTo(buy, 10);
    expect(c.sellRate).toBeCloseTo(sell, 10);
    expect(c.fallback).toBeNull();
  });

  it('falls back to symmetric B with no takers, and says why, when a result is not finite', () => {
    const c = computeControl(P, Number.NaN, 0);
    expect(c.fallback).toMatch(/not finite/);
    expect([c.bidBps, c.askBps, c.buyRate, c.sellRate]).toEqual([5, 5, 0, 0]);
  });
});

const paramsArb = fc.record({
  skew_adjustment_factor: fc.double({ min: 0, max: 2, noNaN: true }),
  adverse_selection_adjustment_factor: fc.double({ min: 0, max: 2, noNaN: true }),
  inventory_urgency_threshold: fc.double({ min: 0, max: 1, noNaN: true }),
  liquidation_rate_multiplier: fc.double({ min: 0, max: 100, noNaN: true }),
  min_spread_base_ratio: fc.double({ min: 0, max: 1, noNaN: true }),
  base_half_spread_bps: fc.double({ min: 0.01, max: 1000, noNaN: true }),
  max_position: fc.double({ min: 0.01, max: 1000, noNaN: true }),
});

describe('control vector properties', () => {
  it('offsets are finite and at least the floor; takers only on the reducing side and only past u*', () => {
    fc.assert(
      fc.property(
        paramsArb,
        fc.double({ min: -3, max: 3, noNaN: true }),
        fc.double({ min: -1, max: 1, noNaN: true }),
        (over, ratio, mu) => {
          const params: Params = { ...DEFAULT_PARAMS, ...over };
          const q = ratio * params.max_position;
          const c = computeControl(params, q, mu);
          const floor = params.base_half_spread_bps * params.min_spread_base_ratio;
          expect(Number.isFinite(c.bidBps) && Number.isFinite(c.askBps)).toBe(true);
          expect(c.bidBps).toBeGreaterThanOrEqual(floor - GRID_EPS);
          expect(c.askBps).toBeGreaterThanOrEqual(floor - GRID_EPS);
          const u = Math.min(Math.abs(ratio), 1) ** 3;
          if (c.buyRate > 0) expect(q).toBeLessThan(0);
          if (c.sellRate > 0) expect(q).toBeGreaterThan(0);
          if (u <= params.inventory_urgency_threshold) expect(c.buyRate + c.sellRate).toBe(0);
        },
      ),
      { numRuns: 500 },
    );
  });
});
