/**
 * The market the simulated exchange runs, without us: an efficient price, a latent signal, the
 * displayed L2 book and the flow of outside market orders. Every draw comes from its own seeded
 * stream and nothing here reads our orders, so the same seed gives the same market whatever we do.
 *
 * - Efficient price: Gaussian steps every `stepMs`, Poisson jumps, plus a drift proportional to the
 *   signal z ∈ [−1, 1], which appears at Poisson times and decays with a short half-life.
 * - Book: regenerated around the efficient price every step, depth per level with noise, tilted by
 *   z (bid-heavy when z > 0). Because z also drives the next moves, the visible imbalance predicts
 *   returns for real: that is what μ̂ is meant to pick up.
 * - Flow: Poisson market orders from noise traders (random side) and informed traders (the side z
 *   points to, larger sizes).
 */
import type { RegimeKnobs, ScenarioKnobs } from './scenarios.ts';
import { SimRandom } from './sim-random.ts';
import { GRID_EPS } from '../../shared/eps.ts';

/** Stream numbers of the independent random processes. */
const STREAM = { price: 0, signal: 1, flow: 2, depth: 3 } as const;

export class SyntheticMarket {
  /** Knobs in force (the base, or the base with the alternate regime applied). */
  k: ScenarioKnobs;
  readonly levels: number;
  /** Efficient price in ticks (continuous). */
  fair: number;
  signal = 0;
  bestBidTick = 0;
  bestAskTick = 0;
  /** Displayed size of bid level i, at tick bestBidTick − i (0 once consumed until the next refresh). */
  readonly bidSz: Float64Array;
  /** Displayed size of ask level i, at tick bestAskTick + i. */
  readonly askSz: Float64Array;
  readonly #base: ScenarioKnobs;
  readonly #rPrice: SimRandom;
  readonly #rSignal: SimRandom;
  readonly #rFlow: SimRandom;
  readonly #rDepth: SimRandom;
  #nextRegimeAt: number;
  #alternate = false;

  constructor(knobs: ScenarioKnobs, seed: number, startTime: number) {
    this.#base = knobs;
    this.k = knobs;
    this.levels = knobs.levels;
    this.#rPrice = new SimRandom(seed, STREAM.price);
    this.#rSignal = new SimRandom(seed, STREAM.signal);
    this.#rFlow = new SimRandom(seed, STREAM.flow);
    this.#rDepth = new SimRandom(seed, STREAM.depth);
    this.bidSz = new Float64Array(this.levels);
    this.askSz = new Float64Array(this.levels);
    this.fair = knobs.startPrice * (1 / knobs.tick);
    this.#nextRegimeAt = knobs.regimeEveryMs > 0 ? startTime + knobs.regimeEveryMs : Number.POSITIVE_INFINITY;
    this.#refreshBook();
  }

  /** Time to the next outside market order, ms. */
  interArrival(): number {
    return this.k.marketOrdersPerS > 0 ? this.#rFlow.exponential(1000 / this.k.marketOrdersPerS) : Number.POSITIVE_INFINITY;
  }

  /** Draws the next outside market order: its signed size (positive buys). */
  drawMarketOrder(): number {
    const k = this.k;
    const f = this.#rFlow;
    const informed = f.uniform() < k.informedShare && Math.abs(this.signal) > 0.05;
    const coin = f.uniform();
    const buy = informed ? this.signal > 0 : coin < 0.5;
    const mean = informed ? k.meanOrderSize * k.informedSizeMultiplier : k.meanOrderSize;
    const size = Math.max(1, Math.round(f.exponential(mean) / k.lot)) * k.lot;
    return buy ? size : -size;
  }

  /** One step of signal and efficient price at time `now`, then a fresh book around it. */
  step(now: number): void {
    if (now >= this.#nextRegimeAt) this.#switchRegime();
    const k = this.k;
    const dtS = k.stepMs / 1000;
    // A zero half-life decays the signal at once instead of dividing by zero.
    this.signal *= Math.exp((-Math.LN2 * dtS) / Math.max(k.signalHalfLifeS, GRID_EPS));
    if (this.#rSignal.uniform() < (k.signalsPerMinute / 60) * dtS) {
      const strength = 0.5 + 0.5 * this.#rSignal.uniform();
      this.signal = this.#rSignal.uniform() < 0.5 ? -strength : strength;
    }
    let ret = k.volatilityBpsPerSqrtS * Math.sqrt(dtS) * this.#rPrice.normal() + k.signalDriftBpsPerS * this.signal * dtS;
    if (k.jumpsPerHour > 0 && this.#rPrice.uniform() < (k.jumpsPerHour / 3600) * dtS) ret += k.jumpBps * this.#rPrice.normal();
    this.fair *= 1 + ret * 1e-4;
    this.#refreshBook();
  }

  /** Mid of the first non-empty levels, in ticks. */
  midTicks(): number {
    let b = 0;
    while (b < this.levels - 1 && this.bidSz[b]! <= 0) b++;
    let a = 0;
    while (a < this.levels - 1 && this.askSz[a]! <= 0) a++;
    return (this.bestBidTick - b + this.bestAskTick + a) / 2;
  }

  /** Displayed size at `tick` on one side (0 inside the spread; the depth profile past the levels). */
  displayedAt(buySide: boolean, tick: number): number {
    const i = buySide ? this.bestBidTick - tick : tick - this.bestAskTick;
    if (i < 0) return 0;
    if (i >= this.levels) return this.k.depthPerLevel * (1 + this.k.depthSlope * i);
    return buySide ? this.bidSz[i]! : this.askSz[i]!;
  }

  #switchRegime(): void {
    this.#alternate = !this.#alternate;
    this.k = this.#alternate ? { ...this.#base, ...(this.#base.regimeAlternate as Partial<RegimeKnobs>) } : this.#base;
    this.#nextRegimeAt += this.#base.regimeEveryMs;
  }

  #refreshBook(): void {
    const k = this.k;
    const h = k.halfSpreadTicks;
    this.bestBidTick = Math.floor(this.fair - h);
    this.bestAskTick = Math.ceil(this.fair + h);
    if (this.bestAskTick <= this.bestBidTick) this.bestAskTick = this.bestBidTick + 1;
    const tilt = Math.max(-0.95, Math.min(0.95, k.signalBookTilt * this.signal));
    const lot = k.lot;
    const noise = k.depthNoise;
    const r = this.#rDepth;
    for (let i = 0; i < this.levels; i++) {
      const depth = k.depthPerLevel * (1 + k.depthSlope * i);
      const bid = depth * (1 + tilt) * (1 + noise * (2 * r.uniform() - 1));
      const ask = depth * (1 - tilt) * (1 + noise * (2 * r.uniform() - 1));
      this.bidSz[i] = Math.max(1, Math.floor(bid / lot)) * lot;
      this.askSz[i] = Math.max(1, Math.floor(ask / lot)) * lot;
    }
  }
}
