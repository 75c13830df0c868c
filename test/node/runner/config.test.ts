import { describe, expect, it } from 'vitest';
import { ConfigError, parseRunnerConfig } from '../../../runner/config.ts';

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
