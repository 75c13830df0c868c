/**
 * Hyperliquid's tick and lot rules (docs: "Tick and lot size"): a price has at most 5 significant
 * figures and at most `MAX_DECIMALS - szDecimals` decimals (6 for perps, 8 for spot), and an integer
 * price is always valid; a size has at most `szDecimals` decimals (from `meta`). So the tick is not
 * one number per coin but a function of the price: 0.001 at 30, 0.0001 at 9.5, 1 at 65,000. Both
 * the paper venue and the live venue take the engine's tick from here.
 */

export const PERP_MAX_DECIMALS = 6;
export const SPOT_MAX_DECIMALS = 8;
const SIGNIFICANT_FIGURES = 5;

export type MarketKind = 'perp' | 'spot';

function maxDecimals(szDecimals: number, kind: MarketKind): number {
  return Math.max((kind === 'perp' ? PERP_MAX_DECIMALS : SPOT_MAX_DECIMALS) - szDecimals, 0);
}

/** 10^-n as the double nearest the decimal (1e-3, not 0.1 ** 3 = 0.0010000000000000002). */
function decimalStep(n: number): number {
  return n >= 0 ? Number(`1e-${n}`) : Number(`1e${-n}`);
}

/** The price step at `price`: the coarser of the significant-figure and decimal rules, never above 1. */
export function hyperliquidTick(price: number, szDecimals: number, kind: MarketKind = 'perp'): number {
  if (!(price > 0) || !Number.isFinite(price)) throw new RangeError(`price ${price}: expected a positive finite number`);
  const magnitude = Math.floor(Math.log10(price));
  // Significant figures: the last of 5 digits; decimals: the last allowed decimal place.
  const sigDecimals = SIGNIFICANT_FIGURES - 1 - magnitude;
  const decimals = Math.max(Math.min(sigDecimals, maxDecimals(szDecimals, kind)), 0);
  return decimalStep(decimals);
}

/** The size step: 10^-szDecimals. */
export function hyperliquidLot(szDecimals: number): number {
  if (!Number.isInteger(szDecimals) || szDecimals < 0 || szDecimals > 8)
    throw new RangeError(`szDecimals ${szDecimals}: expected an integer in [0, 8]`);
  return decimalStep(szDecimals);
}

/** Whether the exchange accepts `price` as written (`Number(price.toFixed(k)) === price` tests). */
export function isValidHyperliquidPrice(price: number, szDecimals: number, kind: MarketKind = 'perp'): boolean {
  if (!(price > 0) || !Number.isFinite(price)) return false;
  if (Number.isInteger(price)) return true;
  const tick = hyperliquidTick(price, szDecimals, kind);
  const units = price / tick;
  return Math.abs(units - Math.round(units)) < 1e-6;
}

/** `price` on the tick grid at that price, rounded away from the book (buys down, sells up): never more aggressive. */
export function roundPassive(price: number, side: 'buy' | 'sell', szDecimals: number, kind: MarketKind = 'perp'): number {
  const tick = hyperliquidTick(price, szDecimals, kind);
  const decimals = Math.max(0, -Math.floor(Math.log10(tick) + 1e-9));
  const units = price / tick;
  const n = side === 'buy' ? Math.floor(units + 1e-9) : Math.ceil(units - 1e-9);
  return Number((n * tick).toFixed(decimals));
}
