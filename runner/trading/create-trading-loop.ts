/**
 * The live trading loop behind the runner's `TradingLoopFactory` contract: the Market Maker V2
 * engine on the `sim` venue (simulated exchange paced to wall time: every batch advances simulated
 * time to the elapsed real time and processes the events due, in order) or the `paper` venue
 * (Hyperliquid's public feed, our orders simulated locally) or the `hyperliquid` venue (real orders;
 * testnet unless mainnet was confirmed with --live; with --dry-run signed but never sent).
 *
 * The venue's knobs arrive as options, parsed by the runner's configuration (`--scenario`,
 * `--sim-knobs`, `--paper-url`, `--paper-coin`, `--paper-tick`, `--paper-lot`, each with its
 * `LIVETUNE_*` fallback: `config.venueOptions`); nothing here reads the environment.
 */
import type { Logger } from 'pino';
import { type Clock, systemClock } from '../../shared/clock.ts';
import { resolveScenario, type ScenarioKnobs } from '../../engine/sim/scenarios.ts';
import { SimExchange } from '../../engine/sim/sim-exchange.ts';
import { QuotingEngine, type EngineLogger } from '../../engine/strategy/quoting-engine.ts';
import { TelemetryRecorder } from '../../engine/telemetry/telemetry-recorder.ts';
import { PaperVenue, type PaperVenueOptions } from '../venues/paper/paper-venue.ts';
import type { FetchFn } from '../venues/hyperliquid/hyperliquid-api.ts';
import { registerHyperliquidMetrics } from '../venues/hyperliquid/hyperliquid-metrics.ts';
import { createHyperliquidSigner, type Network } from '../venues/hyperliquid/hyperliquid-signer.ts';
import { HyperliquidVenue } from '../venues/hyperliquid/hyperliquid-venue.ts';
import type { SecretKey } from '../venues/hyperliquid/private-key.ts';
import type { TradingSnapshot } from '../../engine/trading-loop-contract.ts';
import { repeatEvery } from '../repeat-every.ts';
import type { TradingLoop, TradingLoopFactory, TradingLoopOptions } from './trading-loop.ts';

const RETAINED_FILLS = 10_000;

export interface TradingLoopDeps {
  /** Sim scenario (default calm). */
  scenario?: string;
  /** Sim knob overrides. */
  knobs?: Partial<ScenarioKnobs>;
  /** Paper venue options (default: the venue's). */
  paper?: PaperVenueOptions;
  /** Hyperliquid venue options (`--venue hyperliquid`); the key is required. */
  hyperliquid?: {
    network: Network;
    live: boolean;
    dryRun: boolean;
    coin: string;
    account?: `0x${string}` | undefined;
    apiUrl?: string | undefined;
    wsUrl?: string | undefined;
    privateKey: SecretKey | null;
    deadManMs?: number;
    deadManRefreshMs?: number;
    fetch?: FetchFn;
  };
  /** Wall time: paces the simulator and the batches (the system clock's sleeps are unref'ed). */
  clock?: Clock;
  /** How often a batch of events is processed and the engine's timer duties run, ms. */
  batchMs?: number;
  /** Longest wait for the venue to confirm the cancels on stop, ms of wall time. */
  stopTimeoutMs?: number;
}

function engineLogger(logger: Logger): EngineLogger {
  return { info: (obj, msg) => logger.info(obj, msg), warn: (obj, msg) => logger.warn(obj, msg) };
}

function createLiveVenue(deps: TradingLoopDeps, log: EngineLogger, isHealthy: () => boolean): HyperliquidVenue {
  const hl = deps.hyperliquid;
  if (hl === undefined || hl.privateKey === null)
    throw new Error('venue hyperliquid: no agent wallet key (HYPERLIQUID_PRIVATE_KEY or --key-file)');
  if (hl.network === 'mainnet' && !hl.live) throw new Error('venue hyperliquid: mainnet refused without --live');
  const signer = createHyperliquidSigner(hl.privateKey.reveal());
  log.info(
    { network: hl.network, coin: hl.coin, agent: signer.address, account: hl.account ?? signer.address, dry_run: hl.dryRun },
    hl.network === 'mainnet' ? 'hyperliquid venue on MAINNET: real orders' : 'hyperliquid venue on testnet',
  );
  return new HyperliquidVenue({
    network: hl.network,
    coin: hl.coin,
    signer,
    account: hl.account,
    apiUrl: hl.apiUrl,
    wsUrl: hl.wsUrl,
    dryRun: hl.dryRun,
    isHealthy,
    deadManMs: hl.deadManMs,
    deadManRefreshMs: hl.deadManRefreshMs,
    fetch: hl.fetch,
    clock: deps.clock,
    logger: log,
  });
}

export function createTradingLoopFactory(deps: TradingLoopDeps = {}): TradingLoopFactory {
  const clock = deps.clock ?? systemClock;
  const batchMs = deps.batchMs ?? 50;
  const stopTimeoutMs = deps.stopTimeoutMs ?? 2_000;

  return function createTradingLoop(options: TradingLoopOptions): TradingLoop {
    const { params, health, logger } = options;
    const log = engineLogger(logger);
    let paramsVersion: number | null = null;
    // The engine reads this once per event; the version is read in the same breath, so the
    // snapshot's version is the one the last decision used.
    const source = {
      get() {
        const p = params.get();
        paramsVersion = params.version ?? null;
        return p;
      },
    };
    let sim: SimExchange | null = null;
    let paper: PaperVenue | null = null;
    let live: HyperliquidVenue | null = null;
    // A live loop runs for days: the simulator keeps only its latest fills (reports use running sums).
    if (options.venue === 'sim') {
      sim = new SimExchange(resolveScenario(deps.scenario ?? 'calm', deps.knobs), options.seed, 0, RETAINED_FILLS);
    } else if (options.venue === 'paper') paper = new PaperVenue({ logger: log, ...deps.paper });
    else if (options.venue === 'hyperliquid') live = createLiveVenue(deps, log, () => engineHealthy());
    else throw new Error(`venue ${JSON.stringify(options.venue)}: expected sim, paper or hyperliquid`);
    const venue = (sim ?? paper ?? live)!;
    // Swaps land between events (same thread), so the holder's version read during an event is
    // the version of the params that event used.
    const version = () => params.version ?? null;
    const telemetry = new TelemetryRecorder({
      version,
      lineage: () => params.lineage ?? null,
      clock,
      onMarkout: options.onMarkout,
    });
    const engine = new QuotingEngine({
      venue,
      params: source,
      policy: () => health.policy(),
      clock: sim !== null ? { now: () => sim.now } : systemClock,
      logger: log,
      observer: telemetry,
      paramsVersion: version,
    });
    venue.setListener(engine);
    // The dead-man's switch is refreshed only while the params path allows quoting and the feed is fresh.
    const engineHealthy = () => {
      const policy = health.policy();
      return (policy === 'normal' || policy === 'widen') && engine.lastMode !== 'stale' && engine.lastMode !== 'stopped';
    };
    /** Aborted by `stop`: ends the batch loop. */
    let running: AbortController | null = null;
    let startedAt = 0;

    function batch(): void {
      try {
        if (sim !== null) sim.advanceTo(clock.now() - startedAt);
        engine.onTimer();
      } catch (error) {
        logger.error({ err: error }, 'trading batch failed');
      }
    }

    return {
      telemetry,
      start() {
        if (running !== null) return;
        running = new AbortController();
        const signal = running.signal;
        startedAt = clock.now();
        paper?.start();
        if (live !== null) {
          const venueStarting = live.start();
          venueStarting.catch((error: unknown) =>
            logger.fatal({ err: (error as Error).message }, 'hyperliquid venue cannot start'),
          );
        }
        engine.start();
        void repeatEvery({ clock, ms: batchMs, signal, duty: batch });
        logger.info({ venue: options.venue, seed: options.seed, symbol: venue.symbol }, 'trading loop started');
      },

      async stop(reason) {
        engine.stop(reason);
        if (sim !== null) {
          // Simulated time may run ahead of the wall clock now: nothing else happens after stop.
          for (let i = 0; i < 1_000 && engine.liveOrders() > 0; i++) sim.advanceTo(sim.now + batchMs);
        } else {
          const deadline = clock.now() + stopTimeoutMs;
          while (engine.liveOrders() > 0 && clock.now() < deadline) await clock.sleep(10);
          paper?.stop();
          live?.stop();
        }
        running?.abort();
        running = null;
        logger.info({ reason, live_orders: engine.liveOrders() }, 'trading loop stopped');
      },

      snapshot(): TradingSnapshot {
        const mid = engine.state.mid;
        return {
          mid: Number.isFinite(mid) ? mid : null,
          bid: engine.restingQuote('buy'),
          ask: engine.restingQuote('sell'),
          inventory: engine.ledger.position,
          pnl: engine.ledger.pnl(mid),
          fills: engine.ledger.fills,
          markout_5s_bps: telemetry.markout5s(),
          // The simulated market is quoted in a nominal USD; Hyperliquid perps settle in USDC.
          pnl_unit: sim !== null ? 'USD' : 'USDC',
          mode: health.policy() === 'widen' && engine.lastMode === 'active' ? 'widen' : engine.lastMode,
          params_version: paramsVersion,
          ...(live !== null ? { venue: { ...live.status() } } : {}),
          ...(paper !== null ? { venue: { feed_errors: paper.feedErrors, last_feed_error: paper.lastFeedError } } : {}),
        };
      },

      registerMetrics(registry) {
        if (live !== null)
          registerHyperliquidMetrics(
            registry,
            () => live.status(),
            () => clock.now(),
          );
      },
    };
  };
}
