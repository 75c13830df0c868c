/**
 * Maker fills waiting for one markout horizon, oldest first. A fill leaves the queue when the
 * recorder's time passes fill time + horizon; the mid it is marked against is the mid in force at
 * that instant, which the recorder knows exactly because it drains the queue before it takes in a
 * newer mid. Bounded: past `capacity` the oldest waiting fill is dropped (and counted) rather than
 * letting a stalled clock grow memory without end.
 */
import type { VersionStats } from './version-stats.ts';

export interface PendingFill {
  /** Engine time of the fill, ms. */
  time: number;
  price: number;
  /** +1 for a buy, −1 for a sell: positive markouts are good for us. */
  sign: number;
  stats: VersionStats;
}

export class MarkoutQueue {
  readonly horizonMs: number;
  readonly capacity: number;
  dropped = 0;
  #items: (PendingFill | undefined)[] = [];
  #head = 0;

  constructor(horizonMs: number, capacity: number) {
    this.horizonMs = horizonMs;
    this.capacity = capacity;
  }

  get size(): number {
    return this.#items.length - this.#head;
  }

  push(fill: PendingFill): void {
    if (this.size >= this.capacity) {
      this.#items[this.#head++] = undefined;
      this.dropped++;
    }
    this.#items.push(fill);
  }

  /** When the oldest waiting fill's horizon ends (+Infinity when none waits). */
  nextDue(): number {
    const first = this.#items[this.#head];
    return first === undefined ? Number.POSITIVE_INFINITY : first.time + this.horizonMs;
  }

  /** The oldest fill whose horizon ends at or before `now` (`strict`: before), or undefined. */
  peekDue(now: number, strict: boolean): PendingFill | undefined {
    const first = this.#items[this.#head];
    if (first === undefined) return undefined;
    const due = first.time + this.horizonMs;
    return due < now || (!strict && due === now) ? first : undefined;
  }

  shift(): PendingFill {
    const first = this.#items[this.#head]!;
    this.#items[this.#head++] = undefined;
    // Reclaim the consumed prefix now and then instead of shifting the array each time.
    if (this.#head >= 1024 && this.#head * 2 >= this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return first;
  }
}
