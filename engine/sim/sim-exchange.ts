/**
 * A seeded, deterministic simulated exchange in simulated time, implementing `Venue`: the synthetic
 * market (synthetic-market.ts), our orders in the local matcher (../matcher/local-matcher.ts: entry
 * and answer latency, post-only and reduce-only rules, queue position, fees), and the books on
 * their way to us (`marketDataLatencyMs`). Outside market orders walk the synthetic book with our
 * resting orders in its queues; a book that moves through an order fills it at its price (the
 * stale quote is picked off).
 *
 * Drive it with `advanceTo(t)` (or `processNext(limit)` one event at a time). Nothing here reads a
 * clock or a timer: a backtest runs as fast as the CPU allows.
 */
import { EPS } from '../../shared/eps.ts';
import { makerTakerFees } from '../matcher/fee-model.ts';
import { constantLatency } from '../matcher/latency-model.ts';
import { LocalMatcher, type RestingOrder } from '../matcher/local-matcher.ts';
import type { MatcherMarket } from '../matcher/matcher-market.ts';
import type { SimAccounting } from '../matcher/sim-accounting.ts';
import type { MarketSpec } from '../strategy/compute-quote.ts';
import { fromUnits } from '../strategy/tick-math.ts';
import { createBookView, type BookView } from '../venue/book-view.ts';
import type { OrderRequest, Side, Venue, VenueListener } from '../venue/venue.ts';
import { MarketDataRing } from './market-data-ring.ts';
import type { ScenarioKnobs } from './scenarios.ts';
import { SyntheticMarket } from './synthetic-market.ts';

/**
 * The kinds of event the simulator interleaves. `processNext` runs the earliest; on a tie the
 * earlier kind in this list goes first (an answer before a book, a book before our next message).
 * Small integers, not strings: this choice is made for every event of a simulated day.
 */
const NextEvent = {
  /** An answer of the matcher reaches us. */
  Reply: 0,
  /** A delayed book snapshot reaches us. */
  Book: 1,
  /** One of our messages reaches the matcher. */
  Entry: 2,
  /** An outside market order arrives. */
  OutsideOrder: 3,
  /** The market steps: new efficient price, fresh book. */
  MarketStep: 4,
} as const;
type NextEvent = (typeof NextEvent)[keyof typeof NextEvent];

export class SimExchange implements Venue {
  readonly symbol = 'SIM';
  readonly market: MarketSpec;
  readonly accounting: SimAccounting;
  /** Simulated time, ms. */
  now: number;
  /** Events processed so far (steps, market orders, messages each way). */
  events = 0;
  /** Market-order volume traded (all participants), for reports. */
  marketVolume = 0;
  /** The market process (price, signal, displayed book, outside flow). */
  readonly synthetic: SyntheticMarket;

  #levels: number;
  #invTick: number;
  #marketDataLatencyMs: number;
  #stepMs: number;
  #bidSz: Float64Array;
  #askSz: Float64Array;
  #matcher: LocalMatcher;
  #md: MarketDataRing;
  #view: BookView;
  #listener: VenueListener | null = null;
  #nextStepAt: number;
  #nextOrderAt: number;
  #toPrice = (ticks: number): number => fromUnits(ticks, this.market.tick);

  /** `maxRetainedFills` bounds the fill list of a long-running live loop (reports use running sums). */
  constructor(knobs: ScenarioKnobs, seed: number, startTime = 0, maxRetainedFills = Number.POSITIVE_INFINITY) {
    this.market = { tick: knobs.tick, lot: knobs.lot };
    this.#levels = knobs.levels;
    this.#invTick = 1 / knobs.tick;
    // Latencies, fees and the step are venue rules: a regime switch never changes them.
    this.#marketDataLatencyMs = knobs.marketDataLatencyMs;
    this.#stepMs = knobs.stepMs;
    this.now = startTime;
    this.synthetic = new SyntheticMarket(knobs, seed, startTime);
    this.#bidSz = this.synthetic.bidSz;
    this.#askSz = this.synthetic.askSz;
    this.#matcher = new LocalMatcher({
      symbol: this.symbol,
      spec: this.market,
      market: this.#matcherMarket(),
      clock: { now: () => this.now },
      latency: constantLatency(knobs.orderLatencyMs),
      fees: makerTakerFees(knobs.makerFeeBps, knobs.takerFeeBps),
      fillIdPrefix: 'sim',
      startTime,
      maxRetainedFills,
    });
    this.accounting = this.#matcher.accounting;
    this.#md = new MarketDataRing(this.#levels);
    this.#view = createBookView(this.#levels);
    this.#nextStepAt = startTime + knobs.stepMs;
    this.#nextOrderAt = startTime + this.synthetic.interArrival();
    this.#emitBook();
  }

  /** The latent signal z now (tests and diagnostics). */
  get signal(): number {
    return this.synthetic.signal;
  }

  setListener(listener: VenueListener): void {
    this.#listener = listener;
    this.#matcher.setListener(listener);
  }

  place(order: OrderRequest): void {
    this.#matcher.place(order);
  }

  cancel(orderId: number): void {
    this.#matcher.cancel(orderId);
  }

  requestPosition(): void {
    this.#matcher.requestPosition();
  }

  /** The exchange's current mid (what the books are marked to). */
  mid(): number {
    return this.synthetic.midTicks() / this.#invTick;
  }

  /** Displayed size at a price on one side, as the exchange sees it now (0 inside the spread). */
  displayedAt(side: Side, price: number): number {
    return this.synthetic.displayedAt(side === 'buy', Math.round(price * this.#invTick));
  }

  bestBid(): number {
    return this.#toPrice(this.synthetic.bestBidTick);
  }

  bestAsk(): number {
    return this.#toPrice(this.synthetic.bestAskTick);
  }

  restingOrders(): readonly Readonly<RestingOrder>[] {
    return this.#matcher.restingOrders();
  }

  /** Processes every event up to and including `time`, then sets the clock to `time`. */
  advanceTo(time: number): void {
    while (this.processNext(time));
    if (time > this.now) this.now = time;
  }

  /** Processes the next event if it is due at or before `limit`; false when none is. */
  processNext(limit: number): boolean {
    const matcher = this.#matcher;
    let t = matcher.nextReplyAt();
    let next: NextEvent = NextEvent.Reply;
    const bookAt = this.#md.peekTime() + this.#marketDataLatencyMs;
    if (bookAt < t) {
      t = bookAt;
      next = NextEvent.Book;
    }
    const entryAt = matcher.nextEntryAt();
    if (entryAt < t) {
      t = entryAt;
      next = NextEvent.Entry;
    }
    if (this.#nextOrderAt < t) {
      t = this.#nextOrderAt;
      next = NextEvent.OutsideOrder;
    }
    if (this.#nextStepAt < t) {
      t = this.#nextStepAt;
      next = NextEvent.MarketStep;
    }
    if (t > limit) return false;
    // The books are marked with the mid that held until now, before this event changes it.
    this.accounting.advance(t, this.mid());
    this.now = t;
    this.events++;
    switch (next) {
      case NextEvent.Reply:
        matcher.deliverReply();
        break;
      case NextEvent.Book:
        this.#deliverBook();
        break;
      case NextEvent.Entry:
        matcher.processEntry();
        break;
      case NextEvent.OutsideOrder:
        this.#outsideMarketOrder();
        this.#nextOrderAt = t + this.synthetic.interArrival();
        break;
      case NextEvent.MarketStep:
        this.synthetic.step(t);
        matcher.onBook();
        this.#emitBook();
        this.#nextStepAt = t + this.#stepMs;
        break;
    }
    return true;
  }

  /** An outside aggressor trades up to `size` at once, our resting orders included; returns the volume. */
  submitMarketOrder(side: Side, size: number): number {
    const traded = this.#walk(side, size, side === 'buy' ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY, true);
    this.marketVolume += traded;
    this.#emitBook();
    return traded;
  }

  // ---- the market -----------------------------------------------------------------------------

  /** The synthetic book as the matcher sees it: always there, and our takers consume it. */
  #matcherMarket(): MatcherMarket {
    return {
      ready: () => true,
      bestBid: () => this.bestBid(),
      bestAsk: () => this.bestAsk(),
      mid: () => this.mid(),
      displayedAt: (side, price) => this.displayedAt(side, price),
      take: (side, size, limitPrice, onTrade) => {
        this.#walk(side, size, Math.round(limitPrice * this.#invTick), false, onTrade);
        this.#emitBook();
      },
    };
  }

  #outsideMarketOrder(): void {
    const signed = this.synthetic.drawMarketOrder();
    this.submitMarketOrder(signed > 0 ? 'buy' : 'sell', Math.abs(signed));
  }

  /**
   * An aggressor of `side` trades up to `size` against the book (limit in ticks), our resting
   * orders included when `withOurs` (a market order: ours priced inside the spread first, then at
   * each level behind the displayed size ahead of them) and not when the aggressor is us (no
   * self-trade). Returns the volume traded.
   */
  #walk(side: Side, size: number, limitTick: number, withOurs: boolean, onTrade?: (price: number, qty: number) => void): number {
    const buying = side === 'buy';
    const sizes = buying ? this.#askSz : this.#bidSz;
    const best = buying ? this.synthetic.bestAskTick : this.synthetic.bestBidTick;
    const matcher = this.#matcher;
    let left = size;
    if (withOurs) left = matcher.tradeThrough(side, buying ? this.bestAsk() : this.bestBid(), left);
    for (let lvl = 0; lvl < this.#levels && left > EPS; lvl++) {
      const tick = buying ? best + lvl : best - lvl;
      if (buying ? tick > limitTick : tick < limitTick) break;
      let avail = sizes[lvl]!;
      if (withOurs) {
        left = matcher.tradeAt(side, this.#toPrice(tick), left);
        // The displayed size ahead of our orders traded too: it leaves the level.
        avail -= matcher.queueTraded;
      }
      const taken = Math.min(left, avail);
      if (taken > 0) {
        sizes[lvl] = avail - taken;
        left -= taken;
        onTrade?.(this.#toPrice(tick), taken);
      } else sizes[lvl] = avail;
    }
    return size - Math.max(0, left);
  }

  #emitBook(): void {
    if (this.#md.isFull()) this.#deliverBook();
    this.#md.push(this.now, this.synthetic.bestBidTick, this.synthetic.bestAskTick, this.#bidSz, this.#askSz);
  }

  #deliverBook(): void {
    this.#md.popInto(this.#view, this.#toPrice);
    this.#listener?.onBook(this.#view);
  }
}
