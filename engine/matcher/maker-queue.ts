/**
 * The queue model both simulated venues use, after hftbacktest's probabilistic queue models: the
 * order joins behind the displayed size at its price; trades at its price consume the queue ahead
 * first; a trade through its price, or a book that crosses it, fills it (the aggressor would have
 * met us first). Between trades the queue changes only by adds and cancels, which a book shows
 * only as a net change of the displayed size:
 * - a rise is adds, and adds join behind us: the queue ahead does not move;
 * - a fall is cancels, ahead of us only with a probability: with `front` ahead and `back` behind,
 *   the share f(front)/(f(front) + f(back)) of it, f(x) = x^n (n = 3 by default). A queue far
 *   from the front loses little to cancels; one near the front advances slowly too;
 * - the queue ahead never exceeds what is displayed.
 * So the queue never improves without trades or cancels ahead (the redrawn book used to ratchet
 * it down on noise).
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
    // Those were displayed: the next book shows them gone, and that is not a cancel.
    order.displayed = Math.max(0, order.displayed - ahead);
    left -= ahead;
  }
  const mine = Math.min(left, order.remaining);
  order.remaining -= mine;
  return mine;
}

/** A queue model whose cancels fall ahead of us with probability f(front)/(f(front) + f(back)), f(x) = x^power. */
export function probabilisticQueue(power = 3): QueueModel {
  const f = (x: number) => x ** power;
  return {
    onTrade: fillFromTrade,
    onBook(order, bestBid, bestAsk, displayedAtPrice) {
      const crossed = order.side === 'buy' ? bestAsk <= order.price : bestBid >= order.price;
      if (crossed) {
        const mine = order.remaining;
        order.remaining = 0;
        return mine;
      }
      const fall = order.displayed - displayedAtPrice;
      if (fall > 0) {
        const front = order.queueAhead;
        const back = Math.max(0, order.displayed - front);
        const ff = f(front);
        const weight = ff + f(back);
        const aheadShare = weight > 0 ? ff / weight : 0;
        order.queueAhead = Math.max(0, front - fall * aheadShare);
      }
      if (displayedAtPrice < order.queueAhead) order.queueAhead = displayedAtPrice;
      order.displayed = displayedAtPrice;
      return 0;
    },
  };
}

export const makerQueue: QueueModel = probabilisticQueue();
