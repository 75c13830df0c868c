/**
 * What the sync does after a failed exchange with the edge, in one pure function shared by every
 * transport: a refused token stops syncing (waiting does not fix it, and hammering the edge with a
 * bad token helps nobody); everything else is retried, after the server's `Retry-After` when it
 * gave one, else after a full-jitter backoff.
 */
import { type EdgeError, RateLimitedError, ServerError } from '../../client/edge-errors.ts';
import { retryDelay, type BackoffOptions } from '../../client/backoff.ts';

export type FailureDecision =
  | { kind: 'stop'; reason: string }
  | { kind: 'retry'; delayMs: number; reason: string; retryAfter: boolean };

export function decideOnFailure(
  error: EdgeError,
  attempt: number,
  backoff: BackoffOptions,
  random: () => number,
): FailureDecision {
  switch (error.kind) {
    case 'unauthorized':
    case 'forbidden':
      return {
        kind: 'stop',
        reason: `the edge refused the token (${error.status ?? error.kind}): syncing stopped until the token is fixed — this is not an outage (${error.message})`,
      };
    default: {
      const retryAfterMs = error instanceof RateLimitedError || error instanceof ServerError ? error.retryAfterMs : undefined;
      return {
        kind: 'retry',
        delayMs: retryDelay(retryAfterMs, attempt, backoff, random),
        reason: error.message,
        retryAfter: retryAfterMs !== undefined,
      };
    }
  }
}
