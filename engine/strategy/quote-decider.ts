/**
 * The quoting engine's decisions (STYLE 15, "decide, then act"): given the params, the risk policy,
 * the strategy state and the orders we track, what to place and what to cancel. It returns intents
 * and never touches the venue or the tracker, so it is tested without either and is the same in
 * a backtest and live; the quoting engine sends the intents.
 *
 * Per decision: at most one cancel or one place per quote side (cancel first, place once the
 * venue confirmed the cancel), and one paced reduce-only liquidation IOC at a time.
 */
import type { Params } from '../../shared/params-schema.ts';
import type { RiskPolicy } from '../trading-loop-contract.ts';
import type { OrderType, Side } from '../venue/venue.ts';
import {
  computeQuoteInto,
  createQuote,
  type MarketSpec,
  type Quote,
  type QuoteOptions,
  type QuoteSide,
} from './compute-quote.ts';
import type { FillLedger } from './fill-ledger.ts';
import { planLiquidationStep } from './liquidation-step.ts';
import { nonFiniteReason } from './non-finite-guard.ts';
import type { OrderTracker } from './order-tracker.ts';
import type { StrategyState } from './strategy-state.ts';
import { lotFloor } from './tick-math.ts';
import type { TrackedOrder } from './tracked-order.ts';

export type OrderIntent =
  | { kind: 'place'; side: Side; price: number; size: number; type: OrderType; reduceOnly: boolean }
  | { kind: 'cancel'; orderId: number };

export interface QuoteDeciderOptions {
  state: StrategyState;
  ledger: FillLedger;
  orders: OrderTracker;
  market: MarketSpec;
}

/**
 * Most decisions change nothing: they return this and allocate nothing. Typed readonly rather than
 * frozen: a frozen array leaves V8's fast elements, and every decision returns it.
 */
const NOTHING: readonly OrderIntent[] = [];

export class QuoteDecider {
  /** The quote computed at the last decision (reused object: copy what you keep). */
  readonly quote: Quote = createQuote();
  /** Why the last decision quoted nothing because a figure was not finite (null when it quoted). */
  nonFinite: string | null = null;
  #state: StrategyState;
  #ledger: FillLedger;
  #orders: OrderTracker;
  #market: MarketSpec;
  #quoteOptions: QuoteOptions = { widen: false, mode: null };
  /** After a post-only rejection, wait for a fresh book before quoting that side again. */
  #holdBid = false;
  #holdAsk = false;
  #lastLiquidationAt = Number.NEGATIVE_INFINITY;
  /** This decision's intents (null until the first), and the size its places add per side. */
  #intents: OrderIntent[] | null = null;
  #intendedBuy = 0;
  #intendedSell = 0;

  constructor(options: QuoteDeciderOptions) {
    this.#state = options.state;
    this.#ledger = options.ledger;
    this.#orders = options.orders;
    this.#market = options.market;
  }

  /** The venue refused a post-only order on `side` as crossing: the book moved; do not chase it. */
  hold(side: Side): void {
    if (side === 'buy') this.#holdBid = true;
    else this.#holdAsk = true;
  }

  /** A fresh book arrived: both sides may quote again. */
  releaseHolds(): void {
    this.#holdBid = false;
    this.#holdAsk = false;
  }

  /** Cancel every live order not already being cancelled (an IOC cannot be cancelled: it ends by itself). */
  cancelAll(): readonly OrderIntent[] {
    this.#begin();
    this.#cancelAll();
    return this.#end();
  }

  /** The quote for this event and the orders that make our resting orders match it. */
  decide(params: Readonly<Params>, policy: RiskPolicy, now: number): readonly OrderIntent[] {
    this.#begin();
    const options = this.#quoteOptions;
    options.widen = policy === 'widen';
    options.mode = policy === 'halt' ? 'halted' : policy === 'reduce_only' ? 'reduce_only' : null;
    const quote = computeQuoteInto(this.quote, params, this.#state, this.#market, options);
    this.nonFinite = nonFiniteReason(quote, { inventory: this.#ledger.position, cash: this.#ledger.cash });
    if (quote.mode === 'halted' || this.nonFinite !== null) {
      this.#cancelAll();
      return this.#end();
    }
    const reduceOnly = quote.mode === 'reduce_only';
    this.#manageSide('buy', quote.bid, params, reduceOnly);
    this.#manageSide('sell', quote.ask, params, reduceOnly);
    this.#liquidate(quote.control.buyRate, quote.control.sellRate, params, reduceOnly, now);
    return this.#end();
  }

  #begin(): void {
    this.#intents = null;
    this.#intendedBuy = 0;
    this.#intendedSell = 0;
  }

  #end(): readonly OrderIntent[] {
    const intents = this.#intents ?? NOTHING;
    this.#intents = null;
    return intents;
  }

  #cancelAll(): void {
    for (const order of this.#orders.live()) this.#cancel(order);
  }

  /**
   * How much more our orders on `side` (other than `except`) may add before Q passes its bound:
   * ±max_position, or 0 in reduce-only. The spec sizes a quote from Q alone; counting what our other
   * live orders on that side could still fill (a liquidation IOC next to a resting bid) keeps the
   * bound true even when both fill. An order the venue ended as filled whose fills have not all
   * arrived still counts for what is missing, and so does an order placed earlier in this decision.
   */
  #room(side: Side, params: Readonly<Params>, reduceOnly: boolean, except: Readonly<TrackedOrder> | null): number {
    const q = this.#ledger.position;
    const limit = reduceOnly ? 0 : params.max_position;
    const used = side === 'buy' ? q : -q;
    const exposure = this.#orders.exposure(side, except, side === 'buy' ? this.#intendedBuy : this.#intendedSell);
    return lotFloor(limit - used - exposure, this.#market.lot);
  }

  #manageSide(side: Side, want: QuoteSide, params: Readonly<Params>, reduceOnly: boolean): void {
    const order = side === 'buy' ? this.#orders.bid : this.#orders.ask;
    const size = want.size > 0 ? Math.min(want.size, this.#room(side, params, reduceOnly, order)) : 0;
    if (order !== null) {
      if (order.cancelRequested || order.status === 'pending') return;
      const movedBps = (Math.abs(want.price - order.price) / order.price) * 1e4;
      if (size <= 0 || size !== order.size || movedBps > params.requote_threshold_bps) this.#cancel(order);
      return;
    }
    if (size <= 0 || (side === 'buy' ? this.#holdBid : this.#holdAsk)) return;
    this.#place(side, want.price, size, 'post_only', reduceOnly);
  }

  #liquidate(buyRate: number, sellRate: number, params: Readonly<Params>, reduceOnly: boolean, now: number): void {
    if (buyRate <= 0 && sellRate <= 0) {
      // u ≤ u*: stop; the next episode's first step uses one pacing interval as its Δt.
      this.#lastLiquidationAt = Number.NEGATIVE_INFINITY;
      return;
    }
    if (this.#orders.liquidation !== null) return;
    const s = this.#state;
    const step = planLiquidationStep(
      now,
      this.#lastLiquidationAt,
      buyRate,
      sellRate,
      s.inventory,
      s.bestBid,
      s.bestAsk,
      this.#market,
    );
    if (step === null) return;
    const size = Math.min(step.size, this.#room(step.side, params, reduceOnly, null));
    if (size <= 0) return;
    this.#lastLiquidationAt = now;
    this.#place(step.side, step.price, size, 'ioc', true);
  }

  #place(side: Side, price: number, size: number, type: OrderType, reduceOnly: boolean): void {
    this.#intend({ kind: 'place', side, price, size, type, reduceOnly });
    if (side === 'buy') this.#intendedBuy += size;
    else this.#intendedSell += size;
  }

  #cancel(order: Readonly<TrackedOrder>): void {
    if (order.cancelRequested || order.type === 'ioc') return;
    this.#intend({ kind: 'cancel', orderId: order.id });
  }

  #intend(intent: OrderIntent): void {
    if (this.#intents === null) this.#intents = [intent];
    else this.#intents.push(intent);
  }
}
