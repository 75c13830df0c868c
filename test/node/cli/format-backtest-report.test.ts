import { describe, expect, it } from 'vitest';
import { formatBacktestReport } from '../../../cli/format-backtest-report.ts';
import { runBacktest } from '../../../engine/backtest/run-backtest.ts';
import { DEFAULT_PARAMS } from '../../../shared/params-schema.ts';

describe('backtest report', () => {
  it('summarises a short run for humans and stays plain JSON', () => {
    const progress: number[] = [];
    const report = runBacktest({
      params: DEFAULT_PARAMS,
      scenario: 'regime-switch',
      seed: 4,
      durationMs: 15 * 60_000,
      onProgress: (done) => progress.push(done),
    });
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
    expect(progress.length).toBeGreaterThanOrEqual(99);
    expect(progress.at(-1)).toBe(15 * 60_000);
    // The one human format is the CLI's (the engine returns numbers): scenario, seed, simulated time, markouts.
    const text = formatBacktestReport(report);
    expect(text).toMatch(/^backtest regime-switch · seed 4 · 15min simulated/);
    expect(text).toMatch(/^markouts +1s -?\d/m);
  });
});
