/**
 * What a venue is to the quoting engine. Shaped after a real exchange connection so live order
 * routing can be added later without touching the engine:
 * - `place` and `cancel` return nothing: the answer (accepted, rejected, cancelled, cancel refused)
 *   arrives later as a listener call, so the engine never waits on the network inside an event;
 * - fills arrive as their own events, each with an id (the engine deduplicates on it) and a symbol
 *   (the engine filters on it);
 * - the position is asked for and arrives as an event, for reconciliation.
 * Listener methods instead of event objects keep the simulator's hot path allocation-free.
 */
import type { MarketSpec } from '../strategy/compute-quote.ts';
import type { BookView } from './book-view.ts';

export type Side = 'buy' | 'sell';

/**
 * `post_only`: a maker quote the venue rejects if it would cross (Hyperliquid `Alo`).
 * `ioc`: immediate-or-cancel; whatever does not trade at once is cancelled (liquidation).
 */
export type OrderType = 'post_only' | 'ioc';

export interface OrderRequest {
  /** Client order id, unique per engine run (Hyperliquid `cloid`). */
  id: number;
  side: Side;
  price: number;
  size: number;
  type: OrderType;
  reduceOnly: boolean;
}

export interface Fill {
  fillId: string;
  orderId: number;
  symbol: string;
  side: Side;
  price: number;
  size: number;
  /** Fee paid in quote currency (negative would be a rebate). */
  fee: number;
  liquidity: 'maker' | 'taker';
  time: number;
}

export type RejectReason = 'post_only_would_cross' | 'reduce_only_would_increase' | 'invalid_order' | 'disconnected';
/** How an accepted order ended: fully filled, cancelled on request, or an IOC remainder expired. */
export type EndReason = 'filled' | 'cancelled' | 'expired';

export interface VenueListener {
  onBook(book: BookView): void;
  onOrderAccepted(orderId: number): void;
  onOrderRejected(orderId: number, reason: RejectReason): void;
  /** The venue confirms the order is over; nothing more will fill on it. */
  onOrderEnded(orderId: number, reason: EndReason): void;
  /** The cancel did not happen (unknown order, already done, venue error): the order is NOT over. */
  onCancelRejected(orderId: number, reason: string): void;
  onFill(fill: Fill): void;
  onPosition(symbol: string, position: number): void;
  /** Feed or order connection lost or back. Resting orders are cancelled by the venue on loss. */
  onConnectionChange(connected: boolean): void;
}

export interface Venue {
  readonly symbol: string;
  readonly market: MarketSpec;
  setListener(listener: VenueListener): void;
  place(order: OrderRequest): void;
  cancel(orderId: number): void;
  requestPosition(): void;
}
