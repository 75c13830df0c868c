/**
 * Long-poll waiters held inside the hub: each waits for the next version or its deadline. A write
 * wakes them all at once; nothing polls KV or storage in a loop. Deadlines are the clock's sleeps,
 * cancelled when a version wakes the waiter, so a test's fake clock decides when a poll times out.
 */
import type { Version } from '../../shared/api.ts';
import { systemClock, type Clock } from '../../shared/clock.ts';

interface Waiter {
  resolve(version: Version | undefined): void;
  deadline: AbortController;
}

export class VersionWaiters {
  readonly #clock: Clock;
  #waiters = new Set<Waiter>();

  constructor({ clock = systemClock }: { clock?: Clock } = {}) {
    this.#clock = clock;
  }

  /** Resolves with the next committed version, or undefined when `timeoutMs` passes first. */
  wait(timeoutMs: number): Promise<Version | undefined> {
    return new Promise((resolve) => {
      const waiter: Waiter = { resolve, deadline: new AbortController() };
      this.#waiters.add(waiter);
      this.#clock.sleep(timeoutMs, waiter.deadline.signal).then(
        () => {
          this.#waiters.delete(waiter);
          resolve(undefined);
        },
        // Aborted: a version woke this waiter first.
        () => {},
      );
    });
  }

  wake(version: Version): void {
    for (const waiter of this.#waiters) {
      waiter.resolve(version);
      waiter.deadline.abort();
    }
    this.#waiters.clear();
  }

  get size(): number {
    return this.#waiters.size;
  }
}
