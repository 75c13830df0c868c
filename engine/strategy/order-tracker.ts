/**
 * The engine's orders as the venue reported them: the order state machine of tracked-order.ts, one
 * quote slot per side plus one liquidation slot, and the bookkeeping that keeps |Q| within its
 * bound while answers and fills race each other. It never decides and never talks to the venue:
 * the quoting engine tells it what was sent and what the venue answered.
 *
 * Orders the venue ended as filled before all their fills reached us are kept as "fills owed": the
 * venue contract does not order the two (on Hyperliquid order status and fills arrive on separate
 * streams), so the part not yet in Q still counts as exposure on its side until its fills arrive,
 * matched by order id, or a position reconcile settles it.
 */
import { EPS } from '../../shared/eps.ts';
import type { EndReason, OrderType, Side } from '../venue/venue.ts';
import { isLive, type TrackedOrder } from './tracked-order.ts';

/** Order ids remembered after a reconcile settled their missing fills (late fills are replays). */
const REMEMBERED_SETTLED_ORDERS = 1024;

export class OrderTracker {
  #orders = new Map<number, TrackedOrder>();
  /** The maker quote order per side (any non-terminal status), or null. */
  #bid: TrackedOrder | null = null;
  #ask: TrackedOrder | null = null;
  #liquidation: TrackedOrder | null = null;
  #fillsOwed = new Map<number, TrackedOrder>();
  /** When each owed order was ended by the venue (engine clock). */
  #owedSince = new Map<number, number>();
  /** Orders whose owed fills a reconcile settled: the adopted venue position already holds them. */
  #settled = new Set<number>();
  #nextId = 1;

  /** Our bid quote (any non-terminal status), or null. */
  get bid(): Readonly<TrackedOrder> | null {
    return this.#bid;
  }

  /** Our ask quote (any non-terminal status), or null. */
  get ask(): Readonly<TrackedOrder> | null {
    return this.#ask;
  }

  /** Whether a bid and an ask both rest on the book (accepted, not over: a slot holds no ended order). */
  bothResting(): boolean {
    const bid = this.#bid;
    const ask = this.#ask;
    return bid !== null && ask !== null && bid.status !== 'pending' && ask.status !== 'pending';
  }

  /** The liquidation IOC in flight, or null. */
  get liquidation(): Readonly<TrackedOrder> | null {
    return this.#liquidation;
  }

  get(id: number): Readonly<TrackedOrder> | undefined {
    return this.#orders.get(id);
  }

  /** A tracked order or one still owed fills (for attributing a fill to its order). */
  find(id: number): Readonly<TrackedOrder> | undefined {
    return this.#orders.get(id) ?? this.#fillsOwed.get(id);
  }

  /** Orders not yet over (pending, open, partially filled), cancel requested or not. */
  *live(): Generator<Readonly<TrackedOrder>> {
    for (const o of this.#orders.values()) if (isLive(o)) yield o;
  }

  liveCount(): number {
    let n = 0;
    for (const o of this.#orders.values()) if (isLive(o)) n++;
    return n;
  }

  /** Orders ended as filled whose fills have not all arrived. */
  get fillsOwedCount(): number {
    return this.#fillsOwed.size;
  }

  /**
   * Signed size (buys positive) the venue ended as filled at or after `since` whose fills have not
   * reached us: fills still plausibly in flight. Older ones are taken as lost (the venue's position
   * holds them; a reconcile adopts it).
   */
  owedSigned(since: number): number {
    let owed = 0;
    for (const o of this.#fillsOwed.values()) {
      if ((this.#owedSince.get(o.id) ?? 0) < since) continue;
      owed += o.side === 'buy' ? o.size - o.filled : -(o.size - o.filled);
    }
    return owed;
  }

  /**
   * Size our orders on `side` other than `except` could still add to Q: what live orders have not
   * filled, plus `intended` (orders decided but not yet tracked, which come after every tracked
   * one), plus the fills owed on that side.
   */
  exposure(side: Side, except: Readonly<TrackedOrder> | null, intended: number): number {
    let exposure = 0;
    for (const o of this.#orders.values()) if (o !== except && o.side === side && isLive(o)) exposure += o.size - o.filled;
    exposure += intended;
    for (const o of this.#fillsOwed.values()) if (o.side === side) exposure += o.size - o.filled;
    return exposure;
  }

  // ---- what we sent ---------------------------------------------------------------------------

  /** A new order, pending; a post-only one takes its side's quote slot, an IOC the liquidation slot. */
  open(
    side: Side,
    price: number,
    size: number,
    type: OrderType,
    sentAt: number,
    paramsVersion: number | null = null,
  ): Readonly<TrackedOrder> {
    const order: TrackedOrder = {
      id: this.#nextId++,
      side,
      type,
      price,
      size,
      filled: 0,
      status: 'pending',
      cancelRequested: false,
      sentAt,
      paramsVersion,
    };
    this.#orders.set(order.id, order);
    if (type === 'ioc') this.#liquidation = order;
    else if (side === 'buy') this.#bid = order;
    else this.#ask = order;
    return order;
  }

  /** A cancel was sent: the order stays live until the venue says it is over. */
  /** Marks the cancel as sent; returns the order (undefined when not tracked). */
  cancelRequested(id: number): Readonly<TrackedOrder> | undefined {
    const order = this.#orders.get(id);
    if (order !== undefined) order.cancelRequested = true;
    return order;
  }

  // ---- what the venue answered ----------------------------------------------------------------

  accepted(id: number): void {
    const order = this.#orders.get(id);
    if (order !== undefined && order.status === 'pending') order.status = 'open';
  }

  /** The order was refused: forgotten; returns it (undefined when not ours). */
  rejected(id: number): Readonly<TrackedOrder> | undefined {
    const order = this.#orders.get(id);
    if (order === undefined) return undefined;
    order.status = 'rejected';
    this.#forget(order);
    return order;
  }

  /** The venue says the order is over (at engine time `now`); one ended as filled with fills missing is owed them. */
  ended(id: number, reason: EndReason, now = 0): Readonly<TrackedOrder> | undefined {
    const order = this.#orders.get(id);
    if (order === undefined) return undefined;
    order.status = reason === 'filled' ? 'filled' : 'cancelled';
    this.#forget(order);
    if (order.status === 'filled' && order.filled < order.size - EPS) {
      this.#fillsOwed.set(order.id, order);
      this.#owedSince.set(order.id, now);
    }
    return order;
  }

  /**
   * The cancel did not happen: not a fill and not an end, the order may still be resting. It stays
   * tracked and the next decision may cancel again (repair 5: a failed cancel once left two live
   * orders on one side).
   */
  cancelRefused(id: number): Readonly<TrackedOrder> | undefined {
    const order = this.#orders.get(id);
    if (order !== undefined) order.cancelRequested = false;
    return order;
  }

  /** True when a reconcile already counted this order's missing fills in Q. */
  isSettled(orderId: number): boolean {
    return this.#settled.has(orderId);
  }

  /** A fill of `size` on `orderId` reached the ledger. */
  filled(orderId: number, size: number): void {
    const order = this.#orders.get(orderId);
    if (order !== undefined) {
      order.filled += size;
      if (order.status !== 'filled') order.status = order.filled >= order.size - EPS ? 'filled' : 'partially_filled';
      if (order.status === 'filled') this.#forget(order);
      return;
    }
    const owed = this.#fillsOwed.get(orderId);
    if (owed !== undefined) {
      owed.filled += size;
      if (owed.filled >= owed.size - EPS) {
        this.#fillsOwed.delete(owed.id);
        this.#owedSince.delete(owed.id);
      }
    }
  }

  /** The venue's position was adopted: it holds every fill still owed, whose late copies must leave Q alone. */
  settleOwed(): void {
    for (const id of this.#fillsOwed.keys()) {
      this.#settled.add(id);
      if (this.#settled.size > REMEMBERED_SETTLED_ORDERS) this.#settled.delete(this.#settled.values().next().value!);
    }
    this.#fillsOwed.clear();
    this.#owedSince.clear();
  }

  /** Drops a terminal order from tracking and frees its slot. */
  #forget(order: TrackedOrder): void {
    this.#orders.delete(order.id);
    if (this.#bid === order) this.#bid = null;
    if (this.#ask === order) this.#ask = null;
    if (this.#liquidation === order) this.#liquidation = null;
  }
}
