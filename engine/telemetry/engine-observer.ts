/**
 * What the quoting engine tells an observer (the telemetry recorder) as events happen. Optional:
 * an engine without one pays one null check per event. Every call carries the engine clock `now`
 * (simulated time in a backtest) and, where an order is involved, the params version that was in
 * force when that order was PLACED (kept on the tracked order), so a fill of an order placed under
 * v7 counts for v7 even when it arrives after the swap to v8.
 *
 * Methods instead of event objects keep the hot path (a book per event) allocation-free.
 */
import type { Fill } from '../venue/venue.ts';

/** A params version as the engine knows it: null for params with no edge version (file, defaults). */
export type ParamsVersion = number | null;

export interface EngineObserver {
  /**
   * A book moved the engine's mid (called after the state update, before any decision). A book
   * that leaves the mid where it was is not reported: the mid in force did not change.
   */
  onMid(now: number, mid: number): void;
  /** Time passed without a book (the driver's timer). */
  onTime(now: number): void;
  onOrderPlaced(version: ParamsVersion, now: number): void;
  onCancelSent(version: ParamsVersion, now: number): void;
  onOrderRejected(version: ParamsVersion, now: number): void;
  /**
   * A fill the ledger counted. `version` is its order's (undefined when the order is no longer
   * known); `position` is the engine's position after it (which may differ from before + size when
   * a reconcile already held the fill).
   */
  onFill(fill: Fill, version: ParamsVersion | undefined, position: number, now: number): void;
  /** The engine adopted the venue's position (at start, or at a reconcile). */
  onPosition(position: number, now: number): void;
  /** Whether a bid and an ask both rest on the book now (accepted, not ended). */
  onQuoting(bothSides: boolean, now: number): void;
}
