/**
 * The acceptance bar of the live venue: livetune's own action builders plus the library's signing
 * reproduce the official Python SDK's published signatures, on mainnet and testnet.
 */
import { describe, expect, it } from 'vitest';
import { orderAction, orderWire } from '../../../engine/venue/hyperliquid/order-wire.ts';
import { createHyperliquidSigner } from '../../../runner/venues/hyperliquid/hyperliquid-signer.ts';
import { SIGNING_VECTORS, VECTOR_KEY } from './signing-vectors.ts';

const signer = createHyperliquidSigner(VECTOR_KEY);

describe('Hyperliquid signing against the Python SDK vectors', () => {
  for (const vector of SIGNING_VECTORS) {
    for (const network of ['mainnet', 'testnet'] as const) {
      it(`signs the ${vector.name} on ${network} as the Python SDK does`, async () => {
        const sig = await signer.sign({ action: vector.action, nonce: 0, network, vaultAddress: vector.vaultAddress });
        const expected = vector[network];
        expect(BigInt(sig.r)).toBe(BigInt(expected.r));
        expect(BigInt(sig.s)).toBe(BigInt(expected.s));
        expect(sig.v).toBe(expected.v);
      });
    }
  }

  it("matches the production phantom agent's order hash (ETH Ioc 0.0147 @ 1670.1, asset 4)", async () => {
    const { createL1ActionHash } = await import('@nktkas/hyperliquid/signing');
    const action = orderAction([
      orderWire({ asset: 4, isBuy: true, price: 1670.1, size: 0.0147, reduceOnly: false, tif: 'Ioc' }),
    ]);
    expect(createL1ActionHash({ action: { ...action }, nonce: 1677777606040 })).toBe(
      '0x0fcbeda5ae3c4950a548021552a4fea2226858c4453571bf3f24ba017eac2908',
    );
  });

  it('refuses a malformed key without echoing it', () => {
    const bad = `0x${'ab'.repeat(31)}zz`;
    expect(() => createHyperliquidSigner(bad)).toThrow(/expected 0x and 64 hex digits/);
    try {
      createHyperliquidSigner(bad);
    } catch (error) {
      expect(String((error as Error).message)).not.toContain(bad.slice(2));
    }
  });

  it('has no field that holds the key', () => {
    expect(JSON.stringify(signer)).not.toContain(VECTOR_KEY.slice(2));
    expect(Object.values(signer).map(String).join(' ')).not.toContain(VECTOR_KEY.slice(2));
  });
});
