/**
 * Book snapshots on their way to us (market-data latency). Each snapshot is copied into one slot of
 * a preallocated Float64Array: [due time, emit time, best bid tick, best ask tick, bid sizes…, ask
 * sizes…], so delaying a book costs a copy and no allocation. Due times never go backwards (one
 * feed, in order): a later snapshot with a shorter delay waits for the one before it.
 */
import type { BookView } from '../venue/book-view.ts';

export class MarketDataRing {
  readonly #levels: number;
  readonly #slot: number;
  readonly #capacity: number;
  readonly #data: Float64Array;
  #head = 0;
  #count = 0;
  #lastDue = Number.NEGATIVE_INFINITY;

  constructor(levels: number, capacity = 4096) {
    this.#levels = levels;
    this.#slot = 4 + 2 * levels;
    this.#capacity = capacity;
    this.#data = new Float64Array(this.#slot * capacity);
  }

  get size(): number {
    return this.#count;
  }

  isFull(): boolean {
    return this.#count === this.#capacity;
  }

  /** When the oldest snapshot reaches us, or +∞. */
  peekTime(): number {
    return this.#count > 0 ? this.#data[this.#head * this.#slot]! : Number.POSITIVE_INFINITY;
  }

  /** A snapshot emitted at `time` that reaches us at `due` (raised to the previous one's, FIFO). */
  push(time: number, due: number, bidTick: number, askTick: number, bidSz: Float64Array, askSz: Float64Array): void {
    const at = ((this.#head + this.#count) % this.#capacity) * this.#slot;
    const d = this.#data;
    this.#lastDue = Math.max(due, this.#lastDue);
    d[at] = this.#lastDue;
    d[at + 1] = time;
    d[at + 2] = bidTick;
    d[at + 3] = askTick;
    d.set(bidSz, at + 4);
    d.set(askSz, at + 4 + this.#levels);
    this.#count++;
  }

  /** Pops the oldest snapshot into `view` (its time is the emit time; empty levels skipped); `toPrice` turns ticks into prices. */
  popInto(view: BookView, toPrice: (ticks: number) => number): void {
    const d = this.#data;
    const at = this.#head * this.#slot;
    const L = this.#levels;
    const bidTick = d[at + 2]!;
    const askTick = d[at + 3]!;
    let n = 0;
    for (let k = 0; k < L; k++) {
      const sz = d[at + 4 + k]!;
      if (sz > 0) {
        view.bidPx[n] = toPrice(bidTick - k);
        view.bidSz[n++] = sz;
      }
    }
    view.bidCount = n;
    n = 0;
    for (let k = 0; k < L; k++) {
      const sz = d[at + 4 + L + k]!;
      if (sz > 0) {
        view.askPx[n] = toPrice(askTick + k);
        view.askSz[n++] = sz;
      }
    }
    view.askCount = n;
    view.time = d[at + 1]!;
    this.#head = (this.#head + 1) % this.#capacity;
    this.#count--;
  }
}
