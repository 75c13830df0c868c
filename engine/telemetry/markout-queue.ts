/**
 * Maker fills waiting for their markouts, oldest first, in ONE array shared by every horizon: each
 * horizon keeps the index of the oldest fill it still waits for (its head). A fill is pushed once,
 * not once per horizon, and taking the markouts due is a walk from each head. Longer horizons fall
 * due later for the same fill, so their heads trail the shorter ones' and the array is reclaimed up
 * to the trailing head.
 *
 * A fill leaves a horizon when the recorder's time passes fill time + horizon; the mid it is marked
 * against is the mid in force at that instant, which the recorder knows exactly because it takes
 * what is due before it takes in a newer mid. Bounded: a horizon with `capacity` fills waiting drops
 * its oldest (and counts it) rather than letting a stalled clock grow memory without end.
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

/** Consumed entries reclaimed at once, when they are also at least half of the array. */
const RECLAIM_AT = 1024;

export class MarkoutQueue {
  /** Horizons in ms, ascending. */
  readonly horizonsMs: readonly number[];
  readonly capacity: number;
  dropped = 0;
  #items: (PendingFill | undefined)[] = [];
  /** Absolute index of `#items[0]`. */
  #base = 0;
  /** Absolute index of the oldest fill each horizon waits for (`#end` when none). */
  readonly #heads: number[];
  /** Absolute index after the newest fill. */
  #end = 0;

  constructor(horizonsMs: readonly number[], capacity: number) {
    for (let h = 1; h < horizonsMs.length; h++)
      if (!(horizonsMs[h]! > horizonsMs[h - 1]!)) throw new Error('markout horizons must be ascending');
    this.horizonsMs = horizonsMs;
    this.capacity = capacity;
    this.#heads = horizonsMs.map(() => 0);
  }

  /** Fills horizon `h` still waits for. */
  waiting(h: number): number {
    return this.#end - this.#heads[h]!;
  }

  push(fill: PendingFill): void {
    const heads = this.#heads;
    for (let h = 0; h < heads.length; h++) {
      if (this.#end - heads[h]! >= this.capacity) {
        heads[h]!++;
        this.dropped++;
      }
    }
    this.#items.push(fill);
    this.#end++;
    this.#reclaim();
  }

  /** When the earliest waiting markout falls due (+Infinity when none waits). */
  nextDue(): number {
    let due = Number.POSITIVE_INFINITY;
    const heads = this.#heads;
    for (let h = 0; h < heads.length; h++) {
      const head = heads[h]!;
      if (head < this.#end) {
        const at = this.#items[head - this.#base]!.time + this.horizonsMs[h]!;
        if (at < due) due = at;
      }
    }
    return due;
  }

  /**
   * Takes every markout due by `now`, horizon by horizon, oldest first, and forgets it: one due
   * before `now` is marked against `midBefore` (the mid in force until now), one due exactly at
   * `now` against `midAt`. Returns when the next falls due (+Infinity when none waits).
   */
  takeDue(now: number, midBefore: number, midAt: number, take: (fill: PendingFill, h: number, mid: number) => void): number {
    const heads = this.#heads;
    const items = this.#items;
    const base = this.#base;
    const end = this.#end;
    let next = Number.POSITIVE_INFINITY;
    for (let h = 0; h < heads.length; h++) {
      const horizon = this.horizonsMs[h]!;
      let head = heads[h]!;
      while (head < end) {
        const fill = items[head - base]!;
        const due = fill.time + horizon;
        if (due > now) {
          if (due < next) next = due;
          break;
        }
        head++;
        take(fill, h, due < now ? midBefore : midAt);
      }
      heads[h] = head;
    }
    this.#reclaim();
    return next;
  }

  /** Drops the prefix every horizon is done with, now and then, instead of shifting per fill. */
  #reclaim(): void {
    let oldest = this.#end;
    for (const head of this.#heads) if (head < oldest) oldest = head;
    const done = oldest - this.#base;
    if (done >= RECLAIM_AT && done * 2 >= this.#items.length) {
      this.#items = this.#items.slice(done);
      this.#base += done;
    }
  }
}
