/**
 * Hyperliquid's L1 actions as livetune builds them, byte for byte what gets signed. The exchange
 * hashes the msgpack encoding of the action, so key order and number spelling are part of the
 * signature: orders are `{a, b, p, s, r, t, c?}` in that order (asset, is buy, price, size, reduce
 * only, type, client order id), prices and sizes as wire decimals. The official Python SDK's signing
 * vectors are reproduced from these builders in test/node/runner/hyperliquid-signing.test.ts.
 */
import { toWireDecimal } from './wire-decimal.ts';

export const TIFS = ['Alo', 'Ioc', 'Gtc'] as const;
/** `Alo`: add liquidity only (post-only); `Ioc`: immediate or cancel; `Gtc`: good till cancelled. */
export type Tif = (typeof TIFS)[number];

/** A client order id: 16 bytes as 0x + 32 lower-case hex digits. */
export type Cloid = `0x${string}`;
export const CLOID_PATTERN = /^0x[0-9a-f]{32}$/;

export interface OrderWire {
  a: number;
  b: boolean;
  p: string;
  s: string;
  r: boolean;
  t: { limit: { tif: Tif } };
  c?: Cloid;
}

export interface OrderSpec {
  asset: number;
  isBuy: boolean;
  price: number;
  size: number;
  reduceOnly: boolean;
  tif: Tif;
  cloid?: Cloid | undefined;
}

export interface OrderAction {
  type: 'order';
  orders: OrderWire[];
  grouping: 'na';
}

export interface CancelByCloidAction {
  type: 'cancelByCloid';
  cancels: { asset: number; cloid: Cloid }[];
}

export interface CancelAction {
  type: 'cancel';
  cancels: { a: number; o: number }[];
}

export interface ScheduleCancelAction {
  type: 'scheduleCancel';
  time?: number;
}

export type L1Action = OrderAction | CancelByCloidAction | CancelAction | ScheduleCancelAction;

export function orderWire(spec: OrderSpec): OrderWire {
  if (!Number.isInteger(spec.asset) || spec.asset < 0) throw new RangeError(`asset ${spec.asset}: expected an integer ≥ 0`);
  if (!(spec.price > 0)) throw new RangeError(`price ${spec.price}: expected a positive number`);
  if (!(spec.size > 0)) throw new RangeError(`size ${spec.size}: expected a positive number`);
  if (spec.cloid !== undefined && !CLOID_PATTERN.test(spec.cloid))
    throw new RangeError(`cloid ${JSON.stringify(spec.cloid)}: expected 0x and 32 lower-case hex digits`);
  const wire: OrderWire = {
    a: spec.asset,
    b: spec.isBuy,
    p: toWireDecimal(spec.price, 'price'),
    s: toWireDecimal(spec.size, 'size'),
    r: spec.reduceOnly,
    t: { limit: { tif: spec.tif } },
  };
  // Absent, not null: a null `c` would be encoded and signed as nil.
  if (spec.cloid !== undefined) wire.c = spec.cloid;
  return wire;
}

/** Several orders in one action: one nonce, one signature, one request of rate-limit budget. */
export function orderAction(orders: OrderWire[]): OrderAction {
  return { type: 'order', orders, grouping: 'na' };
}

export function cancelByCloidAction(cancels: { asset: number; cloid: Cloid }[]): CancelByCloidAction {
  return { type: 'cancelByCloid', cancels };
}

/** Cancel by exchange order id: for orders that are not ours by cloid (left by an earlier run). */
export function cancelAction(cancels: { asset: number; oid: number }[]): CancelAction {
  return { type: 'cancel', cancels: cancels.map((c) => ({ a: c.asset, o: c.oid })) };
}

/**
 * The dead-man's switch: every open order is cancelled at `time` (ms since the epoch) unless a
 * later `scheduleCancel` moves it; without `time` a scheduled cancel is removed.
 */
export function scheduleCancelAction(time?: number): ScheduleCancelAction {
  return time === undefined ? { type: 'scheduleCancel' } : { type: 'scheduleCancel', time };
}
