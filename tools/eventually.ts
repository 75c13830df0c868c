/**
 * Waiting on something another process (or a real socket) does, without a fixed sleep: `eventually`
 * probes until the probe gives a truthy value and returns that value. Every wait has its own
 * deadline and says what it waited for, so a failure on a busy machine reads "timed out after 90000
 * ms waiting for all 10 runners on v3 (not yet: r-04)" instead of a bare test timeout.
 *
 * Only for real time that no fake clock can advance (processes, sockets). Code that takes a `Clock`
 * is tested with a fake one instead.
 */

export interface EventuallyOptions {
  /** What is awaited, for the failure message ("runner r-1 ready on v2"). */
  what: string;
  /** The deadline of this wait. Generous: it only matters when the behaviour is broken. */
  timeoutMs: number;
  /** Pause between probes (default 100 ms). */
  intervalMs?: number;
  /** More to say on failure (a process's last log lines, the last value seen). */
  context?: () => string;
}

/** Thrown by a probe when waiting longer cannot help (the process exited): `eventually` rethrows it at once. */
export class GiveUp extends Error {
  override name = 'GiveUp';
}

type Truthy<T> = Exclude<T, false | null | undefined | 0 | ''>;

/**
 * Probes `probe` until it returns (or resolves to) a truthy value, and returns that value. A probe
 * that throws counts as "not yet" (the error is quoted on timeout), except a `GiveUp`, which ends
 * the wait at once.
 */
export async function eventually<T>(
  probe: () => T | Promise<T>,
  { what, timeoutMs, intervalMs = 100, context }: EventuallyOptions,
): Promise<Truthy<T>> {
  const deadline = performance.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value as Truthy<T>;
    } catch (error) {
      if (error instanceof GiveUp) throw new Error(`gave up waiting for ${what}: ${error.message}${more(context)}`);
      lastError = error;
    }
    if (performance.now() >= deadline) {
      const why = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${why}${more(context)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

function more(context: (() => string) | undefined): string {
  return context ? `\n${context()}` : '';
}
