/**
 * A seeded, deterministic simulated exchange in simulated time, implementing `Venue`: the synthetic
 * market (synthetic-market.ts) plus our orders and the messages between us and the exchange.
 *
 * Our orders: entry, cancel and answers delayed by `orderLatencyMs`, books by `marketDataLatencyMs`.
 * A post-only order that would cross is rejected. Resting orders fill by the maker queue model the
 * paper venue uses too (maker-queue.ts): behind the displayed size at the price, the queue ahead
 * consumed first and only ever shrinking; a book that moves through the order fills it at its price
 * (the stale quote is picked off). Maker and taker fees from the scenario.
 *
 * Drive it with `advanceTo(t)` (or `processNext(limit)` one event at a time). Nothing here reads a
 * clock or a timer: a backtest runs as fast as the CPU allows.
 */
import type { MarketSpec } from '../strategy/compute-quote.ts';
import { fromUnits } from '../strategy/tick-math.ts';
import { createBookView, type BookView } from '../venue/book-view.ts';
import { fillFromBook, fillFromTrade } from '../venue/maker-queue.ts';
import type { EndReason, Fill, OrderRequest, RejectReason, Side, Venue, VenueListener } from '../venue/venue.ts';
import { MarketDataRing } from './market-data-ring.ts';
import type { ScenarioKnobs } from './scenarios.ts';
import { SimAccounting } from './sim-accounting.ts';
import { SyntheticMarket } from './synthetic-market.ts';
import { TimedQueue } from './timed-queue.ts';

type Inbound = { kind: 'place'; order: OrderRequest } | { kind: 'cancel'; id: number } | { kind: 'position' };
type Outbound =
  | { kind: 'accepted'; id: number }
  | { kind: 'rejected'; id: number; reason: RejectReason }
  | { kind: 'ended'; id: number; reason: EndReason }
  | { kind: 'cancel_rejected'; id: number; reason: string }
  | { kind: 'fill'; fill: Fill }
  | { kind: 'position'; position: number };

interface SimOrder {
  id: number;
  side: Side;
  tick: number;
  price: number;
  size: number;
  remaining: number;
  /** Displayed size ahead of us at our price. */
  queueAhead: number;
}

const NO_LISTENER: VenueListener = {
  onBook() {},
  onOrderAccepted() {},
  onOrderRejected() {},
  onOrderEnded() {},
  onCancelRejected() {},
  onFill() {},
  onPosition() {},
  onConnectionChange() {},
};

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

  private readonly levels: number;
  private readonly invTick: number;
  private listener: VenueListener = NO_LISTENER;
  private readonly bidSz: Float64Array;
  private readonly askSz: Float64Array;
  private readonly resting: SimOrder[] = [];
  private readonly inbound = new TimedQueue<Inbound>();
  private readonly outbound = new TimedQueue<Outbound>();
  private readonly md: MarketDataRing;
  private readonly view: BookView;
  private nextStepAt: number;
  private nextOrderAt: number;
  private fillSeq = 0;
  private readonly toPrice = (ticks: number): number => fromUnits(ticks, this.market.tick);

  /** `maxRetainedFills` bounds the fill list of a long-running live loop (reports use running sums). */
  constructor(knobs: ScenarioKnobs, seed: number, startTime = 0, maxRetainedFills = Number.POSITIVE_INFINITY) {
    this.market = { tick: knobs.tick, lot: knobs.lot };
    this.levels = knobs.levels;
    this.invTick = 1 / knobs.tick;
    this.now = startTime;
    this.accounting = new SimAccounting(startTime, maxRetainedFills);
    this.synthetic = new SyntheticMarket(knobs, seed, startTime);
    this.bidSz = this.synthetic.bidSz;
    this.askSz = this.synthetic.askSz;
    this.md = new MarketDataRing(this.levels);
    this.view = createBookView(this.levels);
    this.nextStepAt = startTime + knobs.stepMs;
    this.nextOrderAt = startTime + this.synthetic.interArrival();
    this.emitBook();
  }

  /** The latent signal z now (tests and diagnostics). */
  get signal(): number {
    return this.synthetic.signal;
  }

  setListener(listener: VenueListener): void {
    this.listener = listener;
  }

  place(order: OrderRequest): void {
    this.inbound.push(this.now + this.synthetic.k.orderLatencyMs, { kind: 'place', order });
  }

  cancel(orderId: number): void {
    this.inbound.push(this.now + this.synthetic.k.orderLatencyMs, { kind: 'cancel', id: orderId });
  }

  requestPosition(): void {
    this.inbound.push(this.now + this.synthetic.k.orderLatencyMs, { kind: 'position' });
  }

  /** The exchange's current mid (what the books are marked to). */
  mid(): number {
    return this.synthetic.midTicks() / this.invTick;
  }

  /** Displayed size at a price on one side, as the exchange sees it now (0 inside the spread). */
  displayedAt(side: Side, price: number): number {
    return this.synthetic.displayedAt(side === 'buy', Math.round(price * this.invTick));
  }

  bestBid(): number {
    return this.toPrice(this.synthetic.bestBidTick);
  }

  bestAsk(): number {
    return this.toPrice(this.synthetic.bestAskTick);
  }

  restingOrders(): readonly Readonly<SimOrder>[] {
    return this.resting;
  }

  /** Processes every event up to and including `time`, then sets the clock to `time`. */
  advanceTo(time: number): void {
    while (this.processNext(time));
    if (time > this.now) this.now = time;
  }

  /** Processes the next event if it is due at or before `limit`; false when none is. */
  processNext(limit: number): boolean {
    const tOut = this.outbound.peekTime();
    const tMd = this.md.peekTime() + this.synthetic.k.marketDataLatencyMs;
    const tIn = this.inbound.peekTime();
    let t = tOut;
    let kind = 0;
    if (tMd < t) (t = tMd), (kind = 1);
    if (tIn < t) (t = tIn), (kind = 2);
    if (this.nextOrderAt < t) (t = this.nextOrderAt), (kind = 3);
    if (this.nextStepAt < t) (t = this.nextStepAt), (kind = 4);
    if (t > limit) return false;
    // The books are marked with the mid that held until now, before this event changes it.
    this.accounting.advance(t, this.mid());
    this.now = t;
    this.events++;
    switch (kind) {
      case 0:
        this.deliver(this.outbound.shift());
        break;
      case 1:
        this.deliverBook();
        break;
      case 2:
        this.receive(this.inbound.shift());
        break;
      case 3:
        this.outsideMarketOrder();
        this.nextOrderAt = t + this.synthetic.interArrival();
        break;
      default:
        this.synthetic.step(t);
        this.sweepAndRequeue();
        this.emitBook();
        this.nextStepAt = t + this.synthetic.k.stepMs;
    }
    return true;
  }

  // ---- matching ---------------------------------------------------------------------------

  /** Orders the new book has crossed fill at their price; the rest keep at most the new depth ahead. */
  private sweepAndRequeue(): void {
    const bestBid = this.bestBid();
    const bestAsk = this.bestAsk();
    for (let i = this.resting.length - 1; i >= 0; i--) {
      const o = this.resting[i]!;
      this.settleMaker(o, fillFromBook(o, bestBid, bestAsk, this.synthetic.displayedAt(o.side === 'buy', o.tick)));
    }
  }

  private outsideMarketOrder(): void {
    const signed = this.synthetic.drawMarketOrder();
    this.submitMarketOrder(signed > 0 ? 'buy' : 'sell', Math.abs(signed));
  }

  /** An outside aggressor trades up to `size` at once, our resting orders included; returns the volume. */
  submitMarketOrder(side: Side, size: number): number {
    const traded = this.walk(side, size, side === 'buy' ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY, true);
    this.marketVolume += traded;
    this.emitBook();
    return traded;
  }

  /**
   * An aggressor of `side` trades up to `size` against the book (limit in ticks), our resting
   * orders included when `withOurs` (a market order) and not when the aggressor is us (no
   * self-trade). Returns the volume traded.
   */
  private walk(
    side: Side,
    size: number,
    limitTick: number,
    withOurs: boolean,
    onTrade?: (tick: number, qty: number) => void,
  ): number {
    const buying = side === 'buy';
    const sizes = buying ? this.askSz : this.bidSz;
    const best = buying ? this.synthetic.bestAskTick : this.synthetic.bestBidTick;
    let left = size;
    if (withOurs) left = this.fillInsideSpread(buying, left);
    for (let lvl = 0; lvl < this.levels && left > 1e-12; lvl++) {
      const tick = buying ? best + lvl : best - lvl;
      if (buying ? tick > limitTick : tick < limitTick) break;
      let avail = sizes[lvl]!;
      if (withOurs) {
        const price = this.toPrice(tick);
        for (let i = 0; i < this.resting.length && left > 1e-12; i++) {
          const o = this.resting[i]!;
          if (o.tick !== tick || o.side === side) continue;
          const aheadBefore = o.queueAhead;
          const mine = fillFromTrade(o, side, price, left);
          // The displayed size ahead of us traded too: it leaves the level.
          const ahead = aheadBefore - o.queueAhead;
          avail -= ahead;
          left -= ahead + mine;
          if (this.settleMaker(o, mine)) i--;
        }
      }
      const taken = Math.min(left, avail);
      if (taken > 0) {
        sizes[lvl] = avail - taken;
        left -= taken;
        onTrade?.(tick, taken);
      } else sizes[lvl] = avail;
    }
    return size - Math.max(0, left);
  }

  /** Our orders priced better than the displayed best are first in line for an aggressor. */
  private fillInsideSpread(buying: boolean, left: number): number {
    const side: Side = buying ? 'buy' : 'sell';
    const bestPrice = buying ? this.bestAsk() : this.bestBid();
    for (let i = 0; i < this.resting.length && left > 1e-12; i++) {
      const o = this.resting[i]!;
      const inside = buying
        ? o.side === 'sell' && o.tick < this.synthetic.bestAskTick
        : o.side === 'buy' && o.tick > this.synthetic.bestBidTick;
      if (!inside) continue;
      // A trade at the displayed best went through our better price: we were hit first.
      const mine = fillFromTrade(o, side, bestPrice, left);
      left -= mine;
      if (this.settleMaker(o, mine)) i--;
    }
    return left;
  }

  private emitBook(): void {
    if (this.md.isFull()) this.deliverBook();
    this.md.push(this.now, this.synthetic.bestBidTick, this.synthetic.bestAskTick, this.bidSz, this.askSz);
  }

  // ---- our orders ---------------------------------------------------------------------------

  private receive(msg: Inbound): void {
    switch (msg.kind) {
      case 'place':
        this.accept(msg.order);
        break;
      case 'cancel': {
        const i = this.resting.findIndex((o) => o.id === msg.id);
        if (i < 0) {
          this.reply({ kind: 'cancel_rejected', id: msg.id, reason: 'unknown order (already filled or cancelled)' });
        } else {
          this.resting.splice(i, 1);
          this.reply({ kind: 'ended', id: msg.id, reason: 'cancelled' });
        }
        break;
      }
      case 'position':
        this.reply({ kind: 'position', position: this.accounting.position });
        break;
    }
  }

  private accept(req: OrderRequest): void {
    const tick = Math.round(req.price * this.invTick);
    const buying = req.side === 'buy';
    if (!(req.size > 0) || !Number.isFinite(req.price) || req.price <= 0) {
      this.reply({ kind: 'rejected', id: req.id, reason: 'invalid_order' });
      return;
    }
    if (req.type === 'ioc') {
      const pos = this.accounting.position;
      let size = req.size;
      if (req.reduceOnly) {
        if (buying ? pos >= 0 : pos <= 0) {
          this.reply({ kind: 'rejected', id: req.id, reason: 'reduce_only_would_increase' });
          return;
        }
        size = Math.min(size, Math.abs(pos));
      }
      this.reply({ kind: 'accepted', id: req.id });
      let filled = 0;
      this.walk(req.side, size, tick, false, (atTick, qty) => {
        filled += qty;
        this.takerFill(req, atTick, qty);
      });
      this.reply({ kind: 'ended', id: req.id, reason: filled >= req.size - 1e-12 ? 'filled' : 'expired' });
      this.emitBook();
      return;
    }
    if (buying ? tick >= this.synthetic.bestAskTick : tick <= this.synthetic.bestBidTick) {
      this.reply({ kind: 'rejected', id: req.id, reason: 'post_only_would_cross' });
      return;
    }
    // On the tick grid exactly, so the queue model's price comparisons are exact.
    this.resting.push({
      id: req.id,
      side: req.side,
      tick,
      price: this.toPrice(tick),
      size: req.size,
      remaining: req.size,
      queueAhead: this.displayedAt(req.side, req.price),
    });
    this.reply({ kind: 'accepted', id: req.id });
  }

  /**
   * Books a maker fill of `qty` the queue model already took off `o.remaining`; returns true when
   * it removed the order (fully filled).
   */
  private settleMaker(o: SimOrder, qty: number): boolean {
    if (qty <= 1e-12) return false;
    o.remaining = Math.round(o.remaining * 1e9) / 1e9;
    this.book(o.id, o.side, o.price, qty, 'maker');
    if (o.remaining > 1e-12) return false;
    this.resting.splice(this.resting.indexOf(o), 1);
    this.reply({ kind: 'ended', id: o.id, reason: 'filled' });
    return true;
  }

  private takerFill(req: OrderRequest, tick: number, qty: number): void {
    this.book(req.id, req.side, this.toPrice(tick), qty, 'taker');
  }

  private book(orderId: number, side: Side, price: number, size: number, liquidity: 'maker' | 'taker'): void {
    const fee = (price * size * (liquidity === 'maker' ? this.synthetic.k.makerFeeBps : this.synthetic.k.takerFeeBps)) / 1e4;
    const time = this.now;
    this.accounting.recordFill({ time, orderId, side, price, size, fee, liquidity, midAtFill: this.mid() });
    this.fillSeq++;
    this.reply({
      kind: 'fill',
      fill: { fillId: `sim-${this.fillSeq}`, orderId, symbol: this.symbol, side, price, size, fee, liquidity, time },
    });
  }

  private reply(msg: Outbound): void {
    this.outbound.push(this.now + this.synthetic.k.orderLatencyMs, msg);
  }

  private deliver(msg: Outbound): void {
    const l = this.listener;
    switch (msg.kind) {
      case 'accepted':
        return l.onOrderAccepted(msg.id);
      case 'rejected':
        return l.onOrderRejected(msg.id, msg.reason);
      case 'ended':
        return l.onOrderEnded(msg.id, msg.reason);
      case 'cancel_rejected':
        return l.onCancelRejected(msg.id, msg.reason);
      case 'fill':
        return l.onFill(msg.fill);
      case 'position':
        return l.onPosition(this.symbol, msg.position);
    }
  }

  private deliverBook(): void {
    this.md.popInto(this.view, this.toPrice);
    this.listener.onBook(this.view);
  }
}
