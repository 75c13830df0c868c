/**
 * The what-if preview of an edit: the engine's own quoting function (`quoteWhatIf`, the one the
 * runners run) evaluated in the browser across inventory −Qmax…Qmax, for the current params and for
 * the edited ones, so the operator sees what the edit does to bid/ask offsets and taker rates before
 * sending it. Pure, tested without a browser.
 */
import type { Params } from '../../shared/params-schema.ts';
import { quoteWhatIf } from '../../engine/strategy/quote-what-if.ts';

/** Points across the inventory range (odd, so that Q = 0 is one of them). */
export const WHAT_IF_POINTS = 41;
/** A neutral market for the preview: mid 100, fine steps (offsets in bps do not depend on them). */
const MARKET = { tick: 0.0001, lot: 0.0001 };
const MID = 100;

export interface WhatIfCurves {
  /** Inventory in base units, −Qmax…Qmax. */
  inventory: number[];
  current: { bid: number[]; ask: number[]; buy: number[]; sell: number[] };
  edited: { bid: number[]; ask: number[]; buy: number[]; sell: number[] } | null;
}

function curves(params: Params, inventory: readonly number[], adverseSelection: number) {
  const out = { bid: [] as number[], ask: [] as number[], buy: [] as number[], sell: [] as number[] };
  for (const q of inventory) {
    const quote = quoteWhatIf(params, { mid: MID, inventory: q, adverse_selection: adverseSelection }, MARKET);
    out.bid.push(quote.offsets_bps.bid);
    out.ask.push(quote.offsets_bps.ask);
    out.buy.push(quote.taker_rates.buy);
    out.sell.push(quote.taker_rates.sell);
  }
  return out;
}

/**
 * Curves for `current` and, when the edit is valid and changes something, `edited`. The range is
 * the larger of the two `max_position`s, so a changed limit shows where the new one ends.
 */
export function whatIfCurves(current: Params, edited: Params | null, adverseSelection = 0): WhatIfCurves {
  const qmax = Math.max(current.max_position, edited?.max_position ?? 0);
  const inventory = Array.from({ length: WHAT_IF_POINTS }, (_, i) => -qmax + (2 * qmax * i) / (WHAT_IF_POINTS - 1));
  return {
    inventory,
    current: curves(current, inventory, adverseSelection),
    edited: edited === null ? null : curves(edited, inventory, adverseSelection),
  };
}
