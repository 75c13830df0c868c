/**
 * The exchange-side books of our account in the simulator: cash, position, fees, P&L marked to mid,
 * realized spread, per-fill markouts, inventory statistics and drawdown. Kept two ways on purpose:
 * cash + position·mid, and average-cost realized + unrealized − fees; they must agree after every
 * event (the tests check it), which catches a fill booked with the wrong sign or fee.
 */
import type { Side } from '../venues/venue.ts';

/** Markout horizons, ms. */
export const MARKOUT_HORIZONS_MS = [1_000, 5_000, 30_000] as const;

export interface SimFillRecord {
  time: number;
  orderId: number;
  side: Side;
  price: number;
  size: number;
  fee: number;
  liquidity: 'maker' | 'taker';
  midAtFill: number;
}

export class SimAccounting {
  cash = 0;
  position = 0;
  fees = 0;
  volume = 0;
  realized = 0;
  private avgPrice = 0;
  readonly fills: SimFillRecord[] = [];
  /** markouts[h][i]: fill i's markout at horizon h in bps (positive = the fill made money); NaN until known. */
  readonly markouts: number[][] = MARKOUT_HORIZONS_MS.map(() => []);
  private readonly markoutNext = MARKOUT_HORIZONS_MS.map(() => 0);
  private lastTime = 0;
  private startTime = 0;
  private qIntegral = 0;
  private q2Integral = 0;
  maxAbsPosition = 0;
  private peakPnl = 0;
  maxDrawdown = 0;

  constructor(startTime = 0) {
    this.lastTime = startTime;
    this.startTime = startTime;
  }

  recordFill(fill: SimFillRecord): void {
    const signed = fill.side === 'buy' ? fill.size : -fill.size;
    const pos = this.position;
    if (pos === 0 || Math.sign(pos) === Math.sign(signed)) {
      this.avgPrice = (this.avgPrice * Math.abs(pos) + fill.price * fill.size) / (Math.abs(pos) + fill.size);
    } else {
      const closing = Math.min(fill.size, Math.abs(pos));
      this.realized += closing * (fill.price - this.avgPrice) * Math.sign(pos);
      if (fill.size > Math.abs(pos)) this.avgPrice = fill.price;
    }
    this.position = Math.round((pos + signed) * 1e9) / 1e9;
    if (this.position === 0) this.avgPrice = 0;
    this.cash -= signed * fill.price + fill.fee;
    this.fees += fill.fee;
    this.volume += fill.size * fill.price;
    this.fills.push(fill);
    for (const m of this.markouts) m.push(Number.NaN);
    if (Math.abs(this.position) > this.maxAbsPosition) this.maxAbsPosition = Math.abs(this.position);
  }

  /** Moves the books to `now` with `mid` the price that held since the last call. */
  advance(now: number, mid: number): void {
    const dt = now - this.lastTime;
    if (dt > 0) {
      this.qIntegral += this.position * dt;
      this.q2Integral += this.position * this.position * dt;
      this.lastTime = now;
    }
    const fills = this.fills;
    for (let h = 0; h < MARKOUT_HORIZONS_MS.length; h++) {
      let i = this.markoutNext[h]!;
      const horizon = MARKOUT_HORIZONS_MS[h]!;
      while (i < fills.length && fills[i]!.time + horizon <= now) {
        const f = fills[i]!;
        this.markouts[h]![i] = ((f.side === 'buy' ? mid - f.price : f.price - mid) / f.price) * 1e4;
        i++;
      }
      this.markoutNext[h] = i;
    }
    const pnl = this.pnl(mid);
    if (pnl > this.peakPnl) this.peakPnl = pnl;
    else if (this.peakPnl - pnl > this.maxDrawdown) this.maxDrawdown = this.peakPnl - pnl;
  }

  /** Mark-to-market P&L: cash + position·mid. */
  pnl(mid: number): number {
    return this.cash + this.position * mid;
  }

  /** The same P&L from the other side of the ledger: realized + unrealized − fees. */
  pnlFromCostBasis(mid: number): number {
    return this.realized + this.position * (mid - this.avgPrice) - this.fees;
  }

  inventoryStats(): { mean: number; std: number; max_abs: number } {
    const span = this.lastTime - this.startTime;
    if (span <= 0) return { mean: this.position, std: 0, max_abs: this.maxAbsPosition };
    const mean = this.qIntegral / span;
    const variance = Math.max(0, this.q2Integral / span - mean * mean);
    return { mean, std: Math.sqrt(variance), max_abs: this.maxAbsPosition };
  }
}
