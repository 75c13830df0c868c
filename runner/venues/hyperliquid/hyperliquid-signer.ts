/**
 * Signs Hyperliquid L1 actions with an API (agent) wallet key. The EIP-712 phantom-agent signature
 * over the msgpack hash of the action is the library's (`@nktkas/hyperliquid/signing`), the ECDSA
 * key is viem's local account: nothing of the signing scheme is written here. What is ours is the
 * action (engine/venue/hyperliquid/order-wire.ts) — which is why the Python SDK's vectors are tested
 * through this file and through `livetune hyperliquid sign`.
 *
 * The key stays inside the closure of the viem account: this object has no field that holds it,
 * so logging or serialising the signer cannot leak it.
 */
import { signL1Action } from '@nktkas/hyperliquid/signing';
import { privateKeyToAccount } from 'viem/accounts';

export const NETWORKS = ['testnet', 'mainnet'] as const;
export type Network = (typeof NETWORKS)[number];

export interface SignedSignature {
  r: `0x${string}`;
  s: `0x${string}`;
  v: number;
}

export interface SignRequest {
  action: Record<string, unknown>;
  nonce: number;
  network: Network;
  vaultAddress?: `0x${string}` | undefined;
  expiresAfter?: number | undefined;
}

export interface HyperliquidSigner {
  /** The agent wallet's address (lower-case 0x hex): what the exchange recovers from a signature. */
  readonly address: `0x${string}`;
  sign(request: SignRequest): Promise<SignedSignature>;
}

export const PRIVATE_KEY_PATTERN = /^0x[0-9a-fA-F]{64}$/;

/** Throws without echoing the key when it is not 0x and 64 hex digits. */
export function createHyperliquidSigner(privateKey: string): HyperliquidSigner {
  if (!PRIVATE_KEY_PATTERN.test(privateKey))
    throw new Error(
      `the Hyperliquid private key (${privateKey.length} characters) is not accepted: expected 0x and 64 hex digits`,
    );
  const account = privateKeyToAccount(privateKey as `0x${string}`);
  return {
    address: account.address.toLowerCase() as `0x${string}`,
    async sign({ action, nonce, network, vaultAddress, expiresAfter }) {
      const signature = await signL1Action({
        wallet: account,
        action,
        nonce,
        isTestnet: network === 'testnet',
        ...(vaultAddress !== undefined ? { vaultAddress } : {}),
        ...(expiresAfter !== undefined ? { expiresAfter } : {}),
      });
      return { r: signature.r, s: signature.s, v: signature.v };
    },
    toJSON() {
      return { address: account.address };
    },
  } as HyperliquidSigner;
}
