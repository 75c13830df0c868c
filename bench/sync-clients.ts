/**
 * N sync clients in one process, each with its own holder, applier, health and connection — the
 * runner's real sync code (HttpSync long-poll/poll, WsSync) without the quoting loop. Fifty Node
 * processes on a 2-core machine would measure the OS scheduler, not livetune; fifty clients in one
 * process measure the edge's fan-out and the sync path. Every swap is time-stamped
 * (performance.now()) per version, so a benchmark can ask when *every* client held a version.
 */
import pino from 'pino';
import { systemClock } from '../shared/clock.ts';
import { ParamsHolder } from '../runner/params/params-holder.ts';
import { DEFAULT_BACKOFF } from '../client/backoff.ts';
import type { Agent } from 'undici';
import { createEdgeClient } from '../client/edge-client.ts';
import type { FetchLike } from '../client/edge-request.ts';
import { createEdgeAgent, fetchThrough, requestThrough } from '../runner/sync/edge-agent.ts';
import { HttpSync } from '../runner/sync/http-sync.ts';
import { SyncHealth } from '../runner/sync/sync-health.ts';
import type { SyncLoop } from '../runner/sync/sync-loop.ts';
import { VersionApplier } from '../runner/sync/version-applier.ts';
import { WsSync } from '../runner/sync/ws-sync.ts';
import { sleep } from './measure.ts';

/**
 * `longpoll-fetch` is long-poll over undici's WHATWG `fetch` instead of the runner's transport
 * (`undici.request`): the baseline that shows what the transport costs at N = 50.
 */
export type BenchSyncMode = 'longpoll' | 'longpoll-fetch' | 'ws' | 'poll';

export interface SyncClients {
  readonly holders: readonly ParamsHolder[];
  /** Resolves with the time the last client applied `version` (or a newer one); rejects on timeout. */
  allApplied(version: number, timeoutMs: number): Promise<number>;
  /** Per client, when it first held `version` or newer (undefined while it has not). */
  appliedAt(version: number): (number | undefined)[];
  stop(): Promise<void>;
}

export interface SyncClientsOptions {
  url: string;
  token: string;
  set: string;
  mode: BenchSyncMode;
  count: number;
  /** Long-poll wait (s) and poll interval (ms), as the runner's --wait / --interval. */
  waitS?: number;
  pollIntervalMs?: number;
  idPrefix?: string;
  /**
   * The region the clients name on the params path (`?runner=<id>&region=`), as runners do; without
   * it they name nobody and always get the head (a rollout's candidate never reaches them).
   */
  region?: string;
  /**
   * Told of each HTTP request a client starts (long-poll/poll only): when, and a promise of whether
   * it got an HTTP answer (true) or failed on the network (false). For the reconnection benchmark.
   */
  onRequest?: (client: number, startedAt: number, answered: Promise<boolean>) => void;
}

/** A `fetch`, reporting each call's start and whether it got an HTTP answer. */
function observed(client: number, fetch: FetchLike, onRequest: NonNullable<SyncClientsOptions['onRequest']>): FetchLike {
  return (...args) => {
    const startedAt = performance.now();
    const pending = fetch(...args);
    onRequest(
      client,
      startedAt,
      pending.then(
        () => true,
        () => false,
      ),
    );
    return pending;
  };
}

export function startSyncClients({
  url,
  token,
  set,
  mode,
  count,
  waitS = 25,
  pollIntervalMs = 1_000,
  idPrefix = 'bench',
  region,
  onRequest,
}: SyncClientsOptions): SyncClients {
  const logger = pino({ level: 'silent' });
  const holders: ParamsHolder[] = [];
  const loops: SyncLoop[] = [];
  const agents: Agent[] = [];
  // swaps[i] maps version → first time client i held it.
  const swaps: Map<number, number>[] = [];
  let waiters: (() => void)[] = [];

  // One agent (one connection pool) per client: each client has its own connection, as a runner does.
  const agent = (a: Agent) => {
    agents.push(a);
    return a;
  };

  for (let i = 0; i < count; i++) {
    const holder = new ParamsHolder();
    const seen = new Map<number, number>();
    holder.onSwap(({ current }) => {
      if (current.version !== null) seen.set(current.version, performance.now());
      const pending = waiters;
      waiters = [];
      for (const wake of pending) wake();
    });
    const deps = {
      holder,
      applier: new VersionApplier({ set, holder, logger }),
      health: new SyncHealth({ graceMs: 60_000, onError: 'keep' }),
      logger,
      clock: systemClock,
      random: Math.random,
      backoff: DEFAULT_BACKOFF,
    };
    const transport = mode === 'longpoll-fetch' ? fetchThrough : requestThrough;
    const fetch = mode === 'ws' ? undefined : transport(agent(createEdgeAgent()));
    const runnerId = `${idPrefix}-${mode}-${i}`;
    const edge = createEdgeClient({
      baseUrl: url,
      token,
      fetch: fetch && onRequest ? observed(i, fetch, onRequest) : fetch,
      ...(region !== undefined ? { reader: { runner: runnerId, region } } : {}),
    });
    const loop: SyncLoop =
      mode === 'ws'
        ? new WsSync({ ...deps, edge, set, runnerId })
        : new HttpSync({
            ...deps,
            mode: mode === 'poll' ? 'poll' : 'longpoll',
            edge,
            waitS,
            intervalMs: pollIntervalMs,
          });
    holders.push(holder);
    swaps.push(seen);
    loops.push(loop);
  }
  for (const loop of loops) loop.start();

  const firstAt = (seen: Map<number, number>, version: number): number | undefined => {
    let best: number | undefined;
    for (const [v, t] of seen) if (v >= version && (best === undefined || t < best)) best = t;
    return best;
  };

  return {
    holders,
    appliedAt: (version) => swaps.map((seen) => firstAt(seen, version)),
    async allApplied(version, timeoutMs) {
      const deadline = performance.now() + timeoutMs;
      for (;;) {
        const times = swaps.map((seen) => firstAt(seen, version));
        if (times.every((t) => t !== undefined)) return Math.max(...(times as number[]));
        const left = deadline - performance.now();
        if (left <= 0) {
          const missing = times.filter((t) => t === undefined).length;
          throw new Error(`${missing} of ${count} ${mode} clients did not apply version ${version} within ${timeoutMs} ms`);
        }
        await Promise.race([new Promise<void>((r) => waiters.push(r)), sleep(Math.min(left, 250))]);
      }
    },
    async stop() {
      await Promise.allSettled(loops.map((l) => l.stop()));
      await Promise.allSettled(agents.map((a) => a.destroy()));
    },
  };
}
