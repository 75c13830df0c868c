/**
 * The runner process, composed: params holder ← sync (long-poll | ws | poll | file) with the
 * last-known-good cache, health, reports to the edge, the quoting loop, and the local status
 * server. Every side effect is a dependency with a production default; `main.ts` only parses the
 * command line and handles signals.
 */
import type { Agent, Dispatcher } from 'undici';
import type { Logger } from 'pino';
import { DEFAULT_PARAMS } from '../shared/params-schema.ts';
import type { PolicyVersion } from '../shared/policy-schema.ts';
import { nodeAtomicFs, type AtomicFs } from './cache/atomic-write.ts';
import { ParamsCache } from './cache/params-cache.ts';
import { systemClock, type Clock } from '../shared/clock.ts';
import type { RunnerConfig } from './config.ts';
import { createLogger } from './log.ts';
import { ParamsFileWatcher } from './params/params-file-watcher.ts';
import { ParamsHolder, type ParamsOrigin } from './params/params-holder.ts';
import { buildStatus, reportFromStatus, type RunnerStatus } from './status/runner-status.ts';
import { createRunnerMetrics } from './status/runner-metrics.ts';
import { startStatusServer, type StatusServer } from './status/status-server.ts';
import { DEFAULT_BACKOFF, type BackoffOptions } from '../client/backoff.ts';
import { createEdgeClient, type EdgeClient } from '../client/edge-client.ts';
import type { WebSocketConstructor } from '../client/reconnecting-socket.ts';
import { createEdgeAgent, requestThrough } from './sync/edge-agent.ts';
import { HttpSync } from './sync/http-sync.ts';
import { loadInitialParams, StartupError } from './sync/initial-params.ts';
import { Reporter } from './sync/reporter.ts';
import { SyncHealth } from './sync/sync-health.ts';
import type { SyncLoop } from './sync/sync-loop.ts';
import { VersionApplier } from './sync/version-applier.ts';
import { VersionTrust } from './sync/version-trust.ts';
import { loadTrustedKeys, TrustedKeysError } from './config/trusted-keys-file.ts';
import { WsSync } from './sync/ws-sync.ts';
import type { TradingLoop, TradingLoopFactory } from './trading/trading-loop.ts';

export { StartupError };

/**
 * The runner's trusted keys (`--trusted-keys`); an unusable file stops start-up, naming it. The
 * set's policy history (read scope) lets it follow a key rotation its keys approved.
 */
async function trustFrom(
  path: string,
  logger: Logger,
  policyHistory: (() => Promise<readonly PolicyVersion[]>) | undefined,
): Promise<VersionTrust> {
  try {
    const { keys, threshold } = await loadTrustedKeys(path);
    logger.info({ keys: keys.map((k) => k.name), path }, 'signatures required: applying only versions signed by these keys');
    return new VersionTrust(keys, {
      threshold,
      policyHistory,
      onKeysFollowed: (outcome) => {
        if (outcome.kind === 'adopted')
          logger.warn(
            { policy_version: outcome.policyVersion, keys: outcome.keys.map((k) => k.name) },
            'trusted keys changed: following a key list approved by the keys this runner trusted',
          );
        else if (outcome.kind === 'refused')
          logger.error({ policy_version: outcome.policyVersion, reason: outcome.reason }, 'not following a key-list change');
      },
    });
  } catch (error) {
    if (error instanceof TrustedKeysError) throw new StartupError(error.message, { cause: error });
    throw error;
  }
}

export interface RunnerDeps {
  /** The quoting loop: Market Maker V2 on the configured venue (`createTradingLoopFactory(config.venueOptions)` in production). */
  createTradingLoop: TradingLoopFactory;
  clock?: Clock;
  random?: () => number;
  logger?: Logger;
  /** The connection pool to the edge (undici); default: one of the runner's own, closed on stop. */
  dispatcher?: Dispatcher;
  WebSocketCtor?: WebSocketConstructor;
  cacheFs?: AtomicFs;
  backoff?: BackoffOptions;
  /** How long start-up waits for the edge before falling back to the cache. */
  startupTimeoutMs?: number;
}

export interface RunnerHandle {
  status(): RunnerStatus;
  /** The bound port of the status server. */
  readonly statusPort: number;
  readonly holder: ParamsHolder;
  /** Stops syncing, cancels the loop's orders, flushes a final report. Idempotent. */
  stop(reason?: string): Promise<void>;
}

export async function startRunner(config: RunnerConfig, deps: RunnerDeps): Promise<RunnerHandle> {
  const {
    createTradingLoop,
    clock = systemClock,
    random = Math.random,
    dispatcher,
    WebSocketCtor,
    cacheFs = nodeAtomicFs,
    backoff = DEFAULT_BACKOFF,
    startupTimeoutMs = 5_000,
  } = deps;
  const logger =
    deps.logger ?? createLogger({ level: config.logLevel, set: config.set, runner: config.runnerId, region: config.region });
  const now = () => clock.now();
  const startedAt = now();
  const holder = new ParamsHolder({ clock, onListenerError: (err) => logger.error({ err }, 'a swap listener failed') });
  const health = new SyncHealth({
    graceMs: config.graceMs,
    onError: config.onError,
    clock,
    onChange: (from, to, reason) =>
      logger[to === 'ready' ? 'info' : 'warn']({ from, to, reason, version: holder.version }, `sync state ${from} → ${to}`),
  });
  const metrics = createRunnerMetrics({
    labels: { set: config.set, runner: config.runnerId, region: config.region },
    appliedVersion: () => holder.version,
    secondsSinceSync: () => {
      const at = health.view().lastSuccessAt;
      return at === null ? null : (now() - at) / 1000;
    },
    syncState: () => health.state(),
    // Read at scrape time, once the loop exists.
    telemetry: () => loop.telemetry ?? null,
  });
  holder.onSwap(() => metrics.swaps.inc());
  const onFailure = (reason: string) => metrics.syncFailures.inc({ reason });
  let reporter: Reporter | null = null;
  const cache = new ParamsCache({ dir: config.cacheDir, set: config.set, fs: cacheFs, clock });
  // The edge client is made below (never with --sync file, which --trusted-keys excludes).
  let policyReader: EdgeClient | undefined;
  const policyHistory = async () => {
    if (!policyReader) throw new Error('no edge');
    return (await policyReader.policyHistory(config.set, { timeoutMs: 10_000 })).versions;
  };
  const trust = config.trustedKeys === undefined ? undefined : await trustFrom(config.trustedKeys, logger, policyHistory);
  const applier = new VersionApplier({
    set: config.set,
    holder,
    cache,
    logger,
    trust,
    onOutcome: (outcome) => {
      if (outcome.kind === 'rejected') metrics.rejections.inc();
      if (outcome.kind !== 'ignored') reporter?.nudge();
    },
  });

  let startedFrom: ParamsOrigin;
  let sync: SyncLoop | null = null;
  let watcher: ParamsFileWatcher | null = null;
  let ownAgent: Agent | null = null;
  /** The last rejected edit of the params file (file mode), until a good edit replaces it. */
  let fileError: string | null = null;
  if (config.sync === 'file') {
    watcher = new ParamsFileWatcher({ path: config.paramsFile, holder, logger, clock });
    watcher.on('rejected', (error) => {
      fileError = error.message;
      metrics.rejections.inc();
    });
    watcher.on('applied', () => {
      fileError = null;
    });
    startedFrom = await loadFromFile(config, holder, logger);
    health.markSuccess();
  } else {
    // The runner owns the connection pool it creates (closed on stop); an injected one is the caller's.
    ownAgent = dispatcher ? null : createEdgeAgent(config.waitS);
    const edge = createEdgeClient({
      baseUrl: config.url!,
      token: config.token!,
      clock,
      fetch: requestThrough(dispatcher ?? ownAgent!),
      // The edge gives this runner the version assigned to it (a rollout's candidate, or the head).
      reader: { runner: config.runnerId, region: config.region },
    });
    policyReader = edge;
    try {
      startedFrom = await loadInitialParams({
        edge,
        applier,
        holder,
        cache,
        health,
        logger,
        allowDefaults: config.allowDefaults,
        timeoutMs: startupTimeoutMs,
        trust,
      });
    } catch (error) {
      await ownAgent?.close();
      throw error;
    }
    const syncDeps = { holder, applier, health, logger, clock, random, backoff, onFailure };
    sync =
      config.sync === 'ws'
        ? new WsSync({ ...syncDeps, edge, set: config.set, runnerId: config.runnerId, WebSocketCtor })
        : new HttpSync({ ...syncDeps, mode: config.sync, edge, waitS: config.waitS, intervalMs: config.intervalMs });
    reporter = new Reporter({
      edge,
      set: config.set,
      runnerId: config.runnerId,
      clock,
      heartbeatMs: config.heartbeatMs,
      logger,
      onFailure,
      enabled: () => !health.refused,
      build: () => reportFromStatus(status()),
      telemetry: () => loop.telemetry?.takeDelta() ?? null,
      onTelemetryDropped: () => metrics.telemetry.droppedDeltas.inc(),
    });
  }

  const loop: TradingLoop = createTradingLoop({
    params: holder,
    health,
    venue: config.venue,
    seed: config.seed,
    logger: logger.child({ component: 'trading' }),
    onMarkout: (version, horizon, bps) => metrics.telemetry.observeMarkout(version, horizon, bps),
  });
  loop.registerMetrics?.(metrics.registry);
  const status = (): RunnerStatus =>
    buildStatus({
      identity: config,
      mode: config.sync,
      startedFrom,
      startedAt,
      holder,
      health,
      rejected: () => applier.lastRejected,
      trading: () => loop.snapshot(),
      otherError: () => fileError,
      clock,
    });

  loop.start();
  // A refused token stops syncing for good: no point opening a socket the edge will refuse.
  if (!health.refused) sync?.start();
  watcher?.start();
  reporter?.start();
  let server: StatusServer;
  try {
    server = await startStatusServer({ host: config.statusHost, port: config.statusPort, status, registry: metrics.registry });
  } catch (error) {
    await Promise.allSettled([sync?.stop(), loop.stop('status server failed'), reporter?.stop({ final: false })]);
    watcher?.stop();
    throw new StartupError(
      `cannot listen on ${config.statusHost}:${config.statusPort} (--status-port): ${(error as Error).message}`,
      { cause: error },
    );
  }
  logger.info(
    {
      status_port: server.port,
      url: `http://${config.statusHost}:${server.port}/status`,
      version: holder.version,
      started_from: startedFrom,
      sync_mode: config.sync,
    },
    'runner started',
  );

  let stopping: Promise<void> | null = null;
  async function stop(reason = 'stop requested'): Promise<void> {
    logger.info({ reason, version: holder.version }, 'runner stopping');
    // Each step runs even if an earlier one failed: the orders must be cancelled and the edge
    // told, whatever else went wrong.
    const step = async (what: string, fn: () => Promise<void> | void) => {
      try {
        await fn();
      } catch (error) {
        logger.error({ err: error }, `shutdown: ${what} failed`);
      }
    };
    await step('stopping the file watcher', () => watcher?.stop());
    await step('stopping sync', () => sync?.stop());
    await step('stopping the quoting loop', () => loop.stop(reason));
    await step('writing the cache', () => applier.flush());
    await step('sending the final report', () => reporter?.stop({ final: true }));
    await step('closing the status server', () => server.close());
    await step('closing connections to the edge', () => ownAgent?.close());
    logger.info({ version: holder.version }, 'runner stopped');
  }
  return {
    status,
    statusPort: server.port,
    holder,
    stop: (reason) => (stopping ??= stop(reason)),
  };
}

async function loadFromFile(config: RunnerConfig, holder: ParamsHolder, logger: Logger): Promise<ParamsOrigin> {
  let loaded: boolean;
  try {
    loaded = await holder.reloadFromFile(config.paramsFile);
  } catch (error) {
    throw new StartupError((error as Error).message, { cause: error });
  }
  if (loaded) return 'file';
  if (!config.allowDefaults)
    throw new StartupError(
      `params file ${config.paramsFile} (--params-file) does not exist; refusing to quote: create it or pass --allow-defaults`,
    );
  holder.update(DEFAULT_PARAMS, { origin: 'defaults' });
  logger.warn(
    { path: config.paramsFile },
    'params file missing: quoting on the default params (--allow-defaults) until it appears',
  );
  return 'defaults';
}
