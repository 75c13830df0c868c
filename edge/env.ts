/**
 * The Worker's bindings and variables (wrangler.toml, `.dev.vars`, secrets). The numeric variables
 * are parsed and checked in one place, `config.ts`: a wrong one is an error, never a silent default.
 */
import type { Principal } from './auth/tokens.ts';
import type { ParamsHub } from './hub/params-hub.ts';
import type { WatchRelay } from './hub/watch-relay.ts';
import type { SetRegistry } from './registry/set-registry.ts';

export interface EdgeEnv {
  /** Immutable versions (`set/<set>/v/<n>`) and the coalesced head mirror (`set/<set>/head`). */
  VERSIONS: KVNamespace;
  PARAMS_HUB: DurableObjectNamespace<ParamsHub>;
  SET_REGISTRY: DurableObjectNamespace<SetRegistry>;
  /** One per (set, token name): that token's watch sockets (`edge/hub/watch-relay.ts`). */
  WATCH_RELAY: DurableObjectNamespace<WatchRelay>;
  /** The dashboard's static files (`dashboard/dist`, wrangler.toml `[assets]`). */
  ASSETS: Fetcher;
  /** Secret: comma-separated `name:scope:token` entries, scope `read`, `write` or `admin`. */
  LIVETUNE_TOKENS?: string;
  /** Per-set write rate limit (token bucket): sustained writes/s and burst. */
  WRITE_RATE_PER_S?: string;
  WRITE_BURST?: string;
  /** Per-runner report rate limit (HTTP reports and socket reports). */
  REPORT_RATE_PER_S?: string;
  REPORT_BURST?: string;
  /** Least time between two writes of a set's KV head mirror (KV allows ~1 write/s per key). */
  HEAD_MIRROR_INTERVAL_MS?: string;
  FLEET_MAX_RUNNERS?: string;
  FLEET_RETENTION_S?: string;
  /** Most runner ids one token may hold in a set's fleet table. */
  FLEET_MAX_RUNNERS_PER_TOKEN?: string;
  /** Per watch socket message limit (token bucket), and refused messages before it is closed. */
  SOCKET_MESSAGE_RATE_PER_S?: string;
  SOCKET_MESSAGE_BURST?: string;
  SOCKET_MAX_REFUSED?: string;
  /** Least time between two flushes of the in-memory fleet table to SQLite. */
  FLEET_FLUSH_MS?: string;
  /** Least time between two batches of socket news a watch relay sends its hub. */
  FLEET_FORWARD_MS?: string;
  /** Most rows a set's telemetry rollups hold (oldest evicted beyond). */
  PERF_MAX_ROWS?: string;
  /** Least time between two compactions of the rollups by the hub's alarm. */
  PERF_COMPACT_INTERVAL_MS?: string;
  /** How often a rollout's guardrails are evaluated (the hub's alarm), in milliseconds (default 5000). */
  ROLLOUT_EVAL_MS?: string;
}

/** Hono's environment of the edge app: bindings plus what middleware stores on the context. */
export type AppEnv = { Bindings: EdgeEnv; Variables: { principal: Principal } };
