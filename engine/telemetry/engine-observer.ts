/**
 * What the quoting engine tells an observer (the telemetry recorder), and what the observer may read
 * of the engine. The split keeps the book path, the engine's hottest, free of calls: the observer
 * READS the mid and the time quoted on both sides when it needs them (`ObservedEngine`), and the
 * engine CALLS it only for what cannot be read later — a fill with the version its order was placed
 * under, a count, a swap, a position adopted, and a book that reaches the time a markout falls due
 * (`nextDue`: one comparison per book). An engine without an observer pays one null check per event.
 *
 * Every call carries the engine clock `now` (simulated time in a backtest) and, where an order is
 * involved, the params version in force when that order was PLACED (kept on the tracked order), so
 * a fill of an order placed under v7 counts for v7 even when it arrives after the swap to v8.
 * Methods instead of event objects keep the hot path allocation-free.
 */
import type { Fill } from '../venue/venue.ts';

/** A params version as the engine knows it: null for params with no edge version (file, defaults). */
export type ParamsVersion = number | null;

/** What the observer may read of the engine it observes, at any time. */
export interface ObservedEngine {
  /** The mid in force: NaN before the first book and after a disconnect. */
  mid(): number;
  /** Time with a bid and an ask both resting, since the engine started, up to engine time `now`, ms. */
  quotedMs(now: number): number;
}

export interface EngineObserver {
  /** Called once, by the engine being observed, before any other call. */
  attach(engine: ObservedEngine): void;
  /** Engine time at which the earliest waiting markout falls due (+Infinity when none waits). */
  readonly nextDue: number;
  /**
   * A book at `now` reached `nextDue`: markouts due before `now` are taken against `midBefore`
   * (the mid in force until this book), those due exactly at `now` against `midAfter`.
   */
  onDue(now: number, midBefore: number, midAfter: number): void;
  /**
   * The engine is about to decide with params it has not decided with before (a swap: each swap is
   * a new params object). The observer reads the version in force here, not on every book.
   */
  onParams(now: number): void;
  /** Time passed without a book (the driver's timer). */
  onTime(now: number): void;
  onOrderPlaced(version: ParamsVersion, now: number): void;
  onCancelSent(version: ParamsVersion, now: number): void;
  onOrderRejected(version: ParamsVersion, now: number): void;
  /**
   * A fill the ledger counted, before the engine acts on it (the mid read is the one before the
   * fill). `version` is its order's (undefined when the order is no longer known); `position` is
   * the engine's position after it (which may differ from before + size when a reconcile already
   * held the fill).
   */
  onFill(fill: Fill, version: ParamsVersion | undefined, position: number, now: number): void;
  /** The engine adopted the venue's position (at start, or at a reconcile). */
  onPosition(position: number, now: number): void;
}
