/**
 * `livetune perf` and `livetune compare` against the fake edge: the query they send, readable
 * tables (units named, too little data said plainly), `--json` as the edge answered, terminal-safe
 * output of what runners reported, and usage errors naming the flag.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CompareAnswer, PerfAnswer, PerfMetrics } from '../../../shared/perf.ts';
import { startFakeEdge, WRITE_TOKEN, type FakeEdge } from './fake-edge.ts';
import { runCli } from './run-cli.ts';

let edge: FakeEdge;
let env: Record<string, string>;

beforeEach(async () => {
  edge = await startFakeEdge();
  env = { LIVETUNE_URL: edge.url, LIVETUNE_TOKEN: WRITE_TOKEN, LIVETUNE_SET: 'hype-perp' };
  edge.write('hype-perp', {}, 'alice', 'seed');
});
afterEach(() => edge.close());

function metrics(over: Partial<PerfMetrics> = {}): PerfMetrics {
  return {
    elapsed_s: 3600,
    fills: 42,
    maker_fills: 40,
    taker_fills: 2,
    volume: 12.5,
    pnl: { spread: 30, inventory: -8, fees: 1.5, taker: -2, total: 21.5 },
    markout_bps: { '1s': 0.5, '5s': 1.25, '30s': -0.4, '60s': null },
    markout_fills: { '1s': 40, '5s': 40, '30s': 38, '60s': 0 },
    realized_spread_bps: 4.2,
    fill_rate_per_min: 0.7,
    quote_uptime: 0.985,
    orders: 300,
    cancels: 250,
    rejects: 3,
    inventory: { last: 0.3, min: -1, max: 1.2 },
    ...over,
  };
}

const PERF: PerfAnswer = {
  set: 'hype-perp',
  by: 'region',
  from: '2026-11-24T13:01:00.000Z',
  to: '2026-11-24T15:01:00.000Z',
  bucket_s: null,
  groups: [
    { key: 'eu-west-1', metrics: metrics() },
    { key: 'evil\u001b[2J\nregion', metrics: metrics({ fills: 1, quote_uptime: null }) },
  ],
  versions: [{ version: 8, at: '2026-11-24T14:00:00.000Z', author: 'bob', message: 'widen\u001b[31m', kind: 'update' }],
  retention: { minute_hours: 48, hour_days: 90, rows: 10, max_rows: 200_000, evicted_rows: 0 },
};

function side(value: number | null, n: number) {
  return { value, n, mean: value, sd: 1 };
}

const COMPARE: CompareAnswer = {
  set: 'hype-perp',
  a: { version: 7, created_at: '2026-11-24T12:00:00.000Z', author: 'alice', message: 'seed', runner_minutes: 120, runners: 3 },
  b: { version: 8, created_at: '2026-11-24T14:00:00.000Z', author: 'bob', message: 'widen', runner_minutes: 4, runners: 1 },
  test: { name: "Welch's t-test", observation: 'one runner-minute', confidence: 0.95, min_samples: 5 },
  metrics: [
    {
      metric: 'markout_5s_bps',
      label: 'markout 5 s',
      unit: 'bps',
      better: 'higher',
      a: side(1, 120),
      b: side(3, 60),
      difference: { estimate: 2, ci95: { low: 0.5, high: 3.5 }, t: 2.6, df: 80, p_value: 0.01 },
      verdict: 'higher',
      summary: 'v8 is higher than v7 by 2 bps',
    },
    {
      metric: 'rejects_per_min',
      label: 'rejects per minute',
      unit: 'rejects/min',
      better: 'lower',
      a: side(0.1, 120),
      b: side(0.5, 60),
      difference: { estimate: 0.4, ci95: { low: 0.1, high: 0.7 }, t: 2.6, df: 80, p_value: 0.01 },
      verdict: 'higher',
      summary: 'v8 is higher than v7',
    },
    {
      metric: 'quote_uptime',
      label: 'quote uptime',
      unit: 'share',
      better: 'higher',
      a: side(0.99, 120),
      b: side(0.98, 4),
      difference: null,
      verdict: 'too_little_data',
      summary: 'too little data to tell: v8 has 4 runner-minutes with a figure',
    },
  ],
};

describe('livetune perf', () => {
  it('asks for the window and grouping, and prints one row per group with units and the version changes', async () => {
    edge.perfAnswer = PERF;
    const run = await runCli(['perf', '--by', 'region', '--since', '2h'], env);
    expect(run.code, run.stderr).toBe(0);
    const request = edge.requests.find((r) => r.path.includes('/perf'))!;
    const query = new URL(request.path, 'http://x').searchParams;
    expect(query.get('by')).toBe('region');
    // runCli's clock says 15:01:00; --since 2h starts the window two hours before.
    expect([query.get('from'), query.get('to')]).toEqual(['2026-11-24T13:01:00.000Z', '2026-11-24T15:01:00.000Z']);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toContain('P&L in quote currency, markouts and spread in bps');
    expect(lines[2]).toMatch(/^REGION\s+FILLS\s+VOLUME\s+P&L\s+SPREAD\s+INVENTORY\s+FEES\s+TAKER\s+MO 1s\s+MO 5s/);
    expect(lines[3]).toMatch(
      /^eu-west-1\s+42\s+12\.5\s+21\.5\s+30\s+-8\s+1\.5\s+-2\s+0\.5\s+1\.25\s+-0\.4\s+-\s+4\.2\s+0\.7\s+98\.5%\s+300\/250\/3$/,
    );
    expect(run.stdout).toContain('v8  2026-11-24 14:00:00Z  by bob: widen');
    // Whatever a runner or an author sent cannot clear the screen or forge a row.
    expect(run.stdout).not.toContain('\u001b');
    expect(run.stdout.split('\n').filter((l) => l.startsWith('region'))).toEqual([]);
  });

  it('prints the answer as JSON with --json, and says when there are no figures', async () => {
    edge.perfAnswer = PERF;
    expect(JSON.parse((await runCli(['perf', '--json'], env)).stdout)).toEqual(PERF);
    edge.perfAnswer = { ...PERF, groups: [] };
    expect((await runCli(['perf'], env)).stdout).toContain('hype-perp: no trading figures between');
  });

  it('refuses a bad --by or --since, naming the flag and what is accepted', async () => {
    const by = await runCli(['perf', '--by', 'colour'], env);
    expect(by.code).not.toBe(0);
    expect(by.stderr).toContain('--by "colour" is not accepted: expected one of version, region, runner');
    const since = await runCli(['perf', '--since', 'yesterday'], env);
    expect(since.stderr).toContain('--since "yesterday" is not a duration');
    expect((await runCli(['perf', '--since', '200d'], env)).stderr).toContain('at most 90d');
    expect(edge.requests.some((r) => r.path.includes('/perf'))).toBe(false);
  });
});

describe('livetune compare', () => {
  it('prints each metric under both versions, the difference with its interval, sample sizes and a plain verdict', async () => {
    edge.compareAnswer = COMPARE;
    const run = await runCli(['compare', '7', 'v8'], env);
    expect(run.code, run.stderr).toBe(0);
    expect(edge.requests.find((r) => r.path.includes('/perf/compare'))?.path).toBe('/v1/sets/hype-perp/perf/compare?a=7&b=8');
    expect(run.stdout).toContain('a: v7 by alice: seed — 120 runner-minutes on 3 runners');
    expect(run.stdout).toMatch(/markout 5 s\s+bps\s+1\s+3\s+2\s+0\.5 … 3\.5\s+120\/60\s+higher \(better\)/);
    expect(run.stdout).toMatch(
      /rejects per minute\s+rejects\/min\s+0\.1\s+0\.5\s+0\.4\s+0\.1 … 0\.7\s+120\/60\s+higher \(worse\)/,
    );
    expect(run.stdout).toMatch(/quote uptime\s+share\s+0\.99\s+0\.98\s+-\s+-\s+120\/4\s+too little data/);
    expect(run.stdout).toContain("test: Welch's t-test");
    expect(JSON.parse((await runCli(['compare', '7', '8', '--json'], env)).stdout)).toEqual(COMPARE);
  });

  it('says plainly when no metric has enough data', async () => {
    edge.compareAnswer = { ...COMPARE, metrics: [COMPARE.metrics[2]!] };
    expect((await runCli(['compare', '7', '8'], env)).stdout).toContain(
      'There is too little data to tell these versions apart yet',
    );
  });

  it('refuses the same version twice or a non-version, before asking the edge', async () => {
    expect((await runCli(['compare', '7', '7'], env)).stderr).toContain('a and b are both v7');
    expect((await runCli(['compare', '7', 'latest'], env)).stderr).toContain('b "latest" is not a version');
    expect(edge.requests.some((r) => r.path.includes('/perf'))).toBe(false);
  });
});
