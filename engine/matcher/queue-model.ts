/**
 * How a resting maker order advances in the queue at its price: the swappable piece of the local
 * matcher that decides maker fills (hftbacktest's `QueueModel`). The matcher asks it on every
 * trade and every new book; it moves `queueAhead` and `remaining` and returns the quantity filled.
 */
import type { Side } from '../venue/venue.ts';

export interface QueuedOrder {
  side: Side;
  price: number;
  remaining: number;
  /** Displayed size ahead of the order at its price. */
  queueAhead: number;
  /**
   * The displayed size at the order's price when the model last looked (ahead and behind us; our
   * own order is never displayed): a book shows only the net of adds and cancels since then.
   */
  displayed: number;
}

export interface QueueModel {
  /** Quantity of `order` filled by a trade of `size` at `price` whose taker was on `taker`'s side. */
  onTrade(order: QueuedOrder, taker: Side, price: number, size: number): number;
  /** Quantity filled because a new book crossed the order; otherwise updates the queue ahead. */
  onBook(order: QueuedOrder, bestBid: number, bestAsk: number, displayedAtPrice: number): number;
}
