import { describe, expect, it } from 'vitest';
import { FillLedger } from '../../../engine/strategy/fill-ledger.ts';
import { OrderTracker } from '../../../engine/strategy/order-tracker.ts';
import { QuoteDecider } from '../../../engine/strategy/quote-decider.ts';
import { createStrategyState } from '../../../engine/strategy/strategy-state.ts';
import { DEFAULT_PARAMS } from '../../../shared/params-schema.ts';

/** A decider on a flat book around 100 with no orders and Q = `inventory`; no venue anywhere. */
function setup(inventory = 0) {
  const state = createStrategyState(inventory);
  Object.assign(state, { mid: 100, bestBid: 99.99, bestAsk: 100.01, spreadBps: 2 });
  const ledger = new FillLedger('SIM', inventory);
  const orders = new OrderTracker();
  const decider = new QuoteDecider({ state, ledger, orders, market: { tick: 0.01, lot: 0.01 } });
  return { state, ledger, orders, decider };
}

describe('quote decider', () => {
  it('intends a post-only quote per side and changes nothing itself', () => {
    const { orders, decider } = setup();
    const intents = decider.decide(DEFAULT_PARAMS, 'normal', 0);
    expect(intents).toEqual([
      { kind: 'place', side: 'buy', price: 99.95, size: 0.3, type: 'post_only', reduceOnly: false },
      { kind: 'place', side: 'sell', price: 100.05, size: 0.3, type: 'post_only', reduceOnly: false },
    ]);
    expect(orders.liveCount()).toBe(0);
  });

  it('intends nothing while its orders already match the quote, and a cancel once they do not', () => {
    const { orders, decider } = setup();
    const bid = orders.open('buy', 99.95, 0.3, 'post_only', 0);
    const ask = orders.open('sell', 100.05, 0.3, 'post_only', 0);
    orders.accepted(bid.id);
    orders.accepted(ask.id);
    expect(decider.decide(DEFAULT_PARAMS, 'normal', 0)).toEqual([]);
    expect(decider.decide({ ...DEFAULT_PARAMS, trading_mode: 'halted' }, 'normal', 0)).toEqual([
      { kind: 'cancel', orderId: bid.id },
      { kind: 'cancel', orderId: ask.id },
    ]);
  });

  it('counts a bid decided earlier in the same decision against the room of the liquidation step', () => {
    // Reduce-only and short 3 = max_position: u = 1, so the first step is a 0.75 buy IOC (3/s over
    // 250 ms), but the reduce-only bid of 2.5 decided first leaves only 0.5 of room: the IOC buys
    // 0.5, never a flip.
    const { decider } = setup(-3);
    expect(decider.decide({ ...DEFAULT_PARAMS, order_size: 2.5 }, 'reduce_only', 1_000)).toEqual([
      { kind: 'place', side: 'buy', price: expect.any(Number), size: 2.5, type: 'post_only', reduceOnly: true },
      { kind: 'place', side: 'buy', price: expect.any(Number), size: 0.5, type: 'ioc', reduceOnly: true },
    ]);
  });
});

describe('quote decider with figures that overflow (issue 11 row 7)', () => {
  it('places nothing when order_size = max_position = 1e308 (the lot-floored size is Infinity), and says why', () => {
    const { decider } = setup();
    const intents = decider.decide({ ...DEFAULT_PARAMS, order_size: 1e308, max_position: 1e308 }, 'normal', 0);
    expect(intents).toEqual([]);
    expect(decider.nonFinite).toMatch(/bid size Infinity is not finite/);
  });

  it('places nothing when finite sizes make a notional that overflows', () => {
    const { state, decider } = setup();
    Object.assign(state, { mid: 1e6, bestBid: 999_999.99, bestAsk: 1_000_000.01 });
    // 1e305 lots of 0.01 is finite, and so is the price; size × price (1e303 × 1e6) is not.
    const intents = decider.decide({ ...DEFAULT_PARAMS, order_size: 1e303, max_position: 1e303 }, 'normal', 0);
    expect(intents).toEqual([]);
    expect(decider.nonFinite).toMatch(/notional .* overflows/);
  });

  it('cancels resting orders on such an event, and quotes again once the params are sane', () => {
    const { orders, decider } = setup();
    const bid = orders.open('buy', 99.95, 0.3, 'post_only', 0);
    orders.accepted(bid.id);
    expect(decider.decide({ ...DEFAULT_PARAMS, order_size: 1e308, max_position: 1e308 }, 'normal', 0)).toEqual([
      { kind: 'cancel', orderId: bid.id },
    ]);
    orders.ended(bid.id, 'cancelled');
    expect(decider.decide(DEFAULT_PARAMS, 'normal', 0)).toHaveLength(2);
    expect(decider.nonFinite).toBeNull();
  });
});
