/**
 * The three reads the live venue reconciles with, each one `POST /info` parsed at the boundary:
 * where the coin sits in the perp universe (its asset index and `szDecimals`), the account's signed
 * position in it, and its open orders on it. Weights as the docs give them (`clearinghouseState` is
 * one of the light ones).
 */
import type { HyperliquidApi } from './hyperliquid-api.ts';
import { ClearinghouseStateSchema, MetaSchema, OpenOrdersSchema } from './hyperliquid-shapes.ts';

export interface AssetInfo {
  asset: number;
  szDecimals: number;
}

/** Throws a plain Error (not retried) when the coin is not listed: a typo must stop the runner. */
export async function readAsset(api: HyperliquidApi, coin: string): Promise<AssetInfo> {
  const meta = await api.info({ type: 'meta' }, MetaSchema, 20);
  const asset = meta.universe.findIndex((a) => a.name === coin);
  if (asset < 0) {
    const known = meta.universe.slice(0, 20).map((a) => a.name);
    throw new Error(`coin ${JSON.stringify(coin)} is not in Hyperliquid's perp universe (e.g. ${known.join(', ')})`);
  }
  return { asset, szDecimals: meta.universe[asset]!.szDecimals };
}

/** The account's signed position in `coin` (0 when it holds none). */
export async function readPosition(api: HyperliquidApi, user: string, coin: string): Promise<number> {
  const state = await api.info({ type: 'clearinghouseState', user }, ClearinghouseStateSchema, 2);
  return state.assetPositions.find((p) => p.position.coin === coin)?.position.szi ?? 0;
}

export interface OpenOrder {
  oid: number;
  cloid: string | null | undefined;
}

export async function readOpenOrders(api: HyperliquidApi, user: string, coin: string): Promise<OpenOrder[]> {
  const open = await api.info({ type: 'openOrders', user }, OpenOrdersSchema, 20);
  return open.filter((o) => o.coin === coin).map((o) => ({ oid: o.oid, cloid: o.cloid }));
}
