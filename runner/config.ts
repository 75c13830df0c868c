/**
 * The runner's configuration: defaults ← environment ← flags, parsed once by zod at start-up, and
 * the one place the runner reads its environment (the venue's knobs included: `--scenario`,
 * `--paper-url`, …, each with its `LIVETUNE_*` fallback). Every problem is reported at once, in our
 * words: the flag (or the variable it came from), the value, and what is accepted; `main.ts` exits
 * with code 2 on a `ConfigError`.
 *
 * Durations a person types are seconds (`--grace 30`, `--interval 0.5`); the parsed configuration
 * holds milliseconds (`graceMs`), which is what timers take.
 */
import type { z } from 'zod';
import { RUNNER_FLAGS, type RunnerFlag } from './config/runner-flags.ts';
import { OWN_WORDS, RunnerSettingsSchema, type RunnerSettingKey } from './config/runner-settings.ts';
import { loadPrivateKey, PrivateKeyError, SecretKey } from './venues/hyperliquid/private-key.ts';

/** The parsed configuration: settings plus the rules between them, in the units code uses. */
export const RunnerConfigSchema = RunnerSettingsSchema.superRefine(
  (c, ctx) => {
    if (c.network === 'mainnet' && !c.live)
      ctx.addIssue({
        code: 'custom',
        path: ['network'],
        message: 'mainnet trades real money: add --live to confirm (testnet is the default)',
        params: OWN_WORDS,
      });
    if (c.sync === 'file') {
      if (c.trustedKeys !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['trustedKeys'],
          message: 'signatures come with versions from an edge: --trusted-keys needs --sync longpoll | ws | poll, not file',
          params: OWN_WORDS,
        });
      return;
    }
    if (!c.url)
      ctx.addIssue({ code: 'custom', path: ['url'], message: 'the edge URL is required unless --sync file', params: OWN_WORDS });
    if (!c.token)
      ctx.addIssue({
        code: 'custom',
        path: ['token'],
        message: 'a read token is required unless --sync file (prefer LIVETUNE_TOKEN over --token)',
        params: OWN_WORDS,
      });
  },
  // Also when other settings are wrong: every problem is reported at once.
  { when: () => true },
).transform((c) => ({
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
  trustedKeys: c.trustedKeys,
  allowDefaults: c.allowDefaults,
  graceMs: Math.round(c.grace * 1000),
  onError: c.onError,
  statusPort: c.statusPort,
  statusHost: c.statusHost,
  heartbeatMs: Math.round(c.heartbeat * 1000),
  venue: c.venue,
  seed: c.seed,
  logLevel: c.logLevel,
  /** What the trading loop's venue is built with (`createTradingLoopFactory`). */
  venueOptions: {
    scenario: c.scenario,
    knobs: c.simKnobs,
    paper: { url: c.paperUrl, coin: c.paperCoin, tick: c.paperTick, lot: c.paperLot, szDecimals: c.paperSzDecimals },
    /** Only with --venue hyperliquid; `privateKey` is filled in by `parseRunnerConfig`. */
    hyperliquid: {
      network: c.network,
      live: c.live,
      dryRun: c.dryRun,
      coin: c.hlCoin,
      account: c.hlAccount?.toLowerCase() as `0x${string}` | undefined,
      apiUrl: c.hlApiUrl?.replace(/\/$/, ''),
      wsUrl: c.hlWsUrl,
      deadManMs: Math.round(c.hlDeadMan * 1000),
      deadManRefreshMs: Math.round((c.hlDeadMan * 1000) / 3),
      privateKey: null as SecretKey | null,
    },
  },
}));
export type RunnerConfig = z.output<typeof RunnerConfigSchema>;

export interface ConfigProblem {
  /** The flag at fault, e.g. `--interval` (also when the value came from its variable). */
  flag: string;
  /** One sentence naming the flag or variable, the value and what is accepted. */
  message: string;
}

/** Every problem of a command line and environment; `message` has one line per problem. */
export class ConfigError extends Error {
  /** The flag of the first problem. */
  readonly flag: string;
  readonly problems: readonly ConfigProblem[];
  constructor(problems: ConfigProblem[]) {
    super(problems.map((p) => p.message).join('\n'));
    this.name = 'ConfigError';
    this.problems = problems;
    this.flag = problems[0]?.flag ?? '(arguments)';
  }
}

function defaultText(key: RunnerSettingKey): string {
  const parsed = RunnerSettingsSchema.shape[key].safeParse(undefined);
  const value: unknown = parsed.success ? parsed.data : undefined;
  if (value === undefined) return '';
  if (typeof value === 'object') return Object.keys(value as object).length === 0 ? ' [default: none]' : '';
  if (typeof value === 'boolean') return value ? ' [default: on]' : ' [default: off]';
  const unit = RUNNER_FLAGS[key].unit;
  return ` [default: ${String(value)}${unit ? ` ${unit}` : ''}]`;
}

/** `--help`: every flag with its meaning, what it accepts, its default and its variable. */
export const USAGE = `usage: livetune-runner --set <set> --runner-id <id> --region <region> [options]

${(Object.entries(RUNNER_FLAGS) as [RunnerSettingKey, RunnerFlag][])
  .map(
    ([key, s]) =>
      `  ${s.flag}${s.boolean ? '' : ` <${s.value}>`}\n      ${s.meaning}${defaultText(key)}\n      accepts ${s.accepts}; env ${s.env}`,
  )
  .join('\n')}

Durations are in seconds. Flags win over variables, variables over defaults. A bad value exits with code 2.`;

const BY_FLAG = new Map((Object.entries(RUNNER_FLAGS) as [RunnerSettingKey, RunnerFlag][]).map(([key, s]) => [s.flag, key]));

/** Reads `--flag value`, `--flag=value` and bare boolean flags; anything else is a problem. */
function readArgs(argv: readonly string[]): {
  given: Partial<Record<RunnerSettingKey, string | boolean>>;
  problems: ConfigProblem[];
} {
  const given: Partial<Record<RunnerSettingKey, string | boolean>> = {};
  const problems: ConfigProblem[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.indexOf('=');
    const flag = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    const inline = arg.startsWith('--') && eq > 0 ? arg.slice(eq + 1) : undefined;
    const key = BY_FLAG.get(flag as RunnerFlag['flag']);
    if (key === undefined) {
      problems.push({
        flag,
        message: arg.startsWith('-')
          ? `${flag} is not a runner flag (--help lists them)`
          : // Not echoed: a stray value may be a token.
            `argument ${i + 1} is not a --flag: every setting is a --flag (--help lists them)`,
      });
      continue;
    }
    if (RUNNER_FLAGS[key].boolean) {
      given[key] = inline ?? true;
      continue;
    }
    const next = argv[i + 1];
    const value = inline ?? (next !== undefined && !next.startsWith('--') ? next : undefined);
    if (inline === undefined && value !== undefined) i++;
    if (value === undefined) problems.push({ flag, message: `${flag} needs a value: expected ${RUNNER_FLAGS[key].accepts}` });
    else given[key] = value;
  }
  return { given, problems };
}

/**
 * Parses flags over environment over defaults. Throws `ConfigError` listing every problem: unknown
 * flags, flags without a value, missing and unaccepted settings.
 */
export function parseRunnerConfig(argv: readonly string[], env: Record<string, string | undefined> = process.env): RunnerConfig {
  const { given, problems } = readArgs(argv);
  const raw: Partial<Record<RunnerSettingKey, string | boolean>> = {};
  const source: Partial<Record<RunnerSettingKey, string>> = {};
  for (const [key, setting] of Object.entries(RUNNER_FLAGS) as [RunnerSettingKey, RunnerFlag][]) {
    const fromEnv = env[setting.env];
    if (given[key] !== undefined) [raw[key], source[key]] = [given[key], setting.flag];
    else if (fromEnv !== undefined && fromEnv !== '') [raw[key], source[key]] = [fromEnv, `${setting.env} (${setting.flag})`];
  }
  const parsed = RunnerConfigSchema.safeParse(raw);
  if (parsed.success && parsed.data.venue === 'hyperliquid') {
    // Read here, once, into a value that cannot be serialised; the messages never hold the key.
    try {
      parsed.data.venueOptions.hyperliquid.privateKey = new SecretKey(
        loadPrivateKey({ env, file: typeof raw.keyFile === 'string' ? raw.keyFile : undefined }),
      );
    } catch (error) {
      if (!(error instanceof PrivateKeyError)) throw error;
      problems.push({ flag: '--key-file', message: error.message });
    }
  }
  if (parsed.success && problems.length === 0) return parsed.data;
  if (parsed.success) throw new ConfigError(problems);
  const seen = new Set<RunnerSettingKey>();
  for (const issue of parsed.error?.issues ?? []) {
    const key = issue.path[0] as RunnerSettingKey;
    if (seen.has(key)) continue;
    seen.add(key);
    const { flag, accepts } = RUNNER_FLAGS[key];
    const named = source[key] ?? flag;
    const value = raw[key];
    const shown =
      value === undefined ? ' is missing' : key === 'token' ? ' is not accepted' : ` = ${JSON.stringify(value)} is not accepted`;
    // Our own rules (a knob list, the edge required unless --sync file) say it in their words.
    const why = issue.code === 'custom' && issue.params?.ownWords === true ? issue.message : `expected ${accepts}`;
    problems.push({ flag, message: `${named}${shown}: ${why}` });
  }
  throw new ConfigError(problems);
}
