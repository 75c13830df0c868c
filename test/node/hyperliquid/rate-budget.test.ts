import { describe, expect, it } from 'vitest';
import { actionWeight, IP_WEIGHT_PER_MINUTE, RateBudget } from '../../../runner/venues/hyperliquid/rate-budget.ts';

function clock(start = 0) {
  const c = { t: start, now: () => c.t };
  return c;
}

describe('the Hyperliquid rate budget', () => {
  it('weighs an action 1 + floor(batch / 40)', () => {
    expect([1, 39, 40, 79, 80].map(actionWeight)).toEqual([1, 1, 2, 2, 3]);
  });

  it('stops quotes at 70 % of the IP weight, info at 90 %, and lets cancels use all of it, for a rolling minute', () => {
    const c = clock();
    const budget = new RateBudget(c);
    budget.spend('info', IP_WEIGHT_PER_MINUTE * 0.7);
    expect(budget.allows('order', 1)).toBe(false);
    expect(budget.allows('info', 20)).toBe(true);
    budget.spend('info', IP_WEIGHT_PER_MINUTE * 0.2);
    expect(budget.allows('info', 20)).toBe(false);
    expect(budget.allows('cancel', 1)).toBe(true);
    expect(budget.snapshot()).toMatchObject({ ip_weight_used: IP_WEIGHT_PER_MINUTE * 0.9, deferred: 2 });
    c.t += 60_001;
    expect(budget.allows('order', 1)).toBe(true);
    expect(budget.snapshot().ip_weight_used).toBe(0);
  });

  it('keeps a reserve of the address budget for cancels and counts locally between reads', () => {
    const budget = new RateBudget(clock());
    budget.setAddressBudget(10_949, 11_000);
    expect(budget.allows('order', 1)).toBe(true);
    budget.spend('order', 1);
    expect(budget.allows('order', 1)).toBe(false); // 10,950 + 1 > 11,000 − 50
    expect(budget.allows('cancel', 1)).toBe(true);
    expect(budget.snapshot()).toMatchObject({ address_requests_used: 10_950, address_requests_cap: 11_000 });
  });

  it('after a 429 holds back everything but cancels and the switch until the cool-down ends', () => {
    const c = clock();
    const budget = new RateBudget(c);
    budget.onThrottled(10_000);
    expect(budget.allows('order', 1)).toBe(false);
    expect(budget.allows('info', 2)).toBe(false);
    expect(budget.allows('cancel', 1)).toBe(true);
    expect(budget.allows('schedule', 1)).toBe(true);
    c.t += 10_000;
    expect(budget.allows('order', 1)).toBe(true);
    expect(budget.snapshot().throttled).toBe(1);
  });
});
