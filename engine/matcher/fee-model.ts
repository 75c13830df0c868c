/**
 * What a fill costs: the swappable fee piece of the local matcher. Fees are in quote currency; a
 * negative fee is a rebate (a maker rebate is just a negative `makerBps`).
 */

export type Liquidity = 'maker' | 'taker';

export interface FeeModel {
  fee(price: number, size: number, liquidity: Liquidity): number;
}

/** A flat fee in basis points of the notional, one rate for makers and one for takers. */
export function makerTakerFees(makerBps: number, takerBps: number): FeeModel {
  return {
    fee: (price, size, liquidity) => (price * size * (liquidity === 'maker' ? makerBps : takerBps)) / 1e4,
  };
}
