import { describe, expect, it } from 'vitest';
import { makerTakerFees } from '../../../engine/matcher/fee-model.ts';
import { constantLatency } from '../../../engine/matcher/latency-model.ts';
import { LocalMatcher } from '../../../engine/matcher/local-matcher.ts';
import { ObservedBook } from '../../../engine/matcher/observed-book.ts';
import type { VenueListener } from '../../../engine/venue/venue.ts';

/** A matcher over an observed book 29.99 / 30.01 (5 displayed per level), 10 ms each way. */
function setup(latencyMs = 10) {
  let now = 0;
  const book = new ObservedBook(8);
  const events: string[] = [];
  const listener: VenueListener = {
    onBook() {},
    onOrderAccepted: (id) => void events.push(`${now} accepted ${id}`),
    onOrderRejected: (id, reason) => void events.push(`${now} rejected ${id} ${reason}`),
    onOrderEnded: (id, reason) => void events.push(`${now} ended ${id} ${reason}`),
    onCancelRejected: (id) => void events.push(`${now} cancel_rejected ${id}`),
    onFill: (f) => void events.push(`${now} fill ${f.orderId} ${f.side} ${f.size}@${f.price} ${f.liquidity} ${f.fillId}`),
    onPosition: (_, p) => void events.push(`${now} position ${p}`),
    onConnectionChange() {},
  };
  const matcher = new LocalMatcher({
    symbol: 'HYPE',
    spec: { tick: 0.01, lot: 0.01 },
    market: book,
    clock: { now: () => now },
    latency: constantLatency(latencyMs),
    fees: makerTakerFees(1.5, 4.5),
    fillIdPrefix: 'test',
  });
  matcher.setListener(listener);
  const showBook = () =>
    book.update(
      now,
      [
        { px: 29.99, sz: 5 },
        { px: 29.98, sz: 5 },
      ],
      [
        { px: 30.01, sz: 5 },
        { px: 30.02, sz: 5 },
      ],
    );
  return {
    matcher,
    book,
    events,
    showBook,
    /** Moves time to `t` and processes what is due. */
    at(t: number) {
      now = t;
      matcher.processDue(now);
    },
  };
}

describe('local matcher', () => {
  it('answers after the round trip: the order arrives after the entry latency, the answer after the response latency', () => {
    const m = setup(10);
    m.showBook();
    m.matcher.place({ id: 1, side: 'buy', price: 29.99, size: 1, type: 'post_only', reduceOnly: false });
    m.at(9);
    expect(m.matcher.restingOrders()).toHaveLength(0);
    m.at(10);
    expect(m.matcher.restingOrders()).toHaveLength(1);
    expect(m.events).toEqual([]);
    m.at(20);
    expect(m.events).toEqual(['20 accepted 1']);
  });

  it('rejects with disconnected while there is no book, then invalid orders, and knows every rejection', () => {
    const m = setup(0);
    m.matcher.place({ id: 1, side: 'buy', price: 29.99, size: 1, type: 'post_only', reduceOnly: false });
    m.at(0);
    m.showBook();
    m.matcher.place({ id: 2, side: 'buy', price: 29.99, size: 0, type: 'post_only', reduceOnly: false });
    m.matcher.place({ id: 3, side: 'buy', price: Number.NaN, size: 1, type: 'ioc', reduceOnly: false });
    m.matcher.place({ id: 4, side: 'buy', price: 30.01, size: 1, type: 'post_only', reduceOnly: false });
    m.matcher.place({ id: 5, side: 'buy', price: 30.05, size: 1, type: 'ioc', reduceOnly: true });
    m.at(1);
    expect(m.events).toEqual([
      '0 rejected 1 disconnected',
      '1 rejected 2 invalid_order',
      '1 rejected 3 invalid_order',
      '1 rejected 4 post_only_would_cross',
      '1 rejected 5 reduce_only_would_increase',
    ]);
  });

  it('fills a resting order behind the queue at its price, then on a trade through it, at maker fees', () => {
    const m = setup(0);
    m.showBook();
    m.matcher.place({ id: 1, side: 'sell', price: 30.01, size: 1, type: 'post_only', reduceOnly: false });
    m.at(1);
    m.matcher.onTrade('buy', 30.01, 5.5); // 5 displayed ahead of us trade first
    m.at(2);
    m.matcher.onTrade('buy', 30.02, 2); // through our price: the rest of ours fills first
    m.at(3);
    expect(m.events).toEqual([
      '1 accepted 1',
      '2 fill 1 sell 0.5@30.01 maker test-1',
      '3 fill 1 sell 0.5@30.01 maker test-2',
      '3 ended 1 filled',
    ]);
    expect(m.matcher.accounting.position).toBe(-1);
    expect(m.matcher.accounting.fees).toBeCloseTo((30.01 * 1 * 1.5) / 1e4, 12);
  });

  it('walks the observed book for an IOC without consuming it, and expires what it could not fill', () => {
    const m = setup(0);
    m.showBook();
    m.matcher.place({ id: 1, side: 'buy', price: 30.02, size: 12, type: 'ioc', reduceOnly: false });
    m.matcher.place({ id: 2, side: 'buy', price: 30.01, size: 1, type: 'ioc', reduceOnly: false });
    m.at(0);
    expect(m.events).toEqual([
      '0 accepted 1',
      '0 fill 1 buy 5@30.01 taker test-1',
      '0 fill 1 buy 5@30.02 taker test-2',
      '0 ended 1 expired',
      '0 accepted 2',
      '0 fill 2 buy 1@30.01 taker test-3',
      '0 ended 2 filled',
    ]);
  });

  it('on a disconnect, delivers the answers in flight, then ends every resting order at once', () => {
    const m = setup(10);
    m.showBook();
    m.matcher.place({ id: 1, side: 'buy', price: 29.99, size: 1, type: 'post_only', reduceOnly: false });
    m.matcher.place({ id: 2, side: 'sell', price: 30.02, size: 1, type: 'post_only', reduceOnly: false });
    m.at(10);
    m.matcher.onTrade('sell', 29.98, 0.5);
    m.matcher.cancelAllNow();
    expect(m.events).toEqual([
      '10 accepted 1',
      '10 accepted 2',
      '10 fill 1 buy 0.5@29.99 maker test-1',
      '10 ended 1 cancelled',
      '10 ended 2 cancelled',
    ]);
    expect(m.matcher.restingOrders()).toHaveLength(0);
  });

  it('cancels a resting order and refuses to cancel one that is no longer there', () => {
    const m = setup(0);
    m.showBook();
    m.matcher.place({ id: 1, side: 'buy', price: 29.98, size: 1, type: 'post_only', reduceOnly: false });
    m.matcher.cancel(1);
    m.matcher.cancel(1);
    m.matcher.requestPosition();
    m.at(0);
    expect(m.events).toEqual(['0 accepted 1', '0 ended 1 cancelled', '0 cancel_rejected 1', '0 position 0']);
  });
});
