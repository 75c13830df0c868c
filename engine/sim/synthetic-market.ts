/**
 * The market the simulated exchange runs: an efficient price, a latent signal, the displayed L2
 * book and the flow of outside market orders. Every random draw comes from its own seeded stream,
 * so the random numbers the market sees never depend on our orders (common random numbers); only
 * market impact (below) lets our trading feed back into the path, as it does on a real venue.
 *
 * - Efficient price ("fair"): Gaussian steps every `stepMs`, Poisson jumps, plus a drift
 *   proportional to the signal z ∈ [−1, 1], which appears at Poisson times and decays with a short
 *   half-life; plus the permanent impact of every market order.
 * - Impact: a market order of signed size q moves fair by `permanentImpactBpsPerUnit`·q bps for
 *   good, and the book's centre by another `temporaryImpactBpsPerUnit`·q bps that decays with
 *   `impactHalfLifeS`. The levels the order consumed stay consumed until adds refill them, which
 *   is the book's own temporary impact (resilience set by `depthRefreshPerS`).
 * - Book: persistent sizes per price level that change only by adds, cancels and trades. When the
 *   centre moves, levels keep their size at their price; a level that comes into view is drawn
 *   fresh. Each step every level gets adds (toward its target depth) and cancels (a share of what
 *   rests there), both random, at `depthRefreshPerS`. This is what lets the local matcher model our
 *   queue position from adds and cancels instead of a redraw (a redraw with noise used to ratchet
 *   the queue ahead of us down with no trading at all).
 * - Imbalance informativeness: the targets are tilted by a mix w·z + (1 − w)·η, where η is a decoy
 *   signal with the same arrival and decay as z that drives no price at all (book pressure that
 *   means nothing: spoofing, inventory of other makers). w = `imbalanceInformativeness`; at w = 1
 *   the visible imbalance was nearly an oracle (corr 0.98 with z), which no real book is.
 * - Flow: Poisson market orders from noise traders (random side) and informed traders (the side z
 *   points to, larger sizes).
 */
import { GRID_EPS } from '../../shared/eps.ts';
import type { RegimeKnobs, ScenarioKnobs } from './scenarios.ts';
import { SimRandom } from './sim-random.ts';

/** Stream numbers of the independent random processes (4+ are the exchange's: latency, faults). */
const STREAM = { price: 0, signal: 1, flow: 2, depth: 3, decoy: 4 } as const;

/** Levels per side that get adds and cancels in one step (chosen at random). */
const CHURN_LEVELS_PER_STEP = 3;

export class SyntheticMarket {
  /** Knobs in force (the base, or the base with the alternate regime applied). */
  k: ScenarioKnobs;
  readonly levels: number;
  /** Efficient price in ticks (continuous). */
  fair: number;
  /** Temporary impact: displacement of the book's centre from fair, ticks. */
  displacement = 0;
  signal = 0;
  /** The decoy signal η: tilts the book like z, drives nothing. */
  decoy = 0;
  bestBidTick = 0;
  bestAskTick = 0;
  /** Displayed size of bid level i, at tick bestBidTick − i (0 while consumed and not refilled). */
  bidSz: Float64Array;
  /** Displayed size of ask level i, at tick bestAskTick + i. */
  askSz: Float64Array;
  #scratch: Float64Array;
  readonly #base: ScenarioKnobs;
  readonly #rPrice: SimRandom;
  readonly #rSignal: SimRandom;
  readonly #rFlow: SimRandom;
  readonly #rDepth: SimRandom;
  readonly #rDecoy: SimRandom;
  #nextRegimeAt: number;
  #alternate = false;
  #tilt = 0;

  constructor(knobs: ScenarioKnobs, seed: number, startTime: number) {
    this.#base = knobs;
    this.k = knobs;
    this.levels = knobs.levels;
    this.#rPrice = new SimRandom(seed, STREAM.price);
    this.#rSignal = new SimRandom(seed, STREAM.signal);
    this.#rFlow = new SimRandom(seed, STREAM.flow);
    this.#rDepth = new SimRandom(seed, STREAM.depth);
    this.#rDecoy = new SimRandom(seed, STREAM.decoy);
    this.bidSz = new Float64Array(this.levels);
    this.askSz = new Float64Array(this.levels);
    this.#scratch = new Float64Array(this.levels);
    this.fair = knobs.startPrice * (1 / knobs.tick);
    this.#nextRegimeAt = knobs.regimeEveryMs > 0 ? startTime + knobs.regimeEveryMs : Number.POSITIVE_INFINITY;
    const [bid, ask] = this.#targetTicks();
    this.bestBidTick = bid;
    this.bestAskTick = ask;
    for (let i = 0; i < this.levels; i++) {
      this.bidSz[i] = this.#freshLevel(i, true);
      this.askSz[i] = this.#freshLevel(i, false);
    }
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

  /** A market order of signed size `traded` (positive bought) went through: its price impact. */
  impact(traded: number): void {
    const k = this.k;
    this.fair *= 1 + k.permanentImpactBpsPerUnit * traded * 1e-4;
    this.displacement += this.fair * k.temporaryImpactBpsPerUnit * traded * 1e-4;
  }

  /** One step of signals, efficient price and impact decay at time `now`, then the book's adds and cancels. */
  step(now: number): void {
    if (now >= this.#nextRegimeAt) this.#switchRegime();
    const k = this.k;
    const dtS = k.stepMs / 1000;
    // A zero half-life decays the signal at once instead of dividing by zero.
    const decay = Math.exp((-Math.LN2 * dtS) / Math.max(k.signalHalfLifeS, GRID_EPS));
    const arrival = (k.signalsPerMinute / 60) * dtS;
    this.signal = stepSignal(this.signal, decay, arrival, this.#rSignal);
    this.decoy = stepSignal(this.decoy, decay, arrival, this.#rDecoy);
    let ret = k.volatilityBpsPerSqrtS * Math.sqrt(dtS) * this.#rPrice.normal() + k.signalDriftBpsPerS * this.signal * dtS;
    if (k.jumpsPerHour > 0 && this.#rPrice.uniform() < (k.jumpsPerHour / 3600) * dtS) ret += k.jumpBps * this.#rPrice.normal();
    this.fair *= 1 + ret * 1e-4;
    this.displacement *= Math.exp((-Math.LN2 * dtS) / Math.max(k.impactHalfLifeS, GRID_EPS));
    this.#moveBook(dtS);
  }

  /** Tick of the best bid with size shown (a consumed level waits for adds). */
  shownBidTick(): number {
    let b = 0;
    while (b < this.levels - 1 && this.bidSz[b]! <= 0) b++;
    return this.bestBidTick - b;
  }

  /** Tick of the best ask with size shown. */
  shownAskTick(): number {
    let a = 0;
    while (a < this.levels - 1 && this.askSz[a]! <= 0) a++;
    return this.bestAskTick + a;
  }

  /** Mid of the first non-empty levels, in ticks. */
  midTicks(): number {
    return (this.shownBidTick() + this.shownAskTick()) / 2;
  }

  /** Displayed size at `tick` on one side (0 inside the spread; the depth profile past the levels). */
  displayedAt(buySide: boolean, tick: number): number {
    const i = buySide ? this.bestBidTick - tick : tick - this.bestAskTick;
    if (i < 0) return 0;
    if (i >= this.levels) return this.k.depthPerLevel * (1 + this.k.depthSlope * i);
    return buySide ? this.bidSz[i]! : this.askSz[i]!;
  }

  #targetTicks(): [number, number] {
    const centre = this.fair + this.displacement;
    const h = this.k.halfSpreadTicks;
    const bid = Math.floor(centre - h);
    let ask = Math.ceil(centre + h);
    if (ask <= bid) ask = bid + 1;
    return [bid, ask];
  }

  #target(i: number, bid: boolean): number {
    const k = this.k;
    const depth = k.depthPerLevel * (1 + k.depthSlope * i);
    return depth * (bid ? 1 + this.#tilt : 1 - this.#tilt);
  }

  #freshLevel(i: number, bid: boolean): number {
    const noise = this.k.depthNoise;
    const lot = this.k.lot;
    const size = this.#target(i, bid) * (1 + noise * (2 * this.#rDepth.uniform() - 1));
    return Math.max(1, Math.floor(size / lot)) * lot;
  }

  /** Shifts the levels to the new centre (sizes stay at their price), then adds and cancels. */
  #moveBook(dtS: number): void {
    const k = this.k;
    const w = k.imbalanceInformativeness;
    this.#tilt = Math.max(-0.95, Math.min(0.95, k.signalBookTilt * (w * this.signal + (1 - w) * this.decoy)));
    const [bid, ask] = this.#targetTicks();
    // Bid level i sits at tick bid − i, which was old level i + (old best − new best).
    this.#shift(true, this.bestBidTick - bid);
    this.#shift(false, ask - this.bestAskTick);
    this.bestBidTick = bid;
    this.bestAskTick = ask;
    if (k.depthRefreshPerS <= 0) return;
    // A few levels per side per step, not all of them: the same churn per level on average, with a
    // tenth of the random draws (this runs ten times per simulated second, a million times a day).
    const touches = Math.min(CHURN_LEVELS_PER_STEP, this.levels);
    const rate = Math.min(1, (k.depthRefreshPerS * dtS * this.levels) / touches);
    const lot = k.lot;
    const r = this.#rDepth;
    for (let side = 0; side < 2; side++) {
      const isBid = side === 0;
      const sizes = isBid ? this.bidSz : this.askSz;
      for (let n = 0; n < touches; n++) {
        const i = Math.floor(r.uniform() * this.levels);
        const size = sizes[i]!;
        // Uniform on [0, 2·mean]: adds toward the target, cancels a share of what rests.
        const adds = 2 * rate * this.#target(i, isBid) * r.uniform();
        const cancels = Math.min(size, 2 * rate * size * r.uniform());
        sizes[i] = Math.max(0, Math.round((size + adds - cancels) / lot)) * lot;
      }
    }
  }

  /** Level i of the new book is old level i + `offset`; a level that was not in view is drawn fresh. */
  #shift(isBid: boolean, offset: number): void {
    if (offset === 0) return;
    const sizes = isBid ? this.bidSz : this.askSz;
    const out = this.#scratch;
    for (let i = 0; i < this.levels; i++) {
      const j = i + offset;
      out[i] = j >= 0 && j < this.levels ? sizes[j]! : this.#freshLevel(i, isBid);
    }
    if (isBid) this.bidSz = out;
    else this.askSz = out;
    this.#scratch = sizes;
  }

  #switchRegime(): void {
    this.#alternate = !this.#alternate;
    this.k = this.#alternate ? { ...this.#base, ...(this.#base.regimeAlternate as Partial<RegimeKnobs>) } : this.#base;
    this.#nextRegimeAt += this.#base.regimeEveryMs;
  }
}

/** Decays a signal by `decay`; with probability `arrival` a new one of random sign and strength in [0.5, 1]. */
function stepSignal(value: number, decay: number, arrival: number, r: SimRandom): number {
  let next = value * decay;
  if (r.uniform() < arrival) {
    const strength = 0.5 + 0.5 * r.uniform();
    next = r.uniform() < 0.5 ? -strength : strength;
  }
  return next;
}
