/**
 * The engine's view of one of its orders. The status only moves forward along
 * pending → open → partially_filled → filled | cancelled | rejected, and only on the venue's word:
 * a cancel request sets `cancelRequested`, never a terminal status, so an order whose cancel failed
 * keeps being tracked (and can still fill) until the venue confirms its end (spec repair 5).
 */
import type { OrderType, Side } from '../venue/venue.ts';

export type OrderStatus = 'pending' | 'open' | 'partially_filled' | 'filled' | 'cancelled' | 'rejected';

export interface TrackedOrder {
  id: number;
  side: Side;
  type: OrderType;
  price: number;
  size: number;
  filled: number;
  status: OrderStatus;
  cancelRequested: boolean;
  /** Engine clock when it was sent. */
  sentAt: number;
  /** Params version in force when it was placed: its fills count for this version (telemetry). */
  paramsVersion: number | null;
}

export function isLive(order: TrackedOrder): boolean {
  return order.status === 'pending' || order.status === 'open' || order.status === 'partially_filled';
}
