/**
 * A FIFO of timestamped messages for one latency path. Every message on a path has the same delay,
 * so arrival order is time order and no heap is needed. The head index avoids `shift()` costs; the
 * arrays are compacted once the consumed prefix dominates.
 */
export class TimedQueue<T> {
  private times: number[] = [];
  private items: T[] = [];
  private head = 0;

  push(time: number, item: T): void {
    this.times.push(time);
    this.items.push(item);
  }

  /** Time of the next message, or +∞ when empty. */
  peekTime(): number {
    return this.head < this.times.length ? this.times[this.head]! : Number.POSITIVE_INFINITY;
  }

  shift(): T {
    const item = this.items[this.head]!;
    this.head++;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.times = this.times.slice(this.head);
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  get size(): number {
    return this.times.length - this.head;
  }
}
