import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runBacktest } from '../../../engine/backtest/run-backtest.ts';
import { parseRecording } from '../../../engine/sim/recording.ts';
import { DEFAULT_PARAMS } from '../../../shared/params-schema.ts';

const TEXT = readFileSync(new URL('../fixtures/recording-small.jsonl', import.meta.url), 'utf8');

describe('replay of a recorded feed', () => {
  it('gives the same fills twice, and trades the recorded queues', () => {
    const run = () =>
      runBacktest({ params: DEFAULT_PARAMS, scenario: 'calm', seed: 1, durationMs: 0, data: parseRecording(TEXT) });
    const [a, b] = [run(), run()];
    expect(a.fills.count).toBeGreaterThan(0);
    expect(b).toEqual(a);
    expect(a.duration_ms).toBeGreaterThan(55_000);
    expect(a.book_events).toBeGreaterThan(100);
  });

  it('replays every event, also those after the last timer step before the end', () => {
    const header = '{"format":"livetune-recording/1","coin":"HYPE","tick":0.01,"lot":0.01}';
    const book = (t: number) => `{"t":${t},"k":"book","bids":[[99.99,5]],"asks":[[100.01,5]]}`;
    // The last book comes 250 ms after the one before: between two 100 ms timer steps.
    const recording = parseRecording([header, book(1_000), book(1_100), book(1_200), book(1_450)].join('\n'));
    const report = runBacktest({ params: DEFAULT_PARAMS, scenario: 'calm', seed: 1, durationMs: 0, data: recording });
    expect(report.book_events).toBe(4);
    expect(report.duration_ms).toBe(500);
  });

  it('names the line and the field of a bad recording', () => {
    const header = '{"format":"livetune-recording/1","coin":"HYPE","tick":0.01,"lot":0.01}';
    expect(() => parseRecording('')).toThrow(/empty/);
    expect(() => parseRecording('{"format":"x"}')).toThrow(/line 1: format "x": expected "livetune-recording\/1"/);
    expect(() => parseRecording(`${header}\n{"t":5,"k":"trade","side":"up","px":1,"sz":1}`)).toThrow(/line 2: side "up"/);
    expect(() => parseRecording(`${header}\n{"t":5,"k":"book","bids":[[1,-2]],"asks":[]}`)).toThrow(/line 2: bids\[0\] size: -2/);
    expect(() =>
      parseRecording(`${header}\n{"t":5,"k":"trade","side":"buy","px":1,"sz":1}\n{"t":4,"k":"trade","side":"buy","px":1,"sz":1}`),
    ).toThrow(/line 3: t 4: expected a finite time in ms, not before the line above/);
  });
});
