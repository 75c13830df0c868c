/**
 * A manual `Clock` for tests: time moves only when the test calls `advance`, and every `sleep` is
 * recorded so a test can assert which delay the code under test chose.
 */
import type { Clock } from '../../../shared/clock.ts';

interface Timer {
  at: number;
  ms: number;
  resolve: () => void;
}

export class FakeClock implements Clock {
  #now: number;
  #timers = new Set<Timer>();
  #sleepWaiters: Array<(ms: number) => void> = [];
  /** Every delay asked of `sleep`, in order. */
  readonly sleeps: number[] = [];

  constructor(start = Date.UTC(2026, 0, 1)) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    this.sleeps.push(ms);
    const waiters = this.#sleepWaiters.splice(0);
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const timer: Timer = { at: this.#now + ms, ms, resolve };
      this.#timers.add(timer);
      signal?.addEventListener(
        'abort',
        () => {
          this.#timers.delete(timer);
          reject(signal.reason);
        },
        { once: true },
      );
      for (const w of waiters) w(ms);
    });
  }

  /** Resolves with the delay of the next `sleep` call (made after this call). */
  nextSleep(): Promise<number> {
    return new Promise((resolve) => this.#sleepWaiters.push(resolve));
  }

  /** Sleeps currently pending. */
  pending(): number[] {
    return [...this.#timers].map((t) => t.ms);
  }

  /** Moves time forward and wakes every sleep that is due, in order. */
  async advance(ms: number): Promise<void> {
    const target = this.#now + ms;
    for (;;) {
      const due = [...this.#timers].filter((t) => t.at <= target).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.#timers.delete(due);
      this.#now = Math.max(this.#now, due.at);
      due.resolve();
      // Let the woken code run (and maybe sleep again) before looking for the next due timer.
      await new Promise((r) => setImmediate(r));
    }
    this.#now = target;
  }
}
