/**
 * A seeded, deterministic simulated exchange in simulated time, implementing `Venue`: the synthetic
 * market (synthetic-market.ts), our orders in the local matcher (../matcher/local-matcher.ts: entry
 * and answer latency with jitter, post-only and reduce-only rules, queue position from adds and
 * cancels, fees and rebates, lost fills and refused cancels), the books on their way to us (market
 * data latency with jitter), and connection losses. Outside market orders walk the synthetic book
 * with our resting orders in its queues; a book that moves through an order fills it at its price
 * (the stale quote is picked off). Every market order, ours included, has price impact.
 *
 * Drive it with `advanceTo(t)` (or `processNext(limit)` one event at a time). Nothing here reads a
 * clock or a timer: a backtest runs as fast as the CPU allows. docs/SIMULATOR.md has the knobs.
 */
import { EPS } from '../../shared/eps.ts';
import { makerTakerFees } from '../matcher/fee-model.ts';
import { jitteredLatency } from '../matcher/latency-model.ts';
import { LocalMatcher, type RestingOrder } from '../matcher/local-matcher.ts';
import type { MatcherMarket } from '../matcher/matcher-market.ts';
import type { SimAccounting } from '../matcher/sim-accounting.ts';
import type { MarketSpec } from '../strategy/compute-quote.ts';
import { fromUnits } from '../strategy/tick-math.ts';
import { createBookView, type BookView } from '../venue/book-view.ts';
import type { OrderRequest, Side, Venue, VenueListener } from '../venue/venue.ts';
import { MarketDataRing } from './market-data-ring.ts';
import type { ScenarioKnobs } from './scenarios.ts';
import { SimRandom } from './sim-random.ts';
import { SyntheticMarket } from './synthetic-market.ts';

/** Random streams of the exchange's own processes (the market's are 0–4): none shifts another. */
const STREAM = { orderLatency: 5, faults: 6, connection: 7, feedLatency: 8 } as const;

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
  /** The market steps: new efficient price, adds and cancels. */
  MarketStep: 4,
  /** The connection drops, or comes back. */
  Connection: 5,
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
  /** Connection losses so far. */
  disconnects = 0;
  /** The market process (price, signal, displayed book, outside flow). */
  readonly synthetic: SyntheticMarket;

  #levels: number;
  #invTick: number;
  #knobs: ScenarioKnobs;
  #stepMs: number;
  #matcher: LocalMatcher;
  #md: MarketDataRing;
  #view: BookView;
  #listener: VenueListener | null = null;
  #nextStepAt: number;
  #nextOrderAt: number;
  #nextConnectionAt: number;
  #connected = true;
  #referenceMid = Number.NaN;
  #rFeed: SimRandom;
  #rConnection: SimRandom;
  #toPrice = (ticks: number): number => fromUnits(ticks, this.market.tick);

  /** `maxRetainedFills` bounds the fill list of a long-running live loop (reports use running sums). */
  constructor(knobs: ScenarioKnobs, seed: number, startTime = 0, maxRetainedFills = Number.POSITIVE_INFINITY) {
    this.market = { tick: knobs.tick, lot: knobs.lot };
    this.#levels = knobs.levels;
    this.#invTick = 1 / knobs.tick;
    // Latencies, fees, faults and the step are venue rules: a regime switch never changes them.
    this.#knobs = knobs;
    this.#stepMs = knobs.stepMs;
    this.now = startTime;
    this.synthetic = new SyntheticMarket(knobs, seed, startTime);
    const rOrder = new SimRandom(seed, STREAM.orderLatency);
    const rFaults = new SimRandom(seed, STREAM.faults);
    this.#rFeed = new SimRandom(seed, STREAM.feedLatency);
    this.#rConnection = new SimRandom(seed, STREAM.connection);
    this.#matcher = new LocalMatcher({
      symbol: this.symbol,
      spec: this.market,
      market: this.#matcherMarket(),
      clock: { now: () => this.now },
      latency: jitteredLatency(knobs.orderLatencyMs, knobs.orderLatencyJitterMs, () => rOrder.uniform()),
      fees: makerTakerFees(knobs.makerFeeBps, knobs.takerFeeBps),
      fillIdPrefix: 'sim',
      startTime,
      maxRetainedFills,
      faults: { fillDropRate: knobs.fillDropRate, cancelRejectRate: knobs.cancelRejectRate, uniform: () => rFaults.uniform() },
    });
    this.accounting = this.#matcher.accounting;
    this.#md = new MarketDataRing(this.#levels);
    this.#view = createBookView(this.#levels);
    this.#nextStepAt = startTime + knobs.stepMs;
    this.#nextOrderAt = startTime + this.synthetic.interArrival();
    this.#nextConnectionAt = startTime + this.#timeToDisconnect();
    this.#emitBook();
  }

  /** The latent signal z now (tests and diagnostics). */
  get signal(): number {
    return this.synthetic.signal;
  }

  /** False during a simulated connection loss. */
  get connected(): boolean {
    return this.#connected;
  }

  /** Fill messages the venue lost (`fillDropRate`). */
  get droppedFills(): number {
    return this.#matcher.droppedFills;
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

  /** The efficient price now (the market's fair value; markouts against it do not bounce). */
  fair(): number {
    return this.synthetic.fair / this.#invTick;
  }

  /** Displayed size at a price on one side, as the exchange sees it now (0 inside the spread). */
  displayedAt(side: Side, price: number): number {
    return this.synthetic.displayedAt(side === 'buy', Math.round(price * this.#invTick));
  }

  /** Best bid with size shown. */
  bestBid(): number {
    return this.#toPrice(this.synthetic.shownBidTick());
  }

  /** Best ask with size shown. */
  bestAsk(): number {
    return this.#toPrice(this.synthetic.shownAskTick());
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
    const bookAt = this.#md.peekTime();
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
    if (this.#nextConnectionAt < t) {
      t = this.#nextConnectionAt;
      next = NextEvent.Connection;
    }
    if (t > limit) return false;
    // The books are marked with the prices that held until now, before this event changes them.
    this.accounting.advance(t, this.mid(), this.fair());
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
      case NextEvent.Connection:
        this.#toggleConnection();
        break;
    }
    return true;
  }

  /** An outside aggressor trades up to `size` at once, our resting orders included; returns the volume. */
  submitMarketOrder(side: Side, size: number): number {
    this.#referenceMid = this.mid();
    const traded = this.#walk(side, size, side === 'buy' ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY, true);
    this.#referenceMid = Number.NaN;
    this.marketVolume += traded;
    this.synthetic.impact(side === 'buy' ? traded : -traded);
    this.#emitBook();
    return traded;
  }

  // ---- the market -----------------------------------------------------------------------------

  /** The synthetic book as the matcher sees it: there while connected, and our takers consume it. */
  #matcherMarket(): MatcherMarket {
    return {
      ready: () => this.#connected,
      bestBid: () => this.bestBid(),
      bestAsk: () => this.bestAsk(),
      mid: () => this.mid(),
      referenceMid: () => this.#referenceMid,
      fair: () => this.fair(),
      displayedAt: (side, price) => this.displayedAt(side, price),
      take: (side, size, limitPrice, onTrade) => {
        this.#referenceMid = this.mid();
        const traded = this.#walk(side, size, Math.round(limitPrice * this.#invTick), false, onTrade);
        this.#referenceMid = Number.NaN;
        this.synthetic.impact(side === 'buy' ? traded : -traded);
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
    const synthetic = this.synthetic;
    const sizes = buying ? synthetic.askSz : synthetic.bidSz;
    const best = buying ? synthetic.bestAskTick : synthetic.bestBidTick;
    const matcher = this.#matcher;
    let left = size;
    if (withOurs) left = matcher.tradeThrough(side, buying ? this.bestAsk() : this.bestBid(), left);
    for (let lvl = 0; lvl < this.#levels && left > EPS; lvl++) {
      const tick = buying ? best + lvl : best - lvl;
      if (buying ? tick > limitTick : tick < limitTick) break;
      let avail = sizes[lvl]!;
      if (withOurs) {
        left = matcher.tradeAt(side, this.#toPrice(tick), left);
        // The displayed size ahead of our orders traded too: it leaves the level (never below 0).
        avail = Math.max(0, avail - matcher.queueTraded);
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

  #timeToDisconnect(): number {
    const perHour = this.#knobs.disconnectsPerHour;
    return perHour > 0 ? this.#rConnection.exponential(3_600_000 / perHour) : Number.POSITIVE_INFINITY;
  }

  /**
   * A connection loss: answers already on their way arrive, the venue cancels our resting orders
   * (cancel-on-disconnect), books stop reaching us and orders are refused until it comes back.
   */
  #toggleConnection(): void {
    if (this.#connected) {
      this.#connected = false;
      this.disconnects++;
      this.#matcher.cancelAllNow();
      this.#listener?.onConnectionChange(false);
      this.#nextConnectionAt = this.now + this.#knobs.disconnectMs;
    } else {
      this.#connected = true;
      this.#listener?.onConnectionChange(true);
      this.#nextConnectionAt = this.now + this.#timeToDisconnect();
    }
  }

  #emitBook(): void {
    if (this.#md.isFull()) this.#deliverBook();
    const k = this.#knobs;
    const due = this.now + k.marketDataLatencyMs + (k.marketDataJitterMs > 0 ? this.#rFeed.exponential(k.marketDataJitterMs) : 0);
    const s = this.synthetic;
    this.#md.push(this.now, due, s.bestBidTick, s.bestAskTick, s.bidSz, s.askSz);
  }

  #deliverBook(): void {
    this.#md.popInto(this.#view, this.#toPrice);
    // A book sent while the connection was down never reaches us.
    if (this.#connected) this.#listener?.onBook(this.#view);
  }
}
