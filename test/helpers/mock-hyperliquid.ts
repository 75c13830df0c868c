/**
 * A local Hyperliquid for tests: `POST /info`, `POST /exchange` and the WebSocket (`/ws`: the
 * `l2Book`, `trades`, `userFills` and `orderUpdates` subscriptions, `post` requests, `ping`),
 * speaking the documented request and answer shapes. Every `/exchange` request is checked as the
 * exchange checks it: the signer is recovered from the EIP-712 signature over the action's hash
 * (the library's hash, viem's recovery) and must be a known account or an agent of one; the nonce
 * must be new, `expiresAfter` not past. The test drives the market (`setBook`, `trade`) and the
 * faults: the next orders rejected (post-only cross, insufficient margin), 429s, partial IOC fills,
 * dropped messages, every socket disconnected. `scheduleCancel` works like the real one: when its
 * time comes, every open order of that user is cancelled.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { createL1ActionHash } from '@nktkas/hyperliquid/signing';
import { recoverTypedDataAddress } from 'viem';
import { type WebSocket, WebSocketServer } from 'ws';

type Side = 'B' | 'A';
type Level = [number, number];

export interface MockOrder {
  user: string;
  coin: string;
  asset: number;
  oid: number;
  cloid?: string;
  side: Side;
  px: number;
  sz: number;
  origSz: number;
  reduceOnly: boolean;
  timestamp: number;
}

export interface MockRequest {
  path: '/info' | '/exchange' | 'ws-post';
  body: Record<string, unknown>;
  /** The recovered signer of an /exchange request. */
  signer?: string;
  answer: unknown;
}

export interface MockHyperliquidOptions {
  coins?: { name: string; szDecimals: number }[];
  /** Signer address (lower-case) → the account it trades for (itself for a master key). */
  signers: Record<string, string>;
  network?: 'testnet' | 'mainnet';
  now?: () => number;
  /** How often scheduled cancels are checked; 0: only when `checkSchedules()` is called. */
  scheduleCheckMs?: number;
}

interface Subscriber {
  socket: WebSocket;
  subs: Set<string>;
}

const ZERO = '0x0000000000000000000000000000000000000000';
const fmt = (x: number) => String(Number(x.toFixed(8)));

export class MockHyperliquid {
  readonly requests: MockRequest[] = [];
  readonly orders = new Map<number, MockOrder>();
  readonly positions = new Map<string, number>();
  readonly fills: Record<string, unknown>[] = [];
  readonly scheduled = new Map<string, number>();
  /** Scheduled cancels that fired: the user and the orders cancelled. */
  readonly fired: { user: string; oids: number[] }[] = [];
  /** Faults: the next order statuses to answer instead of the normal outcome. */
  rejectNext: ('post_only' | 'margin')[] = [];
  /** How many next HTTP requests to answer 429. */
  rateLimitNext = 0;
  /** The next IOC fills only this share of what it could. */
  partialFillNext: number | null = null;
  dropMessages = false;
  port = 0;
  #coins: { name: string; szDecimals: number }[];
  #o: MockHyperliquidOptions;
  #now: () => number;
  #server: Server;
  #wss: WebSocketServer;
  #subscribers: Subscriber[] = [];
  #books = new Map<string, { bids: Level[]; asks: Level[] }>();
  #nonces = new Set<string>();
  #nextOid = 1_000;
  #nextTid = 5_000_000;
  #timer: NodeJS.Timeout | null = null;

  constructor(options: MockHyperliquidOptions) {
    this.#o = options;
    this.#coins = options.coins ?? [
      { name: 'BTC', szDecimals: 5 },
      { name: 'ETH', szDecimals: 4 },
      { name: 'HYPE', szDecimals: 2 },
    ];
    this.#now = options.now ?? Date.now;
    this.#server = createServer((req, res) => {
      void this.#http(req).then(
        ({ status, body }) => {
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end(body);
        },
        (error) => {
          res.writeHead(500);
          res.end(String(error));
        },
      );
    });
    this.#wss = new WebSocketServer({ server: this.#server, path: '/ws' });
    this.#wss.on('connection', (socket) => this.#onSocket(socket));
  }

  static async start(options: MockHyperliquidOptions): Promise<MockHyperliquid> {
    const mock = new MockHyperliquid(options);
    await new Promise<void>((resolve) => mock.#server.listen(0, '127.0.0.1', resolve));
    mock.port = (mock.#server.address() as { port: number }).port;
    const every = options.scheduleCheckMs ?? 100;
    if (every > 0) {
      mock.#timer = setInterval(() => mock.checkSchedules(), every);
      mock.#timer.unref();
    }
    return mock;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get wsUrl(): string {
    return `ws://127.0.0.1:${this.port}/ws`;
  }

  get connections(): number {
    return this.#subscribers.length;
  }

  /** Sockets subscribed to a coin's `l2Book` or `trades` (a test publishes once its client listens). */
  subscribers(type: 'l2Book' | 'trades', coin: string): number {
    return this.#subscribers.filter((s) => s.subs.has(`${type}:${coin}`)).length;
  }

  async close(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    for (const s of this.#subscribers) s.socket.terminate();
    await new Promise((r) => this.#wss.close(r));
    this.#server.closeAllConnections();
    await new Promise((r) => this.#server.close(r));
  }

  /** Every socket dropped without a close frame (as a network loss looks). */
  disconnectAll(): void {
    for (const s of this.#subscribers.splice(0)) s.socket.terminate();
  }

  openOrdersOf(user: string, coin?: string): MockOrder[] {
    return [...this.orders.values()].filter((o) => o.user === user && (coin === undefined || o.coin === coin));
  }

  position(user: string, coin: string): number {
    return this.positions.get(`${user}:${coin}`) ?? 0;
  }

  setPosition(user: string, coin: string, szi: number): void {
    this.positions.set(`${user}:${coin}`, szi);
  }

  /** A new book (best first), pushed to `l2Book` subscribers. */
  setBook(coin: string, bids: Level[], asks: Level[]): void {
    this.#books.set(coin, { bids, asks });
    this.#publish(`l2Book:${coin}`, { channel: 'l2Book', data: this.#l2(coin) });
  }

  /** Someone else's taker order: our resting orders it reaches fill (price priority, no queue). */
  trade(coin: string, taker: Side, px: number, sz: number): void {
    let left = sz;
    const makers = [...this.orders.values()]
      .filter((o) => o.coin === coin && o.side !== taker && (taker === 'B' ? o.px <= px : o.px >= px))
      .sort((a, b) => (taker === 'B' ? a.px - b.px : b.px - a.px));
    for (const o of makers) {
      if (left <= 0) break;
      const qty = Math.min(left, o.sz);
      left -= qty;
      this.#fill(o, qty, o.px, false);
    }
    this.#publish(`trades:${coin}`, {
      channel: 'trades',
      data: [
        {
          coin,
          side: taker,
          px: fmt(px),
          sz: fmt(sz),
          time: this.#now(),
          hash: `0x${'0'.repeat(64)}`,
          tid: this.#nextTid++,
          users: [ZERO, ZERO],
        },
      ],
    });
  }

  /** Fires every scheduled cancel whose time has come. */
  checkSchedules(): void {
    const now = this.#now();
    for (const [user, time] of this.scheduled) {
      if (time > now) continue;
      this.scheduled.delete(user);
      const mine = this.openOrdersOf(user);
      for (const o of mine) this.#endOrder(o, 'scheduledCancel');
      this.fired.push({ user, oids: mine.map((o) => o.oid) });
    }
  }

  // ---- HTTP --------------------------------------------------------------------------------------

  async #http(req: IncomingMessage): Promise<{ status: number; body: string }> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > 1024 * 1024) return { status: 413, body: '"too large"' };
      chunks.push(chunk as Buffer);
    }
    if (this.rateLimitNext > 0) {
      this.rateLimitNext--;
      return { status: 429, body: 'null' };
    }
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
    } catch {
      return { status: 422, body: '"Failed to deserialize the JSON body into the target type"' };
    }
    if (req.method === 'POST' && req.url === '/info') return { status: 200, body: JSON.stringify(this.#info(body, '/info')) };
    if (req.method === 'POST' && req.url === '/exchange')
      return { status: 200, body: JSON.stringify(await this.#exchange(body, '/exchange')) };
    return { status: 404, body: '"not found"' };
  }

  #info(body: Record<string, unknown>, path: MockRequest['path']): unknown {
    const user = String(body.user ?? '').toLowerCase();
    let answer: unknown;
    switch (body.type) {
      case 'meta':
        answer = { universe: this.#coins.map((c) => ({ name: c.name, szDecimals: c.szDecimals, maxLeverage: 20 })) };
        break;
      case 'clearinghouseState':
        answer = {
          assetPositions: this.#coins
            .filter((c) => this.position(user, c.name) !== 0)
            .map((c) => ({
              type: 'oneWay',
              position: {
                coin: c.name,
                szi: fmt(this.position(user, c.name)),
                entryPx: '1.0',
                leverage: { type: 'cross', value: 3 },
              },
            })),
          marginSummary: { accountValue: '10000.0', totalMarginUsed: '0.0', totalNtlPos: '0.0', totalRawUsd: '10000.0' },
          withdrawable: '10000.0',
          time: this.#now(),
        };
        break;
      case 'openOrders':
        answer = this.openOrdersOf(user).map((o) => ({
          coin: o.coin,
          limitPx: fmt(o.px),
          oid: o.oid,
          side: o.side,
          sz: fmt(o.sz),
          timestamp: o.timestamp,
          origSz: fmt(o.origSz),
          ...(o.cloid ? { cloid: o.cloid } : {}),
        }));
        break;
      case 'userRateLimit':
        answer = {
          cumVlm: '1000.0',
          nRequestsUsed: this.requests.filter((r) => r.path !== '/info').length,
          nRequestsCap: 11_000,
        };
        break;
      case 'l2Book':
        answer = this.#l2(String(body.coin));
        break;
      default:
        answer = null;
    }
    this.requests.push({ path, body, answer });
    return answer;
  }

  async #exchange(body: Record<string, unknown>, path: MockRequest['path']): Promise<unknown> {
    const answer = await this.#exchangeAnswer(body);
    this.requests.push({ path, body, signer: (body as { _signer?: string })._signer, answer });
    delete (body as { _signer?: string })._signer;
    return answer;
  }

  async #exchangeAnswer(body: Record<string, unknown>): Promise<unknown> {
    const action = body.action as Record<string, unknown> & { type: string };
    const nonce = Number(body.nonce);
    const expiresAfter = body.expiresAfter === undefined ? undefined : Number(body.expiresAfter);
    const vault = body.vaultAddress as `0x${string}` | undefined;
    const sig = body.signature as { r: `0x${string}`; s: `0x${string}`; v: number };
    let signer: string;
    try {
      const hash = createL1ActionHash({
        action,
        nonce,
        ...(vault ? { vaultAddress: vault } : {}),
        ...(expiresAfter !== undefined ? { expiresAfter } : {}),
      });
      signer = (
        await recoverTypedDataAddress({
          domain: { name: 'Exchange', version: '1', chainId: 1337, verifyingContract: ZERO },
          types: {
            Agent: [
              { name: 'source', type: 'string' },
              { name: 'connectionId', type: 'bytes32' },
            ],
          },
          primaryType: 'Agent',
          message: { source: (this.#o.network ?? 'testnet') === 'mainnet' ? 'a' : 'b', connectionId: hash },
          signature: { r: sig.r, s: sig.s, v: BigInt(sig.v) },
        })
      ).toLowerCase();
    } catch (error) {
      return { status: 'err', response: `Invalid signature: ${(error as Error).message.split('\n')[0]}` };
    }
    (body as { _signer?: string })._signer = signer;
    const user = this.#o.signers[signer];
    if (user === undefined) return { status: 'err', response: `User or API Wallet ${signer} does not exist.` };
    if (expiresAfter !== undefined && expiresAfter < this.#now())
      return { status: 'err', response: `Action expired at ${expiresAfter}` };
    const key = `${signer}:${nonce}`;
    if (this.#nonces.has(key)) return { status: 'err', response: `Invalid nonce: duplicate nonce ${nonce}` };
    this.#nonces.add(key);
    switch (action.type) {
      case 'order':
        return {
          status: 'ok',
          response: {
            type: 'order',
            data: { statuses: (action.orders as Record<string, unknown>[]).map((o) => this.#order(user, o)) },
          },
        };
      case 'cancelByCloid':
        return {
          status: 'ok',
          response: {
            type: 'cancel',
            data: {
              statuses: (action.cancels as { asset: number; cloid: string }[]).map((c) =>
                this.#cancel(user, (o) => o.cloid === c.cloid && o.asset === c.asset),
              ),
            },
          },
        };
      case 'cancel':
        return {
          status: 'ok',
          response: {
            type: 'cancel',
            data: {
              statuses: (action.cancels as { a: number; o: number }[]).map((c) =>
                this.#cancel(user, (o) => o.oid === c.o && o.asset === c.a),
              ),
            },
          },
        };
      case 'scheduleCancel': {
        const time = action.time as number | undefined;
        if (time === undefined) this.scheduled.delete(user);
        else if (time < this.#now() + 5_000)
          return { status: 'err', response: 'Scheduled cancel time too early, must be at least 5 seconds from now.' };
        else this.scheduled.set(user, time);
        return { status: 'ok', response: { type: 'default' } };
      }
      default:
        return { status: 'err', response: `Unknown action ${action.type}` };
    }
  }

  #order(user: string, wire: Record<string, unknown>): unknown {
    const asset = wire.a as number;
    const coin = this.#coins[asset]?.name;
    if (coin === undefined) return { error: `Invalid asset ${asset}` };
    const side: Side = wire.b ? 'B' : 'A';
    const px = Number(wire.p);
    const sz = Number(wire.s);
    const tif = (wire.t as { limit: { tif: string } }).limit.tif;
    const cloid = wire.c as string | undefined;
    const reduceOnly = wire.r === true;
    const fault = this.rejectNext.shift();
    if (fault === 'margin') return { error: `Insufficient margin to place order. asset=${asset}` };
    const book = this.#books.get(coin) ?? { bids: [], asks: [] };
    const bestBid = book.bids[0]?.[0] ?? 0;
    const bestAsk = book.asks[0]?.[0] ?? Number.POSITIVE_INFINITY;
    const crosses = side === 'B' ? px >= bestAsk : px <= bestBid;
    if (fault === 'post_only' || (tif === 'Alo' && crosses))
      return { error: `Post only order would have immediately matched, bbo was ${bestBid}@${bestAsk}. asset=${asset}` };
    const position = this.position(user, coin);
    let size = sz;
    if (reduceOnly) {
      if (side === 'B' ? position >= 0 : position <= 0)
        return { error: `Reduce only order would increase position. asset=${asset}` };
      size = Math.min(size, Math.abs(position));
    }
    const order: MockOrder = {
      user,
      coin,
      asset,
      oid: this.#nextOid++,
      side,
      px,
      sz: size,
      origSz: sz,
      reduceOnly,
      timestamp: this.#now(),
      ...(cloid ? { cloid } : {}),
    };
    if (tif === 'Ioc') {
      const levels = side === 'B' ? book.asks : book.bids;
      let want = size * (this.partialFillNext ?? 1);
      this.partialFillNext = null;
      let filled = 0;
      let notional = 0;
      for (const [lpx, lsz] of levels) {
        if (want <= 1e-12 || (side === 'B' ? lpx > px : lpx < px)) break;
        const qty = Math.min(want, lsz);
        want -= qty;
        filled += qty;
        notional += qty * lpx;
        this.#fill(order, qty, lpx, true);
      }
      if (filled <= 1e-12) return { error: `Order could not immediately match against any resting orders. asset=${asset}` };
      this.#publishOrderUpdate(order, filled >= size - 1e-12 ? 'filled' : 'canceled');
      return { filled: { totalSz: fmt(filled), avgPx: fmt(notional / filled), oid: order.oid, ...(cloid ? { cloid } : {}) } };
    }
    this.orders.set(order.oid, order);
    this.#publishOrderUpdate(order, 'open');
    return { resting: { oid: order.oid, ...(cloid ? { cloid } : {}) } };
  }

  #cancel(user: string, match: (o: MockOrder) => boolean): unknown {
    const order = this.openOrdersOf(user).find(match);
    if (order === undefined) return { error: 'Order was never placed, already canceled, or filled.' };
    this.#endOrder(order, 'canceled');
    return 'success';
  }

  #endOrder(order: MockOrder, status: string): void {
    this.orders.delete(order.oid);
    this.#publishOrderUpdate(order, status);
  }

  #fill(order: MockOrder, qty: number, px: number, crossed: boolean): void {
    const signed = order.side === 'B' ? qty : -qty;
    const start = this.position(order.user, order.coin);
    this.setPosition(order.user, order.coin, Number((start + signed).toFixed(8)));
    const fill = {
      coin: order.coin,
      px: fmt(px),
      sz: fmt(qty),
      side: order.side,
      time: this.#now(),
      startPosition: fmt(start),
      dir: order.side === 'B' ? 'Open Long' : 'Open Short',
      closedPnl: '0.0',
      hash: `0x${'0'.repeat(64)}`,
      oid: order.oid,
      crossed,
      fee: fmt(qty * px * (crossed ? 0.00045 : 0.00015)),
      tid: this.#nextTid++,
      feeToken: 'USDC',
      ...(order.cloid ? { cloid: order.cloid } : {}),
    };
    this.fills.push({ user: order.user, ...fill });
    if (!crossed) {
      order.sz = Number((order.sz - qty).toFixed(8));
      if (order.sz <= 1e-12) this.#endOrder(order, 'filled');
    }
    this.#publish(`userFills:${order.user}`, { channel: 'userFills', data: { user: order.user, fills: [fill] } });
  }

  #publishOrderUpdate(order: MockOrder, status: string): void {
    this.#publish(`orderUpdates:${order.user}`, {
      channel: 'orderUpdates',
      data: [
        {
          order: {
            coin: order.coin,
            side: order.side,
            limitPx: fmt(order.px),
            sz: fmt(order.sz),
            oid: order.oid,
            timestamp: order.timestamp,
            origSz: fmt(order.origSz),
            ...(order.cloid ? { cloid: order.cloid } : {}),
          },
          status,
          statusTimestamp: this.#now(),
        },
      ],
    });
  }

  #l2(coin: string) {
    const book = this.#books.get(coin) ?? { bids: [], asks: [] };
    const level = ([px, sz]: Level) => ({ px: fmt(px), sz: fmt(sz), n: 1 });
    return { coin, time: this.#now(), levels: [book.bids.map(level), book.asks.map(level)] };
  }

  // ---- WebSocket ----------------------------------------------------------------------------------

  #onSocket(socket: WebSocket): void {
    const sub: Subscriber = { socket, subs: new Set() };
    this.#subscribers.push(sub);
    socket.on('close', () => {
      const i = this.#subscribers.indexOf(sub);
      if (i >= 0) this.#subscribers.splice(i, 1);
    });
    socket.on('message', (data) => void this.#onWsMessage(sub, String(data)));
  }

  async #onWsMessage(sub: Subscriber, text: string): Promise<void> {
    let msg: {
      method?: string;
      subscription?: { type: string; coin?: string; user?: string };
      id?: number;
      request?: { type: string; payload: Record<string, unknown> };
    };
    try {
      msg = JSON.parse(text);
    } catch {
      return this.#send(sub, { channel: 'error', data: `Invalid message: ${text.slice(0, 100)}` });
    }
    if (msg.method === 'ping') return this.#send(sub, { channel: 'pong' });
    if (msg.method === 'post' && msg.request) {
      const payload = msg.request.payload;
      const response =
        msg.request.type === 'info'
          ? { type: 'info', payload: { type: payload.type, data: this.#info(payload, 'ws-post') } }
          : { type: 'action', payload: await this.#exchange(payload, 'ws-post') };
      return this.#send(sub, { channel: 'post', data: { id: msg.id, response } });
    }
    if (msg.method === 'subscribe' && msg.subscription) {
      const s = msg.subscription;
      const known = s.coin === undefined || this.#coins.some((c) => c.name === s.coin);
      if (!known || (s.type !== 'l2Book' && s.type !== 'trades' && s.type !== 'userFills' && s.type !== 'orderUpdates'))
        return this.#send(sub, { channel: 'error', data: `Invalid subscription ${JSON.stringify(s)}` });
      const key = `${s.type}:${(s.coin ?? s.user ?? '').toString()}`;
      sub.subs.add(s.type === 'userFills' || s.type === 'orderUpdates' ? `${s.type}:${String(s.user).toLowerCase()}` : key);
      this.#send(sub, { channel: 'subscriptionResponse', data: { method: 'subscribe', subscription: s } });
      if (s.type === 'l2Book' && this.#books.has(s.coin!)) this.#send(sub, { channel: 'l2Book', data: this.#l2(s.coin!) });
      if (s.type === 'userFills') {
        const user = String(s.user).toLowerCase();
        const fills = this.fills.filter((f) => f.user === user).map(({ user: _u, ...f }) => f);
        this.#send(sub, { channel: 'userFills', data: { isSnapshot: true, user, fills } });
      }
      return;
    }
    this.#send(sub, { channel: 'error', data: `Unknown method ${String(msg.method)}` });
  }

  #publish(key: string, message: unknown): void {
    for (const sub of this.#subscribers) if (sub.subs.has(key)) this.#send(sub, message);
  }

  #send(sub: Subscriber, message: unknown): void {
    if (this.dropMessages) return;
    if (sub.socket.readyState === 1) sub.socket.send(JSON.stringify(message));
  }
}
