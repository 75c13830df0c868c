/**
 * Maker fills waiting for their markouts, oldest first, in ONE ring shared by every horizon: each
 * horizon keeps the position of the oldest fill it still waits for (its head). A fill is written
 * once, into typed arrays (time, price, side) and a slot for its version's stats — no object per
 * fill, so a busy market adds no garbage — and taking the markouts due is a walk from each head.
 * Longer horizons fall due later for the same fill, so their heads trail the shorter ones'.
 *
 * A fill leaves a horizon when the recorder's time passes fill time + horizon, marked against the
 * mid in force at that instant (the caller hands the mids around the event that reached it).
 * Bounded: a horizon with `capacity` fills waiting drops its oldest (and counts it) rather than
 * letting a stalled clock grow memory without end; the ring grows by doubling up to that size.
 */
import type { VersionStats } from './version-stats.ts';

/** Slots of a fresh ring (it doubles as fills wait, up to the capacity). */
const INITIAL_SLOTS = 256;

export class MarkoutQueue {
  /** Horizons in ms, ascending. */
  readonly horizonsMs: readonly number[];
  readonly capacity: number;
  dropped = 0;
  #time: Float64Array;
  #price: Float64Array;
  /** +1 for a buy, −1 for a sell: positive markouts are good for us. */
  #sign: Float64Array;
  #stats: (VersionStats | undefined)[];
  /** Ring size − 1 (the size is a power of two). */
  #mask: number;
  /** Absolute position of the oldest fill each horizon waits for (`#end` when none). */
  readonly #heads: number[];
  /** Absolute position after the newest fill. */
  #end = 0;

  constructor(horizonsMs: readonly number[], capacity: number) {
    for (let h = 1; h < horizonsMs.length; h++)
      if (!(horizonsMs[h]! > horizonsMs[h - 1]!)) throw new Error('markout horizons must be ascending');
    if (!(capacity >= 1)) throw new Error('markout capacity must be at least 1');
    this.horizonsMs = horizonsMs;
    this.capacity = capacity;
    this.#heads = horizonsMs.map(() => 0);
    this.#time = new Float64Array(INITIAL_SLOTS);
    this.#price = new Float64Array(INITIAL_SLOTS);
    this.#sign = new Float64Array(INITIAL_SLOTS);
    this.#stats = new Array<VersionStats | undefined>(INITIAL_SLOTS).fill(undefined);
    this.#mask = INITIAL_SLOTS - 1;
  }

  /** Fills horizon `h` still waits for. */
  waiting(h: number): number {
    return this.#end - this.#heads[h]!;
  }

  push(time: number, price: number, sign: number, stats: VersionStats): void {
    const heads = this.#heads;
    let oldest = this.#end;
    for (let h = 0; h < heads.length; h++) {
      if (this.#end - heads[h]! >= this.capacity) {
        heads[h]!++;
        this.dropped++;
      }
      if (heads[h]! < oldest) oldest = heads[h]!;
    }
    if (this.#end - oldest > this.#mask) this.#grow(oldest);
    const slot = this.#end & this.#mask;
    this.#time[slot] = time;
    this.#price[slot] = price;
    this.#sign[slot] = sign;
    this.#stats[slot] = stats;
    this.#end++;
  }

  /** When the earliest waiting markout falls due (+Infinity when none waits). */
  nextDue(): number {
    let due = Number.POSITIVE_INFINITY;
    const heads = this.#heads;
    for (let h = 0; h < heads.length; h++) {
      const head = heads[h]!;
      if (head < this.#end) {
        const at = this.#time[head & this.#mask]! + this.horizonsMs[h]!;
        if (at < due) due = at;
      }
    }
    return due;
  }

  /**
   * Takes every markout due by `now`, horizon by horizon, oldest first, and forgets it: one due
   * before `now` is marked against `midBefore` (the mid in force until now), one due exactly at
   * `now` against `midAt`; `take` gets the fill's stats, the horizon's index and the markout in bps
   * (finite only). Returns when the next falls due (+Infinity when none waits).
   */
  takeDue(now: number, midBefore: number, midAt: number, take: (stats: VersionStats, h: number, bps: number) => void): number {
    const heads = this.#heads;
    const mask = this.#mask;
    const end = this.#end;
    let next = Number.POSITIVE_INFINITY;
    for (let h = 0; h < heads.length; h++) {
      const horizon = this.horizonsMs[h]!;
      let head = heads[h]!;
      while (head < end) {
        const slot = head & mask;
        const due = this.#time[slot]! + horizon;
        if (due > now) {
          if (due < next) next = due;
          break;
        }
        head++;
        const price = this.#price[slot]!;
        const bps = ((this.#sign[slot]! * ((due < now ? midBefore : midAt) - price)) / price) * 1e4;
        if (Number.isFinite(bps)) take(this.#stats[slot]!, h, bps);
      }
      heads[h] = head;
    }
    return next;
  }

  /** Doubles the ring, keeping the waiting fills (from `oldest`) at their absolute positions. */
  #grow(oldest: number): void {
    const size = (this.#mask + 1) * 2;
    const time = new Float64Array(size);
    const price = new Float64Array(size);
    const sign = new Float64Array(size);
    const stats = new Array<VersionStats | undefined>(size).fill(undefined);
    const mask = size - 1;
    for (let i = oldest; i < this.#end; i++) {
      const from = i & this.#mask;
      const to = i & mask;
      time[to] = this.#time[from]!;
      price[to] = this.#price[from]!;
      sign[to] = this.#sign[from]!;
      stats[to] = this.#stats[from];
    }
    this.#time = time;
    this.#price = price;
    this.#sign = sign;
    this.#stats = stats;
    this.#mask = mask;
  }
}
