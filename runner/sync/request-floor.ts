/**
 * The floor between params requests. A long-poll is meant to be held by the edge until a newer
 * version exists, so "ask again at once" after an answer is only safe while the edge keeps that
 * promise. An edge that answers 304 at once (a proxy that drops `?wait`, a broken or hostile edge)
 * turned that into 955 requests/s from one runner that still said `ready`. So an answer that
 * brought nothing new — a 304, a version the runner already holds, an older one — is followed by
 * the next request no sooner than `MIN_REQUEST_GAP_MS` after this one *started*: a long-poll the
 * edge held for its wait is far past the floor and costs nothing, an instant answer waits.
 *
 * An answer that brought a newer version (applied, or rejected and reported) is exempt: the
 * operator's next change must not wait a second behind the last. Failures are paced by the
 * backoff, which grows with every attempt.
 */

/** At most one unproductive params request per second, whatever the edge answers. */
export const MIN_REQUEST_GAP_MS = 1_000;

/**
 * The delay before the next request: `delayMs` as the answer chose it, raised so the next request
 * starts at least `gapMs` after the one that started at `startedAt`, unless it was `productive`.
 */
export function flooredDelay(
  delayMs: number,
  {
    startedAt,
    now,
    productive,
    gapMs = MIN_REQUEST_GAP_MS,
  }: { startedAt: number; now: number; productive: boolean; gapMs?: number },
): number {
  if (productive) return delayMs;
  return Math.max(delayMs, startedAt + gapMs - now);
}
