/**
 * The contract between the params path (holder, sync, health, runner process) and the quoting
 * engine. The runner owns everything on the left of this file, the engine (engine/strategy,
 * engine/sim) everything on the right; either side can be replaced as long as this file holds.
 * The runner's side of the loop (start/stop, its options) is runner/trading/trading-loop.ts.
 *
 * Rules the engine keeps:
 * - call `params.get()` once per event and use that one object for the whole event, so an event
 *   never mixes two versions (a swap is one reference assignment in the holder);
 * - call `health.policy()` per event too: the sync path may tighten risk at any moment;
 * - `stop(reason)` cancels resting orders and resolves only when they are cancelled.
 */
import type { Params } from '../shared/params-schema.ts';

/** Where the engine reads the params in force. The runner's `ParamsHolder` satisfies it. */
export interface ParamsSource {
  get(): Readonly<Params>;
}

/**
 * What the engine must do given the health of the params path:
 * - `normal`: quote as the params say;
 * - `widen`: quote with wider spreads (the params may be old);
 * - `reduce_only`: only orders that reduce inventory;
 * - `halt`: cancel everything and stop quoting.
 */
export type RiskPolicy = 'normal' | 'widen' | 'reduce_only' | 'halt';

export interface HealthSource {
  policy(): RiskPolicy;
}

/** The engine's figures for /status and the report to the edge. */
export interface TradingSnapshot {
  mid: number | null;
  bid: number | null;
  ask: number | null;
  inventory: number;
  pnl: number;
  fills: number;
  /** Mean 5 s markout of maker fills in bps (positive is good for us), null before any (live telemetry). */
  markout_5s_bps?: number | null;
  /** Currency the P&L is in (the market's quote currency). */
  pnl_unit?: string;
  mode: string;
  /** The params version the last event was computed with (null before any version). */
  params_version: number | null;
  /** What the venue says of itself for /status (live venues: network, connection, rate budget, dead-man's switch). */
  venue?: Record<string, unknown>;
}
