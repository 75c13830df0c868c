/**
 * The L2 book as every venue hands it to the quoting engine: best level first, prices and sizes in
 * preallocated typed arrays. A venue rewrites one view in place on each update instead of building
 * objects, because the engine must process over a million book events per second on one core.
 */

export interface BookView {
  /** Exchange time of the update, ms. */
  time: number;
  bidCount: number;
  askCount: number;
  /** Bid prices, best (highest) first. Only the first `bidCount` entries are meaningful. */
  bidPx: Float64Array;
  bidSz: Float64Array;
  /** Ask prices, best (lowest) first. */
  askPx: Float64Array;
  askSz: Float64Array;
}

export function createBookView(capacity: number): BookView {
  return {
    time: 0,
    bidCount: 0,
    askCount: 0,
    bidPx: new Float64Array(capacity),
    bidSz: new Float64Array(capacity),
    askPx: new Float64Array(capacity),
    askSz: new Float64Array(capacity),
  };
}

/** Copies `from` into `to` (both views must have the same capacity or `to` a larger one). */
export function copyBookView(from: BookView, to: BookView): void {
  to.time = from.time;
  to.bidCount = from.bidCount;
  to.askCount = from.askCount;
  to.bidPx.set(from.bidPx.subarray(0, from.bidCount));
  to.bidSz.set(from.bidSz.subarray(0, from.bidCount));
  to.askPx.set(from.askPx.subarray(0, from.askCount));
  to.askSz.set(from.askSz.subarray(0, from.askCount));
}
