/**
 * The Market Maker V2 quoting engine: venue events in, order requests out. Pure of I/O and
 * synchronous: it reads the params once per event, updates the state vector, computes the quote,
 * and sends at most a cancel or a place per side, never waiting for an answer (answers are later
 * events). Drive it from a simulator in simulated time or from a live feed; it owns no timers: the
 * driver calls `onTimer()` (every 50 ms is plenty) for the stale-feed check, liquidation steps and
 * position reconciliation.
 */
import type { Params } from '../../shared/params-schema.ts';
import type { RiskPolicy } from '../trading-loop-contract.ts';
import type { BookView } from '../venue/book-view.ts';
import type { EndReason, Fill, OrderType, RejectReason, Side, Venue, VenueListener } from '../venue/venue.ts';
import {
  computeQuoteInto,
  createQuote,
  type Quote,
  type QuoteOptions,
  type QuoteSide,
  type TradingMode,
} from './compute-quote.ts';
import { FillLedger } from './fill-ledger.ts';
import { planLiquidationStep } from './liquidation-step.ts';
import { applyBookUpdate, createStrategyState, type StrategyState } from './strategy-state.ts';
import { lotFloor } from './tick-math.ts';
import { isLive, type TrackedOrder } from './tracked-order.ts';

/** No book for this long and every resting order is cancelled (spec: stale feed). */
export const STALE_FEED_MS = 5_000;
export const RECONCILE_EVERY_MS = 30_000;
/** Order ids remembered after a reconcile settled their missing fills (late fills are replays). */
const REMEMBERED_SETTLED_ORDERS = 1024;

export interface EngineLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface QuotingEngineOptions {
  venue: Venue;
  params: { get(): Readonly<Params> };
  /** Risk policy of the params path, read once per event; `normal` when absent. */
  policy?: () => RiskPolicy;
  /** Engine clock in ms (simulated time in a backtest). */
  clock: () => number;
  logger?: EngineLogger;
}

export interface EngineCounters {
  placed: number;
  cancelsSent: number;
  postOnlyRejects: number;
  cancelFailures: number;
  liquidationOrders: number;
  bookEvents: number;
}

const SILENT: EngineLogger = { info() {}, warn() {} };

export class QuotingEngine implements VenueListener {
  readonly state: StrategyState = createStrategyState();
  readonly ledger: FillLedger;
  readonly counters: EngineCounters = {
    placed: 0,
    cancelsSent: 0,
    postOnlyRejects: 0,
    cancelFailures: 0,
    liquidationOrders: 0,
    bookEvents: 0,
  };
  /** Params in force at the last event (what /status shows). */
  lastParams: Readonly<Params> | null = null;
  lastMode: TradingMode | 'stopped' | 'stale' | 'disconnected' | 'starting' = 'starting';

  private readonly venue: Venue;
  private readonly params: { get(): Readonly<Params> };
  private readonly policy: () => RiskPolicy;
  private readonly clock: () => number;
  private readonly logger: EngineLogger;
  private readonly quote = createQuote();
  private readonly quoteOptions: QuoteOptions = { widen: false, mode: null };
  private readonly orders = new Map<number, TrackedOrder>();
  /** The maker quote order per side (any non-terminal status), or null. */
  private bidOrder: TrackedOrder | null = null;
  private askOrder: TrackedOrder | null = null;
  private liquidationOrder: TrackedOrder | null = null;
  /**
   * Orders the venue ended as filled before all their fills reached us. The venue contract does not
   * order the two (on Hyperliquid order status and fills arrive on separate streams): the part not
   * yet in Q still counts as exposure on its side (see `room`) until its fills arrive, matched by
   * order id, or a position reconcile settles it.
   */
  private readonly fillsOwed = new Map<number, TrackedOrder>();
  /** Orders whose owed fills a reconcile settled: the adopted venue position already holds them. */
  private readonly settledOrders = new Set<number>();
  /** After a post-only rejection, wait for a fresh book before quoting that side again. */
  private holdBid = false;
  private holdAsk = false;
  private nextId = 1;
  private lastBookAt = Number.NEGATIVE_INFINITY;
  private lastLiquidationAt = Number.NEGATIVE_INFINITY;
  private lastReconcileAt = Number.NEGATIVE_INFINITY;
  private positionKnown = false;
  private connected = true;
  private stale = false;
  private stopped = false;
  private lastFallback: string | null = null;

  constructor(options: QuotingEngineOptions) {
    this.venue = options.venue;
    this.params = options.params;
    this.policy = options.policy ?? (() => 'normal');
    this.clock = options.clock;
    this.logger = options.logger ?? SILENT;
    this.ledger = new FillLedger(options.venue.symbol);
  }

  /** Asks the venue for the position; quoting starts once it has answered (Q starts there). */
  start(): void {
    this.lastReconcileAt = this.clock();
    this.venue.requestPosition();
  }

  /** Cancels everything and never quotes again. `liveOrders()` tells when the venue confirmed. */
  stop(reason: string): void {
    this.stopped = true;
    this.lastMode = 'stopped';
    this.logger.info({ reason, live: this.liveOrders() }, 'engine stopping: cancelling every resting order');
    this.cancelAll();
  }

  liveOrders(): number {
    let n = 0;
    for (const o of this.orders.values()) if (isLive(o)) n++;
    return n;
  }

  /** Our resting maker quotes (price or null), for the status line. */
  restingQuote(side: Side): number | null {
    const o = side === 'buy' ? this.bidOrder : this.askOrder;
    return o !== null && (o.status === 'open' || o.status === 'partially_filled') ? o.price : null;
  }

  /** The quote computed at the last decision (reused object: copy what you keep). */
  lastQuote(): Readonly<Quote> {
    return this.quote;
  }

  order(id: number): Readonly<TrackedOrder> | undefined {
    return this.orders.get(id);
  }

  // ---- venue events -------------------------------------------------------------------------

  onBook(book: BookView): void {
    const params = this.params.get();
    this.counters.bookEvents++;
    if (!applyBookUpdate(this.state, params, book)) return;
    this.lastBookAt = this.clock();
    this.stale = false;
    this.holdBid = false;
    this.holdAsk = false;
    this.decide(params);
  }

  onFill(fill: Fill): void {
    const params = this.params.get();
    if (!this.ledger.apply(fill)) return;
    if (this.settledOrders.has(fill.orderId)) {
      // The venue's position adopted at the reconcile already holds this fill: cash and fees count,
      // Q must not move twice.
      const signed = fill.side === 'buy' ? fill.size : -fill.size;
      this.ledger.position = Math.round((this.ledger.position - signed) * 1e9) / 1e9;
    }
    this.state.inventory = this.ledger.position;
    const order = this.orders.get(fill.orderId);
    if (order !== undefined) {
      order.filled += fill.size;
      if (order.status !== 'filled') order.status = order.filled >= order.size - 1e-12 ? 'filled' : 'partially_filled';
      if (order.status === 'filled') this.forget(order);
    } else {
      const owed = this.fillsOwed.get(fill.orderId);
      if (owed !== undefined) {
        owed.filled += fill.size;
        if (owed.filled >= owed.size - 1e-12) this.fillsOwed.delete(owed.id);
      }
    }
    this.decide(params);
  }

  onOrderAccepted(orderId: number): void {
    const order = this.orders.get(orderId);
    if (order !== undefined && order.status === 'pending') order.status = 'open';
  }

  onOrderRejected(orderId: number, reason: RejectReason): void {
    const order = this.orders.get(orderId);
    if (order === undefined) return;
    order.status = 'rejected';
    if (reason === 'post_only_would_cross') {
      // The book moved between our view and the venue's: wait for the next book, do not chase.
      this.counters.postOnlyRejects++;
      if (order.side === 'buy') this.holdBid = true;
      else this.holdAsk = true;
    } else {
      this.logger.warn({ order: orderId, reason }, 'order rejected');
    }
    this.forget(order);
  }

  onOrderEnded(orderId: number, reason: EndReason): void {
    const params = this.params.get();
    const order = this.orders.get(orderId);
    if (order === undefined) return;
    if (reason === 'cancelled' || reason === 'expired') order.status = 'cancelled';
    else order.status = 'filled';
    this.forget(order);
    if (order.status === 'filled' && order.filled < order.size - 1e-12) this.fillsOwed.set(order.id, order);
    this.decide(params);
  }

  onCancelRejected(orderId: number, reason: string): void {
    const order = this.orders.get(orderId);
    this.counters.cancelFailures++;
    if (order === undefined) return;
    // Not a fill and not an end: the order may still be resting. Keep it; the next decision may
    // cancel again (repair 5: a failed cancel once left two live orders on one side).
    order.cancelRequested = false;
    this.logger.warn({ order: orderId, reason }, 'cancel refused; order stays tracked');
  }

  onPosition(symbol: string, position: number): void {
    if (symbol !== this.ledger.symbol) return;
    if (!this.positionKnown) {
      this.positionKnown = true;
      this.ledger.position = position;
      this.state.inventory = position;
      this.logger.info({ position }, 'starting position from the venue');
      return;
    }
    // Only adopt the venue's figure when nothing of ours is in flight: a fill still on its way
    // would otherwise be counted twice. Otherwise the next periodic check tries again.
    // Fills owed by orders the venue already ended are in the venue's figure: adopting it settles
    // them, and their late fills must then leave Q alone.
    if (this.liveOrders() === 0 && (this.fillsOwed.size > 0 || Math.abs(position - this.ledger.position) > 1e-9)) {
      if (Math.abs(position - this.ledger.position) > 1e-9)
        this.logger.warn(
          { engine: this.ledger.position, venue: position, fills_owed: this.fillsOwed.size },
          'position reconciled with the venue',
        );
      this.ledger.position = position;
      this.state.inventory = position;
      for (const id of this.fillsOwed.keys()) {
        this.settledOrders.add(id);
        if (this.settledOrders.size > REMEMBERED_SETTLED_ORDERS)
          this.settledOrders.delete(this.settledOrders.values().next().value!);
      }
      this.fillsOwed.clear();
    }
  }

  onConnectionChange(connected: boolean): void {
    this.connected = connected;
    if (!connected) {
      this.lastMode = 'disconnected';
      this.cancelAll();
      // The old mid is no longer a price we trust: quote again only from a book seen after this.
      this.state.mid = Number.NaN;
    } else {
      this.venue.requestPosition();
    }
  }

  /** Periodic duties: stale feed, liquidation pacing, reconciliation. */
  onTimer(): void {
    const params = this.params.get();
    const now = this.clock();
    if (now - this.lastReconcileAt >= RECONCILE_EVERY_MS) {
      this.lastReconcileAt = now;
      this.venue.requestPosition();
    }
    if (!this.stale && Number.isFinite(this.lastBookAt) && now - this.lastBookAt > STALE_FEED_MS) {
      this.stale = true;
      this.logger.warn({ last_book_ms_ago: now - this.lastBookAt }, 'stale feed: cancelling every resting order');
    }
    this.decide(params);
  }

  // ---- decisions ----------------------------------------------------------------------------

  private decide(params: Readonly<Params>): void {
    if (this.stopped) return;
    if (!this.connected || this.stale || !this.positionKnown || !(this.state.mid > 0)) {
      if (this.stale) this.lastMode = 'stale';
      this.cancelAll();
      return;
    }
    const policy = this.policy();
    const options = this.quoteOptions;
    options.widen = policy === 'widen';
    options.mode = policy === 'halt' ? 'halted' : policy === 'reduce_only' ? 'reduce_only' : null;
    const quote = computeQuoteInto(this.quote, params, this.state, this.venue.market, options);
    this.lastParams = params;
    this.lastMode = quote.mode;
    if (quote.control.fallback !== this.lastFallback) {
      this.lastFallback = quote.control.fallback;
      if (quote.control.fallback !== null)
        this.logger.warn({ reason: quote.control.fallback }, 'control vector fell back to symmetric quotes');
    }
    if (quote.mode === 'halted') {
      this.cancelAll();
      return;
    }
    const reduceOnly = quote.mode === 'reduce_only';
    this.manageSide('buy', quote.bid, params, reduceOnly);
    this.manageSide('sell', quote.ask, params, reduceOnly);
    this.liquidate(quote.control.buyRate, quote.control.sellRate, params, reduceOnly);
  }

  /**
   * How much more our orders on `side` (other than `except`) may add before Q passes its bound:
   * ±max_position, or 0 in reduce-only. The spec sizes a quote from Q alone; counting what our other
   * live orders on that side could still fill (a liquidation IOC next to a resting bid) keeps the
   * bound true even when both fill. An order the venue ended as filled whose fills have not all
   * arrived still counts for what is missing (`fillsOwed`).
   */
  private room(side: Side, params: Readonly<Params>, reduceOnly: boolean, except: TrackedOrder | null): number {
    const q = this.ledger.position;
    const limit = reduceOnly ? 0 : params.max_position;
    const used = side === 'buy' ? q : -q;
    let exposure = 0;
    for (const o of this.orders.values()) if (o !== except && o.side === side && isLive(o)) exposure += o.size - o.filled;
    for (const o of this.fillsOwed.values()) if (o.side === side) exposure += o.size - o.filled;
    return lotFloor(limit - used - exposure, this.venue.market.lot);
  }

  private manageSide(side: Side, want: QuoteSide, params: Readonly<Params>, reduceOnly: boolean): void {
    const order = side === 'buy' ? this.bidOrder : this.askOrder;
    const size = want.size > 0 ? Math.min(want.size, this.room(side, params, reduceOnly, order)) : 0;
    if (order !== null) {
      if (order.cancelRequested || order.status === 'pending') return;
      const movedBps = (Math.abs(want.price - order.price) / order.price) * 1e4;
      if (size <= 0 || size !== order.size || movedBps > params.requote_threshold_bps) this.cancel(order);
      return;
    }
    if (size <= 0 || (side === 'buy' ? this.holdBid : this.holdAsk)) return;
    const placed = this.send(side, want.price, size, 'post_only', reduceOnly);
    if (side === 'buy') this.bidOrder = placed;
    else this.askOrder = placed;
  }

  private liquidate(buyRate: number, sellRate: number, params: Readonly<Params>, reduceOnly: boolean): void {
    if (buyRate <= 0 && sellRate <= 0) {
      // u ≤ u*: stop; the next episode's first step uses the capped Δt.
      this.lastLiquidationAt = Number.NEGATIVE_INFINITY;
      return;
    }
    if (this.liquidationOrder !== null) return;
    const now = this.clock();
    const s = this.state;
    const step = planLiquidationStep(
      now,
      this.lastLiquidationAt,
      buyRate,
      sellRate,
      s.inventory,
      s.bestBid,
      s.bestAsk,
      this.venue.market,
    );
    if (step === null) return;
    const size = Math.min(step.size, this.room(step.side, params, reduceOnly, null));
    if (size <= 0) return;
    this.lastLiquidationAt = now;
    this.counters.liquidationOrders++;
    this.liquidationOrder = this.send(step.side, step.price, size, 'ioc', true);
  }

  private send(side: Side, price: number, size: number, type: OrderType, reduceOnly: boolean): TrackedOrder {
    const order: TrackedOrder = {
      id: this.nextId++,
      side,
      type,
      price,
      size,
      filled: 0,
      status: 'pending',
      cancelRequested: false,
      sentAt: this.clock(),
    };
    this.orders.set(order.id, order);
    this.counters.placed++;
    this.venue.place({ id: order.id, side, price, size, type, reduceOnly });
    return order;
  }

  private cancel(order: TrackedOrder): void {
    if (order.cancelRequested || order.type === 'ioc') return;
    order.cancelRequested = true;
    this.counters.cancelsSent++;
    this.venue.cancel(order.id);
  }

  private cancelAll(): void {
    for (const order of this.orders.values()) if (isLive(order)) this.cancel(order);
  }

  /** Drops a terminal order from tracking and frees its slot. */
  private forget(order: TrackedOrder): void {
    this.orders.delete(order.id);
    if (this.bidOrder === order) this.bidOrder = null;
    if (this.askOrder === order) this.askOrder = null;
    if (this.liquidationOrder === order) this.liquidationOrder = null;
  }
}
