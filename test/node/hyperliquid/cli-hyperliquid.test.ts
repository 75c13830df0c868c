/**
 * `livetune hyperliquid order-action` and `sign`, chained as an operator would: the printed action
 * signed by the CLI reproduces the Python SDK's published vectors.
 */
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli/run-cli.ts';
import { SIGNING_VECTORS, VECTOR_KEY } from './signing-vectors.ts';

const env = { HYPERLIQUID_PRIVATE_KEY: VECTOR_KEY };
const vector = (name: string) => SIGNING_VECTORS.find((v) => v.name === name)!;

async function sign(action: unknown, network: string, extra: string[] = []) {
  const run = await runCli(
    ['hyperliquid', 'sign', '--action', JSON.stringify(action), '--nonce', '0', '--network', network, ...extra],
    env,
  );
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout) as { action: unknown; nonce: number; signature: { r: string; s: string; v: number } };
}

describe('livetune hyperliquid', () => {
  it('prints the order action the venue signs, and signing it gives the Python SDK signature', async () => {
    const printed = await runCli(
      [
        'hyperliquid',
        'order-action',
        '--coin',
        'ETH',
        '--asset',
        '1',
        '--side',
        'buy',
        '--size',
        '100',
        '--price',
        '100',
        '--tif',
        'Gtc',
        '--cloid',
        '0x00000000000000000000000000000001',
      ],
      {},
    );
    expect(printed.code).toBe(0);
    const { action } = JSON.parse(printed.stdout) as { action: unknown };
    expect(action).toEqual({
      type: 'order',
      orders: [
        { a: 1, b: true, p: '100', s: '100', r: false, t: { limit: { tif: 'Gtc' } }, c: '0x00000000000000000000000000000001' },
      ],
      grouping: 'na',
    });
    for (const network of ['mainnet', 'testnet'] as const) {
      const out = await sign(action, network);
      const expected = vector('order with cloid')[network];
      expect(out.nonce).toBe(0);
      expect(out.action).toEqual(action);
      expect(BigInt(out.signature.r)).toBe(BigInt(expected.r));
      expect(BigInt(out.signature.s)).toBe(BigInt(expected.s));
      expect(out.signature.v).toBe(expected.v);
    }
  });

  it('signs every published vector (dummy, vault, scheduleCancel) on both networks', async () => {
    for (const v of SIGNING_VECTORS) {
      for (const network of ['mainnet', 'testnet'] as const) {
        const out = await sign(v.action, network, v.vaultAddress ? ['--vault', v.vaultAddress] : []);
        expect(BigInt(out.signature.r), `${v.name} ${network}`).toBe(BigInt(v[network].r));
        expect(out.signature.v, `${v.name} ${network}`).toBe(v[network].v);
      }
    }
  });

  it('never prints the key, and refuses a missing or malformed one naming the variable', async () => {
    const out = await runCli(
      ['hyperliquid', 'sign', '--action', '{"type":"scheduleCancel"}', '--nonce', '1', '--network', 'testnet'],
      env,
    );
    expect(out.stdout + out.stderr).not.toContain(VECTOR_KEY.slice(2));
    const missing = await runCli(
      ['hyperliquid', 'sign', '--action', '{"type":"scheduleCancel"}', '--nonce', '1', '--network', 'testnet'],
      {},
    );
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('HYPERLIQUID_PRIVATE_KEY is not set');
    const bad = 'not-a-key-at-all';
    const malformed = await runCli(
      ['hyperliquid', 'sign', '--action', '{"type":"scheduleCancel"}', '--nonce', '1', '--network', 'testnet'],
      {
        HYPERLIQUID_PRIVATE_KEY: bad,
      },
    );
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).not.toContain(bad);
  });

  it('names the flag, the value and what is accepted on bad input', async () => {
    const tif = await runCli(
      [
        'hyperliquid',
        'order-action',
        '--coin',
        'ETH',
        '--asset',
        '1',
        '--side',
        'buy',
        '--size',
        '1',
        '--price',
        '1',
        '--tif',
        'Fok',
      ],
      {},
    );
    expect(tif.code).toBe(2);
    expect(tif.stderr).toContain('--tif "Fok": expected one of Alo | Ioc | Gtc');
    const price = await runCli(
      [
        'hyperliquid',
        'order-action',
        '--coin',
        'ETH',
        '--asset',
        '1',
        '--side',
        'buy',
        '--size',
        '1',
        '--price',
        '-3',
        '--tif',
        'Alo',
      ],
      {},
    );
    expect(price.stderr).toContain('--price "-3": expected a positive number');
    const network = await runCli(['hyperliquid', 'sign', '--action', '{"type":"x"}', '--nonce', '1', '--network', 'devnet'], env);
    expect(network.stderr).toContain('--network "devnet": expected one of mainnet | testnet');
  });
});
