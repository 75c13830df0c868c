/**
 * The report a runner sends never carries a non-finite figure (issue 11 row 7): the edge would
 * refuse the whole report (422) and the fleet row would freeze on its last healthy-looking values.
 */
import { describe, expect, it } from 'vitest';
import { reportFromStatus, type RunnerStatus } from '../../../runner/status/runner-status.ts';
import { RunnerReportSchema } from '../../../shared/api.ts';

function status(trading: RunnerStatus['trading']): RunnerStatus {
  return {
    set: 's',
    runner_id: 'r-1',
    region: 'eu-west-1',
    lineage: 'test-lineage-0001',
    version: 3,
    etag: '"s.test-lineage-0001.v3"',
    params_age_s: 1,
    sync_state: 'ready',
    sync_mode: 'longpoll',
    policy: 'normal',
    last_error: null,
    rejected: null,
    started_from: 'edge',
    started_at: new Date(0).toISOString(),
    params: null,
    trading,
  };
}

describe('reportFromStatus', () => {
  it('sends non-finite trading figures as null or leaves them out, so the edge accepts the report', () => {
    const report = reportFromStatus(
      status({
        mid: Number.NaN,
        bid: Number.POSITIVE_INFINITY,
        ask: 100,
        inventory: Number.POSITIVE_INFINITY,
        pnl: Number.NEGATIVE_INFINITY,
        fills: 2,
        mode: 'halted',
        params_version: 3,
      }),
    );
    expect(RunnerReportSchema.safeParse(report).success).toBe(true);
    expect(report.trading).toEqual({ mid: null, bid: null, ask: 100, fills: 2, mode: 'halted' });
  });

  it('keeps finite figures as they are', () => {
    const trading = { mid: 100, bid: 99.9, ask: 100.1, inventory: -0.3, pnl: 1.5, fills: 4, mode: 'active', params_version: 3 };
    expect(reportFromStatus(status(trading)).trading).toEqual({
      mid: 100,
      bid: 99.9,
      ask: 100.1,
      inventory: -0.3,
      pnl: 1.5,
      fills: 4,
      mode: 'active',
    });
  });
});
