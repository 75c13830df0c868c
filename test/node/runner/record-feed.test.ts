import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseRecording } from '../../../engine/sim/recording.ts';
import { RecordingExistsError, recordFeed, type RecordFeedOptions } from '../../../runner/venues/paper/record-feed.ts';
import { eventually } from '../../../tools/eventually.ts';
import { FakeClock } from '../helpers/fake-clock.ts';
import { fakeWebSockets } from '../helpers/fake-websocket.ts';
import { hypeBook, trades } from './fixtures/hyperliquid-hype.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'livetune-record-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function start(extra: Partial<RecordFeedOptions> = {}) {
  const clock = new FakeClock(1_764_000_000_000);
  const { WebSocket, sockets } = fakeWebSockets();
  const notes: string[] = [];
  const out = join(dir, 'hype.jsonl');
  const done = recordFeed({
    url: 'ws://feed.test/ws',
    coin: 'HYPE',
    tick: 0.001,
    lot: 0.01,
    out,
    clock,
    WebSocketCtor: WebSocket,
    random: () => 0.5,
    note: (text) => void notes.push(text),
    ...extra,
  });
  const socket = async (n: number) => {
    await eventually(() => sockets.length > n, { what: `socket ${n + 1} opened`, timeoutMs: 5_000, intervalMs: 2 });
    return sockets[n]!;
  };
  return { clock, sockets, notes, out, done, socket };
}

/** Lets the socket's message queue (a promise chain) hand what was received to the recorder. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('recordFeed', () => {
  it('subscribes like the paper venue and stops after --events, leaving a whole recording under its name', async () => {
    const { clock, out, done, socket } = start({ maxEvents: 3 });
    const ws = await socket(0);
    ws.open();
    expect(ws.sent).toEqual([
      '{"method":"subscribe","subscription":{"type":"l2Book","coin":"HYPE"}}',
      '{"method":"subscribe","subscription":{"type":"trades","coin":"HYPE"}}',
    ]);
    ws.receive(hypeBook(1));
    await settle();
    await clock.advance(20);
    ws.receive(trades([{ side: 'B', px: '30.001', sz: '1' }]));
    await settle();
    await clock.advance(20);
    ws.receive(hypeBook(2));
    ws.receive(hypeBook(3)); // after the stop: not recorded
    const summary = await done;
    expect(summary).toMatchObject({ path: out, books: 2, trades: 1, stoppedBy: 'events', connections: 1 });
    const text = readFileSync(out, 'utf8');
    expect(summary.bytes).toBe(Buffer.byteLength(text));
    expect(parseRecording(text).events.map((e) => [e.k, e.t - 1_764_000_000_000])).toEqual([
      ['book', 0],
      ['trade', 20],
      ['book', 40],
    ]);
    expect(existsSync(`${out}.partial`)).toBe(false);
  });

  it('stops when the duration has passed on the injected clock', async () => {
    const { clock, out, done, socket } = start({ durationMs: 60_000 });
    const ws = await socket(0);
    ws.open();
    ws.receive(hypeBook(1));
    await clock.advance(60_000);
    expect(await done).toMatchObject({ books: 1, trades: 0, stoppedBy: 'duration', seconds: 60 });
    expect(parseRecording(readFileSync(out, 'utf8')).events).toHaveLength(1);
  });

  it('stops cleanly when its signal aborts (Ctrl-C), with what was recorded', async () => {
    const stop = new AbortController();
    const { out, done, socket } = start({ signal: stop.signal });
    const ws = await socket(0);
    ws.open();
    ws.receive(trades([{ side: 'A', px: '29.999', sz: '2' }]));
    await settle();
    stop.abort();
    expect(await done).toMatchObject({ trades: 1, stoppedBy: 'signal' });
    expect(parseRecording(readFileSync(out, 'utf8')).events).toEqual([
      { t: 1_764_000_000_000, k: 'trade', side: 'sell', px: 29.999, sz: 2 },
    ]);
  });

  it('reconnects after a dropped socket with the paper feed backoff, says so, and keeps recording', async () => {
    const { clock, notes, out, done, socket } = start({ maxEvents: 2 });
    const first = await socket(0);
    first.open();
    first.receive(hypeBook(1));
    first.drop();
    // random 0.5: half of the first backoff step; the reconnecting socket waits on the fake clock.
    const delay = await clock.nextSleep();
    await clock.advance(delay);
    const second = await socket(1);
    second.open();
    expect(second.sent).toHaveLength(2);
    second.receive(hypeBook(2));
    expect(await done).toMatchObject({ books: 2, connections: 2 });
    expect(notes).toEqual([
      'connected to ws://feed.test/ws; recording HYPE',
      expect.stringMatching(/^paper feed lost; reconnecting \(.+\); next attempt in \d+\.\d s$/),
      'reconnected to ws://feed.test/ws; recording HYPE',
    ]);
    expect(parseRecording(readFileSync(out, 'utf8')).events).toHaveLength(2);
  });

  it('refuses to overwrite an existing file unless forced', async () => {
    const out = join(dir, 'hype.jsonl');
    writeFileSync(out, 'precious');
    await expect(start().done).rejects.toThrow(RecordingExistsError);
    expect(readFileSync(out, 'utf8')).toBe('precious');
    const forced = start({ force: true, maxEvents: 1 });
    const ws = await forced.socket(0);
    ws.open();
    ws.receive(hypeBook(1));
    await forced.done;
    expect(parseRecording(readFileSync(out, 'utf8')).events).toHaveLength(1);
  });

  it('fails when the exchange refuses the subscription, leaving what it had in FILE.partial', async () => {
    const { out, done, socket } = start({ coin: 'HYPEE' });
    const ws = await socket(0);
    ws.open();
    ws.receive('{"channel":"error","data":"Invalid subscription {\\"type\\":\\"l2Book\\",\\"coin\\":\\"HYPEE\\"}"}');
    await expect(done).rejects.toThrow(/the feed refused a subscription for HYPEE: Invalid subscription .*hype\.jsonl\.partial/);
    expect(existsSync(out)).toBe(false);
    expect(parseRecording(readFileSync(`${out}.partial`, 'utf8')).coin).toBe('HYPEE');
  });
});
