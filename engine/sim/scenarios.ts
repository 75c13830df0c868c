/**
 * Market scenarios for the simulated exchange: named presets, every knob overridable. Units are in
 * the names. The presets are tuned so the phenomena the strategy reacts to are present for real:
 * a latent signal that both tilts the visible depth and drives the next moves (so the imbalance
 * carries information and informed traders exist), volatility, jumps, and a regime that switches.
 */
import { HYPERLIQUID_BASE_FEES_BPS } from '../venue/hyperliquid/hyperliquid-fees.ts';

export interface ScenarioKnobs {
  startPrice: number;
  tick: number;
  lot: number;
  /** Displayed levels per side (≥ 10: the strategy's imbalance reads the top 10). */
  levels: number;
  /** Period of the efficient-price step and book refresh, ms. */
  stepMs: number;
  volatilityBpsPerSqrtS: number;
  jumpsPerHour: number;
  /** Standard deviation of a jump, bps. */
  jumpBps: number;
  /** Arrival rate of new latent signals (private information), per minute. */
  signalsPerMinute: number;
  signalHalfLifeS: number;
  /** Efficient-price drift per unit of signal, bps/s: what makes the signal predictive. */
  signalDriftBpsPerS: number;
  /** How much a unit of book pressure tilts the depth targets: bid ×(1 + tilt·x), ask ×(1 − tilt·x). */
  signalBookTilt: number;
  /**
   * Share w ∈ [0, 1] of the book pressure x = w·z + (1 − w)·η that is the real signal z; the rest is
   * a decoy η that moves no price. 1 made the 10-level imbalance nearly an oracle; see docs/SIMULATOR.md.
   */
  imbalanceInformativeness: number;
  marketOrdersPerS: number;
  /** Share of market orders from informed traders, who trade in the signal's direction. */
  informedShare: number;
  meanOrderSize: number;
  informedSizeMultiplier: number;
  /** Displayed size at the best level; deeper levels get `depthSlope` more per level. */
  depthPerLevel: number;
  depthSlope: number;
  /** Relative noise of a level drawn fresh (one that comes into view), in [0, 1). */
  depthNoise: number;
  /** Adds and cancels per level per second, as a share of its target and of its size (book churn and resilience). */
  depthRefreshPerS: number;
  /** Permanent price impact of a market order (ours or outside), bps per unit traded. */
  permanentImpactBpsPerUnit: number;
  /** Temporary impact: displacement of the book's centre, bps per unit traded, decaying with `impactHalfLifeS`. */
  temporaryImpactBpsPerUnit: number;
  impactHalfLifeS: number;
  /** Background half-spread in ticks (1.5 → a 3–4 tick spread). */
  halfSpreadTicks: number;
  /** One-way latency of our order entry/cancel and of their answers: this plus an exponential jitter, ms. */
  orderLatencyMs: number;
  /** Mean of the exponential jitter added to each order message, ms (0: constant latency). */
  orderLatencyJitterMs: number;
  marketDataLatencyMs: number;
  /** Mean of the exponential jitter added to each book on its way to us, ms. */
  marketDataJitterMs: number;
  /** Maker fee in bps of the notional; negative is a rebate (most venues pay makers). */
  makerFeeBps: number;
  takerFeeBps: number;
  /** Share of our fill messages the venue loses (the fill happens; we never hear of it). */
  fillDropRate: number;
  /** Share of our cancels the venue refuses (the order keeps resting). */
  cancelRejectRate: number;
  /** Connection losses per hour (cancel-on-disconnect: the venue cancels our orders). */
  disconnectsPerHour: number;
  /** How long a connection loss lasts, ms. */
  disconnectMs: number;
  /** Switch between these knobs and `regimeAlternate` every `regimeEveryMs` (0: never). */
  regimeEveryMs: number;
  regimeAlternate: Partial<RegimeKnobs>;
}

/** The knobs a regime switch may change (market behaviour, not the venue's rules). */
export type RegimeKnobs = Pick<
  ScenarioKnobs,
  | 'volatilityBpsPerSqrtS'
  | 'jumpsPerHour'
  | 'jumpBps'
  | 'signalsPerMinute'
  | 'signalHalfLifeS'
  | 'signalDriftBpsPerS'
  | 'signalBookTilt'
  | 'marketOrdersPerS'
  | 'informedShare'
  | 'imbalanceInformativeness'
>;

const BASE: ScenarioKnobs = {
  startPrice: 100,
  tick: 0.01,
  lot: 0.01,
  levels: 20,
  stepMs: 100,
  volatilityBpsPerSqrtS: 1,
  jumpsPerHour: 0,
  jumpBps: 0,
  signalsPerMinute: 2,
  signalHalfLifeS: 3,
  signalDriftBpsPerS: 1.5,
  signalBookTilt: 0.3,
  // Chosen so the 10-level imbalance is informative, not an oracle: in toxic corr(imbalance, z) is
  // about 0.35 and corr(imbalance, next 1 s return) about 0.1 (docs/SIMULATOR.md has the figures;
  // the redrawn book of before gave 0.98 and 0.60).
  imbalanceInformativeness: 0.8,
  marketOrdersPerS: 2,
  informedShare: 0.1,
  meanOrderSize: 1,
  informedSizeMultiplier: 2,
  // A thin book with a 3–4 tick spread puts 5 bps quotes one to three ticks behind the touch, so
  // takers reach them and informed takers are what hurts (Glosten–Milgrom). With a deep, one-tick
  // book our quotes only ever filled when a price move swept them, and μ̂ had almost nothing to act on.
  depthPerLevel: 1,
  depthSlope: 0.1,
  depthNoise: 0.3,
  depthRefreshPerS: 1,
  permanentImpactBpsPerUnit: 0.1,
  temporaryImpactBpsPerUnit: 0.3,
  impactHalfLifeS: 2,
  halfSpreadTicks: 1.5,
  orderLatencyMs: 30,
  orderLatencyJitterMs: 10,
  marketDataLatencyMs: 20,
  marketDataJitterMs: 5,
  makerFeeBps: HYPERLIQUID_BASE_FEES_BPS.maker,
  takerFeeBps: HYPERLIQUID_BASE_FEES_BPS.taker,
  fillDropRate: 0,
  cancelRejectRate: 0,
  disconnectsPerHour: 0,
  disconnectMs: 2_000,
  regimeEveryMs: 0,
  regimeAlternate: {},
};

const VOLATILE: Partial<RegimeKnobs> = {
  volatilityBpsPerSqrtS: 3,
  jumpsPerHour: 6,
  jumpBps: 20,
  signalsPerMinute: 4,
  signalDriftBpsPerS: 3,
  signalBookTilt: 0.4,
  marketOrdersPerS: 5,
  informedShare: 0.2,
};

export const SCENARIOS = {
  calm: BASE,
  /** Busy venue: slower, jumpier messages as well as prices. */
  volatile: { ...BASE, ...VOLATILE, orderLatencyJitterMs: 30, marketDataJitterMs: 15 },
  /** Frequent, strong, short-lived information and many informed takers: adverse selection dominates. */
  toxic: {
    ...BASE,
    volatilityBpsPerSqrtS: 1.5,
    signalsPerMinute: 10,
    signalHalfLifeS: 3,
    signalDriftBpsPerS: 4,
    signalBookTilt: 0.5,
    marketOrdersPerS: 5,
    informedShare: 0.5,
    informedSizeMultiplier: 3,
    orderLatencyJitterMs: 20,
    marketDataJitterMs: 10,
  },
  /** Calm, then volatile, every 10 minutes. */
  'regime-switch': { ...BASE, regimeEveryMs: 600_000, regimeAlternate: VOLATILE },
} satisfies Record<string, ScenarioKnobs>;

export type ScenarioName = keyof typeof SCENARIOS;
export const SCENARIO_NAMES = Object.keys(SCENARIOS) as ScenarioName[];

/** A preset with overrides applied; throws naming the scenario and the accepted names. */
export function resolveScenario(name: string, overrides: Partial<ScenarioKnobs> = {}): ScenarioKnobs {
  if (!Object.hasOwn(SCENARIOS, name)) {
    throw new Error(`unknown scenario ${JSON.stringify(name)}: expected one of ${SCENARIO_NAMES.join(', ')}`);
  }
  const knobs: ScenarioKnobs = { ...SCENARIOS[name as ScenarioName], ...overrides };
  if (!(knobs.levels >= 10)) throw new Error(`scenario knob levels=${knobs.levels}: expected at least 10`);
  for (const [key, value] of Object.entries(knobs)) {
    // A maker fee may be negative: a rebate.
    if (key === 'makerFeeBps') continue;
    if (typeof value === 'number' && !(Number.isFinite(value) && value >= 0)) {
      throw new Error(`scenario knob ${key}=${String(value)}: expected a finite number ≥ 0`);
    }
  }
  if (!(Number.isFinite(knobs.makerFeeBps) && knobs.makerFeeBps >= -knobs.takerFeeBps)) {
    throw new Error(
      `scenario knob makerFeeBps=${String(knobs.makerFeeBps)}: expected a finite number ≥ −takerFeeBps (${-knobs.takerFeeBps}); negative is a rebate`,
    );
  }
  for (const key of ['imbalanceInformativeness', 'fillDropRate', 'cancelRejectRate'] as const) {
    if (knobs[key] > 1) throw new Error(`scenario knob ${key}=${knobs[key]}: expected a share in [0, 1]`);
  }
  return knobs;
}
