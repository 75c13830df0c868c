/**
 * Time, injected: the one shape of time in livetune. Every reading of the time and every wait — in
 * the runner (backoff, poll interval, heartbeat, request deadline), the edge (long-poll deadlines,
 * rate limits, version timestamps) and the browser — goes through a `Clock` passed as `clock`, so
 * tests advance a fake clock instead of waiting for wall-clock time. A cancellable timer is a
 * `sleep` with an `AbortSignal`. A part that only reads the time takes `Pick<Clock, 'now'>`.
 *
 * `systemClock` is runtime-neutral (Node, workerd, browsers): web-standard timers only.
 */

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /**
   * Resolves after `ms`, or rejects with the signal's reason when it aborts first. The timer is
   * unref'ed: a pending backoff must never keep a stopping process alive.
   */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('aborted', 'AbortError');
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep(ms, signal) {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(abortReason(signal));
      const onAbort = () => {
        clearTimeout(timer);
        reject(abortReason(signal!));
      };
      const timer = setTimeout(
        () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
        Math.max(0, ms),
      );
      // Node only: a pending sleep must not keep a stopping process alive (browsers and workerd have no unref).
      (timer as unknown as { unref?: () => void }).unref?.();
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  },
};
