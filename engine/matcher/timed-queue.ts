/**
 * A FIFO of timestamped messages for one latency path. Messages on a path arrive in the order they
 * were sent (one connection), so a time earlier than the last one pushed is raised to it: arrival
 * order is time order and no heap is needed. The head index avoids `shift()` costs; the arrays are
 * compacted once the consumed prefix dominates.
 */
export class TimedQueue<T> {
  #times: number[] = [];
  #items: T[] = [];
  #head = 0;
  #last = Number.NEGATIVE_INFINITY;

  push(time: number, item: T): void {
    const at = Math.max(time, this.#last);
    this.#last = at;
    this.#times.push(at);
    this.#items.push(item);
  }

  /** Time of the next message, or +∞ when empty. */
  peekTime(): number {
    return this.#head < this.#times.length ? this.#times[this.#head]! : Number.POSITIVE_INFINITY;
  }

  shift(): T {
    const item = this.#items[this.#head]!;
    this.#head++;
    if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#times = this.#times.slice(this.#head);
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return item;
  }

  get size(): number {
    return this.#times.length - this.#head;
  }
}
