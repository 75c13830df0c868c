/**
 * `livetune quote`: what the engine would quote for a hypothetical state, as plain JSON. Uses the
 * very `computeQuote` the engine runs, so the answer cannot drift from live behaviour.
 */
import { paramsHints } from '../../shared/hints.ts';
import type { Params } from '../../shared/params-schema.ts';
import { computeQuote, type MarketSpec, type TradingMode } from './compute-quote.ts';
import { createStrategyState } from './strategy-state.ts';

export interface WhatIfState {
  mid: number;
  inventory: number;
  /** μ̂ ∈ [−1, 1]. */
  adverse_selection: number;
  /** Market spread Δ in bps (informational: the control vector does not use it). */
  spread_bps?: number;
  /** Depth imbalance I ∈ [0, 1] (informational, like the spread). */
  imbalance?: number;
}

export interface WhatIfQuote {
  offsets_bps: { bid: number; ask: number };
  taker_rates: { buy: number; sell: number };
  /** Size 0 means no order on that side (halted, reduce-only, or at max_position). */
  bid: { price: number; size: number };
  ask: { price: number; size: number };
  /** |Q| above which taker liquidation starts (u is the cube of |Q|/Qmax). */
  liquidation_start_inventory: number;
  mode: TradingMode;
  /** Why the sanity step fell back to symmetric quotes, when it did. */
  fallback: string | null;
}

export function quoteWhatIf(params: Readonly<Params>, what: WhatIfState, market: MarketSpec): WhatIfQuote {
  const state = createStrategyState(what.inventory);
  state.mid = what.mid;
  state.adverseSelection = what.adverse_selection;
  state.spreadBps = what.spread_bps ?? 0;
  state.imbalance = what.imbalance ?? 0.5;
  const quote = computeQuote(params, state, market);
  return {
    offsets_bps: { bid: quote.control.bidBps, ask: quote.control.askBps },
    taker_rates: { buy: quote.control.buyRate, sell: quote.control.sellRate },
    bid: { price: quote.bid.price, size: quote.bid.size },
    ask: { price: quote.ask.price, size: quote.ask.size },
    liquidation_start_inventory: paramsHints(params).liquidation_start_inventory,
    mode: quote.mode,
    fallback: quote.control.fallback,
  };
}
