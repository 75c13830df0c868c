/**
 * Start-up: where the first params come from. The edge when it answers; else the last-known-good
 * cache (and the runner says so: it is quoting on params the edge has not confirmed); else the
 * defaults, but only when the operator allowed it with --allow-defaults — quoting on defaults
 * nobody chose for this market is a decision, not a fallback. A corrupt cache stops start-up.
 */
import type { Logger } from 'pino';
import { DEFAULT_PARAMS } from '../../shared/params-schema.ts';
import type { EdgeClient } from '../../client/edge-client.ts';
import { edgeErrorFromThrown, type EdgeError } from '../../client/edge-errors.ts';
import { type ParamsCache, signedVersionOf } from '../cache/params-cache.ts';
import type { ParamsHolder, ParamsOrigin } from '../params/params-holder.ts';
import { decideOnFailure } from './failure-decision.ts';
import type { SyncHealth } from './sync-health.ts';
import type { VersionApplier } from './version-applier.ts';
import type { VersionTrust } from './version-trust.ts';

export class StartupError extends Error {
  override name = 'StartupError';
}

export interface InitialParamsOptions {
  edge: Pick<EdgeClient, 'readParams' | 'paramsUrl'>;
  applier: VersionApplier;
  holder: ParamsHolder;
  cache: ParamsCache;
  health: SyncHealth;
  logger: Logger;
  allowDefaults: boolean;
  timeoutMs: number;
  /** With `--trusted-keys`: a cache is used only when its signature verifies. */
  trust?: VersionTrust | undefined;
}

async function askEdge({ edge, applier, health, timeoutMs }: InitialParamsOptions): Promise<string | null> {
  try {
    const answer = await edge.readParams(applier.set, { timeoutMs });
    if (answer.kind === 'not-modified') return 'the edge answered 304 to an unconditional request';
    const outcome = await applier.receive(answer.received, answer.etag);
    health.markSuccess();
    switch (outcome.kind) {
      case 'applied':
        return null;
      case 'rejected':
        return `the edge's version ${outcome.version} was rejected: ${outcome.reason}`;
      case 'ignored':
        return `the edge's version ${outcome.version} is not newer than the held one`;
    }
  } catch (thrown) {
    const error: EdgeError = edgeErrorFromThrown(thrown, edge.paramsUrl(applier.set));
    // Only whether to go on matters here: start-up does not retry, the sync loop will.
    const decision = decideOnFailure(error, 0);
    if (decision.kind === 'stop') health.markRefused(decision.reason);
    return error.message;
  }
}

/** Loads the first params into the holder; returns where they came from. Throws `StartupError`. */
export async function loadInitialParams(options: InitialParamsOptions): Promise<ParamsOrigin> {
  const { holder, cache, health, logger, allowDefaults } = options;
  const edgeProblem = await askEdge(options);
  if (edgeProblem === null) {
    logger.info({ version: holder.version }, 'started from the edge');
    return 'edge';
  }
  let entry;
  try {
    entry = await cache.load();
  } catch (error) {
    throw new StartupError(`${(error as Error).message}; the edge did not help either: ${edgeProblem}`, { cause: error });
  }
  if (entry && options.trust) {
    // Verified as on receipt: a cache edited on disk, or saved before signing was required, is no
    // version this runner would have applied.
    const version = signedVersionOf(entry);
    const check = version ? await options.trust.check(version, { lineage: null, version: null, params: null }) : undefined;
    if (check?.ok !== true)
      throw new StartupError(
        `params cache ${cache.path} does not verify against --trusted-keys (${check ? check.reason : 'it holds no signature: saved before signatures were required'}); delete it or bring the edge back. The edge did not help either: ${edgeProblem}`,
      );
  }
  if (entry) {
    holder.update(entry.params, { version: entry.version, lineage: entry.lineage, etag: entry.etag, origin: 'cache' });
    if (!health.refused && health.state() !== 'ready') health.markStartedOffline(`started from the cache: ${edgeProblem}`);
    logger.warn(
      { version: entry.version, lineage: entry.lineage, path: cache.path, saved_at: entry.saved_at, reason: edgeProblem },
      'edge unavailable at start-up: quoting on the last-known-good cache',
    );
    return 'cache';
  }
  if (allowDefaults) {
    holder.update(DEFAULT_PARAMS, { origin: 'defaults' });
    if (!health.refused && health.state() !== 'ready') health.markStartedOffline(`started on defaults: ${edgeProblem}`);
    logger.warn(
      { path: cache.path, reason: edgeProblem },
      'no edge and no cache: quoting on the default params (--allow-defaults)',
    );
    return 'defaults';
  }
  throw new StartupError(
    `no params to quote on: ${edgeProblem}; and no cache at ${cache.path}. Refusing to quote: fix the edge or pass --allow-defaults to quote on the defaults`,
  );
}
