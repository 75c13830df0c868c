/**
 * Real runner processes, launched as `npm start` and `bin/livetune-runner` launch them (the bundle
 * `dist/runner.mjs` with the production Node flags and malloc settings, tools/runner-bundle.ts;
 * default runner flags, simulated venue) against the real
 * edge, three per sync mode (long-poll, WebSocket, poll every 1 s), each behind its own counting
 * proxy on 127.0.0.1. Three figures come from this one fleet:
 *
 * - edge requests per runner-hour while nothing changes: every HTTP request a runner sends in an
 *   idle window (long-polls, polls, the WebSocket upgrade and the heartbeat reports — a report is a
 *   request too), extrapolated to an hour; 1 s polling is the baseline. WebSocket messages the
 *   runner sends (its pings) are counted apart: not requests, but billed by Cloudflare at 20:1;
 * - runner RSS at steady state (end of the window) against an idle `node` process, and next to one
 *   more long-poll runner started from source (`node runner/main.ts`, no flags: what the tests run);
 * - write → applied in real processes (after the window): the "applied params version" log line's
 *   own timestamp against the send time of the write, both the machine's wall clock (ms).
 */
import { execFileSync } from 'node:child_process';
import { startProcess } from '../tools/managed-process.ts';
import { buildRunnerBundle, RUNNER_MALLOC_ENV, RUNNER_NODE_FLAGS } from '../tools/runner-bundle.ts';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startRunner, type RunnerProcess } from '../tools/runner-process.ts';
import type { Bench, BenchContext } from './bench-context.ts';
import { makeRow, type BenchRow } from './bench-row.ts';
import { startCountingProxy, type CountingProxy } from './counting-proxy.ts';
import { sharedEdge } from './edge-instance.ts';
import { ensureSet, writeParams } from './edge-ops.ts';
import { sleep } from './measure.ts';
import { summarize } from './stats.ts';
type SyncMode = 'longpoll' | 'ws' | 'poll';

const ROOT = resolve(import.meta.dirname, '..');
const MODES: SyncMode[] = ['longpoll', 'ws', 'poll'];
const PER_MODE = 3;

interface FleetMember {
  mode: SyncMode;
  runner: RunnerProcess;
  proxy: CountingProxy;
}

/** Resident set size of `pid` in MB (VmRSS of /proc/<pid>/status); NaN when unreadable. */
export function rssMb(pid: number): number {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

/**
 * RSS of an idle `node` (same binary, nothing loaded), the baseline of the runner's RSS; with
 * `file`, of an idle node running that file (a `.ts` file loads Node's type stripper).
 */
async function idleNodeRss(file?: string): Promise<number> {
  const child = startProcess('idle node', process.execPath, file ? [file] : ['-e', 'setInterval(() => {}, 1000)'], {
    output: 'ignore',
  });
  if (child.pid <= 0) return Number.NaN;
  await sleep(1_500);
  const rss = rssMb(child.pid);
  await child.kill();
  return rss;
}

function commit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

async function startFleet(
  ctx: BenchContext,
  edgeUrl: string,
  token: string,
  set: string,
  cacheRoot: string,
  bundle: string,
): Promise<FleetMember[]> {
  const fleet: FleetMember[] = [];
  const starts: Promise<void>[] = [];
  for (const mode of MODES) {
    for (let i = 0; i < PER_MODE; i++) {
      starts.push(
        (async () => {
          const proxy = await startCountingProxy(edgeUrl);
          const runnerId = `bench-idle-${mode}-${i}`;
          const runner = await startRunner({
            edgeUrl: proxy.url,
            token,
            set,
            runnerId,
            region: 'bench',
            sync: mode,
            cacheDir: join(cacheRoot, runnerId),
            extraArgs: ['--seed', String(i + 1), ...(mode === 'poll' ? ['--interval', '1'] : [])],
            bundle,
          });
          fleet.push({ mode, runner, proxy });
        })(),
      );
    }
  }
  const settled = await Promise.allSettled(starts);
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) {
    await stopFleet(fleet);
    throw failed.reason;
  }
  ctx.log(`idle-fleet: ${fleet.length} runner processes up`);
  return fleet;
}

async function stopFleet(fleet: FleetMember[]): Promise<void> {
  await Promise.allSettled(
    fleet.map(async (m) => {
      await m.runner.kill();
      await m.proxy.close();
    }),
  );
}

/** Write → applied per real runner, from their own log lines (wall clock, ms). */
async function realProcessLatency(
  ctx: BenchContext,
  fleet: FleetMember[],
  edgeUrl: string,
  writeToken: string,
  set: string,
  writes: number,
): Promise<Map<SyncMode, number[]>> {
  const byMode = new Map<SyncMode, number[]>(MODES.map((m) => [m, []]));
  for (let i = 0; i < writes; i++) {
    await sleep(200 + Math.random() * 800);
    const sentAt = Date.now();
    const ack = await writeParams(edgeUrl, writeToken, set, { base_half_spread_bps: 5 + (i % 2) }, 'bench: real-process latency');
    const appliedAt = (m: FleetMember) =>
      m.runner.logRecords().find((r) => r.msg === 'applied params version' && r.version === ack.version)?.time as
        | number
        | undefined;
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && fleet.some((m) => appliedAt(m) === undefined)) await sleep(20);
    for (const mode of MODES) {
      const times = fleet.filter((m) => m.mode === mode).map(appliedAt);
      if (times.every((t) => t !== undefined)) byMode.get(mode)!.push(Math.max(...(times as number[])) - sentAt);
    }
  }
  for (const [mode, samples] of byMode) {
    const s = summarize(samples);
    ctx.log(`idle-fleet real processes ${mode}: write→all ${PER_MODE} applied p50 ${s.p50} max ${s.max} ms (${s.count} writes)`);
  }
  return byMode;
}

export const idleFleetBench: Bench = {
  name: 'idle-fleet',
  description: 'real runner processes: edge requests per runner-hour while idle, RSS, write→applied',
  async run(ctx) {
    const edge = await sharedEdge(ctx);
    const set = `bench-idle-${Date.now().toString(36)}`;
    await ensureSet(edge.url, edge.tokens.write, set);
    const cacheRoot = mkdtempSync(join(tmpdir(), 'livetune-bench-runners-'));
    const windowS = ctx.quick ? 15 : 60;
    const settleS = ctx.quick ? 2 : 5;
    const bundle = await buildRunnerBundle({ outfile: join(cacheRoot, 'runner.mjs') });
    const fleet = await startFleet(ctx, edge.url, edge.tokens.read, set, cacheRoot, bundle);
    // One more long-poll runner from source, for its RSS only (not in the request counts).
    const fromSource = startProcess(
      'runner (from source)',
      process.execPath,
      [
        'runner/main.ts',
        '--url',
        edge.url,
        '--set',
        set,
        '--runner-id',
        'bench-idle-source',
        '--region',
        'bench',
        '--cache-dir',
        join(cacheRoot, 'source'),
        '--log-level',
        'warn',
      ],
      {
        cwd: ROOT,
        env: { ...process.env, LIVETUNE_TOKEN: edge.tokens.read },
        output: 'ignore',
      },
    );
    const rows: BenchRow[] = [];
    try {
      // Let start-up traffic (first fetch, first report) pass, then count from the window's start.
      await sleep(settleS * 1000);
      const wsBefore = fleet.map((m) => m.proxy.wsMessages());
      const rssAtStart = fleet.map((m) => rssMb(m.runner.pid));
      const sourceAtStart = fromSource.pid > 0 ? rssMb(fromSource.pid) : Number.NaN;
      const w0 = performance.now();
      await ctx.idle(windowS * 1000);
      const elapsedS = (performance.now() - w0) / 1000;
      const rss = fleet.map((m) => ({ mode: m.mode, rss: rssMb(m.runner.pid) }));
      const sourceRss = fromSource.alive() ? rssMb(fromSource.pid) : Number.NaN;
      const counts = fleet.map((m, i) => {
        const inWindow = m.proxy.requests.filter((r) => r.at >= w0 && r.at - w0 <= elapsedS * 1000);
        const reports = inWindow.filter((r) => r.path.includes('/report')).length;
        return {
          mode: m.mode,
          total: inWindow.length,
          reports,
          params: inWindow.length - reports,
          wsMessages: m.proxy.wsMessages() - wsBefore[i]!,
        };
      });
      const perHour = (n: number) => (n / elapsedS) * 3600;
      // The same traffic from its periods: a 60 s window holds only a couple of 50 s long-polls and
      // one 60 s heartbeat, so the count is coarse (±1 request = ±60 req/h); the median interval
      // between a runner's consecutive requests of one kind (start-up excluded)
      // gives the rate its configuration really produces.
      const periodicRate = (mode: SyncMode, kind: 'params' | 'report'): number => {
        // A watch socket is one request for its whole life (reconnects would show in the count).
        if (mode === 'ws' && kind === 'params') return 0;
        const intervals: number[] = [];
        for (const m of fleet.filter((f) => f.mode === mode)) {
          const at = m.proxy.requests
            .filter((r) => !r.upgrade && r.path.includes('/report') === (kind === 'report'))
            .map((r) => r.at);
          // A report's first interval is a heartbeat; a params fetch's first one is start-up (the
          // initial GET, then at once the first long-poll or poll), so it is skipped.
          for (let k = kind === 'report' ? 1 : 2; k < at.length; k++) intervals.push(at[k]! - at[k - 1]!);
        }
        // NaN (printed n/a): the window was too short to see one full period.
        return intervals.length ? 3_600_000 / summarize(intervals).p50 : Number.NaN;
      };
      const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
      const modeFigures = (mode: SyncMode) => {
        const c = counts.filter((x) => x.mode === mode);
        return {
          total: perHour(mean(c.map((x) => x.total))),
          params: perHour(mean(c.map((x) => x.params))),
          reports: perHour(mean(c.map((x) => x.reports))),
          ws: perHour(mean(c.map((x) => x.wsMessages))),
          raw: c.map((x) => x.total).join('/'),
        };
      };
      const poll = modeFigures('poll');
      for (const mode of MODES) {
        const f = modeFigures(mode);
        const periodic = periodicRate(mode, 'params') + periodicRate(mode, 'report');
        ctx.log(
          `idle-fleet ${mode}: from request periods ${periodic.toFixed(0)} req/h (params ${periodicRate(mode, 'params').toFixed(0)}, reports ${periodicRate(mode, 'report').toFixed(0)})`,
        );
        ctx.log(
          `idle-fleet ${mode}: ${f.total.toFixed(0)} req/h (params ${f.params.toFixed(0)}, reports ${f.reports.toFixed(0)}), ws messages ${f.ws.toFixed(0)}/h; raw counts ${f.raw}`,
        );
        rows.push(
          makeRow('idle-requests', {
            figure: `edge requests per runner-hour idle, ${mode}${mode === 'poll' ? ' 1 s' : ''}`,
            value: f.total,
            unit: 'req/h',
            baseline: mode === 'poll' ? null : poll.total,
            baselineLabel: mode === 'poll' ? null : 'poll 1 s',
            target: mode === 'longpoll' ? { op: '<=', value: 150 } : null,
            note:
              `${f.params.toFixed(0)} params requests + ${f.reports.toFixed(0)} heartbeat reports/h` +
              (mode === 'ws' ? ` (+ ${f.ws.toFixed(0)} ws messages/h sent, not requests)` : '') +
              `; counted by a proxy per runner over a ${elapsedS.toFixed(0)} s idle window, ${PER_MODE} runners (counts ${f.raw}), ×${(3600 / elapsedS).toFixed(0)}; from the median request periods instead: ${Number.isNaN(periodic) ? 'n/a (window shorter than a period)' : `${periodic.toFixed(0)} req/h`}; default flags${mode === 'poll' ? ' + --interval 1' : ''}`,
          }),
        );
      }

      const baseRss = await idleNodeRss();
      const idleTs = join(cacheRoot, 'idle.ts');
      writeFileSync(idleTs, 'const keep: number = 1000;\nsetInterval(() => {}, keep);\n');
      const tsRss = await idleNodeRss(idleTs);
      const rssSummary = summarize(rss.map((r) => r.rss));
      ctx.log(`idle-fleet RSS: runners ${rss.map((r) => r.rss.toFixed(1)).join(', ')} MB; idle node ${baseRss.toFixed(1)} MB`);
      rows.push(
        makeRow('runner-rss', {
          figure: 'runner RSS at steady state (max of fleet)',
          value: rssSummary.max,
          unit: 'MB',
          baseline: baseRss,
          baselineLabel: 'idle node',
          target: { op: '<', value: 100 },
          note: `VmRSS after ${(settleS + windowS).toFixed(0)} s, ${rss.length} runners (median ${rssSummary.p50.toFixed(1)} MB; by mode ${MODES.map((mode) => `${mode} ${Math.max(...rss.filter((r) => r.mode === mode).map((r) => r.rss)).toFixed(0)}`).join(', ')} MB max); idle node running a .ts file (type stripping loaded): ${tsRss.toFixed(1)} MB; median at the window's start ${summarize(rssAtStart).p50.toFixed(1)} MB (growth over the window shows whether this is a steady state); dist/runner.mjs (bundle of runner/main.ts at ${commit()}) with ${RUNNER_NODE_FLAGS.join(' ')} and ${Object.entries(
            RUNNER_MALLOC_ENV,
          )
            .map(([k, v]) => `${k}=${v}`)
            .join(' ')}, sim venue`,
        }),
      );
      rows.push(
        makeRow('runner-rss', {
          figure: 'runner RSS, same runner from source (node runner/main.ts)',
          value: sourceRss,
          unit: 'MB',
          baseline: rssSummary.max,
          baselineLabel: 'bundle, max of fleet',
          note: `a longpoll runner started as the tests start it: runner/main.ts with type stripping, one module per file, no Node flags, default malloc; same edge, same window; ${sourceAtStart.toFixed(1)} MB at the window's start`,
        }),
      );

      const latency = await realProcessLatency(ctx, fleet, edge.url, edge.tokens.write, set, ctx.quick ? 3 : 8);
      for (const mode of ['longpoll', 'ws'] as const) {
        const s = summarize(latency.get(mode) ?? []);
        rows.push(
          makeRow('sync-latency', {
            figure: `write sent→all applied p50, ${mode}, ${PER_MODE} real runner processes`,
            value: s.p50,
            unit: 'ms',
            baseline: summarize(latency.get('poll') ?? []).p50,
            baselineLabel: 'poll 1 s',
            note: `max ${s.max} ms over ${s.count} writes; from the runners' own "applied" log lines (ms), while the fleet of ${fleet.length} processes runs`,
          }),
        );
      }
    } finally {
      await fromSource.kill();
      await stopFleet(fleet);
      rmSync(cacheRoot, { recursive: true, force: true });
    }
    return rows;
  },
};
