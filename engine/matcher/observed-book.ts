/**
 * A `MatcherMarket` over a book we only observe (paper trading on a real feed, a recorded feed):
 * our orders never reach that book, so a taker walks the displayed levels without consuming them,
 * and an order deeper than the levels we see is assumed to join behind the last displayed size.
 */
import { EPS } from '../../shared/eps.ts';
import { createBookView, type BookView } from '../venue/book-view.ts';
import type { Side } from '../venue/venue.ts';
import type { MatcherMarket } from './matcher-market.ts';

export interface BookLevel {
  px: number;
  sz: number;
}

export class ObservedBook implements MatcherMarket {
  /** The latest book, best level first (handed to the engine as is). */
  readonly view: BookView;
  #capacity: number;
  #hasBook = false;

  constructor(capacity = 64) {
    this.#capacity = capacity;
    this.view = createBookView(capacity);
  }

  /** Replaces the book with the first `capacity` levels of each side; false when a side is empty. */
  update(time: number, bids: readonly BookLevel[], asks: readonly BookLevel[]): boolean {
    const view = this.view;
    view.time = time;
    view.bidCount = Math.min(bids.length, this.#capacity);
    view.askCount = Math.min(asks.length, this.#capacity);
    for (let i = 0; i < view.bidCount; i++) {
      view.bidPx[i] = bids[i]!.px;
      view.bidSz[i] = bids[i]!.sz;
    }
    for (let i = 0; i < view.askCount; i++) {
      view.askPx[i] = asks[i]!.px;
      view.askSz[i] = asks[i]!.sz;
    }
    this.#hasBook = view.bidCount > 0 && view.askCount > 0;
    return this.#hasBook;
  }

  /** Forgets the book (the feed is gone: what we saw is no longer the market). */
  clear(): void {
    this.#hasBook = false;
  }

  ready(): boolean {
    return this.#hasBook;
  }

  bestBid(): number {
    return this.view.bidPx[0]!;
  }

  bestAsk(): number {
    return this.view.askPx[0]!;
  }

  mid(): number {
    return this.#hasBook ? (this.view.bidPx[0]! + this.view.askPx[0]!) / 2 : Number.NaN;
  }

  displayedAt(side: Side, price: number): number {
    const buy = side === 'buy';
    const px = buy ? this.view.bidPx : this.view.askPx;
    const sz = buy ? this.view.bidSz : this.view.askSz;
    const n = buy ? this.view.bidCount : this.view.askCount;
    for (let i = 0; i < n; i++) {
      if (px[i] === price) return sz[i]!;
      if (buy ? px[i]! < price : px[i]! > price) return 0;
    }
    // Deeper than the levels we see: assume the last displayed size is ahead of us.
    return n > 0 ? sz[n - 1]! : 0;
  }

  take(side: Side, size: number, limitPrice: number, onTrade: (price: number, size: number) => void): void {
    const buy = side === 'buy';
    const px = buy ? this.view.askPx : this.view.bidPx;
    const sz = buy ? this.view.askSz : this.view.bidSz;
    const n = buy ? this.view.askCount : this.view.bidCount;
    let left = size;
    for (let i = 0; i < n && left > EPS; i++) {
      if (buy ? px[i]! > limitPrice : px[i]! < limitPrice) break;
      const qty = Math.min(left, sz[i]!);
      left -= qty;
      onTrade(px[i]!, qty);
    }
  }
}
