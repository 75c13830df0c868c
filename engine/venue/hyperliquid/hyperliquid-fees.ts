/**
 * Hyperliquid's base fee tier for perps (0.015 % maker, 0.045 % taker, before volume discounts or
 * staking): the fees the simulator, a replayed recording and paper trading charge unless told
 * otherwise, so a backtest and a paper session price the same fill alike.
 */
export const HYPERLIQUID_BASE_FEES_BPS = { maker: 1.5, taker: 4.5 } as const;
