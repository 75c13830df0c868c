/**
 * `--venue hyperliquid` on the command line: testnet unless mainnet is confirmed with --live, the key
 * from HYPERLIQUID_PRIVATE_KEY or a file only its owner can read, and the key in no message and no
 * serialisation of the configuration.
 */
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseRunnerConfig } from '../../../runner/config.ts';

const KEY = '0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318';
const identity = ['--set', 'hype-perp', '--runner-id', 'r-1', '--region', 'eu-west', '--venue', 'hyperliquid'];
const env = { LIVETUNE_URL: 'http://127.0.0.1:8787', LIVETUNE_TOKEN: 'read-token', HYPERLIQUID_PRIVATE_KEY: KEY };

function problems(argv: string[], e: Record<string, string | undefined>): string {
  try {
    parseRunnerConfig(argv, e);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('parseRunnerConfig: --venue hyperliquid', () => {
  it('defaults to testnet, not dry-run, HYPE, and holds the key where no serialisation reaches it', () => {
    const config = parseRunnerConfig(identity, env);
    const hl = config.venueOptions.hyperliquid;
    expect(hl).toMatchObject({ network: 'testnet', live: false, dryRun: false, coin: 'HYPE' });
    expect(hl.privateKey?.reveal()).toBe(KEY);
    const bare = KEY.slice(2);
    expect(JSON.stringify(config)).not.toContain(bare);
    expect(inspect(config, { depth: 10 })).not.toContain(bare);
    expect(String(hl.privateKey)).toBe('[redacted]');
  });

  it('refuses mainnet without --live, and takes it with', () => {
    expect(problems([...identity, '--network', 'mainnet'], env)).toContain('mainnet trades real money: add --live to confirm');
    expect(parseRunnerConfig([...identity, '--network', 'mainnet', '--live'], env).venueOptions.hyperliquid.network).toBe(
      'mainnet',
    );
    expect(problems([...identity, '--network', 'devnet'], env)).toContain(
      '--network = "devnet" is not accepted: expected one of testnet | mainnet',
    );
  });

  it('refuses a missing or malformed key without ever echoing it', () => {
    expect(problems(identity, { ...env, HYPERLIQUID_PRIVATE_KEY: undefined })).toContain(
      'no Hyperliquid key: set HYPERLIQUID_PRIVATE_KEY',
    );
    const bad = `${KEY.slice(0, 60)}zzzz`;
    const message = problems(identity, { ...env, HYPERLIQUID_PRIVATE_KEY: bad });
    expect(message).toContain('HYPERLIQUID_PRIVATE_KEY (64 characters) is not accepted');
    expect(message).not.toContain(bad.slice(2, 20));
  });

  it('reads a key file only when its owner alone can read it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hl-key-'));
    const file = join(dir, 'agent.key');
    writeFileSync(file, `${KEY}\n`);
    chmodSync(file, 0o644);
    const open = problems([...identity, '--key-file', file], { ...env, HYPERLIQUID_PRIVATE_KEY: undefined });
    expect(open).toContain('has mode 644: expected 600 or 400');
    expect(open).not.toContain(KEY.slice(2));
    chmodSync(file, 0o600);
    const config = parseRunnerConfig([...identity, '--key-file', file], { ...env, HYPERLIQUID_PRIVATE_KEY: undefined });
    expect(config.venueOptions.hyperliquid.privateKey?.reveal()).toBe(KEY);
  });

  it('needs no key for the other venues', () => {
    expect(
      parseRunnerConfig(identity.slice(0, 6), { ...env, HYPERLIQUID_PRIVATE_KEY: undefined }).venueOptions.hyperliquid.privateKey,
    ).toBeNull();
  });
});
