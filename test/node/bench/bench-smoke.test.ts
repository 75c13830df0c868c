import { describe, expect, it } from 'vitest';
import { makeRow, meets } from '../../../bench/bench-row.ts';
import { createFrameCounter } from '../../../bench/counting-proxy.ts';
import { formatTable } from '../../../bench/format-table.ts';
import { formatNumber } from '../../../cli/format-table.ts';
import { median, percentile, summarize } from '../../../bench/stats.ts';

describe('bench stats', () => {
  const samples = [15, 20, 35, 40, 50];

  it('takes nearest-rank percentiles, whatever the order of the samples', () => {
    expect(percentile([50, 15, 40, 20, 35], 30)).toBe(20);
    expect(percentile(samples, 40)).toBe(20);
    expect(percentile(samples, 50)).toBe(35);
    expect(percentile(samples, 100)).toBe(50);
    expect(percentile(samples, 0)).toBe(15);
  });

  it('answers p99 of 1..100 with 99 and p50 with 50', () => {
    const hundred = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentile(hundred, 99)).toBe(99);
    expect(percentile(hundred, 50)).toBe(50);
    expect(percentile(hundred, 95)).toBe(95);
  });

  it('summarizes count, min, mean, p50, p95, p99, max', () => {
    expect(summarize(samples)).toEqual({ count: 5, min: 15, mean: 32, p50: 35, p95: 50, p99: 50, max: 50 });
  });

  it('gives NaN figures for no samples instead of throwing', () => {
    const empty = summarize([]);
    expect(empty.count).toBe(0);
    expect(empty.p50).toBeNaN();
    expect(empty.max).toBeNaN();
  });

  it('rejects a percentile outside [0, 100]', () => {
    expect(() => percentile(samples, 101)).toThrow(RangeError);
  });

  it('takes the median of repeated runs', () => {
    expect(median([3, 1, 2])).toBe(2);
  });
});

describe('bench rows and table', () => {
  it('computes the ratio to the baseline and whether the target is met', () => {
    const row = makeRow('sync', { figure: 'p50 N=50', value: 40, unit: 'ms', baseline: 20, target: { op: '<', value: 50 } });
    expect(row.ratio).toBe(2);
    expect(row.met).toBe(true);
    expect(makeRow('sync', { figure: 'x', value: 60, unit: 'ms', target: { op: '<', value: 50 } }).met).toBe(false);
  });

  it('leaves ratio and met empty without a baseline or a target', () => {
    const row = makeRow('x', { figure: 'y', value: 1, unit: '', baseline: 0 });
    expect(row.ratio).toBeNull();
    expect(row.met).toBeNull();
  });

  it('never counts NaN as meeting a target', () => {
    expect(meets(Number.NaN, { op: '<', value: 1 })).toBe(false);
    expect(meets(150, { op: '<=', value: 150 })).toBe(true);
    expect(meets(1_000_000, { op: '>=', value: 1_000_000 })).toBe(true);
  });

  it('formats numbers for humans', () => {
    expect(formatNumber(1_234_567.8, 'column')).toBe('1,234,568');
    expect(formatNumber(12.345, 'column')).toBe('12.3');
    expect(formatNumber(1.2345, 'column')).toBe('1.23');
    expect(formatNumber(0.01234, 'column')).toBe('0.012');
    expect(formatNumber(10, 'column')).toBe('10');
    expect(formatNumber(Number.NaN, 'column')).toBe('n/a');
  });

  it('prints aligned columns grouped by bench, with the unmet target marked NO', () => {
    const rows = [
      makeRow('engine', { figure: 'events/s', value: 2_000_000, unit: 'events/s', target: { op: '>=', value: 1_000_000 } }),
      makeRow('sync', {
        figure: 'p99 N=50',
        value: 300,
        unit: 'ms',
        baseline: 100,
        baselineLabel: 'poll',
        target: { op: '<', value: 250 },
        note: 'why',
      }),
    ];
    expect(formatTable(rows).split('\n')).toEqual([
      'figure                 value  baseline       ratio  target                 met',
      '--------  ------------------  -------------  -----  ---------------------  ---',
      '[engine]',
      'events/s  2,000,000 events/s                        >= 1,000,000 events/s  yes',
      '[sync]',
      'p99 N=50              300 ms  100 ms (poll)     3×  < 250 ms               NO',
      '  ↳ why',
    ]);
  });
});

describe('counting proxy frame counter', () => {
  /** A masked client frame (RFC 6455) with `length` payload bytes. */
  function frame(length: number): Buffer {
    const header =
      length < 126 ? Buffer.from([0x81, 0x80 | length]) : Buffer.from([0x81, 0x80 | 126, length >> 8, length & 0xff]);
    return Buffer.concat([header, Buffer.alloc(4, 7), Buffer.alloc(length, 1)]);
  }

  it('counts frames whatever the chunking, short and 16-bit lengths alike', () => {
    const stream = Buffer.concat([frame(5), frame(300), frame(0), frame(125)]);
    for (const size of [1, 3, 7, 64, stream.length]) {
      let frames = 0;
      const feed = createFrameCounter(() => frames++);
      for (let i = 0; i < stream.length; i += size) feed(stream.subarray(i, i + size));
      expect(frames).toBe(4);
    }
  });
});
