/**
 * What one status of an `order` answer means for the engine. Hyperliquid answers each order of a
 * batch with `resting`, `filled` (at once: an IOC, or all of it) or an `error` sentence; two of those
 * sentences are not refusals of the order but outcomes of it (an IOC that found nothing expired).
 */
import type { RejectReason } from '../../../engine/venue/venue.ts';
import type { OrderStatus } from './hyperliquid-shapes.ts';

export type OrderOutcome =
  | { kind: 'resting'; oid: number }
  | { kind: 'done'; oid: number | null; reason: 'filled' | 'expired' }
  | { kind: 'rejected'; reason: RejectReason; message: string };

export function orderOutcome(status: OrderStatus | undefined, size: number): OrderOutcome {
  if (status === undefined) return { kind: 'rejected', reason: 'invalid_order', message: 'no status for this order' };
  if ('resting' in status) return { kind: 'resting', oid: status.resting.oid };
  if ('filled' in status)
    return { kind: 'done', oid: status.filled.oid, reason: status.filled.totalSz >= size - 1e-12 ? 'filled' : 'expired' };
  // An IOC that found nothing within its price existed and expired; it was not refused.
  if (/could not immediately match/i.test(status.error)) return { kind: 'done', oid: null, reason: 'expired' };
  return { kind: 'rejected', reason: rejectReasonOf(status.error), message: status.error };
}

/** The engine's reason for an exchange's refusal (the sentence itself goes to the log). */
export function rejectReasonOf(error: string): RejectReason {
  if (/post only order would have immediately matched/i.test(error)) return 'post_only_would_cross';
  if (/reduce only order would increase position/i.test(error)) return 'reduce_only_would_increase';
  return 'invalid_order';
}
