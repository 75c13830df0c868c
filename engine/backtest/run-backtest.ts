/**
 * A backtest: the quoting engine against the simulated exchange, in simulated time, as fast as the
 * CPU allows. Pure of I/O (no clock, no timers, no files): the CLI wraps it and renders the report
 * with `formatBacktestReport` (cli/format-backtest-report.ts).
 */
import type { Params } from '../../shared/params-schema.ts';
import { QuotingEngine } from '../strategy/quoting-engine.ts';
import { resolveScenario, type ScenarioKnobs } from '../sim/scenarios.ts';
import { MARKOUT_HORIZONS_MS } from '../matcher/sim-accounting.ts';
import { SimExchange } from '../sim/sim-exchange.ts';
import { Pearson } from './pearson.ts';

export interface BacktestOptions {
  params: Readonly<Params>;
  /** A preset name (`calm`, `volatile`, `toxic`, `regime-switch`). */
  scenario: string;
  /** Knobs overriding the preset's. */
  overrides?: Partial<ScenarioKnobs>;
  seed: number;
  durationMs: number;
  /** Called about every 1 % of the run with the simulated ms done and the total. */
  onProgress?: (doneMs: number, totalMs: number) => void;
  /** How often the engine's timer duties run, simulated ms. */
  timerMs?: number;
}

export interface BacktestReport {
  scenario: string;
  seed: number;
  duration_ms: number;
  /** Simulator events (market steps, market orders, messages both ways). */
  events: number;
  /** Book updates the engine processed. */
  book_events: number;
  pnl: { total: number; fees: number; max_drawdown: number };
  fills: { count: number; maker: number; taker: number; volume_quote: number };
  /** Mean markout per fill, bps of the fill price (positive: the fill made money), by horizon. */
  markouts_bps: Record<'1s' | '5s' | '30s', number | null>;
  /** Mean (mid at fill − our price, signed) of maker fills, bps. */
  realized_spread_bps: number | null;
  inventory: { mean: number; std: number; max_abs: number; final: number };
  orders: { placed: number; cancels: number; post_only_rejects: number; cancel_failures: number; liquidation_orders: number };
  /** Correlation of μ̂ with the next second's mid return, sampled every simulated second. */
  mu_next_1s_return_correlation: number;
  final_mid: number;
}

export function runBacktest(options: BacktestOptions): BacktestReport {
  const { params, seed, durationMs } = options;
  const timerMs = options.timerMs ?? 100;
  const sim = new SimExchange(resolveScenario(options.scenario, options.overrides), seed);
  const engine = new QuotingEngine({ venue: sim, params: { get: () => params }, clock: { now: () => sim.now } });
  sim.setListener(engine);
  engine.start();
  const corr = new Pearson();
  let lastSampleMu = Number.NaN;
  let lastSampleMid = Number.NaN;
  let nextSampleAt = 1000;
  const progressEvery = Math.max(timerMs, Math.floor(durationMs / 100));
  let nextProgressAt = progressEvery;
  for (let t = timerMs; t <= durationMs; t += timerMs) {
    sim.advanceTo(t);
    engine.onTimer();
    if (t >= nextSampleAt) {
      nextSampleAt += 1000;
      const mid = sim.mid();
      if (Number.isFinite(lastSampleMu)) corr.add(lastSampleMu, (mid - lastSampleMid) / lastSampleMid);
      lastSampleMu = engine.state.adverseSelection;
      lastSampleMid = mid;
    }
    if (options.onProgress !== undefined && t >= nextProgressAt) {
      nextProgressAt += progressEvery;
      options.onProgress(t, durationMs);
    }
  }
  const acc = sim.accounting;
  const mid = sim.mid();
  const inventory = acc.inventoryStats();
  const markout = (h: number) => acc.meanMarkout(h);
  return {
    scenario: options.scenario,
    seed,
    duration_ms: durationMs,
    events: sim.events,
    book_events: engine.counters.bookEvents,
    pnl: { total: acc.pnl(mid), fees: acc.fees, max_drawdown: acc.maxDrawdown },
    fills: {
      count: acc.fillCount,
      maker: acc.makerFillCount,
      taker: acc.fillCount - acc.makerFillCount,
      volume_quote: acc.volume,
    },
    markouts_bps: { '1s': markout(0), '5s': markout(1), '30s': markout(MARKOUT_HORIZONS_MS.length - 1) },
    realized_spread_bps: acc.meanRealizedSpread(),
    inventory: { ...inventory, final: acc.position },
    orders: {
      placed: engine.counters.placed,
      cancels: engine.counters.cancelsSent,
      post_only_rejects: engine.counters.postOnlyRejects,
      cancel_failures: engine.counters.cancelFailures,
      liquidation_orders: engine.counters.liquidationOrders,
    },
    mu_next_1s_return_correlation: corr.value(),
    final_mid: mid,
  };
}
