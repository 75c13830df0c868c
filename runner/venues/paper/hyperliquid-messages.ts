/**
 * Hyperliquid's public WebSocket messages the paper venue reads, parsed at the trust boundary.
 * Shapes (api.hyperliquid.xyz/ws, documented "l2Book" and "trades" subscriptions):
 *   {"channel":"l2Book","data":{"coin":"HYPE","time":1700000000000,"levels":[[{"px":"30.1","sz":"12.5","n":3},…bids],[…asks]]}}
 *   {"channel":"trades","data":[{"coin":"HYPE","side":"B","px":"30.1","sz":"1.2","time":…,"hash":"0x…","tid":123,"users":[…]}]}
 *   {"channel":"error","data":"Invalid subscription {\"type\":\"l2Book\",\"coin\":\"HYPEE\"}"}
 * `side` is the taker's: "B" bought (hit the asks), "A" sold (hit the bids). Prices and sizes are
 * decimal strings. An `error` is the server refusing something we sent (a wrong coin is answered
 * this way and nothing else follows: silence otherwise). Anything else (subscriptionResponse, pong,
 * other channels) is `ignored`.
 */
import { z } from 'zod';

const Decimal = z
  .string()
  .regex(/^\d+(\.\d+)?$/)
  .transform(Number);
const Level = z.object({ px: Decimal, sz: Decimal, n: z.number().int().nonnegative() });

const L2BookMessage = z.object({
  channel: z.literal('l2Book'),
  data: z.object({ coin: z.string(), time: z.number(), levels: z.tuple([z.array(Level), z.array(Level)]) }),
});

const TradesMessage = z.object({
  channel: z.literal('trades'),
  data: z.array(
    z.object({
      coin: z.string(),
      side: z.enum(['A', 'B']),
      px: Decimal,
      sz: Decimal,
      time: z.number(),
      hash: z.string(),
      tid: z.number(),
    }),
  ),
});

export interface HlLevel {
  px: number;
  sz: number;
}

export type HyperliquidMessage =
  | { kind: 'book'; coin: string; time: number; bids: HlLevel[]; asks: HlLevel[] }
  | { kind: 'trades'; trades: { coin: string; taker: 'buy' | 'sell'; px: number; sz: number; time: number; tid: number }[] }
  | { kind: 'error'; message: string }
  | { kind: 'ignored' }
  | { kind: 'invalid'; reason: string };

export function parseHyperliquidMessage(text: string): HyperliquidMessage {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { kind: 'invalid', reason: 'not JSON' };
  }
  const channel = (raw as { channel?: unknown } | null)?.channel;
  if (channel === 'l2Book') {
    const parsed = L2BookMessage.safeParse(raw);
    if (!parsed.success) return { kind: 'invalid', reason: `l2Book: ${parsed.error.issues[0]?.message ?? 'bad shape'}` };
    const { coin, time, levels } = parsed.data.data;
    return { kind: 'book', coin, time, bids: levels[0], asks: levels[1] };
  }
  if (channel === 'trades') {
    const parsed = TradesMessage.safeParse(raw);
    if (!parsed.success) return { kind: 'invalid', reason: `trades: ${parsed.error.issues[0]?.message ?? 'bad shape'}` };
    return {
      kind: 'trades',
      trades: parsed.data.data.map((t) => ({
        coin: t.coin,
        taker: t.side === 'B' ? ('buy' as const) : ('sell' as const),
        px: t.px,
        sz: t.sz,
        time: t.time,
        tid: t.tid,
      })),
    };
  }
  if (channel === 'error') {
    const data = (raw as { data?: unknown }).data;
    // Bounded: the text goes to the log and /status, and the peer chose it.
    const message = (typeof data === 'string' ? data : (JSON.stringify(data) ?? 'no detail')).slice(0, 500);
    return { kind: 'error', message };
  }
  return { kind: 'ignored' };
}

/** One of Hyperliquid's socket subscriptions (`l2Book`, `trades`, `orderUpdates`, `userFills`, …) as sent. */
export function subscribeMessage(subscription: { type: string; coin?: string; user?: string }): string {
  return JSON.stringify({ method: 'subscribe', subscription });
}

/** The paper feed's subscriptions: the coin's book and its trades. */
export function subscribeMessages(coin: string): string[] {
  return [subscribeMessage({ type: 'l2Book', coin }), subscribeMessage({ type: 'trades', coin })];
}
