/**
 * The Market Maker V2 quoting engine: venue events in, order requests out. A thin shell around
 * three pure parts: the strategy state (strategy-state.ts), the orders as the venue reported them
 * (order-tracker.ts) and the decisions (quote-decider.ts). Each event: read the params once, update
 * state and tracker, ask the decider what it intends, send that to the venue, never waiting for an
 * answer (answers are later events).
 *
 * Synchronous and free of I/O: drive it from a simulator in simulated time or from a live feed. It
 * owns no timers: the driver calls `onTimer()` (every 50 ms is plenty) for the stale-feed check,
 * liquidation steps and position reconciliation.
 */
import type { Clock } from '../../shared/clock.ts';
import { GRID_EPS, roundToGrid } from '../../shared/eps.ts';
import type { Params } from '../../shared/params-schema.ts';
import type { EngineObserver } from '../telemetry/engine-observer.ts';
import { QuoteUptime } from '../telemetry/quote-uptime.ts';
import type { RiskPolicy } from '../trading-loop-contract.ts';
import type { BookView } from '../venue/book-view.ts';
import type { EndReason, Fill, RejectReason, Side, Venue, VenueListener } from '../venue/venue.ts';
import type { Quote, TradingMode } from './compute-quote.ts';
import { FillLedger } from './fill-ledger.ts';
import { OrderTracker } from './order-tracker.ts';
import { PositionReconciler } from './position-reconciler.ts';
import { type OrderIntent, QuoteDecider } from './quote-decider.ts';
import { applyBookUpdate, createStrategyState, type StrategyState } from './strategy-state.ts';
import type { TrackedOrder } from './tracked-order.ts';

/** No book for this long and every resting order is cancelled (spec: stale feed). */
export const STALE_FEED_MS = 5_000;
/**
 * How often the venue's position is asked for, and how soon a disagreement is checked again: a
 * lost fill is adopted after two checks that agree (position-reconciler.ts), so within about
 * 2.5 s. Measured: with 2 % of fills lost in toxic, a 5 s period (no quick re-check) left the
 * engine off by more than a lot 18 % of the time. On Hyperliquid a position read costs weight 2
 * of the 1,200 per minute: 30 a minute is 5 % of the budget.
 */
export const RECONCILE_EVERY_MS = 2_000;
export const RECONCILE_CONFIRM_MS = 500;
/** An order ended as filled longer ago than this whose fills never came: they were lost, not in flight. */
export const FILL_IN_FLIGHT_MS = 1_000;

export interface EngineLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface QuotingEngineOptions {
  venue: Venue;
  params: { get(): Readonly<Params> };
  /** Risk policy of the params path, read once per event; `normal` when absent. */
  policy?: () => RiskPolicy;
  /** Engine time in ms (simulated time in a backtest). */
  clock: Pick<Clock, 'now'>;
  logger?: EngineLogger;
  /** Told of fills, orders, mids and quoting (live telemetry); none by default. */
  observer?: EngineObserver;
  /** The params version in force (kept on each order placed, for attribution); null when absent. */
  paramsVersion?: () => number | null;
}

export interface EngineCounters {
  placed: number;
  cancelsSent: number;
  postOnlyRejects: number;
  cancelFailures: number;
  liquidationOrders: number;
  bookEvents: number;
  /** Times the venue's position was adopted because it disagreed with the engine's (repair 10). */
  reconcileCorrections: number;
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
    reconcileCorrections: 0,
  };
  /** Params in force at the last event (what /status shows). */
  lastParams: Readonly<Params> | null = null;
  lastMode: TradingMode | 'stopped' | 'stale' | 'disconnected' | 'starting' = 'starting';

  #venue: Venue;
  #params: { get(): Readonly<Params> };
  #policy: () => RiskPolicy;
  #clock: Pick<Clock, 'now'>;
  #logger: EngineLogger;
  #observer: EngineObserver | null;
  /** Whether both quotes rested at the last change, and the time they did (read by the observer). */
  #bothQuoted = false;
  readonly #uptime = new QuoteUptime();
  #paramsVersion: () => number | null;
  /** The params of the last decision (a different object is a swap) and their version. */
  #decidingWith: Readonly<Params> | null = null;
  #version: number | null = null;
  #orders = new OrderTracker();
  #reconciler = new PositionReconciler();
  #decider: QuoteDecider;
  #lastBookAt = Number.NEGATIVE_INFINITY;
  #lastReconcileAt = Number.NEGATIVE_INFINITY;
  #positionKnown = false;
  #connected = true;
  #stale = false;
  #stopped = false;
  #lastFallback: string | null = null;
  #lastNonFinite: string | null = null;

  constructor(options: QuotingEngineOptions) {
    this.#venue = options.venue;
    this.#params = options.params;
    this.#policy = options.policy ?? (() => 'normal');
    this.#clock = options.clock;
    this.#logger = options.logger ?? SILENT;
    this.#observer = options.observer ?? null;
    this.#observer?.attach({
      mid: () => this.state.mid,
      quotedMs: (now) => this.#uptime.totalMs(now),
    });
    this.#paramsVersion = options.paramsVersion ?? (() => null);
    this.ledger = new FillLedger(options.venue.symbol);
    this.#decider = new QuoteDecider({
      state: this.state,
      ledger: this.ledger,
      orders: this.#orders,
      market: options.venue.market,
    });
  }

  /** Asks the venue for the position; quoting starts once it has answered (Q starts there). */
  start(): void {
    this.#lastReconcileAt = this.#clock.now();
    this.#venue.requestPosition();
  }

  /** Cancels everything and never quotes again. `liveOrders()` tells when the venue confirmed. */
  stop(reason: string): void {
    this.#stopped = true;
    this.lastMode = 'stopped';
    this.#logger.info({ reason, live: this.liveOrders() }, 'engine stopping: cancelling every resting order');
    this.#act(this.#decider.cancelAll());
  }

  liveOrders(): number {
    return this.#orders.liveCount();
  }

  /** Our resting maker quotes (price or null), for the status line. */
  restingQuote(side: Side): number | null {
    const o = side === 'buy' ? this.#orders.bid : this.#orders.ask;
    return o !== null && (o.status === 'open' || o.status === 'partially_filled') ? o.price : null;
  }

  /** The quote computed at the last decision (reused object: copy what you keep). */
  lastQuote(): Readonly<Quote> {
    return this.#decider.quote;
  }

  order(id: number): Readonly<TrackedOrder> | undefined {
    return this.#orders.get(id);
  }

  // ---- venue events -------------------------------------------------------------------------

  onBook(book: BookView): void {
    const params = this.#params.get();
    this.counters.bookEvents++;
    const midBefore = this.state.mid;
    if (!applyBookUpdate(this.state, params, book)) return;
    this.#lastBookAt = this.#clock.now();
    // The observer reads the mid when it needs it: a book is news to it only when a markout falls due.
    if (this.#observer !== null && this.#lastBookAt >= this.#observer.nextDue)
      this.#observer.onDue(this.#lastBookAt, midBefore, this.state.mid);
    this.#stale = false;
    this.#decider.releaseHolds();
    this.#decide(params);
  }

  onFill(fill: Fill): void {
    const params = this.#params.get();
    if (!this.ledger.apply(fill)) return;
    if (this.#orders.isSettled(fill.orderId)) {
      // The venue's position adopted at the reconcile already holds this fill: cash and fees count,
      // Q must not move twice.
      const signed = fill.side === 'buy' ? fill.size : -fill.size;
      this.ledger.position = roundToGrid(this.ledger.position - signed);
    }
    this.state.inventory = this.ledger.position;
    if (this.#observer !== null) {
      const order = this.#orders.find(fill.orderId);
      this.#observer.onFill(fill, order?.paramsVersion, this.ledger.position, this.#clock.now());
    }
    this.#orders.filled(fill.orderId, fill.size);
    if (this.#bothQuoted) this.#quotingChanged(); // only an end of quoting is possible here
    this.#decide(params);
  }

  onOrderAccepted(orderId: number): void {
    this.#orders.accepted(orderId);
    if (this.#observer !== null && !this.#bothQuoted) this.#quotingChanged(); // only a start is possible
  }

  onOrderRejected(orderId: number, reason: RejectReason): void {
    const order = this.#orders.rejected(orderId);
    if (order === undefined) return;
    this.#observer?.onOrderRejected(order.paramsVersion, this.#clock.now());
    if (this.#bothQuoted) this.#quotingChanged();
    if (reason === 'post_only_would_cross') {
      // The book moved between our view and the venue's: wait for the next book, do not chase.
      this.counters.postOnlyRejects++;
      this.#decider.hold(order.side);
    } else {
      this.#logger.warn({ order: orderId, reason }, 'order rejected');
    }
  }

  onOrderEnded(orderId: number, reason: EndReason): void {
    const params = this.#params.get();
    if (this.#orders.ended(orderId, reason, this.#clock.now()) === undefined) return;
    if (this.#bothQuoted) this.#quotingChanged();
    this.#decide(params);
  }

  onCancelRejected(orderId: number, reason: string): void {
    this.counters.cancelFailures++;
    if (this.#orders.cancelRefused(orderId) === undefined) return;
    this.#logger.warn({ order: orderId, reason }, 'cancel refused; order stays tracked');
  }

  onPosition(symbol: string, position: number): void {
    if (symbol !== this.ledger.symbol) return;
    if (!this.#positionKnown) {
      this.#positionKnown = true;
      this.ledger.position = position;
      this.state.inventory = position;
      this.#observer?.onPosition(position, this.#clock.now());
      this.#logger.info({ position }, 'starting position from the venue');
      return;
    }
    // Nothing of ours live: no fill can be in flight, so the venue's figure is adopted at once.
    // Fills owed by orders the venue already ended are in the venue's figure: adopting it settles
    // them, and their late fills must then leave Q alone.
    const differs = Math.abs(position - this.ledger.position) > GRID_EPS;
    if (this.#orders.liveCount() === 0) {
      this.#reconciler.reset();
      if (this.#orders.fillsOwedCount > 0 || differs) {
        if (differs) this.counters.reconcileCorrections++;
        if (differs)
          this.#logger.warn(
            { engine: this.ledger.position, venue: position, fills_owed: this.#orders.fillsOwedCount },
            'position reconciled with the venue',
          );
        this.#adoptVenuePosition(position);
      }
      return;
    }
    // Quoting (repair 10): adopt only a disagreement seen twice in a row, a fill in flight shows once.
    // Fills owed for longer than FILL_IN_FLIGHT_MS are taken as lost, not in flight.
    const inFlight = this.#orders.owedSigned(this.#clock.now() - FILL_IN_FLIGHT_MS);
    const verdict = this.#reconciler.check(position, this.ledger.position + inFlight, this.#venue.market.lot);
    if (verdict.kind === 'suspect') {
      // Confirm soon rather than at the next period: every second off costs.
      this.#lastReconcileAt = this.#clock.now() - RECONCILE_EVERY_MS + RECONCILE_CONFIRM_MS;
      return;
    }
    if (verdict.kind !== 'adopt') return;
    this.counters.reconcileCorrections++;
    this.#logger.warn(
      { engine: this.ledger.position, venue: position, difference: verdict.difference, live: this.#orders.liveCount() },
      'position reconciled with the venue while quoting: two checks in a row disagreed',
    );
    this.#adoptVenuePosition(position);
    this.#decide(this.#params.get());
  }

  #adoptVenuePosition(position: number): void {
    this.ledger.position = position;
    this.state.inventory = position;
    this.#observer?.onPosition(position, this.#clock.now());
    this.#orders.settleOwed();
  }

  onConnectionChange(connected: boolean): void {
    this.#connected = connected;
    if (!connected) {
      this.lastMode = 'disconnected';
      this.#act(this.#decider.cancelAll());
      // The old mid is no longer a price we trust: quote again only from a book seen after this.
      this.state.mid = Number.NaN;
    } else {
      this.#venue.requestPosition();
    }
  }

  /** Periodic duties: stale feed, liquidation pacing, reconciliation. */
  onTimer(): void {
    const params = this.#params.get();
    const now = this.#clock.now();
    this.#observer?.onTime(now);
    if (now - this.#lastReconcileAt >= RECONCILE_EVERY_MS) {
      this.#lastReconcileAt = now;
      this.#venue.requestPosition();
    }
    if (!this.#stale && Number.isFinite(this.#lastBookAt) && now - this.#lastBookAt > STALE_FEED_MS) {
      this.#stale = true;
      this.#logger.warn({ last_book_ms_ago: now - this.#lastBookAt }, 'stale feed: cancelling every resting order');
    }
    this.#decide(params);
  }

  // ---- decide, then act ---------------------------------------------------------------------

  #decide(params: Readonly<Params>): void {
    if (params !== this.#decidingWith) this.#paramsChanged(params);
    if (this.#stopped) return;
    if (!this.#connected || this.#stale || !this.#positionKnown || !(this.state.mid > 0)) {
      if (this.#stale) this.lastMode = 'stale';
      this.#act(this.#decider.cancelAll());
      return;
    }
    const intents = this.#decider.decide(params, this.#policy(), this.#clock.now());
    const quote = this.#decider.quote;
    this.lastParams = params;
    this.lastMode = this.#decider.nonFinite === null ? quote.mode : 'halted';
    if (this.#decider.nonFinite !== this.#lastNonFinite) {
      this.#lastNonFinite = this.#decider.nonFinite;
      if (this.#lastNonFinite !== null)
        this.#logger.warn({ reason: this.#lastNonFinite }, 'not quoting: a figure of the quote is not finite');
    }
    if (quote.control.fallback !== this.#lastFallback) {
      this.#lastFallback = quote.control.fallback;
      if (quote.control.fallback !== null)
        this.#logger.warn({ reason: quote.control.fallback }, 'control vector fell back to symmetric quotes');
    }
    if (intents.length > 0) this.#act(intents);
  }

  /** A swap: the version orders are placed under from now on, and the observer told once. */
  #paramsChanged(params: Readonly<Params>): void {
    this.#decidingWith = params;
    this.#version = this.#paramsVersion();
    this.#observer?.onParams(this.#clock.now());
  }

  /**
   * Keeps the time both quotes rest, for the observer to read (checked after any event that can
   * change it; most such events leave it as it was).
   */
  #quotingChanged(): void {
    if (this.#observer === null) return;
    const both = this.#orders.bothResting();
    if (both === this.#bothQuoted) return;
    this.#bothQuoted = both;
    this.#uptime.set(both, this.#clock.now());
  }

  /** Sends the intents, in order, and records each in the tracker first (answers may come at any time after). */
  #act(intents: readonly OrderIntent[]): void {
    for (let i = 0; i < intents.length; i++) {
      const intent = intents[i]!;
      switch (intent.kind) {
        case 'place': {
          const { side, price, size, type, reduceOnly } = intent;
          const now = this.#clock.now();
          const order = this.#orders.open(side, price, size, type, now, this.#version);
          this.#observer?.onOrderPlaced(order.paramsVersion, now);
          this.counters.placed++;
          if (type === 'ioc') this.counters.liquidationOrders++;
          this.#venue.place({ id: order.id, side, price, size, type, reduceOnly });
          break;
        }
        case 'cancel': {
          const order = this.#orders.cancelRequested(intent.orderId);
          if (this.#observer !== null) this.#observer.onCancelSent(order?.paramsVersion ?? null, this.#clock.now());
          this.counters.cancelsSent++;
          this.#venue.cancel(intent.orderId);
          break;
        }
      }
    }
  }
}
