/**
 * Latency of the edge's trading-figure reads on a 30-day synthetic history (three runners, a new
 * version every two days, a report every two minutes, compacted as the alarm does): `perf` totals
 * over 30 days, an hourly series over 30 days, the dashboard's 2-hour minute series, and `compare`.
 * The history has to be written on the hub's clock, which only a test harness can move, so the
 * measurement runs inside workerd (`test/edge/bench/perf-query.probe.ts` under
 * `vitest.edge-bench.config.ts`) and prints its samples, which this module turns into rows.
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import type { Bench } from './bench-context.ts';
import { makeRow } from './bench-row.ts';
import { summarize } from './stats.ts';

const ROOT = resolve(import.meta.dirname, '..');
const MARK = 'PERF_QUERY_RESULT ';

interface ProbeResult {
  days: number;
  reports: number;
  rows: number;
  database_bytes: number;
  queries: Record<string, number[]>;
}

/** Runs the probe in its own process group (killed with it on a timeout) and parses its line. */
function runProbe(quick: boolean): Promise<ProbeResult> {
  return new Promise((done, fail) => {
    const child = spawn('npx', ['vitest', 'run', '--config', 'vitest.edge-bench.config.ts'], {
      cwd: ROOT,
      env: { ...process.env, PERF_BENCH_QUICK: quick ? '1' : '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
    });
    const timer = setTimeout(() => {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    }, 900_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      const line = out.split('\n').find((l) => l.includes(MARK));
      if (code !== 0 || line === undefined) return fail(new Error(`perf-query probe exited ${code}: ${out.slice(-2000)}`));
      done(JSON.parse(line.slice(line.indexOf(MARK) + MARK.length)) as ProbeResult);
    });
  });
}

export const perfQueryBench: Bench = {
  name: 'perf-query',
  description: 'edge perf/compare latency on a 30-day synthetic telemetry history (in workerd)',
  async run(ctx) {
    const result = await runProbe(ctx.quick);
    ctx.log(
      `perf-query: ${result.days} d, ${result.reports} reports → ${result.rows} rows, ${(result.database_bytes / 1e6).toFixed(1)} MB database`,
    );
    const rows = [
      makeRow('perf-query', { figure: `rollup rows after ${result.days} d`, value: result.rows, unit: '' }),
      makeRow('perf-query', { figure: 'hub database size', value: result.database_bytes / 1e6, unit: 'MB' }),
    ];
    for (const [query, samples] of Object.entries(result.queries)) {
      const s = summarize(samples);
      rows.push(makeRow('perf-query', { figure: `${query} p50`, value: s.p50, unit: 'ms' }));
      rows.push(makeRow('perf-query', { figure: `${query} p99`, value: s.p99, unit: 'ms' }));
    }
    return rows;
  },
};
