/**
 * Pacing of taker liquidation (docs/STRATEGY.md, "Orders"): the rate ν from the control vector gets a
 * time base. The original sent ν as a size on every tick and dumped whole positions (repair 2);
 * here a step happens at most every 250 ms and trades ν·Δt, Δt capped at 1 s, never more than |Q|,
 * as an IOC priced at the opposite best with at most 10 bps of slippage. The first step of an
 * episode has no previous step to measure Δt from: it uses 250 ms (one pacing interval). Taking the
 * 1 s cap there made the first step ν·1 s, which at |Q| = Qmax is (1 − u*)·k_liq = 3 units with the
 * defaults — the whole position — so every episode was one dump (issue 12).
 */
import type { MarketSpec } from './compute-quote.ts';
import { ceilUnits, floorUnits, fromUnits, lotFloor } from './tick-math.ts';

export const LIQUIDATION_STEP_MS = 250;
export const LIQUIDATION_MAX_DT_MS = 1_000;
/** Δt of an episode's first step: one pacing interval. */
export const LIQUIDATION_FIRST_DT_MS = LIQUIDATION_STEP_MS;
export const LIQUIDATION_SLIPPAGE_BPS = 10;

export interface LiquidationStep {
  side: 'buy' | 'sell';
  price: number;
  size: number;
}

/**
 * The step due at `now`, or null when it is too early since `lastStepAt` (−∞ for the first step of an episode) or the
 * lot-floored size is 0. `buyRate`/`sellRate` are the control vector's νb/νa (one of them is 0).
 */
export function planLiquidationStep(
  now: number,
  lastStepAt: number,
  buyRate: number,
  sellRate: number,
  inventory: number,
  bestBid: number,
  bestAsk: number,
  market: MarketSpec,
): LiquidationStep | null {
  const rate = buyRate > 0 ? buyRate : sellRate;
  if (rate <= 0 || now - lastStepAt < LIQUIDATION_STEP_MS) return null;
  const dtMs =
    lastStepAt === Number.NEGATIVE_INFINITY ? LIQUIDATION_FIRST_DT_MS : Math.min(now - lastStepAt, LIQUIDATION_MAX_DT_MS);
  const size = lotFloor(Math.min((rate * dtMs) / 1000, Math.abs(inventory)), market.lot);
  if (size <= 0) return null;
  const slip = LIQUIDATION_SLIPPAGE_BPS * 1e-4;
  // Rounded toward the best so the slippage stays within the 10 bps.
  return buyRate > 0
    ? { side: 'buy', size, price: fromUnits(floorUnits(bestAsk * (1 + slip), market.tick), market.tick) }
    : { side: 'sell', size, price: fromUnits(ceilUnits(bestBid * (1 - slip), market.tick), market.tick) };
}
