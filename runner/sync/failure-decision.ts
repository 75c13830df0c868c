/**
 * What the sync does after a failed exchange with the edge, in one pure function shared by every
 * transport: a refused token stops syncing (waiting does not fix it, and hammering the edge with a
 * bad token helps nobody); everything else is retried after the delay the one backoff chose
 * (`client/backoff.ts`: the server's `Retry-After` when it gave one, else full jitter).
 */
import type { EdgeError } from '../../client/edge-errors.ts';

export type FailureDecision =
  | { kind: 'stop'; reason: string }
  | { kind: 'retry'; delayMs: number; reason: string; retryAfter: boolean };

export function decideOnFailure(error: EdgeError, delayMs: number): FailureDecision {
  switch (error.kind) {
    case 'unauthorized':
    case 'forbidden':
      return {
        kind: 'stop',
        reason: `the edge refused the token (${error.status ?? error.kind}): syncing stopped until the token is fixed — this is not an outage (${error.message})`,
      };
    default:
      return { kind: 'retry', delayMs, reason: error.message, retryAfter: error.retryAfterMs !== undefined };
  }
}
