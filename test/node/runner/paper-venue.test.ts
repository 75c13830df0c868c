import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { parseHyperliquidMessage } from '../../../runner/venues/paper/hyperliquid-messages.ts';
import { PaperVenue } from '../../../runner/venues/paper/paper-venue.ts';
import type { Fill, VenueListener } from '../../../engine/venue/venue.ts';
import type { WebSocketConstructor } from '../../../client/reconnecting-socket.ts';
import { hypeBook, subscriptionResponse, trades } from './fixtures/hyperliquid-hype.ts';
import { FakeClock } from '../helpers/fake-clock.ts';
import { eventually } from '../../../tools/eventually.ts';

interface Recorded {
  events: string[];
  fills: Fill[];
  books: number;
}

function recorder(): { rec: Recorded; listener: VenueListener } {
  const rec: Recorded = { events: [], fills: [], books: 0 };
  const listener: VenueListener = {
    onBook: () => void rec.books++,
    onOrderAccepted: (id) => void rec.events.push(`accepted ${id}`),
    onOrderRejected: (id, reason) => void rec.events.push(`rejected ${id} ${reason}`),
    onOrderEnded: (id, reason) => void rec.events.push(`ended ${id} ${reason}`),
    onCancelRejected: (id) => void rec.events.push(`cancel_rejected ${id}`),
    onFill: (f) => void rec.fills.push(f),
    onPosition: (_, p) => void rec.events.push(`position ${p}`),
    onConnectionChange: (c) => void rec.events.push(c ? 'connected' : 'disconnected'),
  };
  return { rec, listener };
}

/** Resolves once `predicate` holds (checked every few ms), failing after its own deadline with the predicate's text. */
async function until(predicate: () => boolean): Promise<void> {
  await eventually(predicate, { what: String(predicate), timeoutMs: 10_000, intervalMs: 5 });
}

let server: WebSocketServer | undefined;
let venue: PaperVenue | undefined;
afterEach(async () => {
  venue?.stop();
  for (const client of server?.clients ?? []) client.terminate();
  await new Promise((r) => (server ? server.close(r) : r(undefined)));
  server = undefined;
  venue = undefined;
});

describe('Hyperliquid message parsing', () => {
  it('reads l2Book and trades in their real shapes and ignores the rest', () => {
    const book = parseHyperliquidMessage(hypeBook(1));
    expect(book).toMatchObject({ kind: 'book', coin: 'HYPE', time: 1 });
    if (book.kind === 'book') expect(book.bids[0]).toEqual({ px: 29.999, sz: 10, n: 1 });
    expect(parseHyperliquidMessage(trades([{ side: 'A', px: '29.999', sz: '1.5' }]))).toMatchObject({
      kind: 'trades',
      trades: [{ taker: 'sell', px: 29.999, sz: 1.5 }],
    });
    expect(parseHyperliquidMessage(subscriptionResponse('l2Book')).kind).toBe('ignored');
    expect(parseHyperliquidMessage('{"channel":"l2Book","data":{"coin":"HYPE"}}').kind).toBe('invalid');
    expect(parseHyperliquidMessage('not json').kind).toBe('invalid');
  });
});

describe('paper venue against a local Hyperliquid-shaped feed', () => {
  it('subscribes, fills with queue position, rejects crossing post-only, cancels on disconnect, reconnects and resubscribes', async () => {
    const subscriptions: string[] = [];
    const sockets: WebSocket[] = [];
    server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    server.on('connection', (socket) => {
      sockets.push(socket);
      socket.on('message', (data) => {
        const msg = JSON.parse(String(data)) as { method: string; subscription: { type: 'l2Book' | 'trades'; coin: string } };
        if (msg.method !== 'subscribe') return;
        subscriptions.push(`${sockets.length}:${msg.subscription.type}:${msg.subscription.coin}`);
        socket.send(subscriptionResponse(msg.subscription.type));
        if (msg.subscription.type === 'l2Book') socket.send(hypeBook(1_764_000_000_000));
      });
    });
    await new Promise((r) => server!.once('listening', r));
    const { port } = server.address() as { port: number };
    const { rec, listener } = recorder();
    venue = new PaperVenue({
      url: `ws://127.0.0.1:${port}`,
      coin: 'HYPE',
      orderLatencyMs: 0,
      backoff: { baseMs: 1, capMs: 5 },
      random: () => 0.5,
      pumpMs: 2,
    });
    venue.setListener(listener);
    venue.start();
    await until(() => rec.books === 1);
    expect(subscriptions).toEqual(['1:l2Book:HYPE', '1:trades:HYPE']);
    expect(venue.mid()).toBeCloseTo(30, 12);

    venue.place({ id: 1, side: 'buy', price: 29.999, size: 1, type: 'post_only', reduceOnly: false });
    venue.place({ id: 2, side: 'buy', price: 30.001, size: 1, type: 'post_only', reduceOnly: false });
    await until(() => rec.events.length >= 3);
    expect(rec.events).toEqual(['connected', 'accepted 1', 'rejected 2 post_only_would_cross']);

    // 10 HYPE were displayed ahead of us at 29.999: they trade first.
    sockets[0]!.send(
      trades(
        [
          { side: 'A', px: '29.999', sz: '6' },
          { side: 'B', px: '30.001', sz: '50' },
          { side: 'A', px: '29.999', sz: '5', coin: 'BTC' },
        ],
        Date.now(),
      ),
    );
    sockets[0]!.send(trades([{ side: 'A', px: '29.999', sz: '4' }], Date.now()));
    sockets[0]!.send(trades([{ side: 'A', px: '29.999', sz: '0.4' }], Date.now()));
    await until(() => rec.fills.length === 1);
    expect(rec.fills[0]).toMatchObject({ orderId: 1, side: 'buy', price: 29.999, size: 0.4, liquidity: 'maker', symbol: 'HYPE' });
    expect(rec.fills[0]!.fee).toBeCloseTo((29.999 * 0.4 * 1.5) / 1e4, 12);
    expect(venue.accounting.position).toBeCloseTo(0.4, 12);

    // The feed drops mid-stream: the resting remainder ends cancelled before the engine hears of it.
    sockets[0]!.terminate();
    await until(() => rec.events.includes('disconnected'));
    const lost = rec.events.indexOf('disconnected');
    expect(rec.events.slice(lost - 1, lost + 1)).toEqual(['ended 1 cancelled', 'disconnected']);
    expect(venue.restingOrders()).toHaveLength(0);
    await until(() => rec.books === 2);
    expect(subscriptions.slice(2)).toEqual(['2:l2Book:HYPE', '2:trades:HYPE']);
    expect(rec.events.at(-1)).toBe('connected');
    expect(venue.connections).toBe(2);

    venue.requestPosition();
    await until(() => rec.events.at(-1)!.startsWith('position'));
    expect(rec.events.at(-1)).toBe('position 0.4');
  });
});

describe('paper venue order paths', () => {
  it('rejects orders until a book has arrived, and walks the real book for a reduce-only IOC at taker fees', async () => {
    const sockets: WebSocket[] = [];
    server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    server.on('connection', (socket) => sockets.push(socket));
    await new Promise((r) => server!.once('listening', r));
    const { port } = server.address() as { port: number };
    const { rec, listener } = recorder();
    venue = new PaperVenue({ url: `ws://127.0.0.1:${port}`, orderLatencyMs: 0, pumpMs: 2 });
    venue.setListener(listener);
    venue.start();
    venue.place({ id: 1, side: 'buy', price: 29.99, size: 1, type: 'post_only', reduceOnly: false });
    await until(() => rec.events.includes('rejected 1 disconnected'));
    await until(() => sockets.length === 1);
    sockets[0]!.send(hypeBook(1_764_000_000_000));
    await until(() => rec.books === 1);
    // Buy 15 through the asks (10 at 30.001, 5 at 30.002), then sell back more than we hold.
    venue.place({ id: 2, side: 'buy', price: 30.01, size: 15, type: 'ioc', reduceOnly: false });
    venue.place({ id: 3, side: 'sell', price: 29.9, size: 40, type: 'ioc', reduceOnly: true });
    await until(() => rec.events.includes('ended 3 expired'));
    expect(rec.fills.map((f) => [f.orderId, f.side, f.price, f.size, f.liquidity])).toEqual([
      [2, 'buy', 30.001, 10, 'taker'],
      [2, 'buy', 30.002, 5, 'taker'],
      [3, 'sell', 29.999, 10, 'taker'],
      [3, 'sell', 29.998, 5, 'taker'],
    ]);
    expect(rec.fills[0]!.fee).toBeCloseTo((30.001 * 10 * 4.5) / 1e4, 12);
    expect(venue.accounting.position).toBe(0);
    expect(rec.events).toContain('ended 2 filled');
  });
});

describe('paper venue on an injected clock', () => {
  /** A socket that opens at once and lets the test push feed messages; nothing touches the network. */
  class FakeSocket extends EventEmitter {
    static last: FakeSocket | null = null;
    sent: string[] = [];
    constructor(_url: string) {
      super();
      FakeSocket.last = this;
      queueMicrotask(() => this.emit('open'));
    }
    readyState = 1;
    /** The WHATWG listener interface the reconnecting socket uses, on top of the emitter. */
    addEventListener(type: string, listener: (event: unknown) => void): void {
      this.on(type, (data?: unknown) => listener(type === 'message' ? { data } : type === 'close' ? { code: 1000 } : {}));
    }
    send(data: string): void {
      this.sent.push(data);
    }
    close(): void {
      this.readyState = 3;
      this.emit('close');
    }
  }

  it('pays the entry and the answer latency in clock time, processing due orders with no feed message, and pings every 10 s', async () => {
    const clock = new FakeClock(1_764_000_000_000);
    const { rec, listener } = recorder();
    venue = new PaperVenue({
      clock,
      orderLatencyMs: 50,
      pumpMs: 25,
      WebSocketCtor: FakeSocket as unknown as WebSocketConstructor,
    });
    venue.setListener(listener);
    venue.start();
    await new Promise((r) => setImmediate(r));
    FakeSocket.last!.emit('message', hypeBook(clock.now()));
    // The reconnecting socket hands messages on in order through a promise chain: let it run.
    await new Promise((r) => setImmediate(r));
    expect(rec.books).toBe(1);
    venue.place({ id: 1, side: 'buy', price: 29.999, size: 1, type: 'post_only', reduceOnly: false });
    await clock.advance(75); // reached the matcher at 50 ms; its answer is still on the way
    expect(rec.events).toEqual(['connected']);
    await clock.advance(25);
    expect(rec.events).toEqual(['connected', 'accepted 1']);
    expect(FakeSocket.last!.sent.filter((m) => m.includes('ping'))).toHaveLength(0);
    await clock.advance(10_000);
    expect(FakeSocket.last!.sent.filter((m) => m.includes('ping'))).toHaveLength(1);
  });
});
