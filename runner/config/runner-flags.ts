/**
 * Every runner setting as a person meets it: its flag, its `LIVETUNE_*` variable, what it is for and
 * what it accepts, in words. `--help` prints this table, and every configuration error ends with the
 * `accepts` of the setting at fault, so the two can never disagree.
 */
import { SCENARIO_NAMES } from '../../engine/sim/scenarios.ts';
import { MAX_WAIT_S } from '../../shared/api.ts';
import { LOG_LEVELS, ON_ERROR_POLICIES, SYNC_MODES, VENUES } from '../../shared/enums.ts';
import { SET_NAME_RULE } from '../../shared/set-name.ts';
import type { RunnerSettingKey } from './runner-settings.ts';

const REGION_RULE = 'letters, digits, ".", "_" or "-", at most 64 characters';
const oneOf = (values: readonly string[]) => `one of ${values.join(' | ')}`;

export interface RunnerFlag {
  flag: `--${string}`;
  env: string;
  /** What it is for (`--help`). */
  meaning: string;
  /** What it accepts, in words: the end of an error message and of its `--help` line. */
  accepts: string;
  /** `--help`'s placeholder for the value; a boolean flag takes none. */
  value?: string;
  boolean?: true;
  /** Unit of the default in `--help`. */
  unit?: string;
}

/** Flag, variable, meaning and accepted values of every setting, in `--help` order. */
export const RUNNER_FLAGS: Record<RunnerSettingKey, RunnerFlag> = {
  url: {
    flag: '--url',
    env: 'LIVETUNE_URL',
    value: 'url',
    meaning: 'the edge (required unless --sync file)',
    accepts: 'an http(s) URL of the edge, e.g. https://livetune.example.workers.dev',
  },
  token: {
    flag: '--token',
    env: 'LIVETUNE_TOKEN',
    value: 'token',
    meaning: 'a read-scope token (required unless --sync file; prefer the variable: flags show in ps)',
    accepts: 'a non-empty read token',
  },
  set: {
    flag: '--set',
    env: 'LIVETUNE_SET',
    value: 'set',
    meaning: 'the param set to follow',
    accepts: `a set name: ${SET_NAME_RULE}`,
  },
  runnerId: {
    flag: '--runner-id',
    env: 'LIVETUNE_RUNNER_ID',
    value: 'id',
    meaning: "this runner's id in the fleet table",
    accepts: `a runner id: ${REGION_RULE}`,
  },
  region: {
    flag: '--region',
    env: 'LIVETUNE_REGION',
    value: 'region',
    meaning: "this runner's region in the fleet table",
    accepts: `a region name: ${REGION_RULE}`,
  },
  sync: {
    flag: '--sync',
    env: 'LIVETUNE_SYNC',
    value: 'mode',
    meaning: 'how params arrive (file: edge-less, watch --params-file)',
    accepts: oneOf(SYNC_MODES),
  },
  interval: {
    flag: '--interval',
    env: 'LIVETUNE_INTERVAL',
    value: 's',
    unit: 's',
    meaning: 'poll interval (--sync poll)',
    accepts: 'a number of seconds in [0.05, 3600]',
  },
  wait: {
    flag: '--wait',
    env: 'LIVETUNE_WAIT',
    value: 's',
    unit: 's',
    meaning: 'how long the edge holds a long-poll',
    accepts: `whole seconds in [1, ${MAX_WAIT_S}]`,
  },
  paramsFile: {
    flag: '--params-file',
    env: 'LIVETUNE_PARAMS_FILE',
    value: 'path',
    meaning: 'the params file (--sync file)',
    accepts: 'a file path',
  },
  cacheDir: {
    flag: '--cache-dir',
    env: 'LIVETUNE_CACHE_DIR',
    value: 'dir',
    meaning: 'where the last-known-good params are kept',
    accepts: 'a directory path',
  },
  trustedKeys: {
    flag: '--trusted-keys',
    env: 'LIVETUNE_TRUSTED_KEYS',
    value: 'path',
    meaning:
      'apply only versions signed by one of these operator keys (docs/SIGNING.md); others are NACKed with reason signature',
    accepts: 'a JSON file { "keys": [ { "name", "public_key" } ] }',
  },
  allowDefaults: {
    flag: '--allow-defaults',
    env: 'LIVETUNE_ALLOW_DEFAULTS',
    boolean: true,
    meaning: 'quote on the default params when neither edge, cache nor file has any',
    accepts: 'no value as a flag; 1 | true | yes | 0 | false | no as a variable',
  },
  grace: {
    flag: '--grace',
    env: 'LIVETUNE_GRACE',
    value: 's',
    unit: 's',
    meaning: 'how long params may be stale before the state is error',
    accepts: 'a number of seconds ≥ 0',
  },
  onError: {
    flag: '--on-error',
    env: 'LIVETUNE_ON_ERROR',
    value: 'policy',
    meaning: 'what the quoting loop does in the error state',
    accepts: oneOf(ON_ERROR_POLICIES),
  },
  statusPort: {
    flag: '--status-port',
    env: 'LIVETUNE_STATUS_PORT',
    value: 'port',
    meaning: 'port of the local /status and /metrics (0: any free port)',
    accepts: 'a TCP port in [0, 65535] (0: any free port)',
  },
  statusHost: {
    flag: '--status-host',
    env: 'LIVETUNE_STATUS_HOST',
    value: 'host',
    meaning: 'address the status server listens on',
    accepts: 'a host name or address',
  },
  heartbeat: {
    flag: '--heartbeat',
    env: 'LIVETUNE_HEARTBEAT',
    value: 's',
    unit: 's',
    meaning: 'report heartbeat (applies and rejections are reported at once)',
    accepts: 'a number of seconds in [0.05, 3600]',
  },
  venue: {
    flag: '--venue',
    env: 'LIVETUNE_VENUE',
    value: 'venue',
    meaning:
      "where the loop trades: the simulated exchange, Hyperliquid's public feed on paper, or Hyperliquid itself (real orders)",
    accepts: oneOf(VENUES),
  },
  seed: { flag: '--seed', env: 'LIVETUNE_SEED', value: 'n', meaning: 'seed of the simulated market', accepts: 'an integer' },
  scenario: {
    flag: '--scenario',
    env: 'LIVETUNE_SIM_SCENARIO',
    value: 'name',
    meaning: 'preset of the simulated market (--venue sim)',
    accepts: oneOf(SCENARIO_NAMES),
  },
  simKnobs: {
    flag: '--sim-knobs',
    env: 'LIVETUNE_SIM_KNOBS',
    value: 'list',
    meaning: 'knob overrides of the scenario, e.g. regimeEveryMs=120000,informedShare=0.4 (--venue sim)',
    accepts: 'comma-separated name=value knob overrides',
  },
  paperUrl: {
    flag: '--paper-url',
    env: 'LIVETUNE_PAPER_URL',
    value: 'url',
    meaning: 'the market data feed (--venue paper)',
    accepts: 'a ws(s) URL',
  },
  paperCoin: {
    flag: '--paper-coin',
    env: 'LIVETUNE_PAPER_COIN',
    value: 'coin',
    meaning: 'the coin whose book and trades are followed (--venue paper)',
    accepts: 'a coin name without spaces, e.g. HYPE',
  },
  paperTick: {
    flag: '--paper-tick',
    env: 'LIVETUNE_PAPER_TICK',
    value: 'price',
    meaning:
      "a fixed price step (--venue paper; default: Hyperliquid's rule at the price: 5 significant figures, at most 6 - szDecimals decimals)",
    accepts: 'a positive number',
  },
  paperLot: {
    flag: '--paper-lot',
    env: 'LIVETUNE_PAPER_LOT',
    value: 'size',
    meaning: 'size step of the coin (--venue paper; default: 10^-szDecimals)',
    accepts: 'a positive number',
  },
  paperSzDecimals: {
    flag: '--paper-sz-decimals',
    env: 'LIVETUNE_PAPER_SZ_DECIMALS',
    value: 'n',
    meaning: "the coin's szDecimals in Hyperliquid's meta (--venue paper; HYPE: 2)",
    accepts: 'an integer in [0, 8]',
  },
  network: {
    flag: '--network',
    env: 'LIVETUNE_HL_NETWORK',
    value: 'network',
    meaning: 'the Hyperliquid network (--venue hyperliquid); mainnet also needs --live',
    accepts: 'one of testnet | mainnet',
  },
  live: {
    flag: '--live',
    env: 'LIVETUNE_HL_LIVE',
    boolean: true,
    meaning: 'confirms real money: required with --network mainnet, refused to start otherwise',
    accepts: 'no value as a flag; 1 | true | yes | 0 | false | no as a variable',
  },
  dryRun: {
    flag: '--dry-run',
    env: 'LIVETUNE_HL_DRY_RUN',
    boolean: true,
    meaning: 'sign every request but send none: each signed body is logged instead (--venue hyperliquid)',
    accepts: 'no value as a flag; 1 | true | yes | 0 | false | no as a variable',
  },
  keyFile: {
    flag: '--key-file',
    env: 'LIVETUNE_HL_KEY_FILE',
    value: 'path',
    meaning: 'file holding the agent wallet key, mode 600 (--venue hyperliquid; default: HYPERLIQUID_PRIVATE_KEY)',
    accepts: 'a path to a file readable by its owner only',
  },
  hlCoin: {
    flag: '--hl-coin',
    env: 'LIVETUNE_HL_COIN',
    value: 'coin',
    meaning: 'the perp traded (--venue hyperliquid)',
    accepts: 'a coin name of the perp universe without spaces, e.g. HYPE',
  },
  hlAccount: {
    flag: '--hl-account',
    env: 'LIVETUNE_HL_ACCOUNT',
    value: 'address',
    meaning: "the trading account an agent wallet acts for (--venue hyperliquid; default: the key's own address)",
    accepts: '0x and 40 hex digits',
  },
  hlDeadMan: {
    flag: '--hl-dead-man',
    env: 'LIVETUNE_HL_DEAD_MAN',
    value: 's',
    unit: 's',
    meaning:
      "dead-man's switch: the exchange cancels every open order this long after the last refresh (refreshed every third of it while healthy)",
    accepts: 'a number of seconds in [6, 86400]',
  },
  hlApiUrl: {
    flag: '--hl-api-url',
    env: 'LIVETUNE_HL_API_URL',
    value: 'url',
    meaning: "base of /info and /exchange (--venue hyperliquid; default: the network's)",
    accepts: 'an http(s) URL',
  },
  hlWsUrl: {
    flag: '--hl-ws-url',
    env: 'LIVETUNE_HL_WS_URL',
    value: 'url',
    meaning: "the WebSocket (--venue hyperliquid; default: the network's)",
    accepts: 'a ws(s) URL',
  },
  logLevel: {
    flag: '--log-level',
    env: 'LIVETUNE_LOG_LEVEL',
    value: 'level',
    meaning: 'least level logged',
    accepts: oneOf(LOG_LEVELS),
  },
};
