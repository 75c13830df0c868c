/**
 * A failed exchange with the edge, recorded the same way by every transport: counted (metrics),
 * reflected in the health (stale, or error once the token was refused) and logged with the delay
 * before the next try.
 */
import type { EdgeError } from '../../client/edge-errors.ts';
import { decideOnFailure } from './failure-decision.ts';
import type { SyncDeps } from './sync-loop.ts';

/** Returns false when syncing must stop (the token was refused), true to retry after `delayMs`. */
export function recordFailure(deps: SyncDeps, error: EdgeError, delayMs: number, what: string): boolean {
  const { health, logger } = deps;
  const decision = decideOnFailure(error, delayMs);
  deps.onFailure?.(error.kind);
  if (decision.kind === 'stop') {
    health.markRefused(decision.reason);
    logger.error({ status: error.status }, decision.reason);
    return false;
  }
  health.markFailure(decision.reason);
  logger.warn(
    {
      err_kind: error.kind,
      status: error.status,
      delay_ms: decision.delayMs,
      retry_after: decision.retryAfter,
      sync_state: health.state(),
    },
    `${what}, retrying: ${decision.reason}`,
  );
  return true;
}
