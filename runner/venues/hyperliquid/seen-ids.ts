/**
 * The last `capacity` ids seen, for deduplication: Hyperliquid replays fills (the `userFills`
 * snapshot on every subscribe, and a fill may come on two paths), and each must be booked once.
 * Bounded, because a runner lives for weeks; a replay older than the window is a snapshot of fills
 * long since reconciled by position.
 */
export class SeenIds {
  #set = new Set<number>();
  #order: number[] = [];
  #capacity: number;

  constructor(capacity = 10_000) {
    this.#capacity = capacity;
  }

  /** True the first time `id` is offered. */
  add(id: number): boolean {
    if (this.#set.has(id)) return false;
    this.#set.add(id);
    this.#order.push(id);
    if (this.#order.length > this.#capacity) this.#set.delete(this.#order.shift()!);
    return true;
  }
}
