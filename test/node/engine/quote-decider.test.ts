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
    // Reduce-only and short 3 = max_position: u = 1, so a 3-lot buy IOC would bring Q to 0, but the
    // reduce-only bid decided first already takes 0.3 of that room: the IOC buys 2.7, never a flip.
    const { decider } = setup(-3);
    expect(decider.decide(DEFAULT_PARAMS, 'reduce_only', 1_000)).toEqual([
      { kind: 'place', side: 'buy', price: expect.any(Number), size: 0.3, type: 'post_only', reduceOnly: true },
      { kind: 'place', side: 'buy', price: expect.any(Number), size: 2.7, type: 'ioc', reduceOnly: true },
    ]);
  });
});
