/**
 * The one reconnecting socket against an in-memory WebSocket and a fake clock: reconnect delays
 * (full jitter, reset once the peer spoke, Retry-After winning), the upgrade deadline, silence,
 * pings, ordered message handling, the failure policy and a clean stop.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { computeBackoff, retryDelay } from '../../../client/backoff.ts';
import { NotFoundError, ServerError, TimeoutError, UnauthorizedError } from '../../../client/edge-errors.ts';
import {
  DEFAULT_MAX_MESSAGE_BYTES,
  PING_INTERVAL_MS,
  ReconnectingSocket,
  type ReconnectingSocketOptions,
  type SocketEnd,
  type SocketFailure,
} from '../../../client/reconnecting-socket.ts';
import { FakeClock } from '../helpers/fake-clock.ts';
import { fakeWebSockets } from '../helpers/fake-websocket.ts';

const backoff = { baseMs: 500, capMs: 30_000 };
/** Lets promise callbacks run (no timers). */
const settle = () => new Promise((resolve) => setImmediate(resolve));

let stopper: AbortController | undefined;
afterEach(() => {
  stopper?.abort();
  stopper = undefined;
});

function start(options: Partial<ReconnectingSocketOptions> = {}) {
  const clock = new FakeClock();
  const { WebSocket, sockets } = fakeWebSockets();
  const failures: SocketFailure[] = [];
  const messages: string[] = [];
  stopper = new AbortController();
  const socket = new ReconnectingSocket({
    url: 'ws://edge.test/v1/sets/s/watch',
    headers: { authorization: 'Bearer t' },
    WebSocket,
    clock,
    random: () => 0.5,
    backoff,
    onMessage: (text) => void messages.push(text),
    onFailure: (failure) => {
      failures.push(failure);
      return 'retry';
    },
    ...options,
  });
  const running: Promise<SocketEnd> = socket.run(stopper.signal);
  return { clock, sockets, failures, messages, running, stop: stopper };
}

describe('ReconnectingSocket', () => {
  it('opens through a ws-style constructor with the headers and a cap on message size', async () => {
    const { sockets } = start();
    expect(sockets[0]!.args).toEqual([
      'ws://edge.test/v1/sets/s/watch',
      { headers: { authorization: 'Bearer t' }, handshakeTimeout: PING_INTERVAL_MS, maxPayload: DEFAULT_MAX_MESSAGE_BYTES },
    ]);
    const capped = start({ headers: {}, maxMessageBytes: 4096 });
    expect(capped.sockets[0]!.args).toEqual([
      'ws://edge.test/v1/sets/s/watch',
      { headers: {}, handshakeTimeout: PING_INTERVAL_MS, maxPayload: 4096 },
    ]);
  });

  it('reconnects after a lost socket with full jitter, and resets the backoff once the peer has spoken', async () => {
    const { clock, sockets, failures, messages } = start();
    sockets[0]!.open();
    let sleep = clock.nextSleep();
    sockets[0]!.drop(1011);
    expect(await sleep).toBe(computeBackoff(0, backoff, () => 0.5));
    expect(failures[0]).toMatchObject({ attempt: 0, opened: true, delayMs: 250 });
    expect(failures[0]!.error.message).toMatch(/closed by the peer \(code 1011\)/);

    // Opened but silent before closing: the attempt count goes on growing.
    await clock.advance(250);
    expect(sockets).toHaveLength(2);
    sockets[1]!.open();
    sleep = clock.nextSleep();
    sockets[1]!.drop();
    expect(await sleep).toBe(computeBackoff(1, backoff, () => 0.5));

    // A session in which the peer sent a message starts the count again.
    await clock.advance(500);
    sockets[2]!.open();
    sockets[2]!.receive('hello');
    sleep = clock.nextSleep();
    sockets[2]!.drop();
    expect(await sleep).toBe(computeBackoff(0, backoff, () => 0.5));
    expect(messages).toEqual(['hello']);
    expect(failures.map((f) => f.attempt)).toEqual([0, 1, 0]);
  });

  it("waits the server's Retry-After (plus a small spread) after a refused upgrade", async () => {
    const { clock, sockets, failures } = start();
    const sleep = clock.nextSleep();
    sockets[0]!.refuse(503, { 'retry-after': '7' });
    expect(await sleep).toBe(retryDelay(7000, 0, backoff, () => 0.5));
    expect(failures[0]!.error).toBeInstanceOf(ServerError);
    expect(failures[0]!.error.retryAfterMs).toBe(7000);
    expect(failures[0]).toMatchObject({ opened: false, delayMs: 7250 });
    expect(sockets[0]!.terminated).toBe(true);
  });

  it('gives up when the policy says so, with the cause and whether it ever opened', async () => {
    const { sockets, running } = start({ onFailure: () => 'stop' });
    sockets[0]!.refuse(401);
    const end = await running;
    expect(end).toMatchObject({ kind: 'gave-up', opened: false });
    expect(end.kind === 'gave-up' && end.error).toBeInstanceOf(UnauthorizedError);
    expect(sockets).toHaveLength(1);
  });

  it('drops an upgrade that is not answered within one ping interval', async () => {
    const { clock, sockets, failures } = start();
    const sleep = clock.nextSleep();
    await clock.advance(PING_INTERVAL_MS);
    expect(await sleep).toBe(250);
    expect(sockets[0]!.terminated).toBe(true);
    expect(failures[0]!.error).toBeInstanceOf(TimeoutError);
    expect(failures[0]!.error.message).toMatch(/no answer to the upgrade within 15000 ms/);
    await clock.advance(250);
    expect(sockets).toHaveLength(2);
  });

  it('pings every interval and drops a socket silent for three of them', async () => {
    const { clock, sockets, failures } = start({ pingMessage: '{"type":"ping"}' });
    sockets[0]!.open();
    await clock.advance(PING_INTERVAL_MS);
    expect(sockets[0]!.sent).toEqual(['{"type":"ping"}']);
    expect(sockets[0]!.pings).toBe(1);
    await clock.advance(PING_INTERVAL_MS);
    expect(sockets[0]!.sent).toHaveLength(2);
    expect(failures).toEqual([]);
    await clock.advance(PING_INTERVAL_MS);
    expect(sockets[0]!.terminated).toBe(true);
    expect(failures[0]!.error).toBeInstanceOf(TimeoutError);
    expect(failures[0]!.error.message).toMatch(/silent for 45000 ms/);
  });

  it('counts messages and protocol pongs as signs of life', async () => {
    const alive: number[] = [];
    const { clock, sockets, failures } = start({ onAlive: () => alive.push(clock.now()) });
    sockets[0]!.open();
    await clock.advance(PING_INTERVAL_MS);
    sockets[0]!.pong();
    await clock.advance(PING_INTERVAL_MS);
    sockets[0]!.receive('{}');
    await clock.advance(2 * PING_INTERVAL_MS);
    expect(failures).toEqual([]);
    expect(alive).toHaveLength(3);
    expect(sockets[0]!.terminated).toBe(false);
  });

  it('handles messages one at a time, in order, and drops the session when a handler fails', async () => {
    const handled: string[] = [];
    let release = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { sockets, failures, clock } = start({
      onMessage: async (text) => {
        if (text === 'slow') await gate;
        if (text === 'bad') throw new NotFoundError('not-found', '404 from edge: no version 9', { status: 404 });
        handled.push(text);
      },
    });
    sockets[0]!.open();
    sockets[0]!.receive('slow');
    sockets[0]!.receive('fast');
    await settle();
    expect(handled).toEqual([]);
    release();
    await settle();
    expect(handled).toEqual(['slow', 'fast']);

    const sleep = clock.nextSleep();
    sockets[0]!.receive('bad');
    await sleep;
    expect(sockets[0]!.terminated).toBe(true);
    expect(failures[0]!.error).toBeInstanceOf(NotFoundError);
  });

  it('sends only on an open socket, and hands the session to onOpen to subscribe', async () => {
    const { sockets } = start({ onOpen: (session) => session.send('subscribe') });
    sockets[0]!.open();
    expect(sockets[0]!.sent).toEqual(['subscribe']);
  });

  it('stops cleanly: closes the socket with 1000 and never reconnects', async () => {
    const { clock, sockets, running, stop } = start();
    sockets[0]!.open();
    stop.abort();
    expect(await running).toEqual({ kind: 'stopped' });
    expect(sockets[0]!.closedWith).toBe(1000);
    await clock.advance(60_000);
    expect(sockets).toHaveLength(1);
  });
});
