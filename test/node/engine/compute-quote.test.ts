import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PARAMS, type Params } from '../../../shared/params-schema.ts';
import { computeQuote } from '../../../engine/strategy/compute-quote.ts';
import { quoteWhatIf } from '../../../engine/strategy/quote-what-if.ts';
import { applyBookUpdate, createStrategyState } from '../../../engine/strategy/strategy-state.ts';
import { createBookView } from '../../../engine/venue/book-view.ts';
import { GRID_EPS } from '../../../shared/eps.ts';

const MARKET = { tick: 0.01, lot: 0.01 };

function stateAt(mid: number, inventory: number, mu = 0) {
  const s = createStrategyState(inventory);
  s.mid = mid;
  s.adverseSelection = mu;
  return s;
}

describe('computeQuote prices and sizes', () => {
  it('floors the bid and ceils the ask to the tick', () => {
    const q = computeQuote(DEFAULT_PARAMS, stateAt(100.003, 0), MARKET);
    // 100.003·(1 − 5e-4) = 99.952999 → 99.95; 100.003·(1 + 5e-4) = 100.053 → 100.06
    expect(q.bid.price).toBe(99.95);
    expect(q.ask.price).toBe(100.06);
    expect(q.bid.size).toBe(0.3);
    expect(q.ask.size).toBe(0.3);
  });

  it('widens the inventory-adding side by a tick when both sides round onto each other', () => {
    const params: Params = { ...DEFAULT_PARAMS, base_half_spread_bps: 0.01, min_spread_base_ratio: 0 };
    const flat = computeQuote(params, stateAt(100, 0), MARKET);
    expect([flat.bid.price, flat.ask.price]).toEqual([99.99, 100.01]);
    const short = computeQuote(params, stateAt(100, -0.5), MARKET);
    expect(short.bid.price).toBeLessThan(short.ask.price);
  });

  it('never sizes a side past max_position and lot-floors the rest', () => {
    const q = computeQuote(DEFAULT_PARAMS, stateAt(100, 2.855), MARKET);
    expect(q.bid.size).toBe(0.14); // 3 − 2.855 = 0.145 → 0.14
    expect(q.ask.size).toBe(0.3);
  });

  it('reduce_only quotes only the reducing side, never more than |Q|, and keeps liquidation', () => {
    const params: Params = { ...DEFAULT_PARAMS, trading_mode: 'reduce_only' };
    const small = computeQuote(params, stateAt(100, 0.12), MARKET);
    expect(small.bid.size).toBe(0);
    expect(small.ask.size).toBe(0.12);
    const big = computeQuote(params, stateAt(100, -3), MARKET);
    expect(big.ask.size).toBe(0);
    expect(big.bid.size).toBe(0.3);
    expect(big.control.buyRate).toBeCloseTo(3, 10);
    expect(computeQuote(params, stateAt(100, 0), MARKET).bid.size + computeQuote(params, stateAt(100, 0), MARKET).ask.size).toBe(
      0,
    );
  });

  it('halted sends nothing: no sizes, no takers', () => {
    const q = computeQuote({ ...DEFAULT_PARAMS, trading_mode: 'halted' }, stateAt(100, 3), MARKET);
    expect([q.bid.size, q.ask.size, q.control.buyRate, q.control.sellRate]).toEqual([0, 0, 0, 0]);
  });

  it('a risk override is applied only when stricter, and widen doubles the offsets', () => {
    expect(computeQuote(DEFAULT_PARAMS, stateAt(100, 0), MARKET, { mode: 'halted' }).mode).toBe('halted');
    expect(computeQuote({ ...DEFAULT_PARAMS, trading_mode: 'halted' }, stateAt(100, 0), MARKET, { mode: 'active' }).mode).toBe(
      'halted',
    );
    const wide = computeQuote(DEFAULT_PARAMS, stateAt(100, 0), MARKET, { widen: true });
    expect(wide.control.bidBps).toBe(10);
    expect(wide.bid.price).toBe(99.9);
  });

  it('quotes nothing before the first book', () => {
    const q = computeQuote(DEFAULT_PARAMS, createStrategyState(0), MARKET);
    expect(q.bid.size + q.ask.size).toBe(0);
  });

  it('property: bid < mid < ask on ticks, and neither side can carry |Q| past max_position', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1, max: 1e5, noNaN: true }),
        fc.double({ min: -1, max: 1, noNaN: true }),
        fc.double({ min: -1, max: 1, noNaN: true }),
        fc.double({ min: 0.01, max: 100, noNaN: true }),
        fc.double({ min: 0.01, max: 100, noNaN: true }),
        fc.double({ min: 0.01, max: 200, noNaN: true }),
        (mid, ratio, mu, qMax, size, B) => {
          const params: Params = { ...DEFAULT_PARAMS, max_position: qMax, order_size: size, base_half_spread_bps: B };
          const q = ratio * qMax;
          const quote = computeQuote(params, stateAt(mid, q, mu), MARKET);
          expect(quote.bid.price).toBeLessThan(quote.ask.price);
          expect(quote.bid.price).toBeLessThanOrEqual(mid);
          expect(quote.ask.price).toBeGreaterThanOrEqual(mid);
          expect(Math.abs(q + quote.bid.size)).toBeLessThanOrEqual(qMax + GRID_EPS);
          expect(Math.abs(q - quote.ask.size)).toBeLessThanOrEqual(qMax + GRID_EPS);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('state vector', () => {
  it('starts balanced (I = 0.5, μ̂ = 0) and steps μ̂ with the spread damping g on book updates', () => {
    const s = createStrategyState();
    expect(s.imbalance).toBe(0.5);
    const book = createBookView(10);
    book.bidCount = 1;
    book.askCount = 1;
    book.bidPx[0] = 99.5;
    book.askPx[0] = 100.5; // Δ = 100 bps → g = 1/(1 + 100/100) = 0.5
    book.bidSz[0] = 3;
    book.askSz[0] = 1; // imb = 0.5 → I = 0.75, s = 0.5
    expect(applyBookUpdate(s, DEFAULT_PARAMS, book)).toBe(true);
    expect(s.mid).toBe(100);
    expect(s.spreadBps).toBeCloseTo(100, 10);
    expect(s.imbalance).toBeCloseTo(0.75, 12);
    expect(s.adverseSelection).toBeCloseTo(0.1 * 0.5 * 0.5, 12);
    applyBookUpdate(s, DEFAULT_PARAMS, book);
    expect(s.adverseSelection).toBeCloseTo(0.025 + 0.9 * 0.025, 12);
  });

  it('ignores one-sided and crossed books', () => {
    const s = createStrategyState();
    const book = createBookView(10);
    book.bidCount = 1;
    book.bidPx[0] = 100;
    expect(applyBookUpdate(s, DEFAULT_PARAMS, book)).toBe(false);
    book.askCount = 1;
    book.askPx[0] = 99;
    expect(applyBookUpdate(s, DEFAULT_PARAMS, book)).toBe(false);
    expect(Number.isNaN(s.mid)).toBe(true);
  });
});

describe('quoteWhatIf', () => {
  it('answers plain JSON with the offsets, takers, quotes and the derived liquidation start', () => {
    const w = quoteWhatIf(
      { ...DEFAULT_PARAMS, max_position: 3 },
      { mid: 100, inventory: 2.7, adverse_selection: 0, spread_bps: 2, imbalance: 0.5 },
      MARKET,
    );
    expect(w.offsets_bps.bid).toBeCloseTo(11.3, 10);
    expect(w.offsets_bps.ask).toBeCloseTo(6.8, 10);
    expect(w.taker_rates.sell).toBeCloseTo(0.29, 10);
    expect(w.bid).toEqual({ price: 99.88, size: 0.3 });
    expect(w.ask).toEqual({ price: 100.07, size: 0.3 });
    expect(w.liquidation_start_inventory).toBeCloseTo(Math.cbrt(0.7) * 3, 10);
    expect(w.mode).toBe('active');
    expect(JSON.parse(JSON.stringify(w))).toEqual(w);
  });
});
