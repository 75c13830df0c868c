/**
 * The one local matcher: the exchange's side of our orders wherever the exchange is simulated
 * (the `sim` venue over its synthetic market, the `paper` venue over a real feed). After
 * hftbacktest's split, it holds the order-entry rules and our resting orders; the market it
 * matches against (`MatcherMarket`), the queue model, the fee model and the latency model are
 * separate, swappable pieces.
 *
 * Rules, the same for every venue that uses it:
 * - An order, a cancel or a position request reaches the matcher after the latency model's
 *   `entry` delay; every answer (accepted, rejected, ended, cancel refused, fill, position)
 *   reaches us after its `response` delay. The two venues used to differ here (paper answered the
 *   moment an order arrived); both now pay the round trip, because a real venue does too and a
 *   strategy tuned on a one-way delay would be tuned on a faster venue than it trades on.
 * - Rejections, checked in this order: `disconnected` (the market has no book: feed down or not
 *   yet received), `invalid_order` (size not > 0, price not a positive finite number), then for an
 *   IOC `reduce_only_would_increase`, for a post-only order `post_only_would_cross`. Both venues
 *   now know all four (the simulator had no `disconnected`, paper no `invalid_order`).
 * - Prices are snapped to the market's tick grid on arrival, so the queue model's price
 *   comparisons are exact.
 * - IOC: trades against the market's displayed book up to its limit; reduce-only caps the size at
 *   |position| and is rejected when it would not reduce. `filled` only when the whole requested
 *   size traded; a capped or partial remainder ends `expired`.
 * - Post-only: rejected if it would cross, else rests behind the displayed size at its price and
 *   fills by the queue model, on trades (`tradeThrough`, `tradeAt`, `onTrade`) and on books
 *   (`onBook`); sizes stay on the 1e-9 grid.
 * - Cancel: ends the order `cancelled`, or is refused for an order no longer resting.
 *
 * The matcher keeps the exchange-side books of our account (`accounting`). It reads time only
 * through the injected clock, and holds no timer: the venue decides when due messages are
 * processed (`processDue`, or one at a time with `processEntry`/`deliverReply` in the simulator's
 * event loop).
 */
import type { Clock } from '../../shared/clock.ts';
import { EPS, roundToGrid } from '../../shared/eps.ts';
import type { MarketSpec } from '../strategy/compute-quote.ts';
import { fromUnits } from '../strategy/tick-math.ts';
import type { EndReason, Fill, OrderRequest, RejectReason, Side, VenueListener } from '../venue/venue.ts';
import type { FeeModel, Liquidity } from './fee-model.ts';
import type { LatencyModel } from './latency-model.ts';
import { makerQueue } from './maker-queue.ts';
import type { MatcherMarket } from './matcher-market.ts';
import type { QueuedOrder, QueueModel } from './queue-model.ts';
import { SimAccounting } from './sim-accounting.ts';
import { TimedQueue } from './timed-queue.ts';

/** What we send the matcher. */
type Entry = { kind: 'place'; order: OrderRequest } | { kind: 'cancel'; id: number } | { kind: 'position' };

/** What the matcher answers. */
type Reply =
  | { kind: 'accepted'; id: number }
  | { kind: 'rejected'; id: number; reason: RejectReason }
  | { kind: 'ended'; id: number; reason: EndReason }
  | { kind: 'cancel_rejected'; id: number; reason: string }
  | { kind: 'fill'; fill: Fill }
  | { kind: 'position'; position: number };

/** One of our resting maker orders, as the matcher holds it. */
export interface RestingOrder extends QueuedOrder {
  id: number;
  size: number;
  /** Matcher time the order started resting: a trade printed before it cannot have filled it. */
  restedAt: number;
}

export interface LocalMatcherOptions {
  symbol: string;
  /** Tick and lot of the market: prices are snapped to the tick. */
  spec: MarketSpec;
  market: MatcherMarket;
  /** Time of the matcher: simulated time in the simulator, the wall clock on paper. */
  clock: Pick<Clock, 'now'>;
  latency: LatencyModel;
  fees: FeeModel;
  queue?: QueueModel;
  /** Fill ids are `${fillIdPrefix}-${n}`. */
  fillIdPrefix: string;
  /** Start of the accounting's inventory integrals, ms. */
  startTime?: number;
  /** Bounds the accounting's fill list in a long-running loop (its figures are running sums). */
  maxRetainedFills?: number;
  /** Faults a real venue shows (the simulator's fault knobs); none by default. */
  faults?: MatcherFaults;
}

/** Faults of the venue's side, each drawn from `uniform` (a seeded stream in the simulator). */
export interface MatcherFaults {
  /** Share of fill messages lost: the fill happens at the venue (and in its position), we never hear of it. */
  fillDropRate: number;
  /** Share of cancels refused although the order rests (venue error, rate limit): it keeps resting. */
  cancelRejectRate: number;
  uniform: () => number;
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

const UNKNOWN_ORDER = 'unknown order (already filled or cancelled)';
const CANCEL_REFUSED = 'venue error: cancel not processed (simulated fault)';

export class LocalMatcher {
  readonly symbol: string;
  readonly accounting: SimAccounting;
  /**
   * Displayed size ahead of our orders that the last `tradeAt` consumed: a simulator that owns the
   * book takes it off the level too (the trade went through those orders before ours).
   */
  queueTraded = 0;
  #market: MatcherMarket;
  #clock: Pick<Clock, 'now'>;
  #latency: LatencyModel;
  #fees: FeeModel;
  #queue: QueueModel;
  /** Read per order, not cached: on paper the tick follows the price (Hyperliquid's 5 significant figures). */
  #spec: MarketSpec;
  #fillIdPrefix: string;
  #listener: VenueListener = NO_LISTENER;
  #resting: RestingOrder[] = [];
  #entries = new TimedQueue<Entry>();
  #replies = new TimedQueue<Reply>();
  #fillSeq = 0;
  #faults: MatcherFaults | null;
  /** Fill messages lost to `fillDropRate`. */
  droppedFills = 0;
  /** Cancels refused by `cancelRejectRate`. */
  refusedCancels = 0;

  constructor(options: LocalMatcherOptions) {
    this.symbol = options.symbol;
    this.#market = options.market;
    this.#clock = options.clock;
    this.#latency = options.latency;
    this.#fees = options.fees;
    this.#queue = options.queue ?? makerQueue;
    this.#spec = options.spec;
    this.#fillIdPrefix = options.fillIdPrefix;
    this.accounting = new SimAccounting(options.startTime ?? 0, options.maxRetainedFills ?? Number.POSITIVE_INFINITY);
    this.#faults = options.faults ?? null;
  }

  setListener(listener: VenueListener): void {
    this.#listener = listener;
  }

  restingOrders(): readonly Readonly<RestingOrder>[] {
    return this.#resting;
  }

  // ---- our messages in, answers out ---------------------------------------------------------

  place(order: OrderRequest): void {
    this.#send({ kind: 'place', order });
  }

  cancel(orderId: number): void {
    this.#send({ kind: 'cancel', id: orderId });
  }

  requestPosition(): void {
    this.#send({ kind: 'position' });
  }

  /** When the next message of ours reaches the matcher, ms (+∞ when none is on its way). */
  nextEntryAt(): number {
    return this.#entries.peekTime();
  }

  /** When the next answer reaches us, ms (+∞ when none is on its way). */
  nextReplyAt(): number {
    return this.#replies.peekTime();
  }

  /** Handles the next message of ours (call when `nextEntryAt()` is due). */
  processEntry(): void {
    this.#receive(this.#entries.shift());
  }

  /** Hands the next answer to the listener (call when `nextReplyAt()` is due). */
  deliverReply(): void {
    this.#deliver(this.#replies.shift());
  }

  /** Everything due at or before `now`, in time order; an answer goes before a message due at the same time. */
  processDue(now: number): void {
    for (;;) {
      const replyAt = this.#replies.peekTime();
      const entryAt = this.#entries.peekTime();
      if (replyAt <= entryAt) {
        if (replyAt > now) return;
        this.deliverReply();
      } else {
        if (entryAt > now) return;
        this.processEntry();
      }
    }
  }

  /**
   * Cancel-on-disconnect: the answers already on their way arrive first (fills that happened
   * before the loss must reach Q), then every resting order ends `cancelled`, all at once.
   */
  cancelAllNow(): void {
    while (this.#replies.size > 0) this.deliverReply();
    for (const o of this.#resting.splice(0)) this.#listener.onOrderEnded(o.id, 'cancelled');
  }

  // ---- market events ------------------------------------------------------------------------

  /** The market's book changed: orders it crossed fill at their price, the rest keep at most the displayed depth ahead. */
  onBook(): void {
    const market = this.#market;
    const bestBid = market.bestBid();
    const bestAsk = market.bestAsk();
    const resting = this.#resting;
    for (let i = resting.length - 1; i >= 0; i--) {
      const o = resting[i]!;
      this.#settle(o, this.#queue.onBook(o, bestBid, bestAsk, market.displayedAt(o.side, o.price)));
    }
  }

  /**
   * A trade printed on the market (paper): our orders it went through fill, then those at its price.
   * `time` is the trade's exchange time: only orders resting by then take part (a feed replays
   * recent trades on subscribe, and they happened before any order of ours rested).
   */
  onTrade(taker: Side, price: number, size: number, time = Number.POSITIVE_INFINITY): void {
    this.tradeAt(taker, price, this.tradeThrough(taker, price, size, time), time);
  }

  /**
   * A trade of `size` whose taker was on `taker`'s side went through `price`: our orders priced
   * better than it were first in line and fill first. Returns the size left.
   */
  tradeThrough(taker: Side, price: number, size: number, time = Number.POSITIVE_INFINITY): number {
    const resting = this.#resting;
    const buying = taker === 'buy';
    let left = size;
    for (let i = 0; i < resting.length && left > EPS; i++) {
      const o = resting[i]!;
      if (o.side === taker || o.restedAt > time || (buying ? o.price >= price : o.price <= price)) continue;
      const mine = this.#queue.onTrade(o, taker, price, left);
      left -= mine;
      if (this.#settle(o, mine)) i--;
    }
    return left;
  }

  /**
   * A trade of `size` at `price` meets our orders resting at exactly that price: the displayed
   * size ahead of them trades first (reported in `queueTraded`), then ours. Returns the size left.
   */
  tradeAt(taker: Side, price: number, size: number, time = Number.POSITIVE_INFINITY): number {
    const resting = this.#resting;
    let left = size;
    let aheadTraded = 0;
    for (let i = 0; i < resting.length && left > EPS; i++) {
      const o = resting[i]!;
      if (o.price !== price || o.side === taker || o.restedAt > time) continue;
      const aheadBefore = o.queueAhead;
      const mine = this.#queue.onTrade(o, taker, price, left);
      const ahead = aheadBefore - o.queueAhead;
      aheadTraded += ahead;
      left -= ahead + mine;
      if (this.#settle(o, mine)) i--;
    }
    this.queueTraded = aheadTraded;
    return left;
  }

  // ---- order entry --------------------------------------------------------------------------

  #send(entry: Entry): void {
    const now = this.#clock.now();
    this.#entries.push(now + this.#latency.entry(now), entry);
  }

  #reply(reply: Reply): void {
    const now = this.#clock.now();
    this.#replies.push(now + this.#latency.response(now), reply);
  }

  #receive(entry: Entry): void {
    switch (entry.kind) {
      case 'place':
        this.#accept(entry.order);
        break;
      case 'cancel': {
        const i = this.#resting.findIndex((o) => o.id === entry.id);
        if (i < 0) {
          this.#reply({ kind: 'cancel_rejected', id: entry.id, reason: UNKNOWN_ORDER });
        } else if (
          this.#faults !== null &&
          this.#faults.cancelRejectRate > 0 &&
          this.#faults.uniform() < this.#faults.cancelRejectRate
        ) {
          this.refusedCancels++;
          this.#reply({ kind: 'cancel_rejected', id: entry.id, reason: CANCEL_REFUSED });
        } else {
          this.#resting.splice(i, 1);
          this.#reply({ kind: 'ended', id: entry.id, reason: 'cancelled' });
        }
        break;
      }
      case 'position':
        this.#reply({ kind: 'position', position: this.accounting.position });
        break;
    }
  }

  #accept(req: OrderRequest): void {
    const market = this.#market;
    if (!market.ready()) return this.#reply({ kind: 'rejected', id: req.id, reason: 'disconnected' });
    if (!(req.size > 0) || !Number.isFinite(req.price) || req.price <= 0) {
      return this.#reply({ kind: 'rejected', id: req.id, reason: 'invalid_order' });
    }
    const buying = req.side === 'buy';
    const tick = this.#spec.tick;
    const price = fromUnits(Math.round(req.price / tick), tick);
    if (req.type === 'ioc') {
      const pos = this.accounting.position;
      let size = req.size;
      if (req.reduceOnly) {
        if (buying ? pos >= 0 : pos <= 0)
          return this.#reply({ kind: 'rejected', id: req.id, reason: 'reduce_only_would_increase' });
        size = Math.min(size, Math.abs(pos));
      }
      this.#reply({ kind: 'accepted', id: req.id });
      let filled = 0;
      market.take(req.side, size, price, (atPrice, qty) => {
        filled += qty;
        this.#book(req.id, req.side, atPrice, qty, 'taker');
      });
      // Filled only when the whole requested size traded: a reduce-only cap leaves the rest expired.
      this.#reply({ kind: 'ended', id: req.id, reason: filled >= req.size - EPS ? 'filled' : 'expired' });
      return;
    }
    if (buying ? price >= market.bestAsk() : price <= market.bestBid()) {
      return this.#reply({ kind: 'rejected', id: req.id, reason: 'post_only_would_cross' });
    }
    const displayed = market.displayedAt(req.side, price);
    this.#resting.push({
      id: req.id,
      side: req.side,
      price,
      size: req.size,
      remaining: req.size,
      queueAhead: displayed,
      displayed,
      restedAt: this.#clock.now(),
    });
    this.#reply({ kind: 'accepted', id: req.id });
  }

  /**
   * Books a maker fill of `qty` the queue model already took off `o.remaining`; returns true when
   * it removed the order (fully filled).
   */
  #settle(o: RestingOrder, qty: number): boolean {
    if (qty <= EPS) return false;
    o.remaining = roundToGrid(o.remaining);
    this.#book(o.id, o.side, o.price, qty, 'maker');
    if (o.remaining > EPS) return false;
    this.#resting.splice(this.#resting.indexOf(o), 1);
    this.#reply({ kind: 'ended', id: o.id, reason: 'filled' });
    return true;
  }

  #book(orderId: number, side: Side, price: number, size: number, liquidity: Liquidity): void {
    const fee = this.#fees.fee(price, size, liquidity);
    const time = this.#clock.now();
    const market = this.#market;
    const reference = market.referenceMid?.() ?? Number.NaN;
    const midAtFill = Number.isNaN(reference) ? market.mid() : reference;
    const fairAtFill = market.fair?.() ?? midAtFill;
    this.accounting.recordFill({ time, orderId, side, price, size, fee, liquidity, midAtFill, fairAtFill });
    this.#fillSeq++;
    const faults = this.#faults;
    if (faults !== null && faults.fillDropRate > 0 && faults.uniform() < faults.fillDropRate) {
      // Lost on the way to us: the venue's position (accounting) holds it, the engine never hears of it.
      this.droppedFills++;
      return;
    }
    this.#reply({
      kind: 'fill',
      fill: {
        fillId: `${this.#fillIdPrefix}-${this.#fillSeq}`,
        orderId,
        symbol: this.symbol,
        side,
        price,
        size,
        fee,
        liquidity,
        time,
      },
    });
  }

  #deliver(reply: Reply): void {
    const l = this.#listener;
    switch (reply.kind) {
      case 'accepted':
        return l.onOrderAccepted(reply.id);
      case 'rejected':
        return l.onOrderRejected(reply.id, reply.reason);
      case 'ended':
        return l.onOrderEnded(reply.id, reply.reason);
      case 'cancel_rejected':
        return l.onCancelRejected(reply.id, reply.reason);
      case 'fill':
        return l.onFill(reply.fill);
      case 'position':
        return l.onPosition(this.symbol, reply.position);
    }
  }
}
