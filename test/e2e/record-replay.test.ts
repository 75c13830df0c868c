/**
 * `livetune record` against the local mock Hyperliquid (loopback WebSocket, the documented `l2Book`
 * and `trades` shapes), as a real process through the package bin: the file it writes is a valid
 * recording with the books and trades sent, stamped with receive times in order, and
 * `livetune backtest --data FILE` replays it to the same fills twice. SIGTERM stops a recording
 * cleanly, leaving a whole file.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseRecording, type RecordedEvent } from '../../engine/sim/recording.ts';
import { eventually } from '../../tools/eventually.ts';
import { MockHyperliquid } from '../helpers/mock-hyperliquid.ts';
import { type CliProcess, startCli, stopAllClis } from './helpers/cli-process.ts';

const PARAMS = fileURLToPath(new URL('../../tuning_params.example.json', import.meta.url));

let mock: MockHyperliquid;
let dir: string;

beforeAll(async () => {
  mock = await MockHyperliquid.start({ signers: {}, scheduleCheckMs: 0 });
  dir = mkdtempSync(join(tmpdir(), 'livetune-record-e2e-'));
});
afterEach(async () => {
  // Every CLI this file started is killed by its process group, also when a test failed midway.
  await stopAllClis();
});
afterAll(async () => {
  await stopAllClis();
  await mock?.close();
  rmSync(dir, { recursive: true, force: true });
});

const env = () => {
  const { LIVETUNE_REEXEC: _, LIVETUNE_URL: __, ...parent } = process.env;
  return parent;
};

function record(out: string, extra: string[]): CliProcess {
  return startCli(
    ['record', '--coin', 'HYPE', '--tick', '0.001', '--lot', '0.01', '--ws-url', mock.wsUrl, '--out', out, ...extra],
    {
      env: env(),
    },
  );
}

/** The events the recorder has written so far to `FILE.partial` (whole lines only). */
function writtenSoFar(out: string): RecordedEvent[] {
  const text = readFileSync(`${out}.partial`, 'utf8');
  return parseRecording(text.slice(0, text.lastIndexOf('\n') + 1)).events;
}

function until<T>(what: string, probe: () => T, cli: CliProcess) {
  return eventually(probe, { what, timeoutMs: 60_000, intervalMs: 20, context: () => cli.process.tail(20) });
}

const book = (mid: number, size: number) =>
  mock.setBook(
    'HYPE',
    [
      [Number((mid - 0.001).toFixed(3)), size],
      [Number((mid - 0.002).toFixed(3)), size],
    ],
    [
      [Number((mid + 0.001).toFixed(3)), size],
      [Number((mid + 0.002).toFixed(3)), size],
    ],
  );

describe('livetune record → backtest --data', () => {
  it('records the feed to a valid file that replays to the same fills twice', async () => {
    const out = join(dir, 'hype.jsonl');
    const cli = record(out, ['--events', '6']);
    await until(
      'the recorder subscribed to l2Book and trades',
      () => mock.subscribers('l2Book', 'HYPE') && mock.subscribers('trades', 'HYPE'),
      cli,
    );

    for (const size of [50, 40, 60]) book(30, size);
    const books = await until(
      'three books written',
      () => existsSync(`${out}.partial`) && writtenSoFar(out).length === 3 && writtenSoFar(out),
      cli,
    );
    // The times in the file are the recorder's receive times (its wall clock). The replayed engine
    // needs its quotes resting (order latency 30 ms, a 100 ms timer) before the trades come, and
    // the run ends at the last event, so the trades are sent only once the recorder's clock has
    // moved on from the books, and the last book once it has moved on from the trades.
    await until('1 s on from the books', () => Date.now() >= books.at(-1)!.t + 1_000, cli);
    mock.trade('HYPE', 'A', 29.98, 120); // a seller sweeps through our bid
    mock.trade('HYPE', 'B', 30.02, 120); // a buyer through our ask
    const withTrades = await until('both trades written', () => writtenSoFar(out).length === 5 && writtenSoFar(out), cli);
    await until('0.5 s on from the trades', () => Date.now() >= withTrades.at(-1)!.t + 500, cli);
    book(30, 50);

    const run = await cli.done;
    expect(run.stderr, cli.process.tail(20)).toMatch(/record: connected to ws:\/\/127\.0\.0\.1:\d+\/ws; recording HYPE/);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(
      /^recorded 4 books and 2 trades of HYPE in \d+\.\d s: \d+ bytes to .*hype\.jsonl \(stopped by events\)\n$/,
    );
    expect(existsSync(`${out}.partial`)).toBe(false);

    const recording = parseRecording(readFileSync(out, 'utf8'));
    expect(recording).toMatchObject({ coin: 'HYPE', tick: 0.001, lot: 0.01 });
    expect(recording.events.map((e) => e.k)).toEqual(['book', 'book', 'book', 'trade', 'trade', 'book']);
    expect(recording.events[0]).toEqual({
      t: expect.any(Number),
      k: 'book',
      bids: [
        { px: 29.999, sz: 50 },
        { px: 29.998, sz: 50 },
      ],
      asks: [
        { px: 30.001, sz: 50 },
        { px: 30.002, sz: 50 },
      ],
    });
    expect(recording.events.slice(3, 5)).toEqual([
      { t: expect.any(Number), k: 'trade', side: 'sell', px: 29.98, sz: 120 },
      { t: expect.any(Number), k: 'trade', side: 'buy', px: 30.02, sz: 120 },
    ]);
    const times = recording.events.map((e) => e.t);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(times.at(-1)! - times[0]!).toBeGreaterThanOrEqual(1_500);

    const replay = () => startCli(['backtest', '--params', PARAMS, '--data', out, '--json'], { env: env() }).done;
    const first = await replay();
    const second = await replay();
    expect(first.code, first.stderr).toBe(0);
    expect(second.code, second.stderr).toBe(0);
    const a = JSON.parse(first.stdout) as { fills: { count: number; maker: number } };
    expect(a.fills).toMatchObject({ count: 2, maker: 2 });
    expect(second.stdout).toBe(first.stdout);
  });

  it('stops on SIGTERM with what it had as a whole file, and refuses to overwrite it', async () => {
    const out = join(dir, 'term.jsonl');
    const cli = record(out, []);
    await until('the recorder subscribed', () => mock.subscribers('l2Book', 'HYPE') && mock.subscribers('trades', 'HYPE'), cli);
    // (The mock also sends its current book, left from the test above, on every l2Book subscription.)
    book(31, 10);
    mock.trade('HYPE', 'B', 31.001, 1);
    const written = await until(
      'the trade written',
      () => existsSync(`${out}.partial`) && writtenSoFar(out).some((e) => e.k === 'trade') && writtenSoFar(out),
      cli,
    );
    cli.process.signal('SIGTERM');
    const run = await cli.done;
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^recorded \d+ books and 1 trades of HYPE .* \(stopped by signal\)\n$/);
    expect(parseRecording(readFileSync(out, 'utf8')).events).toEqual(written);

    const again = await record(out, ['--events', '1']).done;
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/--out .*term\.jsonl exists: choose another --out, or pass --force to overwrite it/);
  });
});
