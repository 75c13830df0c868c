/**
 * The live venue against the local mock exchange (test/helpers/mock-hyperliquid.ts, loopback only):
 * every request it sends is signed by an agent wallet whose address the mock recovers from the
 * signature, and every answer it reads is in the documented shape.
 */
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Fill, VenueListener } from '../../../engine/venue/venue.ts';
import { createHyperliquidSigner } from '../../../runner/venues/hyperliquid/hyperliquid-signer.ts';
import { HyperliquidVenue, type HyperliquidVenueOptions } from '../../../runner/venues/hyperliquid/hyperliquid-venue.ts';
import { eventually } from '../../../tools/eventually.ts';
import { MockHyperliquid } from '../../helpers/mock-hyperliquid.ts';

const AGENT_KEY = '0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318';
const MASTER = '0x00000000000000000000000000000000000000aa';
const agent = createHyperliquidSigner(AGENT_KEY);

const until = (what: string, predicate: () => boolean) => eventually(predicate, { what, timeoutMs: 10_000, intervalMs: 5 });

let mock: MockHyperliquid | null = null;
let venue: HyperliquidVenue | null = null;
afterEach(async () => {
  venue?.stop();
  venue = null;
  await mock?.close();
  mock = null;
});

function recorder() {
  const events: string[] = [];
  const fills: Fill[] = [];
  const positions: number[] = [];
  let books = 0;
  const listener: VenueListener = {
    onBook: () => void books++,
    onOrderAccepted: (id) => void events.push(`accepted ${id}`),
    onOrderRejected: (id, reason) => void events.push(`rejected ${id} ${reason}`),
    onOrderEnded: (id, reason) => void events.push(`ended ${id} ${reason}`),
    onCancelRejected: (id) => void events.push(`cancel_rejected ${id}`),
    onFill: (f) => void fills.push(f),
    onPosition: (_, p) => void positions.push(p),
    onConnectionChange: (c) => void events.push(c ? 'connected' : 'disconnected'),
  };
  return { events, fills, positions, listener, books: () => books };
}

async function setup(extra: Partial<HyperliquidVenueOptions> = {}) {
  const skew = { ms: 0 };
  mock = await MockHyperliquid.start({
    signers: { [agent.address]: MASTER },
    now: () => Date.now() + skew.ms,
    scheduleCheckMs: 20,
  });
  mock.setBook(
    'HYPE',
    [
      [29.999, 10],
      [29.998, 10],
    ],
    [
      [30.001, 10],
      [30.002, 10],
    ],
  );
  const rec = recorder();
  const logs: string[] = [];
  venue = new HyperliquidVenue({
    network: 'testnet',
    coin: 'HYPE',
    signer: agent,
    account: MASTER,
    apiUrl: mock.url,
    wsUrl: mock.wsUrl,
    backoff: { baseMs: 5, capMs: 20 },
    logger: {
      info: (o, m) => void logs.push(`${m} ${JSON.stringify(o)}`),
      warn: (o, m) => void logs.push(`${m} ${JSON.stringify(o)}`),
    },
    ...extra,
  });
  venue.setListener(rec.listener);
  await venue.start();
  await until('connected', () => rec.events.includes('connected') && rec.books() > 0);
  return { mock, venue, rec, logs, skew };
}

const exchangeActions = (m: MockHyperliquid, type: string) =>
  m.requests.filter((r) => r.path === '/exchange' && (r.body.action as { type: string }).type === type);

describe('Hyperliquid venue on the mock exchange', () => {
  it('quotes post-only Alo orders with cloids, both sides in one signed action the exchange attributes to the agent', async () => {
    const t = await setup();
    expect(t.venue.market).toEqual({ tick: 0.001, lot: 0.01 });
    t.venue.place({ id: 1, side: 'buy', price: 29.9951, size: 0.305, type: 'post_only', reduceOnly: false });
    t.venue.place({ id: 2, side: 'sell', price: 30.0049, size: 0.3, type: 'post_only', reduceOnly: false });
    await until('both accepted', () => t.rec.events.includes('accepted 2'));
    const orders = exchangeActions(t.mock, 'order');
    expect(orders).toHaveLength(1);
    expect(orders[0]!.signer).toBe(agent.address);
    const body = orders[0]!.body as { action: { orders: Record<string, unknown>[] }; expiresAfter: number; nonce: number };
    expect(body.expiresAfter).toBeGreaterThan(body.nonce);
    // Prices on the 0.001 grid away from the book, size floored to szDecimals 2.
    expect(body.action.orders.map((o) => [o.a, o.b, o.p, o.s, o.r, o.t])).toEqual([
      [2, true, '29.995', '0.3', false, { limit: { tif: 'Alo' } }],
      [2, false, '30.005', '0.3', false, { limit: { tif: 'Alo' } }],
    ]);
    expect(body.action.orders[0]!.c).toMatch(/^0x[0-9a-f]{16}0{15}1$/);
    expect(t.mock.openOrdersOf(MASTER, 'HYPE')).toHaveLength(2);
  });

  it('takes a book with no positive mid without failing, and keeps the tick it had', async () => {
    const t = await setup();
    const before = t.rec.books();
    // Both sides at 0: the price rule has no tick for it (it used to throw in the message handler).
    t.mock.setBook('HYPE', [[0, 5]], [[0, 5]]);
    await until('the zero book', () => t.rec.books() >= before + 1);
    expect(t.venue.market.tick).toBe(0.001);
    t.mock.setBook('HYPE', [[299.99, 5]], [[300.01, 5]]);
    await until('the next book', () => t.rec.books() >= before + 2);
    expect(t.venue.market.tick).toBe(0.01); // 5 significant figures at 300
  });

  it("maps the exchange's refusals: post-only cross, insufficient margin, and a 429 that holds quotes back", async () => {
    const t = await setup();
    t.venue.place({ id: 1, side: 'buy', price: 30.001, size: 1, type: 'post_only', reduceOnly: false });
    await until('cross rejected', () => t.rec.events.includes('rejected 1 post_only_would_cross'));
    t.mock.rejectNext.push('margin');
    t.venue.place({ id: 2, side: 'buy', price: 29.99, size: 1, type: 'post_only', reduceOnly: false });
    await until('margin rejected', () => t.rec.events.includes('rejected 2 invalid_order'));
    expect(t.logs.join('\n')).toContain('Insufficient margin to place order');
    t.mock.rateLimitNext = 1;
    t.venue.place({ id: 3, side: 'buy', price: 29.99, size: 1, type: 'post_only', reduceOnly: false });
    await until('429 rejected', () => t.rec.events.includes('rejected 3 disconnected'));
    expect(t.venue.status().rate.throttled).toBe(1);
    // Cooling down: the next quote is not even sent, a cancel still may be.
    const sentBefore = t.mock.requests.length;
    t.venue.place({ id: 4, side: 'buy', price: 29.99, size: 1, type: 'post_only', reduceOnly: false });
    await until('held back', () => t.rec.events.includes('rejected 4 disconnected'));
    expect(t.mock.requests.length).toBe(sentBefore);
    expect(t.venue.status().rate.deferred).toBeGreaterThan(0);
  });

  it('books fills from userFills once per tid, only for our coin and our orders, and ends a filled order', async () => {
    const t = await setup();
    t.venue.place({ id: 1, side: 'buy', price: 29.999, size: 1, type: 'post_only', reduceOnly: false });
    await until('accepted', () => t.rec.events.includes('accepted 1'));
    t.mock.trade('HYPE', 'A', 29.999, 0.4);
    await until('fill', () => t.rec.fills.length === 1);
    expect(t.rec.fills[0]).toMatchObject({
      orderId: 1,
      side: 'buy',
      price: 29.999,
      size: 0.4,
      liquidity: 'maker',
      symbol: 'HYPE',
    });
    // A foreign order on the same coin and a fill on another coin are not ours.
    t.mock.orders.set(1, {
      user: MASTER,
      coin: 'HYPE',
      asset: 2,
      oid: 1,
      side: 'B',
      px: 29.999,
      sz: 5,
      origSz: 5,
      reduceOnly: false,
      timestamp: 0,
    });
    t.mock.orders.set(2, {
      user: MASTER,
      coin: 'ETH',
      asset: 1,
      oid: 2,
      side: 'B',
      px: 3000,
      sz: 1,
      origSz: 1,
      reduceOnly: false,
      timestamp: 0,
    });
    t.mock.trade('ETH', 'A', 3000, 1);
    t.mock.trade('HYPE', 'A', 29.999, 0.6);
    await until('ended filled', () => t.rec.events.includes('ended 1 filled'));
    expect(t.rec.fills.map((f) => f.size)).toEqual([0.4, 0.6]);
    // A reconnect replays every fill in the userFills snapshot: none is booked twice.
    t.mock.disconnectAll();
    await until('reconnected', () => t.rec.events.filter((e) => e === 'connected').length === 2);
    await until('snapshot read', () => t.venue.connections === 2);
    expect(t.rec.fills).toHaveLength(2);
  });

  it('liquidates with a reduce-only IOC that walks the book; a partial fill ends expired', async () => {
    const t = await setup();
    t.mock.setPosition(MASTER, 'HYPE', 12);
    t.venue.requestPosition();
    await until('position', () => t.rec.positions.includes(12));
    t.venue.place({ id: 1, side: 'sell', price: 29.97, size: 12, type: 'ioc', reduceOnly: true });
    await until('ended', () => t.rec.events.some((e) => e.startsWith('ended 1')));
    const wire = (exchangeActions(t.mock, 'order')[0]!.body.action as { orders: Record<string, unknown>[] }).orders[0]!;
    expect(wire).toMatchObject({ b: false, p: '29.97', s: '12', r: true, t: { limit: { tif: 'Ioc' } } });
    expect(t.rec.events).toContain('ended 1 filled');
    await until('fills', () => t.rec.fills.length === 2);
    expect(t.rec.fills.map((f) => [f.price, f.size, f.liquidity])).toEqual([
      [29.999, 10, 'taker'],
      [29.998, 2, 'taker'],
    ]);
    t.mock.partialFillNext = 0.5;
    t.mock.setPosition(MASTER, 'HYPE', 4);
    t.venue.place({ id: 2, side: 'sell', price: 29.9, size: 4, type: 'ioc', reduceOnly: true });
    await until('partial', () => t.rec.events.some((e) => e.includes(' 2 ')));
    expect(t.rec.events).toEqual(['connected', 'accepted 1', 'ended 1 filled', 'accepted 2', 'ended 2 expired']);
  });

  it('cancels by cloid, refuses a cancel of an unknown order, and reconciles stray orders after a reconnect', async () => {
    const t = await setup();
    t.venue.place({ id: 1, side: 'buy', price: 29.99, size: 1, type: 'post_only', reduceOnly: false });
    await until('accepted', () => t.rec.events.includes('accepted 1'));
    t.venue.cancel(1);
    await until('cancelled', () => t.rec.events.includes('ended 1 cancelled'));
    expect(exchangeActions(t.mock, 'cancelByCloid')[0]!.body.action).toMatchObject({ cancels: [{ asset: 2 }] });
    t.venue.cancel(99);
    await until('cancel rejected', () => t.rec.events.includes('cancel_rejected 99'));
    // An order of an earlier run rests on the book; after a reconnect it is found and cancelled.
    t.mock.orders.set(7, {
      user: MASTER,
      coin: 'HYPE',
      asset: 2,
      oid: 7,
      cloid: '0xffffffffffffffff0000000000000001',
      side: 'A',
      px: 30.5,
      sz: 1,
      origSz: 1,
      reduceOnly: false,
      timestamp: 0,
    });
    t.mock.disconnectAll();
    await until('disconnected', () => t.rec.events.includes('disconnected'));
    await until('stray cancelled', () => t.mock!.orders.size === 0);
    expect(exchangeActions(t.mock, 'cancel').at(-1)!.body.action).toEqual({ type: 'cancel', cancels: [{ a: 2, o: 7 }] });
  });

  it("keeps the dead-man's switch ahead while healthy; once unhealthy it lets the exchange cancel everything", async () => {
    let healthy = true;
    const t = await setup({ deadManMs: 6_000, deadManRefreshMs: 50, isHealthy: () => healthy });
    t.venue.place({ id: 1, side: 'buy', price: 29.99, size: 1, type: 'post_only', reduceOnly: false });
    await until('accepted', () => t.rec.events.includes('accepted 1'));
    await until('refreshed twice', () => t.venue.status().dead_man.refreshes >= 2);
    const first = exchangeActions(t.mock, 'scheduleCancel')[0]!.body.action as { time: number };
    expect(t.mock.scheduled.get(MASTER)).toBeGreaterThan(first.time);
    healthy = false;
    const refreshes = t.venue.status().dead_man.refreshes;
    t.skew.ms = 7_000; // the exchange's clock passes the last scheduled time
    await until('fired', () => t.mock!.fired.length === 1);
    expect(t.mock.fired[0]).toEqual({ user: MASTER, oids: [expect.any(Number)] });
    await until('order ended', () => t.rec.events.includes('ended 1 cancelled'));
    expect(t.venue.status().dead_man.refreshes).toBe(refreshes);
  });

  it('in dry-run signs and logs every request body but sends nothing to /exchange, and never logs the key', async () => {
    const t = await setup({ dryRun: true });
    t.venue.place({ id: 1, side: 'buy', price: 29.99, size: 1, type: 'post_only', reduceOnly: false });
    await until('accepted', () => t.rec.events.includes('accepted 1'));
    t.venue.cancel(1);
    await until('cancelled', () => t.rec.events.includes('ended 1 cancelled'));
    expect(t.mock.requests.filter((r) => r.path === '/exchange')).toEqual([]);
    const dry = t.logs.filter((l) => l.startsWith('dry run: signed request not sent'));
    expect(dry.some((l) => l.includes('"type":"order"') && l.includes('"signature"'))).toBe(true);
    expect(dry.some((l) => l.includes('"type":"cancelByCloid"'))).toBe(true);
    expect(t.logs.join('\n').toLowerCase()).not.toContain(AGENT_KEY.slice(2).toLowerCase());
    expect(t.venue.status().dry_run).toBe(true);
  });
});

describe('the mock exchange itself', () => {
  it('answers a WebSocket post and refuses a request whose signer it does not know', async () => {
    mock = await MockHyperliquid.start({ signers: {}, scheduleCheckMs: 0 });
    const socket = new WebSocket(mock.wsUrl);
    const messages: unknown[] = [];
    socket.on('message', (d) => messages.push(JSON.parse(String(d))));
    await new Promise((r) => socket.once('open', r));
    socket.send(JSON.stringify({ method: 'post', id: 7, request: { type: 'info', payload: { type: 'meta' } } }));
    const nonce = Date.now();
    const action = { type: 'scheduleCancel' };
    const signature = await agent.sign({ action, nonce, network: 'testnet' });
    socket.send(JSON.stringify({ method: 'post', id: 8, request: { type: 'action', payload: { action, nonce, signature } } }));
    socket.send(JSON.stringify({ method: 'subscribe', subscription: { type: 'l2Book', coin: 'NOPE' } }));
    await until('three answers', () => messages.length === 3);
    socket.close();
    const byId = (id: number) => messages.find((m) => (m as { data?: { id?: number } }).data?.id === id);
    expect(byId(7)).toMatchObject({
      channel: 'post',
      data: { id: 7, response: { type: 'info', payload: { type: 'meta', data: { universe: expect.any(Array) } } } },
    });
    expect(byId(8)).toEqual({
      channel: 'post',
      data: {
        id: 8,
        response: { type: 'action', payload: { status: 'err', response: `User or API Wallet ${agent.address} does not exist.` } },
      },
    });
    expect(messages.find((m) => (m as { channel: string }).channel === 'error')).toEqual({
      channel: 'error',
      data: 'Invalid subscription {"type":"l2Book","coin":"NOPE"}',
    });
  });
});
