/**
 * The state vector of Market Maker V2 (docs/STRATEGY.md): mid S, inventory Q, market spread Δ, depth
 * imbalance I and the adverse-selection estimate μ̂. One mutable struct per engine, updated in place:
 * the engine's hot path must not allocate.
 *
 * μ̂ steps on book updates only, with the spread damping g, so its time constant is a count of book
 * updates and a wide (uninformative) book moves it less (repair 7 of the spec).
 */
import type { Params } from '../../shared/params-schema.ts';
import type { BookView } from '../venue/book-view.ts';

/** Levels per side summed for the depth imbalance. */
export const IMBALANCE_LEVELS = 10;

export interface StrategyState {
  /** Mid of the best bid and ask; NaN before the first two-sided book (no quoting then). */
  mid: number;
  bestBid: number;
  bestAsk: number;
  /** Signed position in base units, from deduplicated fills and venue reconciliation. */
  inventory: number;
  /** Market spread Δ in bps. */
  spreadBps: number;
  /** Depth imbalance I ∈ [0, 1]; 0.5 is balanced. */
  imbalance: number;
  /** Adverse-selection estimate μ̂ ∈ [−1, 1]; positive is bullish. */
  adverseSelection: number;
}

export function createStrategyState(inventory = 0): StrategyState {
  return {
    mid: Number.NaN,
    bestBid: Number.NaN,
    bestAsk: Number.NaN,
    inventory,
    spreadBps: 0,
    imbalance: 0.5,
    adverseSelection: 0,
  };
}

/**
 * Folds one book update into the state. Returns false (and leaves the state untouched) when the
 * book is one-sided or crossed: a mid from such a book would be wrong, and the spec forbids quoting
 * from a price we do not trust.
 */
export function applyBookUpdate(state: StrategyState, params: Readonly<Params>, book: BookView): boolean {
  if (book.bidCount === 0 || book.askCount === 0) return false;
  const b = book.bidPx[0]!;
  const a = book.askPx[0]!;
  if (!(a > b) || !(b > 0)) return false;
  const mid = (a + b) / 2;
  const spreadBps = ((a - b) / mid) * 1e4;
  let vb = 0;
  let va = 0;
  const nb = Math.min(book.bidCount, IMBALANCE_LEVELS);
  const na = Math.min(book.askCount, IMBALANCE_LEVELS);
  for (let i = 0; i < nb; i++) vb += book.bidSz[i]!;
  for (let i = 0; i < na; i++) va += book.askSz[i]!;
  const total = vb + va;
  const imb = total > 0 ? (vb - va) / total : 0;
  state.mid = mid;
  state.bestBid = b;
  state.bestAsk = a;
  state.spreadBps = spreadBps;
  state.imbalance = (imb + 1) / 2;
  const signal = 2 * (state.imbalance - 0.5);
  const damping = spreadBps > 0 ? 1 / (1 + spreadBps / params.adverse_selection_spread_scale) : 1;
  const lambda = params.adverse_selection_lambda;
  const mu = lambda * signal * damping + (1 - lambda) * state.adverseSelection;
  // |s·g| ≤ 1 keeps μ̂ in [−1, 1] mathematically; the clamp only absorbs rounding.
  state.adverseSelection = Math.min(1, Math.max(-1, mu));
  return true;
}
