import { describe, expect, it } from 'vitest';
import { parseRecording } from '../../../engine/sim/recording.ts';
import { FeedRecorder } from '../../../runner/venues/paper/feed-recorder.ts';
import { l2Book, subscriptionResponse, trades } from './fixtures/hyperliquid-hype.ts';

/** A recorder writing into an array, on a clock the test sets. */
function recording(coin = 'HYPE') {
  const lines: string[] = [];
  const clock = { t: 1_764_000_000_000, now: () => clock.t };
  const recorder = new FeedRecorder({ coin, tick: 0.001, lot: 0.01, sink: { write: (line) => void lines.push(line) }, clock });
  return { lines, clock, recorder };
}

describe('FeedRecorder', () => {
  it('writes the header, then one line per book and per trade with the local receive time, in arrival order', () => {
    const { lines, clock, recorder } = recording();
    recorder.onMessage(subscriptionResponse('l2Book'));
    // The exchange's own times (5, 6) are not what is recorded: the receive time is.
    expect(recorder.onMessage(l2Book(5, [['29.999', '10.5']], [['30.001', '3.25']]))).toEqual({ kind: 'recorded', lines: 1 });
    clock.t += 40;
    expect(
      recorder.onMessage(
        trades(
          [
            { side: 'B', px: '30.001', sz: '1.5' },
            { side: 'A', px: '29.999', sz: '0.3' },
          ],
          6,
        ),
      ),
    ).toEqual({ kind: 'recorded', lines: 2 });
    clock.t += 1;
    recorder.onMessage(
      l2Book(
        7,
        [['29.998', '4']],
        [
          ['30.002', '1'],
          ['30.003', '2'],
        ],
      ),
    );

    expect(lines).toEqual([
      '{"format":"livetune-recording/1","coin":"HYPE","tick":0.001,"lot":0.01}\n',
      '{"t":1764000000000,"k":"book","bids":[[29.999,10.5]],"asks":[[30.001,3.25]]}\n',
      '{"t":1764000000040,"k":"trade","side":"buy","px":30.001,"sz":1.5}\n',
      '{"t":1764000000040,"k":"trade","side":"sell","px":29.999,"sz":0.3}\n',
      '{"t":1764000000041,"k":"book","bids":[[29.998,4]],"asks":[[30.002,1],[30.003,2]]}\n',
    ]);
    expect([recorder.books, recorder.trades, recorder.events]).toEqual([2, 2, 4]);
  });

  it('writes what the replay parser reads back as the same events', () => {
    const { lines, clock, recorder } = recording();
    recorder.onMessage(
      l2Book(
        1,
        [
          ['29.999', '10'],
          ['29.998', '7'],
        ],
        [['30.001', '3']],
      ),
    );
    clock.t += 250;
    recorder.onMessage(trades([{ side: 'A', px: '29.999', sz: '2' }]));
    expect(parseRecording(lines.join(''))).toEqual({
      coin: 'HYPE',
      tick: 0.001,
      lot: 0.01,
      events: [
        {
          t: 1_764_000_000_000,
          k: 'book',
          bids: [
            { px: 29.999, sz: 10 },
            { px: 29.998, sz: 7 },
          ],
          asks: [{ px: 30.001, sz: 3 }],
        },
        { t: 1_764_000_000_250, k: 'trade', side: 'sell', px: 29.999, sz: 2 },
      ],
    });
  });

  it('records a clock that stepped back as no time passing, so the file stays readable', () => {
    const { lines, clock, recorder } = recording();
    recorder.onMessage(trades([{ side: 'B', px: '30', sz: '1' }]));
    clock.t -= 5_000;
    recorder.onMessage(trades([{ side: 'B', px: '30', sz: '1' }]));
    const events = parseRecording(lines.join('')).events;
    expect(events.map((e) => e.t)).toEqual([1_764_000_000_000, 1_764_000_000_000]);
  });

  it('leaves out other coins, empty levels and zero sizes, and writes nothing for what is not a book or a trade', () => {
    const { lines, recorder } = recording();
    expect(recorder.onMessage(l2Book(1, [['1', '1']], [['2', '1']], 'BTC'))).toEqual({ kind: 'ignored' });
    expect(recorder.onMessage(trades([{ side: 'B', px: '30', sz: '1', coin: 'BTC' }]))).toEqual({ kind: 'ignored' });
    expect(recorder.onMessage(trades([{ side: 'B', px: '30', sz: '0' }]))).toEqual({ kind: 'ignored' });
    expect(recorder.onMessage(l2Book(1, [['29.999', '0']], []))).toEqual({ kind: 'ignored' });
    recorder.onMessage(
      l2Book(
        1,
        [
          ['29.999', '0'],
          ['29.998', '2'],
        ],
        [['30.001', '1']],
      ),
    );
    expect(recorder.onMessage('{"channel":"pong"}')).toEqual({ kind: 'ignored' });
    expect(recorder.onMessage('{"channel":"error","data":"Invalid subscription"}')).toEqual({
      kind: 'refused',
      message: 'Invalid subscription',
    });
    expect(recorder.onMessage('not json')).toEqual({ kind: 'invalid', reason: 'not JSON' });
    expect(recorder.onMessage('{"channel":"l2Book","data":{"coin":"HYPE"}}')).toMatchObject({ kind: 'invalid' });
    expect(lines.slice(1)).toEqual(['{"t":1764000000000,"k":"book","bids":[[29.998,2]],"asks":[[30.001,1]]}\n']);
    expect(() => parseRecording(lines.join(''))).not.toThrow();
  });
});
