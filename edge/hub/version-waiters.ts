/**
 * Long-poll waiters held inside the hub: each waits for the next version or its deadline. A write
 * wakes them all at once; nothing polls KV or storage in a loop.
 */
import type { Version } from '../../shared/api.ts';

interface Waiter {
  resolve(version: Version | undefined): void;
  timer: ReturnType<typeof setTimeout>;
}

export class VersionWaiters {
  #waiters = new Set<Waiter>();

  /** Resolves with the next committed version, or undefined when `timeoutMs` passes first. */
  wait(timeoutMs: number): Promise<Version | undefined> {
    return new Promise((resolve) => {
      const waiter: Waiter = {
        resolve,
        timer: setTimeout(() => {
          this.#waiters.delete(waiter);
          resolve(undefined);
        }, timeoutMs),
      };
      this.#waiters.add(waiter);
    });
  }

  wake(version: Version): void {
    for (const waiter of this.#waiters) {
      clearTimeout(waiter.timer);
      waiter.resolve(version);
    }
    this.#waiters.clear();
  }

  get size(): number {
    return this.#waiters.size;
  }
}
