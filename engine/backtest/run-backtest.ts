/**
 * A backtest: the quoting engine against the simulated exchange, in simulated time, as fast as the
 * CPU allows. Pure of I/O (no clock, no timers, no files): the CLI wraps it and renders the report
 * with `formatBacktestReport` (cli/format-backtest-report.ts). With `baseline`, the fixed-spread
 * quoter (fixed-spread-quoter.ts) trades the same seed and knobs in a second simulator: the same
 * random numbers (common random numbers), so the difference is the strategy's, not the market's.
 */
import { EPS } from '../../shared/eps.ts';
import type { Params } from '../../shared/params-schema.ts';
import { MARKOUT_HORIZONS_MS, type SimAccounting } from '../matcher/sim-accounting.ts';
import type { Recording } from '../sim/recording.ts';
import { ReplayVenue } from '../sim/replay-venue.ts';
import { resolveScenario, type ScenarioKnobs } from '../sim/scenarios.ts';
import { SimExchange } from '../sim/sim-exchange.ts';
import { QuotingEngine } from '../strategy/quoting-engine.ts';
import type { OrderRequest, Venue } from '../venue/venue.ts';
import { FixedSpreadQuoter } from './fixed-spread-quoter.ts';
import { Pearson } from './pearson.ts';
import { sharpeOfChanges } from './sharpe.ts';

export interface BacktestOptions {
  params: Readonly<Params>;
  /** A preset name (`calm`, `volatile`, `toxic`, `regime-switch`). */
  scenario: string;
  /** Knobs overriding the preset's. */
  overrides?: Partial<ScenarioKnobs>;
  seed: number;
  durationMs: number;
  /** Also run the fixed-spread baseline on the same seed and market. */
  baseline?: boolean;
  /**
   * Replay this recorded feed instead of the synthetic market (`--data FILE`): the run covers the
   * recording, `seed` and `durationMs` are ignored, and the scenario's latency and fees apply.
   */
  data?: Recording;
  /** Called about every 1 % of the run with the simulated ms done and the total. */
  onProgress?: (doneMs: number, totalMs: number) => void;
  /** How often the engine's timer duties run, simulated ms. */
  timerMs?: number;
}

type Horizons = Record<'1s' | '5s' | '30s' | '60s', number | null>;

/** The figures both the strategy and the baseline get (DESIGN "Backtest JSON"). */
export interface TradingFigures {
  pnl: { total: number; spread_capture: number; inventory: number; fees: number; taker_cost: number; max_drawdown: number };
  /** Mean / sd of the P&L's 1-minute changes (not annualised); 0 when it never changed. */
  sharpe: number;
  fills: {
    count: number;
    maker: number;
    taker: number;
    volume_quote: number;
    /** Share of our post-only quotes that got at least one fill. */
    fill_rate: number;
    maker_fees: number;
    taker_fees: number;
  };
  /** Mean markout per fill, bps of the fill price (positive: the fill made money), against the mid at each horizon. */
  markouts_bps: Horizons;
  /** The same against the simulator's efficient price (no bounce from our own trades). */
  markouts_fair_bps: Horizons;
  /** Mean (mid before the aggressor − our price, signed) of maker fills, bps. */
  realized_spread_bps: number | null;
  inventory: { mean: number; std: number; max_abs: number; final: number };
}

export interface BacktestReport extends TradingFigures {
  scenario: string;
  seed: number;
  duration_ms: number;
  /** Simulator events (market steps, market orders, messages both ways). */
  events: number;
  /** Book updates the engine processed. */
  book_events: number;
  orders: { placed: number; cancels: number; post_only_rejects: number; cancel_failures: number; liquidation_orders: number };
  /** Taker liquidation: each step's size as a share of |Q| when it was sent. */
  liquidation: { orders: number; volume: number; median_step_fraction: number | null; max_step_fraction: number | null };
  /**
   * Engine position vs the venue's, sampled every timer tick. A mismatch is more than a lot apart
   * for a second or longer: a fill on its way to us (tens of ms) is not one.
   */
  reconciliation: { mismatch_seconds: number; max_abs_mismatch: number; corrections: number };
  faults: { dropped_fills: number; disconnects: number };
  /** Correlation of μ̂ with the next second's mid return, sampled every simulated second. */
  mu_next_1s_return_correlation: number;
  final_mid: number;
  baseline?: TradingFigures;
}

/** What the loop needs of the market it trades: the simulator or a replayed recording. */
interface BacktestVenue extends Venue {
  readonly accounting: SimAccounting;
  readonly now: number;
  readonly events: number;
  readonly droppedFills: number;
  readonly disconnects: number;
  advanceTo(time: number): void;
  mid(): number;
}

const MINUTE_MS = 60_000;
/** A difference shorter than this is a fill in flight, not a mismatch. */
const MISMATCH_GRACE_MS = 1_000;

/** Runs the engine (and the baseline when asked) on one seed. */
export function runBacktest(options: BacktestOptions): BacktestReport {
  const { params, seed, data } = options;
  const timerMs = options.timerMs ?? 100;
  const knobs = resolveScenario(options.scenario, options.overrides);
  const open = (): BacktestVenue =>
    data === undefined
      ? new SimExchange(knobs, seed)
      : new ReplayVenue(data, {
          orderLatencyMs: knobs.orderLatencyMs,
          makerFeeBps: knobs.makerFeeBps,
          takerFeeBps: knobs.takerFeeBps,
        });
  const sim = open();
  const start = sim.now;
  // A replay runs to the first timer step at or after its last event, so every event is replayed.
  const durationMs =
    data === undefined ? options.durationMs : Math.ceil(((data.events.at(-1)?.t ?? start) - start) / timerMs) * timerMs;
  const steps: number[] = [];
  let liquidationVolume = 0;
  // The engine sees the venue through this: every liquidation IOC is measured against |Q| as sent.
  const venue: Venue = {
    symbol: sim.symbol,
    market: sim.market,
    setListener: (l) => sim.setListener(l),
    place: (order: OrderRequest) => {
      if (order.type === 'ioc') {
        const q = Math.abs(engine.ledger.position);
        if (q > EPS) steps.push(order.size / q);
      }
      sim.place(order);
    },
    cancel: (id) => sim.cancel(id),
    requestPosition: () => sim.requestPosition(),
  };
  const engine = new QuotingEngine({ venue, params: { get: () => params }, clock: { now: () => sim.now } });
  sim.setListener(engine);
  engine.start();

  const base = options.baseline === true ? open() : null;
  const quoter = base === null ? null : new FixedSpreadQuoter(base, params);
  if (base !== null && quoter !== null) {
    base.setListener(quoter);
    quoter.start();
  }

  const corr = new Pearson();
  let lastSampleMu = Number.NaN;
  let lastSampleMid = Number.NaN;
  let nextSampleAt = start + 1000;
  const minutePnl: number[] = [0];
  const basePnl: number[] = [0];
  let nextMinuteAt = start + MINUTE_MS;
  let mismatchTicks = 0;
  let mismatchSince = Number.NaN;
  let maxMismatch = 0;
  const lot = sim.market.lot;
  const progressEvery = Math.max(timerMs, Math.floor(durationMs / 100));
  let nextProgressAt = start + progressEvery;
  for (let t = start + timerMs; t <= start + durationMs; t += timerMs) {
    sim.advanceTo(t);
    engine.onTimer();
    if (base !== null && quoter !== null) {
      base.advanceTo(t);
      if ((t - start) % 5_000 < timerMs) quoter.onTimer();
    }
    const mismatch = Math.abs(engine.ledger.position - sim.accounting.position);
    if (mismatch > lot + EPS) {
      if (Number.isNaN(mismatchSince)) mismatchSince = t;
      if (t - mismatchSince >= MISMATCH_GRACE_MS) {
        // The whole episode counts once it lasted the grace period.
        mismatchTicks += t - mismatchSince === MISMATCH_GRACE_MS ? MISMATCH_GRACE_MS / timerMs + 1 : 1;
        if (mismatch > maxMismatch) maxMismatch = mismatch;
      }
    } else mismatchSince = Number.NaN;
    if (t >= nextSampleAt) {
      nextSampleAt += 1000;
      const mid = sim.mid();
      if (Number.isFinite(lastSampleMu) && Number.isFinite(mid) && Number.isFinite(lastSampleMid))
        corr.add(lastSampleMu, (mid - lastSampleMid) / lastSampleMid);
      lastSampleMu = engine.state.adverseSelection;
      lastSampleMid = mid;
    }
    if (t >= nextMinuteAt) {
      nextMinuteAt += MINUTE_MS;
      // A replay has no mid before its first book: the P&L is then what it was.
      const pnlAt = (v: BacktestVenue, series: number[]) =>
        Number.isFinite(v.mid()) ? v.accounting.pnl(v.mid()) : series.at(-1)!;
      minutePnl.push(pnlAt(sim, minutePnl));
      if (base !== null) basePnl.push(pnlAt(base, basePnl));
    }
    if (options.onProgress !== undefined && t >= nextProgressAt) {
      nextProgressAt += progressEvery;
      options.onProgress(t - start, durationMs);
    }
  }
  for (const f of sim.accounting.fills) if (f.liquidity === 'taker') liquidationVolume += f.size;
  const sorted = steps.slice().sort((a, b) => a - b);
  const report: BacktestReport = {
    scenario: options.scenario,
    seed,
    duration_ms: durationMs,
    events: sim.events,
    book_events: engine.counters.bookEvents,
    ...figures(sim.accounting, sim.mid(), minutePnl, engine.counters.placed - engine.counters.liquidationOrders),
    orders: {
      placed: engine.counters.placed,
      cancels: engine.counters.cancelsSent,
      post_only_rejects: engine.counters.postOnlyRejects,
      cancel_failures: engine.counters.cancelFailures,
      liquidation_orders: engine.counters.liquidationOrders,
    },
    liquidation: {
      orders: engine.counters.liquidationOrders,
      volume: liquidationVolume,
      median_step_fraction: sorted.length > 0 ? sorted[Math.floor((sorted.length - 1) / 2)]! : null,
      max_step_fraction: sorted.length > 0 ? sorted[sorted.length - 1]! : null,
    },
    reconciliation: {
      mismatch_seconds: (mismatchTicks * timerMs) / 1000,
      max_abs_mismatch: maxMismatch,
      corrections: engine.counters.reconcileCorrections,
    },
    faults: { dropped_fills: sim.droppedFills, disconnects: sim.disconnects },
    mu_next_1s_return_correlation: corr.value(),
    final_mid: sim.mid(),
  };
  if (base !== null && quoter !== null) report.baseline = figures(base.accounting, base.mid(), basePnl, quoter.placed);
  return report;
}

function figures(acc: SimAccounting, mid: number, minutePnl: number[], quotesPlaced: number): TradingFigures {
  const horizons = (at: (h: number) => number | null): Horizons => {
    const i = (ms: number) => at(MARKOUT_HORIZONS_MS.indexOf(ms as (typeof MARKOUT_HORIZONS_MS)[number]));
    return { '1s': i(1_000), '5s': i(5_000), '30s': i(30_000), '60s': i(60_000) };
  };
  const filledQuotes = new Set<number>();
  for (const f of acc.fills) if (f.liquidity === 'maker') filledQuotes.add(f.orderId);
  const inventory = acc.inventoryStats();
  return {
    pnl: { ...acc.pnlParts(mid), max_drawdown: acc.maxDrawdown },
    sharpe: sharpeOfChanges(minutePnl),
    fills: {
      count: acc.fillCount,
      maker: acc.makerFillCount,
      taker: acc.fillCount - acc.makerFillCount,
      volume_quote: acc.volume,
      fill_rate: quotesPlaced > 0 ? filledQuotes.size / quotesPlaced : 0,
      maker_fees: acc.makerFees,
      taker_fees: acc.takerFees,
    },
    markouts_bps: horizons((h) => acc.meanMarkout(h)),
    markouts_fair_bps: horizons((h) => acc.meanFairMarkout(h)),
    realized_spread_bps: acc.meanRealizedSpread(),
    inventory: { ...inventory, final: acc.position },
  };
}
