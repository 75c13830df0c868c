/**
 * From state to the two maker quotes: the control vector, then prices (bid floored, ask ceiled to
 * the tick, never meeting) and sizes (lot-floored, never letting |Q| pass max_position), then the
 * trading mode. Pure and synchronous: the engine calls `computeQuoteInto` on every event with a
 * reused output object; the operator's what-if command calls `computeQuote`.
 */
import type { Params } from '../../shared/params-schema.ts';
import { computeControlInto, createControlVector, type ControlVector } from './control-vector.ts';
import type { StrategyState } from './strategy-state.ts';
import { ceilUnits, floorUnits, fromUnits, lotFloor } from './tick-math.ts';

export type TradingMode = Params['trading_mode'];

export interface MarketSpec {
  tick: number;
  lot: number;
}

/** One side's maker quote; size 0 means "no order on this side". */
export interface QuoteSide {
  price: number;
  size: number;
}

export interface Quote {
  /** The mode actually applied (the stricter of the params' and the override). */
  mode: TradingMode;
  control: ControlVector;
  bid: QuoteSide;
  ask: QuoteSide;
}

export interface QuoteOptions {
  /** Double both offsets (risk policy `widen`: the params in force may be old). */
  widen?: boolean;
  /** A mode imposed from outside (risk policy); the stricter of it and the params' mode wins. */
  mode?: TradingMode | null;
}

const STRICTNESS: Readonly<Record<TradingMode, number>> = { active: 0, reduce_only: 1, halted: 2 };

export function stricterMode(a: TradingMode, b: TradingMode | null | undefined): TradingMode {
  return b != null && STRICTNESS[b] > STRICTNESS[a] ? b : a;
}

export function createQuote(): Quote {
  return {
    mode: 'active',
    control: createControlVector(),
    bid: { price: Number.NaN, size: 0 },
    ask: { price: Number.NaN, size: 0 },
  };
}

export function computeQuoteInto(
  out: Quote,
  params: Readonly<Params>,
  state: Readonly<StrategyState>,
  market: MarketSpec,
  options?: QuoteOptions,
): Quote {
  const mode = stricterMode(params.trading_mode, options?.mode);
  const q = state.inventory;
  const control = computeControlInto(out.control, params, q, state.adverseSelection);
  out.mode = mode;
  if (options?.widen === true) {
    control.bidBps *= 2;
    control.askBps *= 2;
  }
  const S = state.mid;
  const { tick, lot } = market;
  let bidTicks = floorUnits(S * (1 - control.bidBps * 1e-4), tick);
  let askTicks = ceilUnits(S * (1 + control.askBps * 1e-4), tick);
  // Only possible when both offsets round to S itself: widen the side that would add inventory
  // (the bid when flat or long, the ask when short).
  while (bidTicks >= askTicks) {
    if (q < 0) askTicks += 1;
    else bidTicks -= 1;
  }
  out.bid.price = fromUnits(bidTicks, tick);
  out.ask.price = fromUnits(askTicks, tick);
  const qMax = params.max_position;
  let bidSize = lotFloor(Math.min(params.order_size, qMax - q), lot);
  let askSize = lotFloor(Math.min(params.order_size, qMax + q), lot);
  if (mode === 'halted' || !(S > 0)) {
    bidSize = 0;
    askSize = 0;
    control.buyRate = 0;
    control.sellRate = 0;
  } else if (mode === 'reduce_only') {
    // Only the side that brings Q toward 0, never past it; liquidation stays on.
    bidSize = q < 0 ? lotFloor(Math.min(bidSize, -q), lot) : 0;
    askSize = q > 0 ? lotFloor(Math.min(askSize, q), lot) : 0;
  }
  out.bid.size = bidSize;
  out.ask.size = askSize;
  return out;
}

export function computeQuote(
  params: Readonly<Params>,
  state: Readonly<StrategyState>,
  market: MarketSpec,
  options?: QuoteOptions,
): Quote {
  return computeQuoteInto(createQuote(), params, state, market, options);
}
