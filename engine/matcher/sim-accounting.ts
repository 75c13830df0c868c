/**
 * The exchange-side books of our account in the simulator: cash, position, fees, P&L marked to mid,
 * realized spread, per-fill markouts, inventory statistics and drawdown. Kept two ways on purpose:
 * cash + position·mid, and average-cost realized + unrealized − fees; they must agree after every
 * event (the tests check it), which catches a fill booked with the wrong sign or fee.
 *
 * P&L is also split into parts that add up exactly (`pnlParts`): with m the mid before the
 * aggressing order at each fill (`midAtFill`),
 *   spread capture = Σ maker fills signed·(m − price)      (what quoting earned against the mid),
 *   taker cost     = Σ taker fills signed·(price − m)      (what crossing paid, before fees),
 *   fees           = Σ fee (negative parts are rebates),
 *   inventory      = total − the three: holding the position while the mid moved.
 * Markouts are measured against the mid at each horizon, and against the efficient price where the
 * market knows it (the simulator's fair), which does not bounce with our own trades.
 */
import type { Side } from '../venue/venue.ts';
import { roundToGrid } from '../../shared/eps.ts';

/** Markout horizons, ms. */
export const MARKOUT_HORIZONS_MS = [1_000, 5_000, 30_000, 60_000] as const;

export interface SimFillRecord {
  time: number;
  orderId: number;
  side: Side;
  price: number;
  size: number;
  fee: number;
  liquidity: 'maker' | 'taker';
  /** The mid before the aggressing order (what the spread capture is measured from). */
  midAtFill: number;
  /** The efficient price at the fill where known (the simulator), else the mid. */
  fairAtFill?: number;
}

export class SimAccounting {
  /** Fills kept in `fills` at most (older ones, once all their markouts are known, are dropped). */
  readonly #maxRetainedFills: number;
  cash = 0;
  position = 0;
  fees = 0;
  volume = 0;
  realized = 0;
  #avgPrice = 0;
  /** Fills so far (only the latest `maxRetainedFills` in a long-running live loop). */
  fills: SimFillRecord[] = [];
  /** markouts[h][i]: fills[i]'s markout at horizon h in bps (positive = the fill made money); NaN until known. */
  markouts: number[][] = MARKOUT_HORIZONS_MS.map(() => []);
  /** markoutsFair[h][i]: the same against the efficient price (equal to `markouts` when the market knows none). */
  markoutsFair: number[][] = MARKOUT_HORIZONS_MS.map(() => []);
  fillCount = 0;
  makerFillCount = 0;
  /** Σ maker fills signed·(mid before the aggressor − price), quote currency. */
  spreadCapture = 0;
  /** Σ taker fills signed·(price − mid before our order), quote currency. */
  takerCost = 0;
  makerFees = 0;
  takerFees = 0;
  /** Base units we bought or sold as a taker. */
  takerVolume = 0;
  readonly #markoutFairSum = MARKOUT_HORIZONS_MS.map(() => 0);
  readonly #markoutNext = MARKOUT_HORIZONS_MS.map(() => 0);
  readonly #markoutSum = MARKOUT_HORIZONS_MS.map(() => 0);
  readonly #markoutCount = MARKOUT_HORIZONS_MS.map(() => 0);
  #spreadSum = 0;
  #lastTime = 0;
  #startTime = 0;
  #qIntegral = 0;
  #q2Integral = 0;
  maxAbsPosition = 0;
  #peakPnl = 0;
  maxDrawdown = 0;

  constructor(startTime = 0, maxRetainedFills = Number.POSITIVE_INFINITY) {
    this.#lastTime = startTime;
    this.#startTime = startTime;
    this.#maxRetainedFills = maxRetainedFills;
  }

  recordFill(fill: SimFillRecord): void {
    const signed = fill.side === 'buy' ? fill.size : -fill.size;
    const pos = this.position;
    if (pos === 0 || Math.sign(pos) === Math.sign(signed)) {
      this.#avgPrice = (this.#avgPrice * Math.abs(pos) + fill.price * fill.size) / (Math.abs(pos) + fill.size);
    } else {
      const closing = Math.min(fill.size, Math.abs(pos));
      this.realized += closing * (fill.price - this.#avgPrice) * Math.sign(pos);
      if (fill.size > Math.abs(pos)) this.#avgPrice = fill.price;
    }
    this.position = roundToGrid(pos + signed);
    if (this.position === 0) this.#avgPrice = 0;
    this.cash -= signed * fill.price + fill.fee;
    this.fees += fill.fee;
    this.volume += fill.size * fill.price;
    this.fills.push(fill);
    for (const m of this.markouts) m.push(Number.NaN);
    for (const m of this.markoutsFair) m.push(Number.NaN);
    this.fillCount++;
    if (fill.liquidity === 'taker') {
      this.takerCost += signed * (fill.price - fill.midAtFill);
      this.takerFees += fill.fee;
      this.takerVolume += fill.size;
    } else {
      this.spreadCapture += signed * (fill.midAtFill - fill.price);
      this.makerFees += fill.fee;
      this.makerFillCount++;
      this.#spreadSum +=
        ((fill.side === 'buy' ? fill.midAtFill - fill.price : fill.price - fill.midAtFill) / fill.midAtFill) * 1e4;
    }
    if (Math.abs(this.position) > this.maxAbsPosition) this.maxAbsPosition = Math.abs(this.position);
  }

  /** Moves the books to `now` with `mid` (and the efficient price `fair`) the prices that held since the last call. */
  advance(now: number, mid: number, fair = mid): void {
    const dt = now - this.#lastTime;
    if (dt > 0) {
      this.#qIntegral += this.position * dt;
      this.#q2Integral += this.position * this.position * dt;
      this.#lastTime = now;
    }
    const fills = this.fills;
    for (let h = 0; h < MARKOUT_HORIZONS_MS.length; h++) {
      let i = this.#markoutNext[h]!;
      const horizon = MARKOUT_HORIZONS_MS[h]!;
      while (i < fills.length && fills[i]!.time + horizon <= now) {
        const f = fills[i]!;
        const markout = ((f.side === 'buy' ? mid - f.price : f.price - mid) / f.price) * 1e4;
        const markoutFair = ((f.side === 'buy' ? fair - f.price : f.price - fair) / f.price) * 1e4;
        this.markouts[h]![i] = markout;
        this.markoutsFair[h]![i] = markoutFair;
        this.#markoutSum[h]! += markout;
        this.#markoutFairSum[h]! += markoutFair;
        this.#markoutCount[h]!++;
        i++;
      }
      this.#markoutNext[h] = i;
    }
    if (fills.length > this.#maxRetainedFills) this.#trim();
    const pnl = this.pnl(mid);
    if (pnl > this.#peakPnl) this.#peakPnl = pnl;
    else if (this.#peakPnl - pnl > this.maxDrawdown) this.maxDrawdown = this.#peakPnl - pnl;
  }

  /** Mean markout per fill at horizon index `h` (of MARKOUT_HORIZONS_MS), bps; null before any. */
  meanMarkout(h: number): number | null {
    const n = this.#markoutCount[h]!;
    return n > 0 ? this.#markoutSum[h]! / n : null;
  }

  /** Mean markout against the efficient price at horizon index `h`, bps; null before any. */
  meanFairMarkout(h: number): number | null {
    const n = this.#markoutCount[h]!;
    return n > 0 ? this.#markoutFairSum[h]! / n : null;
  }

  /** P&L at `mid` split into parts that add up to `pnl(mid)` exactly (see the module header). */
  pnlParts(mid: number): { total: number; spread_capture: number; inventory: number; fees: number; taker_cost: number } {
    const total = this.pnl(mid);
    return {
      total,
      spread_capture: this.spreadCapture,
      inventory: total - this.spreadCapture + this.takerCost + this.fees,
      fees: this.fees,
      taker_cost: this.takerCost,
    };
  }

  /** Mean realized spread of maker fills (signed distance from the mid at the fill), bps. */
  meanRealizedSpread(): number | null {
    return this.makerFillCount > 0 ? this.#spreadSum / this.makerFillCount : null;
  }

  /** Drops the oldest fills whose every markout is known, down to half the limit (amortized copies). */
  #trim(): void {
    const done = Math.min(...this.#markoutNext);
    const drop = Math.min(done, this.fills.length - Math.floor(this.#maxRetainedFills / 2));
    if (drop <= 0) return;
    this.fills = this.fills.slice(drop);
    this.markouts = this.markouts.map((m) => m.slice(drop));
    this.markoutsFair = this.markoutsFair.map((m) => m.slice(drop));
    for (let h = 0; h < this.#markoutNext.length; h++) this.#markoutNext[h]! -= drop;
  }

  /** Mark-to-market P&L: cash + position·mid. */
  pnl(mid: number): number {
    return this.cash + this.position * mid;
  }

  /** The same P&L from the other side of the ledger: realized + unrealized − fees. */
  pnlFromCostBasis(mid: number): number {
    return this.realized + this.position * (mid - this.#avgPrice) - this.fees;
  }

  inventoryStats(): { mean: number; std: number; max_abs: number } {
    const span = this.#lastTime - this.#startTime;
    if (span <= 0) return { mean: this.position, std: 0, max_abs: this.maxAbsPosition };
    const mean = this.#qIntegral / span;
    const variance = Math.max(0, this.#q2Integral / span - mean * mean);
    return { mean, std: Math.sqrt(variance), max_abs: this.maxAbsPosition };
  }
}
