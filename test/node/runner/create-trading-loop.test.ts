import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { DEFAULT_PARAMS, type Params } from '../../../shared/params-schema.ts';
import { createTradingLoopFactory } from '../../../runner/trading/create-trading-loop.ts';
import type { RiskPolicy } from '../../../engine/trading-loop-contract.ts';
import { hypeBook } from './fixtures/hyperliquid-hype.ts';
import { eventually } from '../../../tools/eventually.ts';
import { FakeClock } from '../helpers/fake-clock.ts';

const logger = pino({ level: 'silent' });

/** A fake wall clock the test moves by hand. */
function harness() {
  const clock = new FakeClock(0);
  const holder = {
    current: DEFAULT_PARAMS as Readonly<Params>,
    version: 1 as number | null,
    get() {
      return this.current;
    },
  };
  let policy: RiskPolicy = 'normal';
  const factory = createTradingLoopFactory({
    clock,
    batchMs: 50,
  });
  const loop = factory({ params: holder, health: { policy: () => policy }, venue: 'sim', seed: 5, logger });
  return {
    loop,
    holder,
    setPolicy: (p: RiskPolicy) => (policy = p),
    /** Lets `ms` of wall time pass in 50 ms batches. */
    async run(ms: number) {
      for (let t = 0; t < ms; t += 50) await clock.advance(50);
    },
    running: () => clock.pending().length > 0,
  };
}

describe('trading loop on the sim venue', () => {
  it('quotes on the simulated exchange paced by the wall clock and reports a snapshot', async () => {
    const h = harness();
    h.loop.start();
    await h.run(2_000);
    const snap = h.loop.snapshot();
    expect(snap.mid).toBeGreaterThan(0);
    expect(snap.bid).not.toBeNull();
    expect(snap.ask).not.toBeNull();
    expect(snap.bid!).toBeLessThan(snap.ask!);
    expect(snap.mode).toBe('active');
    expect(snap.params_version).toBe(1);
    await h.loop.stop('test over');
    expect(h.running()).toBe(false);
    expect(h.loop.snapshot()).toMatchObject({ bid: null, ask: null, mode: 'stopped' });
  });

  it('applies a params swap and the halt policy on the next events', async () => {
    const h = harness();
    h.loop.start();
    await h.run(2_000);
    const before = h.loop.snapshot();
    h.holder.current = { ...DEFAULT_PARAMS, base_half_spread_bps: 40 };
    h.holder.version = 2;
    await h.run(1_000);
    const after = h.loop.snapshot();
    expect(after.params_version).toBe(2);
    expect(after.ask! - after.bid!).toBeGreaterThan(before.ask! - before.bid!);
    h.setPolicy('halt');
    await h.run(500);
    expect(h.loop.snapshot()).toMatchObject({ bid: null, ask: null, mode: 'halted' });
    await h.loop.stop('test over');
  });

  it('rejects an unknown venue, naming the accepted ones', () => {
    const factory = createTradingLoopFactory();
    expect(() =>
      factory({ params: { get: () => DEFAULT_PARAMS }, health: { policy: () => 'normal' }, venue: 'binance', seed: 1, logger }),
    ).toThrow(/sim, paper or hyperliquid/);
  });
});

describe('trading loop on the paper venue', () => {
  let server: WebSocketServer | undefined;
  afterEach(async () => {
    for (const c of server?.clients ?? []) c.terminate();
    await new Promise((r) => (server ? server.close(r) : r(undefined)));
  });

  it('takes the feed URL and coin from its options and quotes from the real-shaped book', async () => {
    server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    server.on('connection', (socket) => {
      socket.on('message', (data) => {
        if (String(data).includes('l2Book')) socket.send(hypeBook(Date.now()));
        if (String(data).includes('"trades"')) socket.send('{"channel":"error","data":"Invalid subscription trades"}');
      });
    });
    await new Promise((r) => server!.once('listening', r));
    const { port } = server.address() as { port: number };
    const factory = createTradingLoopFactory({
      paper: { url: `ws://127.0.0.1:${port}`, coin: 'HYPE' },
      batchMs: 5,
    });
    const loop = factory({
      params: { get: () => DEFAULT_PARAMS },
      health: { policy: () => 'normal' },
      venue: 'paper',
      seed: 1,
      logger,
    });
    loop.start();
    await eventually(() => loop.snapshot().bid !== null, {
      what: 'a first quote from the paper feed',
      timeoutMs: 10_000,
      intervalMs: 5,
    });
    expect(loop.snapshot()).toMatchObject({ mid: 30, bid: 29.985, ask: 30.015, mode: 'active' });
    // The feed's refusal is in /status, not only in the log.
    await eventually(() => loop.snapshot().venue?.feed_errors === 1, {
      what: 'the feed error in the snapshot',
      timeoutMs: 10_000,
      intervalMs: 5,
    });
    expect(loop.snapshot().venue).toEqual({ feed_errors: 1, last_feed_error: 'Invalid subscription trades' });
    await loop.stop('test over');
    expect(loop.snapshot()).toMatchObject({ bid: null, ask: null });
  });
});
