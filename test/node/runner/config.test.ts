import { describe, expect, it } from 'vitest';
import { ConfigError, parseRunnerConfig, USAGE } from '../../../runner/config.ts';
import { RUNNER_FLAGS } from '../../../runner/config/runner-flags.ts';

const identity = ['--set', 'hype-perp', '--runner-id', 'r-1', '--region', 'eu-west'];
const edgeEnv = { LIVETUNE_URL: 'http://127.0.0.1:8787', LIVETUNE_TOKEN: 'read-token' };

function configError(argv: string[], env: Record<string, string> = edgeEnv): ConfigError {
  try {
    parseRunnerConfig(argv, env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('parseRunnerConfig', () => {
  it('applies the documented defaults', () => {
    expect(parseRunnerConfig(identity, edgeEnv)).toMatchObject({
      url: 'http://127.0.0.1:8787',
      token: 'read-token',
      set: 'hype-perp',
      runnerId: 'r-1',
      region: 'eu-west',
      sync: 'longpoll',
      waitS: 50,
      intervalMs: 5000,
      cacheDir: '.livetune/cache',
      allowDefaults: false,
      graceMs: 30_000,
      onError: 'reduce-only',
      statusPort: 0,
      heartbeatMs: 60_000,
      venue: 'sim',
      seed: 1,
      logLevel: 'info',
    });
  });

  it('reads the environment and lets flags win over it', () => {
    const env = {
      ...edgeEnv,
      LIVETUNE_SET: 'btc-usdt',
      LIVETUNE_RUNNER_ID: 'env-runner',
      LIVETUNE_REGION: 'us',
      LIVETUNE_SYNC: 'ws',
      LIVETUNE_ALLOW_DEFAULTS: 'true',
    };
    expect(parseRunnerConfig([], env)).toMatchObject({
      set: 'btc-usdt',
      runnerId: 'env-runner',
      region: 'us',
      sync: 'ws',
      allowDefaults: true,
    });
    expect(parseRunnerConfig(['--sync', 'poll', '--interval', '0.5', '--grace', '60', '--on-error', 'halt'], env)).toMatchObject({
      sync: 'poll',
      intervalMs: 500,
      graceMs: 60_000,
      onError: 'halt',
    });
  });

  it.each([
    [['--sync', 'carrier-pigeon'], '--sync', /longpoll \| ws \| poll \| file/],
    [['--interval', 'soon'], '--interval', /seconds/],
    [['--wait', '99'], '--wait', /\[1, 60\]/],
    [['--on-error', 'panic'], '--on-error', /keep \| widen \| reduce-only \| halt/],
    [['--status-port=70000'], '--status-port', /\[0, 65535\]/],
    [['--venue', 'binance'], '--venue', /sim \| paper/],
    [['--url', 'ftp://edge'], '--url', /http\(s\) URL/],
  ])('names the flag and what it accepts: %j', (extra, flag, accepted) => {
    const error = configError([...identity, ...extra]);
    expect(error.flag).toBe(flag);
    expect(error.message.startsWith(flag)).toBe(true);
    expect(error.message).toMatch(accepted);
  });

  it('names the environment variable when the bad value came from there', () => {
    const error = configError(identity, { ...edgeEnv, LIVETUNE_GRACE: 'long' });
    expect(error.flag).toBe('--grace');
    expect(error.message).toContain('LIVETUNE_GRACE');
  });

  it('rejects a bad set name with the naming rule', () => {
    expect(configError(['--set', 'Hype Perp', '--runner-id', 'r', '--region', 'eu']).message).toMatch(
      /^--set .*lowercase letters/,
    );
  });

  it('requires a URL and token unless the sync mode is file', () => {
    expect(configError(identity, {}).flag).toBe('--url');
    expect(configError(identity, { LIVETUNE_URL: 'http://127.0.0.1:1' }).message).toMatch(/^--token is missing/);
    expect(parseRunnerConfig([...identity, '--sync', 'file'], {}).sync).toBe('file');
  });

  it('names an unknown flag', () => {
    expect(configError([...identity, '--bogus']).flag).toBe('--bogus');
  });

  it('never echoes the token in an error', () => {
    expect(configError(identity, { LIVETUNE_URL: 'http://127.0.0.1:1', LIVETUNE_TOKEN: '' }).message).not.toContain('read-token');
  });
});

describe('parseRunnerConfig: every problem at once, in our words', () => {
  it('lists every bad, missing and unknown setting in one error, the first one as its flag', () => {
    const error = configError(['--sync', 'carrier-pigeon', '--interval', 'soon', '--bogus', '--region', 'eu'], {});
    expect(error.flag).toBe('--bogus');
    expect(error.problems.map((p) => p.flag)).toEqual([
      '--bogus',
      '--set',
      '--runner-id',
      '--sync',
      '--interval',
      '--url',
      '--token',
    ]);
    expect(error.message.split('\n')).toEqual([
      '--bogus is not a runner flag (--help lists them)',
      expect.stringMatching(/^--set is missing: expected a set name: lowercase letters/),
      expect.stringMatching(/^--runner-id is missing: expected a runner id: /),
      '--sync = "carrier-pigeon" is not accepted: expected one of longpoll | ws | poll | file',
      '--interval = "soon" is not accepted: expected a number of seconds in [0.05, 3600]',
      '--url is missing: the edge URL is required unless --sync file',
      '--token is missing: a read token is required unless --sync file (prefer LIVETUNE_TOKEN over --token)',
    ]);
  });

  it('never answers in raw zod words', () => {
    const error = configError(
      ['--wait', '1.5', '--seed', 'x', '--status-port', '-1', '--log-level', 'loud', '--allow-defaults=maybe'],
      {},
    );
    expect(error.message).not.toMatch(/Invalid input|expected string|received undefined|Too (big|small)/);
    expect(error.message).toContain('--wait = "1.5" is not accepted: expected whole seconds in [1, 60]');
    expect(error.message).toContain('--seed = "x" is not accepted: expected an integer');
    expect(error.message).toContain('--log-level = "loud" is not accepted: expected one of trace | debug');
    expect(error.message).toContain('--allow-defaults = "maybe" is not accepted');
  });

  it('names a flag given without its value', () => {
    const error = configError([...identity, '--sync']);
    expect(error.flag).toBe('--sync');
    expect(error.message).toBe('--sync needs a value: expected one of longpoll | ws | poll | file');
  });

  it('does not echo a stray argument (it may be a token)', () => {
    const error = configError([...identity, 'secret-looking-value']);
    expect(error.message).toMatch(/^argument 7 is not a --flag/);
    expect(error.message).not.toContain('secret-looking-value');
  });
});

describe("parseRunnerConfig: the venue's knobs", () => {
  it('defaults to the calm scenario and the Hyperliquid mainnet feed for HYPE', () => {
    expect(parseRunnerConfig(identity, edgeEnv).venueOptions).toMatchObject({
      scenario: 'calm',
      knobs: {},
      paper: { url: 'wss://api.hyperliquid.xyz/ws', coin: 'HYPE', tick: undefined, lot: undefined, szDecimals: 2 },
    });
  });

  it('reads them from flags, with the LIVETUNE_* variables as fallbacks', () => {
    const env = {
      ...edgeEnv,
      LIVETUNE_SIM_SCENARIO: 'toxic',
      LIVETUNE_SIM_KNOBS: 'regimeEveryMs=120000',
      LIVETUNE_PAPER_URL: 'ws://127.0.0.1:9000/ws',
      LIVETUNE_PAPER_COIN: 'BTC',
      LIVETUNE_PAPER_TICK: '0.5',
    };
    expect(parseRunnerConfig(identity, env).venueOptions).toMatchObject({
      scenario: 'toxic',
      knobs: { regimeEveryMs: 120_000 },
      paper: { url: 'ws://127.0.0.1:9000/ws', coin: 'BTC', tick: 0.5, lot: undefined, szDecimals: 2 },
    });
    const flags = ['--scenario', 'volatile', '--sim-knobs', 'informedShare=0.4', '--paper-coin', 'ETH', '--paper-lot', '0.001'];
    expect(parseRunnerConfig([...identity, ...flags], env).venueOptions).toMatchObject({
      scenario: 'volatile',
      knobs: { informedShare: 0.4 },
      paper: { url: 'ws://127.0.0.1:9000/ws', coin: 'ETH', tick: 0.5, lot: 0.001, szDecimals: 2 },
    });
  });

  it.each([
    [['--scenario', 'stormy'], '--scenario', /expected one of calm \| volatile \| toxic \| regime-switch/],
    [['--sim-knobs', 'speed=9'], '--sim-knobs', /unknown knob "speed": expected one of /],
    [['--paper-url', 'https://api.hyperliquid.xyz'], '--paper-url', /expected a ws\(s\) URL/],
    [['--paper-tick', '0'], '--paper-tick', /expected a positive number/],
  ])('names the flag and what it accepts: %j', (extra, flag, accepted) => {
    const error = configError([...identity, ...extra]);
    expect(error.flag).toBe(flag);
    expect(error.message.startsWith(flag)).toBe(true);
    expect(error.message).toMatch(accepted);
  });

  it('names the variable when a bad knob came from there', () => {
    expect(configError(identity, { ...edgeEnv, LIVETUNE_PAPER_LOT: '-1' }).message).toBe(
      'LIVETUNE_PAPER_LOT (--paper-lot) = "-1" is not accepted: expected a positive number',
    );
  });
});

describe('--help', () => {
  it('lists every flag with its meaning, accepted values, default and variable', () => {
    for (const setting of Object.values(RUNNER_FLAGS)) {
      expect(USAGE).toContain(setting.flag);
      expect(USAGE).toContain(setting.meaning);
      expect(USAGE).toContain(`env ${setting.env}`);
    }
    expect(USAGE).toMatch(/--sync <mode>\n.*\[default: longpoll\]/);
    expect(USAGE).toMatch(/--grace <s>\n.*\[default: 30 s\]/);
    expect(USAGE).toMatch(/--allow-defaults\n.*\[default: off\]/);
    expect(USAGE).toMatch(/--paper-url <url>\n.*\[default: wss:\/\/api\.hyperliquid\.xyz\/ws\]/);
  });
});
