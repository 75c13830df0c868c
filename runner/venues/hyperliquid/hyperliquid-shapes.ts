/**
 * The Hyperliquid answers the live venue reads, parsed at the trust boundary (zod). Shapes as the
 * API docs give them ("Info endpoint", "Exchange endpoint", "Websocket subscriptions"); numbers
 * are decimal strings there and numbers here. Only the fields we use are required; the rest pass.
 */
import { z } from 'zod';

const Decimal = z
  .string()
  .regex(/^-?\d+(\.\d+)?$/)
  .transform(Number);
const HlSide = z.enum(['A', 'B']).transform((s) => (s === 'B' ? ('buy' as const) : ('sell' as const)));
const CloidField = z.string().nullish();

/** `{"type":"meta"}` → the perp universe; an asset's index is its position in `universe`. */
export const MetaSchema = z.object({
  universe: z.array(z.object({ name: z.string(), szDecimals: z.number().int().min(0).max(8) })),
});

/** `{"type":"clearinghouseState","user"}`: `szi` is the signed position. */
export const ClearinghouseStateSchema = z.object({
  assetPositions: z.array(z.object({ position: z.object({ coin: z.string(), szi: Decimal }) })),
});

/** `{"type":"openOrders","user"}` */
export const OpenOrdersSchema = z.array(
  z.object({ coin: z.string(), oid: z.number().int(), side: HlSide, limitPx: Decimal, sz: Decimal, cloid: CloidField }),
);

/** `{"type":"userRateLimit","user"}` */
export const UserRateLimitSchema = z.object({ nRequestsUsed: z.number(), nRequestsCap: z.number() });

const OrderStatus = z.union([
  z.object({ resting: z.object({ oid: z.number().int(), cloid: CloidField }) }),
  z.object({ filled: z.object({ totalSz: Decimal, avgPx: Decimal, oid: z.number().int(), cloid: CloidField }) }),
  z.object({ error: z.string() }),
]);
export type OrderStatus = z.infer<typeof OrderStatus>;

const CancelStatus = z.union([z.literal('success'), z.object({ error: z.string() })]);
export type CancelStatus = z.infer<typeof CancelStatus>;

/** `POST /exchange` answers: `ok` with per-order (or per-cancel) statuses, or `err` with a sentence. */
export const ExchangeResponseSchema = z.union([
  z.object({ status: z.literal('err'), response: z.string() }),
  z.object({
    status: z.literal('ok'),
    response: z.union([
      z.object({ type: z.literal('order'), data: z.object({ statuses: z.array(OrderStatus) }) }),
      z.object({ type: z.literal('cancel'), data: z.object({ statuses: z.array(CancelStatus) }) }),
      z.object({ type: z.string() }),
    ]),
  }),
]);
export type ExchangeResponse = z.infer<typeof ExchangeResponseSchema>;

const UserFill = z.object({
  coin: z.string(),
  px: Decimal,
  sz: Decimal,
  side: HlSide,
  time: z.number(),
  oid: z.number().int(),
  tid: z.number(),
  fee: Decimal,
  crossed: z.boolean(),
  cloid: CloidField,
});
export type UserFill = z.infer<typeof UserFill>;

const OrderUpdate = z.object({
  order: z.object({ coin: z.string(), oid: z.number().int(), cloid: CloidField, sz: Decimal, origSz: Decimal }),
  status: z.string(),
  statusTimestamp: z.number(),
});
export type OrderUpdate = z.infer<typeof OrderUpdate>;

const UserChannelMessage = z.discriminatedUnion('channel', [
  z.object({ channel: z.literal('userFills'), data: z.object({ isSnapshot: z.boolean().optional(), fills: z.array(UserFill) }) }),
  z.object({ channel: z.literal('orderUpdates'), data: z.array(OrderUpdate) }),
  z.object({ channel: z.literal('error'), data: z.unknown() }),
]);

export type UserMessage =
  | { kind: 'fills'; snapshot: boolean; fills: UserFill[] }
  | { kind: 'orders'; updates: OrderUpdate[] }
  | { kind: 'error'; message: string }
  | { kind: 'other'; text: string };

const USER_CHANNELS = new Set(['userFills', 'orderUpdates', 'error']);

/** A message of the user channels (or `other`: market data, pongs, acknowledgements, for the paper parser). */
export function parseUserMessage(text: string): UserMessage | { kind: 'invalid'; reason: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { kind: 'invalid', reason: 'not JSON' };
  }
  const channel = (raw as { channel?: unknown } | null)?.channel;
  if (typeof channel !== 'string' || !USER_CHANNELS.has(channel)) return { kind: 'other', text };
  const parsed = UserChannelMessage.safeParse(raw);
  if (!parsed.success) return { kind: 'invalid', reason: `${channel}: ${parsed.error.issues[0]?.message ?? 'bad shape'}` };
  const msg = parsed.data;
  switch (msg.channel) {
    case 'userFills':
      return { kind: 'fills', snapshot: msg.data.isSnapshot === true, fills: msg.data.fills };
    case 'orderUpdates':
      return { kind: 'orders', updates: msg.data };
    case 'error':
      return {
        kind: 'error',
        message: (typeof msg.data === 'string' ? msg.data : (JSON.stringify(msg.data) ?? '')).slice(0, 500),
      };
  }
}
