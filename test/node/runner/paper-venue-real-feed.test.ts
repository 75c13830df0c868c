/**
 * The paper venue read against Hyperliquid's real feed: messages in the documented shapes (the
 * `trades` example of the docs, an `error` answer to a bad subscription), the recent trades the
 * server replays on every subscribe, a half-open socket that stops talking, and the tick that
 * follows the price. No network: an injected socket and clock.
 */
import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import type { WebSocketConstructor } from '../../../client/reconnecting-socket.ts';
import type { Fill, VenueListener } from '../../../engine/venue/venue.ts';
import { parseHyperliquidMessage } from '../../../runner/venues/paper/hyperliquid-messages.ts';
import { PaperVenue } from '../../../runner/venues/paper/paper-venue.ts';
import { FakeClock } from '../helpers/fake-clock.ts';
import { hypeBook, l2Book, trades } from './fixtures/hyperliquid-hype.ts';

/** A socket that opens at once; the test pushes feed messages. Every socket made is kept. */
class FakeSocket extends EventEmitter {
  static all: FakeSocket[] = [];
  sent: string[] = [];
  readyState = 1;
  constructor(_url: string) {
    super();
    FakeSocket.all.push(this);
    queueMicrotask(() => this.emit('open'));
  }
  addEventListener(type: string, listener: (event: unknown) => void): void {
    this.on(type, (data?: unknown) => listener(type === 'message' ? { data } : type === 'close' ? { code: 1006 } : {}));
  }
  send(data: string): void {
    this.sent.push(data);
  }
  close(): void {
    this.readyState = 3;
    this.emit('close');
  }
}

const settle = () => new Promise((r) => setImmediate(r));

function setup(options: { tick?: number } = {}) {
  FakeSocket.all = [];
  const clock = new FakeClock(1_764_000_000_000);
  const events: string[] = [];
  const fills: Fill[] = [];
  const warnings: string[] = [];
  const listener: VenueListener = {
    onBook() {},
    onOrderAccepted: (id) => void events.push(`accepted ${id}`),
    onOrderRejected: (id, reason) => void events.push(`rejected ${id} ${reason}`),
    onOrderEnded: (id, reason) => void events.push(`ended ${id} ${reason}`),
    onCancelRejected: (id) => void events.push(`cancel_rejected ${id}`),
    onFill: (f) => void fills.push(f),
    onPosition: (_, p) => void events.push(`position ${p}`),
    onConnectionChange: (c) => void events.push(c ? 'connected' : 'disconnected'),
  };
  const venue = new PaperVenue({
    clock,
    orderLatencyMs: 0,
    pumpMs: 25,
    random: () => 0,
    backoff: { baseMs: 10, capMs: 10 },
    WebSocketCtor: FakeSocket as unknown as WebSocketConstructor,
    logger: { info() {}, warn: (obj, msg) => void warnings.push(`${msg} ${JSON.stringify(obj)}`) },
    ...options,
  });
  venue.setListener(listener);
  return { clock, venue, events, fills, warnings, socket: () => FakeSocket.all.at(-1)! };
}

let current: PaperVenue | null = null;
afterEach(() => {
  current?.stop();
  current = null;
});

describe('paper venue on the real feed', () => {
  it('parses the documented trades example and an error answer', () => {
    const documented =
      '{"channel":"trades","data":[{"coin":"BTC","side":"B","px":"72581.0","sz":"0.00017","time":1787259217020,"hash":"0x0000000000000000000000000000000000000000000000000000000000000000","tid":877707108085800,"users":["0x9b54264d7502f80163ea949038aad771eae67e38","0x706bb519b05b7dc01d048af9a5e29d1ef5d6d9e3"]}]}';
    expect(parseHyperliquidMessage(documented)).toEqual({
      kind: 'trades',
      trades: [{ coin: 'BTC', taker: 'buy', px: 72581, sz: 0.00017, time: 1787259217020, tid: 877707108085800 }],
    });
    expect(
      parseHyperliquidMessage(
        '{"channel":"error","data":"Invalid subscription {\\"type\\":\\"l2Book\\",\\"coin\\":\\"HYPEE\\"}"}',
      ),
    ).toEqual({
      kind: 'error',
      message: 'Invalid subscription {"type":"l2Book","coin":"HYPEE"}',
    });
  });

  it('does not fill an order with trades that printed before it rested (the replay on subscribe)', async () => {
    const t = setup();
    current = t.venue;
    t.venue.start();
    await settle();
    t.socket().emit('message', hypeBook(t.clock.now()));
    await settle();
    await t.clock.advance(1_000);
    t.venue.place({ id: 1, side: 'buy', price: 29.998, size: 1, type: 'post_only', reduceOnly: false });
    await t.clock.advance(25);
    expect(t.events).toEqual(['connected', 'accepted 1']);
    // What the server sends after a (re)subscribe: the last trades, all older than our order, and
    // enough of them at our price to fill it many times over.
    const restedAt = t.clock.now();
    t.socket().emit('message', trades([{ side: 'A', px: '29.998', sz: '500' }], restedAt - 900));
    t.socket().emit('message', trades([{ side: 'A', px: '29.990', sz: '500' }], restedAt - 1));
    await t.clock.advance(25);
    expect(t.fills).toEqual([]);
    // A trade after it rested does fill it (10 HYPE displayed ahead first).
    t.socket().emit('message', trades([{ side: 'A', px: '29.998', sz: '10.5' }], restedAt + 5));
    await t.clock.advance(25);
    expect(t.fills.map((f) => [f.orderId, f.size])).toEqual([[1, 0.5]]);
  });

  it('reconnects a socket that goes silent (no message, no pong) within 30 s, cancelling resting orders first', async () => {
    const t = setup();
    current = t.venue;
    t.venue.start();
    await settle();
    t.socket().emit('message', hypeBook(t.clock.now()));
    await settle();
    t.venue.place({ id: 1, side: 'sell', price: 30.005, size: 1, type: 'post_only', reduceOnly: false });
    await t.clock.advance(25);
    expect(t.events).toEqual(['connected', 'accepted 1']);
    // Half-open: the socket stays "open" and our pings go out, but nothing ever comes back.
    await t.clock.advance(29_000);
    expect(t.events).not.toContain('disconnected');
    expect(FakeSocket.all).toHaveLength(1);
    await t.clock.advance(1_100);
    await settle();
    expect(t.events.slice(2, 4)).toEqual(['ended 1 cancelled', 'disconnected']);
    await t.clock.advance(50);
    await settle();
    expect(FakeSocket.all).toHaveLength(2);
    expect(t.socket().sent.filter((m) => m.includes('subscribe'))).toEqual([
      '{"method":"subscribe","subscription":{"type":"l2Book","coin":"HYPE"}}',
      '{"method":"subscribe","subscription":{"type":"trades","coin":"HYPE"}}',
    ]);
    expect(t.events.at(-1)).toBe('connected');
  });

  it('surfaces an error channel message instead of silently not quoting', async () => {
    const t = setup();
    current = t.venue;
    t.venue.start();
    await settle();
    t.socket().emit(
      'message',
      '{"channel":"error","data":"Invalid subscription {\\"type\\":\\"l2Book\\",\\"coin\\":\\"HYPEE\\"}"}',
    );
    await settle();
    expect(t.venue.lastFeedError).toBe('Invalid subscription {"type":"l2Book","coin":"HYPEE"}');
    expect(t.venue.feedErrors).toBe(1);
    expect(t.warnings.join('\n')).toContain('the exchange refused a request');
    expect(t.warnings.join('\n')).toContain('HYPEE');
  });

  it('takes the tick from the price rule as the price moves, unless a fixed one is given', async () => {
    const t = setup();
    current = t.venue;
    t.venue.start();
    await settle();
    t.socket().emit('message', hypeBook(t.clock.now()));
    await settle();
    expect(t.venue.market).toEqual({ tick: 0.001, lot: 0.01 });
    t.socket().emit('message', l2Book(t.clock.now(), [['9.4999', '10']], [['9.5001', '10']]));
    await settle();
    expect(t.venue.market.tick).toBe(0.0001);
    // An order on the finer grid is kept as priced, not snapped to 0.001.
    t.venue.place({ id: 1, side: 'buy', price: 9.4998, size: 1, type: 'post_only', reduceOnly: false });
    await t.clock.advance(25);
    expect(t.venue.restingOrders()[0]!.price).toBe(9.4998);

    const fixed = setup({ tick: 0.01 });
    fixed.venue.start();
    await settle();
    fixed.socket().emit('message', l2Book(fixed.clock.now(), [['9.4999', '10']], [['9.5001', '10']]));
    await settle();
    expect(fixed.venue.market.tick).toBe(0.01);
    fixed.venue.stop();
  });
});
