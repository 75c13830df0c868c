/**
 * The queue model both simulated venues use (conservative, like hftbacktest's risk-averse model):
 * the order joins behind the displayed size at its price; trades at its price consume the queue
 * ahead first; a trade through its price, or a book that crosses it, fills it (the aggressor would
 * have met us first); the queue ahead only ever shrinks, to what is displayed at the price.
 */
import type { Side } from '../venue/venue.ts';
import type { QueuedOrder, QueueModel } from './queue-model.ts';

export type { QueuedOrder } from './queue-model.ts';

/** Quantity of `order` filled by a trade of `size` at `price` whose taker was on `taker`'s side. */
export function fillFromTrade(order: QueuedOrder, taker: Side, price: number, size: number): number {
  if (taker === order.side) return 0; // a buyer taking liquidity never fills our bid
  const better = order.side === 'buy' ? price < order.price : price > order.price;
  const at = price === order.price;
  if (!better && !at) return 0;
  let left = size;
  if (at) {
    const ahead = Math.min(order.queueAhead, left);
    order.queueAhead -= ahead;
    left -= ahead;
  }
  const mine = Math.min(left, order.remaining);
  order.remaining -= mine;
  return mine;
}

/**
 * Applies a new book: returns the quantity filled because the book crossed the order, after
 * shrinking the queue ahead to what is displayed at the order's price now (0 if nothing is).
 */
export function fillFromBook(order: QueuedOrder, bestBid: number, bestAsk: number, displayedAtPrice: number): number {
  const crossed = order.side === 'buy' ? bestAsk <= order.price : bestBid >= order.price;
  if (crossed) {
    const mine = order.remaining;
    order.remaining = 0;
    return mine;
  }
  if (displayedAtPrice < order.queueAhead) order.queueAhead = displayedAtPrice;
  return 0;
}

export const makerQueue: QueueModel = { onTrade: fillFromTrade, onBook: fillFromBook };
