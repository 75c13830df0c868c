/**
 * The runner's configuration: defaults ← environment ← flags, parsed once by zod at start-up. A
 * wrong value stops the process with a message naming the flag (or variable) and what it accepts;
 * `main.ts` exits with code 2 on a `ConfigError`. Durations are given in seconds on the command
 * line and held in milliseconds here.
 */
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { MAX_WAIT_S, RunnerIdSchema } from '../shared/api.ts';
import { SetNameSchema } from '../shared/set-name.ts';

const seconds = (what: string, min: number, max = Number.MAX_SAFE_INTEGER) =>
  z.coerce
    .number({ error: `expected a number of seconds (${what})` })
    .refine(
      (v) => Number.isFinite(v) && v >= min && v <= max,
      `expected a number of seconds ${max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `in [${min}, ${max}]`} (${what})`,
    );

const flagBoolean = z
  .union([z.boolean(), z.enum(['1', 'true', 'yes', '0', 'false', 'no', ''])])
  .transform((v) => v === true || v === '1' || v === 'true' || v === 'yes');

/** The schema of the raw (string) settings; `parseRunnerConfig` turns the result into `RunnerConfig`. */
export const RunnerConfigSchema = z
  .object({
    url: z
      .url({ protocol: /^https?$/, error: 'expected an http(s) URL of the edge, e.g. https://livetune.example.workers.dev' })
      .optional(),
    token: z.string().min(1, 'expected a non-empty read token').optional(),
    set: SetNameSchema,
    runnerId: RunnerIdSchema,
    region: z
      .string()
      .regex(
        /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/,
        'expected a region name: letters, digits, ".", "_" or "-", at most 64 characters',
      ),
    sync: z
      .enum(['longpoll', 'ws', 'poll', 'file'], { error: 'expected one of longpoll | ws | poll | file' })
      .default('longpoll'),
    interval: seconds('poll interval', 0.05, 3600).default(5),
    // Idle budget (DESIGN.md: ≤ 150 edge requests per runner-hour): a 50 s long-poll is 72 requests
    // an hour and a 60 s heartbeat 60 more. Applies and rejections are reported at once regardless.
    wait: z.coerce
      .number()
      .refine(
        (v) => Number.isInteger(v) && v >= 1 && v <= MAX_WAIT_S,
        `expected whole seconds in [1, ${MAX_WAIT_S}] (long-poll wait)`,
      )
      .default(50),
    paramsFile: z.string().min(1).default('tuning_params.json'),
    cacheDir: z.string().min(1).default('.livetune/cache'),
    allowDefaults: flagBoolean.default(false),
    grace: seconds('grace period', 0).default(30),
    onError: z
      .enum(['keep', 'widen', 'reduce-only', 'halt'], { error: 'expected one of keep | widen | reduce-only | halt' })
      .default('reduce-only'),
    statusPort: z.coerce.number().int().min(0).max(65535, 'expected a TCP port in [0, 65535] (0: any free port)').default(0),
    statusHost: z.string().min(1).default('127.0.0.1'),
    heartbeat: seconds('report heartbeat', 0.05, 3600).default(60),
    venue: z.enum(['sim', 'paper'], { error: 'expected one of sim | paper' }).default('sim'),
    seed: z.coerce.number().int('expected an integer').default(1),
    logLevel: z
      .enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'], {
        error: 'expected one of trace | debug | info | warn | error | fatal | silent',
      })
      .default('info'),
  })
  .superRefine((c, ctx) => {
    if (c.sync === 'file') return;
    if (!c.url) ctx.addIssue({ code: 'custom', path: ['url'], message: `the edge URL is required unless --sync file` });
    if (!c.token)
      ctx.addIssue({
        code: 'custom',
        path: ['token'],
        message: `a read token is required unless --sync file (prefer LIVETUNE_TOKEN over --token)`,
      });
  });

type Parsed = z.output<typeof RunnerConfigSchema>;

export interface RunnerConfig {
  url: string | undefined;
  token: string | undefined;
  set: string;
  runnerId: string;
  region: string;
  sync: Parsed['sync'];
  intervalMs: number;
  waitS: number;
  paramsFile: string;
  cacheDir: string;
  allowDefaults: boolean;
  graceMs: number;
  onError: Parsed['onError'];
  statusPort: number;
  statusHost: string;
  heartbeatMs: number;
  venue: Parsed['venue'];
  seed: number;
  logLevel: Parsed['logLevel'];
}

type Key = keyof Parsed;
/** Flag and environment variable of every setting. */
export const SETTINGS: Record<Key, { flag: string; env: string; boolean?: true }> = {
  url: { flag: '--url', env: 'LIVETUNE_URL' },
  token: { flag: '--token', env: 'LIVETUNE_TOKEN' },
  set: { flag: '--set', env: 'LIVETUNE_SET' },
  runnerId: { flag: '--runner-id', env: 'LIVETUNE_RUNNER_ID' },
  region: { flag: '--region', env: 'LIVETUNE_REGION' },
  sync: { flag: '--sync', env: 'LIVETUNE_SYNC' },
  interval: { flag: '--interval', env: 'LIVETUNE_INTERVAL' },
  wait: { flag: '--wait', env: 'LIVETUNE_WAIT' },
  paramsFile: { flag: '--params-file', env: 'LIVETUNE_PARAMS_FILE' },
  cacheDir: { flag: '--cache-dir', env: 'LIVETUNE_CACHE_DIR' },
  allowDefaults: { flag: '--allow-defaults', env: 'LIVETUNE_ALLOW_DEFAULTS', boolean: true },
  grace: { flag: '--grace', env: 'LIVETUNE_GRACE' },
  onError: { flag: '--on-error', env: 'LIVETUNE_ON_ERROR' },
  statusPort: { flag: '--status-port', env: 'LIVETUNE_STATUS_PORT' },
  statusHost: { flag: '--status-host', env: 'LIVETUNE_STATUS_HOST' },
  heartbeat: { flag: '--heartbeat', env: 'LIVETUNE_HEARTBEAT' },
  venue: { flag: '--venue', env: 'LIVETUNE_VENUE' },
  seed: { flag: '--seed', env: 'LIVETUNE_SEED' },
  logLevel: { flag: '--log-level', env: 'LIVETUNE_LOG_LEVEL' },
};

export class ConfigError extends Error {
  /** The flag (or variable) at fault, e.g. `--interval`. */
  readonly flag: string;
  constructor(flag: string, message: string) {
    super(message);
    this.name = 'ConfigError';
    this.flag = flag;
  }
}

export const USAGE = `usage: livetune-runner --set <set> --runner-id <id> --region <region> [options]
${Object.values(SETTINGS)
  .map((s) => `  ${s.flag}${s.boolean ? '' : ' <value>'}  (env ${s.env})`)
  .join('\n')}`;

/** Parses flags over environment over defaults; throws `ConfigError` naming the flag at fault. */
export function parseRunnerConfig(argv: readonly string[], env: Record<string, string | undefined> = process.env): RunnerConfig {
  const options = Object.fromEntries(
    Object.values(SETTINGS).map((s) => [s.flag.slice(2), { type: s.boolean ? 'boolean' : 'string' } as const]),
  );
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }));
  } catch (error) {
    const flag = /'(-[^']+)'/.exec((error as Error).message)?.[1] ?? '(arguments)';
    throw new ConfigError(flag, `${(error as Error).message}\n${USAGE}`);
  }
  const raw: Partial<Record<Key, string | boolean>> = {};
  const source: Partial<Record<Key, string>> = {};
  for (const [key, setting] of Object.entries(SETTINGS) as [Key, (typeof SETTINGS)[Key]][]) {
    const fromFlag = values[setting.flag.slice(2)];
    const fromEnv = env[setting.env];
    if (fromFlag !== undefined) [raw[key], source[key]] = [fromFlag, setting.flag];
    else if (fromEnv !== undefined && fromEnv !== '') [raw[key], source[key]] = [fromEnv, `${setting.env} (${setting.flag})`];
  }
  const parsed = RunnerConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const key = issue.path[0] as Key;
    const named = source[key] ?? SETTINGS[key]?.flag ?? String(key);
    const given = raw[key];
    const shown =
      given === undefined ? ' is missing' : key === 'token' ? ' is not accepted' : ` = ${JSON.stringify(given)} is not accepted`;
    throw new ConfigError(SETTINGS[key]?.flag ?? String(key), `${named}${shown}: ${issue.message}`);
  }
  const c = parsed.data;
  return {
    url: c.url,
    token: c.token,
    set: c.set,
    runnerId: c.runnerId,
    region: c.region,
    sync: c.sync,
    intervalMs: Math.round(c.interval * 1000),
    waitS: c.wait,
    paramsFile: c.paramsFile,
    cacheDir: c.cacheDir,
    allowDefaults: c.allowDefaults,
    graceMs: Math.round(c.grace * 1000),
    onError: c.onError,
    statusPort: c.statusPort,
    statusHost: c.statusHost,
    heartbeatMs: Math.round(c.heartbeat * 1000),
    venue: c.venue,
    seed: c.seed,
    logLevel: c.logLevel,
  };
}
