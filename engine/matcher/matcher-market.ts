/**
 * What the local matcher needs to know of the market it matches our orders against. The simulated
 * exchange implements it over its synthetic book (which our takers deplete); the paper venue over
 * the real book it observes (which our takers cannot move: see observed-book.ts).
 */
import type { Side } from '../venue/venue.ts';

export interface MatcherMarket {
  /** False while there is no book to match against (feed down, nothing received yet). */
  ready(): boolean;
  bestBid(): number;
  bestAsk(): number;
  /** What our fills are marked to (markouts). */
  mid(): number;
  /**
   * The mid before the aggressing order now trading arrived (the spread a maker fill captured is
   * measured from it: while the aggressor walks the book the mid is already displaced). Absent or
   * NaN: `mid()`.
   */
  referenceMid?(): number;
  /** The efficient price where the market knows it (the simulator), for markouts against it. */
  fair?(): number;
  /** Displayed size at `price` on `side`: the queue a new order at that price joins behind. */
  displayedAt(side: Side, price: number): number;
  /**
   * Our taker order of `side` trades up to `size` against the displayed book at prices no worse than
   * `limitPrice`, best level first; `onTrade` is called once per level with the price and quantity.
   */
  take(side: Side, size: number, limitPrice: number, onTrade: (price: number, size: number) => void): void;
}
