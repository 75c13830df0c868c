/**
 * Numeric settings of the edge (wrangler `[vars]`), parsed by zod once per isolate, with defaults.
 *
 * A variable that is set but not accepted is an error naming the variable, its value and what it
 * accepts — never a silent fallback: a typo in `WRITE_RATE_PER_S` must not quietly put another limit
 * in force. Every problem is reported at once. While the configuration is wrong the Worker answers
 * every request 500 with that message (`app.ts`), and logs it once per isolate; the hub refuses to
 * start with it. An empty string counts as unset (a blank line in `.dev.vars`).
 */
import { z } from 'zod';
import type { EdgeEnv } from './env.ts';
import { log } from './log.ts';

const positive = (accepts: string) =>
  z.coerce.number({ error: accepts }).refine((v) => Number.isFinite(v) && v > 0, { error: accepts });
const atLeastOne = (accepts: string) =>
  z.coerce.number({ error: accepts }).refine((v) => Number.isInteger(v) && v >= 1, { error: accepts });

/** The variables, their defaults, and what each accepts (the words of the error message). */
const EdgeVarsSchema = z.object({
  WRITE_RATE_PER_S: positive('a positive number of writes per second per set').default(50),
  WRITE_BURST: atLeastOne('a whole number of writes ≥ 1').default(100),
  REPORT_RATE_PER_S: positive('a positive number of reports per second per runner').default(2),
  REPORT_BURST: atLeastOne('a whole number of reports ≥ 1').default(10),
  HEAD_MIRROR_INTERVAL_MS: positive('a positive number of milliseconds').default(1000),
  FLEET_MAX_RUNNERS: atLeastOne('a whole number of runners ≥ 1').default(1000),
  FLEET_RETENTION_S: positive('a positive number of seconds').default(86_400),
  FLEET_MAX_RUNNERS_PER_TOKEN: atLeastOne('a whole number of runners ≥ 1').default(100),
  SOCKET_MESSAGE_RATE_PER_S: positive('a positive number of messages per second per socket').default(5),
  SOCKET_MESSAGE_BURST: atLeastOne('a whole number of messages ≥ 1').default(20),
  SOCKET_MAX_REFUSED: atLeastOne('a whole number of refused messages ≥ 1').default(100),
  FLEET_FLUSH_MS: positive('a positive number of milliseconds').default(1000),
  FLEET_FORWARD_MS: positive('a positive number of milliseconds').default(100),
  PERF_MAX_ROWS: atLeastOne('a whole number of rows ≥ 1').default(200_000),
  PERF_COMPACT_INTERVAL_MS: positive('a positive number of milliseconds').default(900_000),
  ROLLOUT_EVAL_MS: positive('a positive number of milliseconds').default(5000),
});

type EdgeVar = keyof z.input<typeof EdgeVarsSchema>;
const EDGE_VARS = Object.keys(EdgeVarsSchema.shape) as EdgeVar[];

export const EdgeConfigSchema = EdgeVarsSchema.transform((v) => ({
  writeRatePerS: v.WRITE_RATE_PER_S,
  writeBurst: v.WRITE_BURST,
  reportRatePerS: v.REPORT_RATE_PER_S,
  reportBurst: v.REPORT_BURST,
  /** Least time between two writes of a set's KV head mirror (KV allows ~1 write/s per key). */
  headMirrorIntervalMs: v.HEAD_MIRROR_INTERVAL_MS,
  /** Most runners a set's fleet table holds; a report from a new runner id beyond it gets 429. */
  fleetMaxRunners: v.FLEET_MAX_RUNNERS,
  /** A runner unseen for this long leaves the fleet table. */
  fleetRetentionS: v.FLEET_RETENTION_S,
  /** Most runner ids one token may hold in a set's fleet table: one token cannot fill it. */
  fleetMaxRunnersPerToken: v.FLEET_MAX_RUNNERS_PER_TOKEN,
  /** Per watch socket: messages/s and burst; beyond them messages are dropped unread. */
  socketMessageRatePerS: v.SOCKET_MESSAGE_RATE_PER_S,
  socketMessageBurst: v.SOCKET_MESSAGE_BURST,
  /** A socket whose refused messages (dropped or invalid) reach this many is closed (1008). */
  socketMaxRefused: v.SOCKET_MAX_REFUSED,
  /** Least time between two writes of the fleet table to SQLite: updates coalesce in memory. */
  fleetFlushMs: v.FLEET_FLUSH_MS,
  /** Least time between two batches of socket news a watch relay sends its hub. */
  fleetForwardMs: v.FLEET_FORWARD_MS,
  /** Most rows a set's telemetry rollups hold; beyond it the oldest buckets are evicted (`perf-rollups.ts`). */
  perfMaxRows: v.PERF_MAX_ROWS,
  /** Least time between two compactions of the rollups (minute rows → hourly, old hourly rows deleted) by the alarm. */
  perfCompactIntervalMs: v.PERF_COMPACT_INTERVAL_MS,
  /** How often the hub's alarm evaluates a rollout's guardrails (and its bake time). */
  rolloutEvalMs: v.ROLLOUT_EVAL_MS,
}));
export type EdgeConfig = z.output<typeof EdgeConfigSchema>;

export const DEFAULT_CONFIG: Readonly<EdgeConfig> = Object.freeze(EdgeConfigSchema.parse({}));

export interface EdgeConfigProblem {
  variable: EdgeVar;
  value: string;
  expected: string;
}

/** A wrong configuration: every variable at fault, in one message. */
export class EdgeConfigError extends Error {
  readonly problems: readonly EdgeConfigProblem[];
  constructor(problems: EdgeConfigProblem[]) {
    super(
      `the edge is misconfigured: ${problems
        .map((p) => `${p.variable} = ${JSON.stringify(p.value)} is not accepted: expected ${p.expected}`)
        .join('; ')}`,
    );
    this.name = 'EdgeConfigError';
    this.problems = problems;
  }
}

function setVars(env: Partial<EdgeEnv>): Partial<Record<EdgeVar, string>> {
  const raw: Partial<Record<EdgeVar, string>> = {};
  for (const name of EDGE_VARS) {
    const value = env[name];
    if (value !== undefined && value !== '') raw[name] = value;
  }
  return raw;
}

/** Parses the variables; throws `EdgeConfigError` naming every one that is not accepted. */
export function parseEdgeConfig(env: Partial<EdgeEnv>): EdgeConfig {
  const raw = setVars(env);
  const parsed = EdgeConfigSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const variable = issue.path[0] as EdgeVar;
    return { variable, value: raw[variable] ?? '', expected: issue.message };
  });
  throw new EdgeConfigError(problems);
}

let loaded: { key: string; config?: EdgeConfig; error?: EdgeConfigError } | undefined;

/**
 * The configuration of this isolate: parsed when first asked for (and again only if the variables
 * change), a wrong one logged once and thrown at every call.
 */
export function loadEdgeConfig(env: Partial<EdgeEnv>): EdgeConfig {
  const key = JSON.stringify(setVars(env));
  if (loaded?.key !== key) {
    try {
      loaded = { key, config: parseEdgeConfig(env) };
    } catch (error) {
      if (!(error instanceof EdgeConfigError)) throw error;
      loaded = { key, error };
      log.error('config_invalid', { message: error.message, problems: error.problems });
    }
  }
  if (loaded.error) throw loaded.error;
  return loaded.config!;
}
