/**
 * The control vector of Market Maker V2: per-side offsets from mid (bps) and taker liquidation rates
 * (base units per second), computed in the seven steps of docs/STRATEGY.md, in that order. The test
 * vectors of the spec pin this arithmetic; do not reorder the steps.
 */
import type { Params } from '../../shared/params-schema.ts';

export interface ControlVector {
  bidBps: number;
  askBps: number;
  /** Taker buy rate νb (only when short past the urgency threshold). */
  buyRate: number;
  /** Taker sell rate νa (only when long past the urgency threshold). */
  sellRate: number;
  /** Why step 7 replaced the result with symmetric B and no takers; null when it did not. */
  fallback: string | null;
}

export function createControlVector(): ControlVector {
  return { bidBps: 0, askBps: 0, buyRate: 0, sellRate: 0, fallback: null };
}

/** Writes the control vector for inventory `q` and estimate `mu` into `out` (no allocation). */
export function computeControlInto(out: ControlVector, params: Readonly<Params>, q: number, mu: number): ControlVector {
  const B = params.base_half_spread_bps;
  const qMax = params.max_position;
  // 1. symmetric start
  let bid = B;
  let ask = B;
  let buyRate = 0;
  let sellRate = 0;
  // 2. adverse selection: bearish μ̂ widens the bid, bullish widens the ask
  const adj = -mu * B * params.adverse_selection_adjustment_factor;
  if (adj > 0) bid += adj;
  else ask -= adj;
  // 3. inventory risk widens both sides
  const r = Math.min(Math.abs(q) / qMax, 1);
  const m = 1 + r * r;
  bid *= m;
  ask *= m;
  // 4. skew: long → cheaper ask, lower bid
  const ratio = q / qMax;
  // Clamped to [−1, 1]; Math.min/max keep NaN and −0 exactly as the spec's ternary did.
  const k = Math.min(1, Math.max(-1, ratio)) * B * params.skew_adjustment_factor;
  ask -= k;
  bid += k;
  // 5. floor
  const floor = B * params.min_spread_base_ratio;
  if (ask < floor) ask = floor;
  if (bid < floor) bid = floor;
  // 6. urgency is the cube of the inventory ratio: u* = 0.7 starts at |Q|/Qmax ≈ 0.888
  const u = r * r * r;
  const threshold = params.inventory_urgency_threshold;
  if (u > threshold) {
    const rate = (u - threshold) * params.liquidation_rate_multiplier;
    if (q > 0) sellRate = rate;
    else buyRate = rate;
  }
  // 7. sanity: anything not finite, negative, or too tight falls back to symmetric B
  out.fallback = null;
  if (!Number.isFinite(bid) || !Number.isFinite(ask) || !Number.isFinite(buyRate) || !Number.isFinite(sellRate)) {
    out.fallback = 'an offset or rate is not finite';
  } else if (bid < 0 || ask < 0 || buyRate < 0 || sellRate < 0) {
    out.fallback = 'an offset or rate is negative';
  } else if (bid + ask < B) {
    out.fallback = 'bid + ask offsets are below base_half_spread_bps';
  }
  if (out.fallback !== null) {
    bid = B;
    ask = B;
    buyRate = 0;
    sellRate = 0;
  }
  out.bidBps = bid;
  out.askBps = ask;
  out.buyRate = buyRate;
  out.sellRate = sellRate;
  return out;
}

export function computeControl(params: Readonly<Params>, q: number, mu: number): ControlVector {
  return computeControlInto(createControlVector(), params, q, mu);
}
