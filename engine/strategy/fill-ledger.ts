/**
 * Position and cash from the venue's fills. Q comes from fills only (never from order replies, which
 * counted takers twice in the original: repair 1); a fill is counted once by its id, and only when
 * it is for our symbol (repair 3). Remembers a bounded window of ids: a venue replays recent fills
 * after a reconnect, not a day's worth.
 */
import type { Fill } from '../venue/venue.ts';
import { roundToGrid } from '../../shared/eps.ts';

export const REMEMBERED_FILL_IDS = 16_384;

export class FillLedger {
  readonly symbol: string;
  position: number;
  cash = 0;
  fees = 0;
  fills = 0;
  /** Ids in arrival order (a Set iterates in insertion order): the oldest is the first. */
  readonly #seen = new Set<string>();

  constructor(symbol: string, position = 0) {
    this.symbol = symbol;
    this.position = position;
  }

  /** Applies the fill; false when it is a duplicate or for another symbol. */
  apply(fill: Fill): boolean {
    if (fill.symbol !== this.symbol || this.#seen.has(fill.fillId)) return false;
    this.#seen.add(fill.fillId);
    // Forget the oldest id in O(1); an array's shift() moved the whole 16k window on every fill.
    if (this.#seen.size > REMEMBERED_FILL_IDS) this.#seen.delete(this.#seen.values().next().value!);
    const signed = fill.side === 'buy' ? fill.size : -fill.size;
    // On the 1e-9 grid so a long run of 0.01-lot fills does not drift off the lot grid.
    this.position = roundToGrid(this.position + signed);
    this.cash -= signed * fill.price + fill.fee;
    this.fees += fill.fee;
    this.fills += 1;
    return true;
  }

  /** Mark-to-market P&L: cash plus the position at `mid`. */
  pnl(mid: number): number {
    return Number.isFinite(mid) ? this.cash + this.position * mid : this.cash;
  }
}
