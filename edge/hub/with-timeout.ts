/**
 * Bounds a call to another Durable Object: an RPC has no deadline of its own, and a hung peer (the
 * single global `SetRegistry`) must not hold a writer's answer forever. The deadline is a sleep of
 * the injected clock, cancelled as soon as the call settles.
 */
import { systemClock, type Clock } from '../../shared/clock.ts';

export interface TimeoutOptions {
  timeoutMs: number;
  /** Named in the error: `SetRegistry.upsert did not answer within 1000 ms`. */
  what: string;
  clock?: Clock;
}

export async function withTimeout<T>(promise: Promise<T>, { timeoutMs, what, clock = systemClock }: TimeoutOptions): Promise<T> {
  const settled = new AbortController();
  const deadline = clock.sleep(timeoutMs, settled.signal).then(
    () => Promise.reject(new Error(`${what} did not answer within ${timeoutMs} ms`)),
    // Cancelled because the call settled first: this branch loses the race and is never seen.
    () => new Promise<never>(() => {}),
  );
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    settled.abort();
  }
}
