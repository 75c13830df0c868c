/**
 * Figures derived from a params document that operators should see next to the raw values
 * (docs/STRATEGY.md asks for the liquidation start in particular: urgency is the *cube* of the
 * inventory ratio, so a threshold of 0.7 starts liquidating only above |Q|/Qmax ≈ 0.888).
 */
import type { Params } from './params-schema.ts';

export interface ParamsHints {
  /** |Q|/max_position above which taker liquidation starts. */
  liquidation_start_ratio: number;
  /** |Q| (base units) above which taker liquidation starts. */
  liquidation_start_inventory: number;
  /** Narrowest per-side offset the floor allows, in bps. */
  min_offset_bps: number;
  /** Widest per-side offset from inventory risk alone (|Q| = max_position, no skew), in bps. */
  max_inventory_offset_bps: number;
  /** Taker rate (base units/s) at |Q| = max_position. */
  max_liquidation_rate: number;
}

export function paramsHints(p: Params): ParamsHints {
  const ratio = Math.cbrt(p.inventory_urgency_threshold);
  return {
    liquidation_start_ratio: ratio,
    liquidation_start_inventory: ratio * p.max_position,
    min_offset_bps: p.base_half_spread_bps * p.min_spread_base_ratio,
    max_inventory_offset_bps: p.base_half_spread_bps * 2,
    max_liquidation_rate: Math.max(0, 1 - p.inventory_urgency_threshold) * p.liquidation_rate_multiplier,
  };
}
