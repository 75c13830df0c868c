/**
 * A duty repeated every `ms` of the injected clock until `signal` aborts: the venues' periodic
 * work (the paper matcher's pump, Hyperliquid's dead-man refresh and open-orders check) and the
 * trading loop's batches. A duty that is async is awaited before the next wait, so a slow one is
 * never run twice at once; the next run is `ms` after the previous one ended.
 */
import type { Clock } from '../shared/clock.ts';

export interface RepeatEveryOptions {
  clock: Clock;
  ms: number;
  /** Aborting it ends the loop at its next wait (a duty in progress runs to its end). */
  signal: AbortSignal;
  duty: () => void | Promise<void>;
  /** Run the duty once right away, before the first wait. */
  immediately?: boolean;
}

/** Resolves when the signal aborted; rejects if a duty throws (the loop ends there). */
export async function repeatEvery({ clock, ms, signal, duty, immediately = false }: RepeatEveryOptions): Promise<void> {
  if (immediately) await duty();
  for (;;) {
    try {
      await clock.sleep(ms, signal);
    } catch {
      return; // stopped
    }
    await duty();
  }
}
