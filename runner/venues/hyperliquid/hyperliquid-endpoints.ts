/**
 * Where each Hyperliquid network answers. Testnet is the default everywhere in livetune: mainnet is
 * chosen explicitly (`--network mainnet --live`), never by falling through.
 */
import type { Network } from './hyperliquid-signer.ts';

export interface HyperliquidEndpoints {
  /** Base of `POST /info` and `POST /exchange`. */
  api: string;
  ws: string;
}

export const HYPERLIQUID_ENDPOINTS: Record<Network, HyperliquidEndpoints> = {
  mainnet: { api: 'https://api.hyperliquid.xyz', ws: 'wss://api.hyperliquid.xyz/ws' },
  testnet: { api: 'https://api.hyperliquid-testnet.xyz', ws: 'wss://api.hyperliquid-testnet.xyz/ws' },
};
