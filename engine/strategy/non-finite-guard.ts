/**
 * The last check before a quote becomes orders: every figure it would put on the venue, and every
 * figure a fill of it would put on our books, must be a finite number. The params schema keeps
 * each parameter finite, but a product of finite values can still overflow — `order_size =
 * max_position = 1e308` floored to the lot is 1e310, i.e. Infinity — and one non-finite fill makes
 * inventory and P&L non-finite for good (reports then fail validation and the fleet row freezes).
 * A quote that fails here is not sent: the decider cancels everything for that event and says why.
 */
import type { Quote, QuoteSide } from './compute-quote.ts';

function sideReason(name: 'bid' | 'ask', side: Readonly<QuoteSide>, inventory: number): string | null {
  if (side.size === 0) return null;
  if (!Number.isFinite(side.size)) return `${name} size ${side.size} is not finite`;
  if (!Number.isFinite(side.price)) return `${name} price ${side.price} is not finite`;
  if (!Number.isFinite(side.size * side.price)) return `${name} notional ${side.size} × ${side.price} overflows`;
  if (!Number.isFinite(Math.abs(inventory) + side.size)) return `inventory ${inventory} + ${name} size ${side.size} overflows`;
  return null;
}

/** Why the quote (or the books it starts from) is not finite, or null when every figure is. */
export function nonFiniteReason(quote: Readonly<Quote>, books: { inventory: number; cash: number }): string | null {
  if (!Number.isFinite(books.inventory)) return `inventory ${books.inventory} is not finite`;
  if (!Number.isFinite(books.cash)) return `cash ${books.cash} is not finite`;
  return sideReason('bid', quote.bid, books.inventory) ?? sideReason('ask', quote.ask, books.inventory);
}
