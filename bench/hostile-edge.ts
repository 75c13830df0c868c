/**
 * A real runner process (`node runner/main.ts`) against a malicious edge on 127.0.0.1
 * (test/e2e/helpers/hostile-edge.ts), issue 11 rows 2 and 5:
 *
 * - RSS and `/status` latency while every long-poll is answered with a 40 MB body of `[[[[…`,
 *   against the same runner while the edge holds its long-polls like a real one (idle). The runner
 *   reads 64 KiB of each answer and drops the connection; before that cap a 40 MB answer took it to
 *   2.2 GB and `/status` stopped answering;
 * - requests/s against an edge that answers every long-poll 304 at once (a proxy dropping
 *   `?wait`): was 955/s; the floor (`runner/sync/request-floor.ts`) allows 1/s.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MIN_REQUEST_GAP_MS } from '../runner/sync/request-floor.ts';
import { DEFAULT_PARAMS } from '../shared/params-schema.ts';
import { flood, HOSTILE_SET, HostileEdge, rssBytes, version } from '../tools/hostile-edge.ts';
import { startRunner, stopAllRunners, type RunnerProcess } from '../tools/runner-process.ts';
import type { Bench, BenchContext } from './bench-context.ts';
import { makeRow, type BenchRow } from './bench-row.ts';
import { sleep } from './measure.ts';
import { summarize } from './stats.ts';

const NAME = 'hostile-edge';
const FLOOD_BYTES = 40 * 1024 * 1024;

/** Samples RSS (MB) and `/status` round trips (ms) every 100 ms for `windowMs`. */
async function sample(
  runner: RunnerProcess,
  windowMs: number,
): Promise<{ maxRssMb: number; statusMs: number[]; failed: number }> {
  const end = performance.now() + windowMs;
  let maxRssMb = 0;
  let failed = 0;
  const statusMs: number[] = [];
  while (performance.now() < end) {
    maxRssMb = Math.max(maxRssMb, rssBytes(runner.pid) / (1024 * 1024));
    const t0 = performance.now();
    try {
      await runner.status();
      statusMs.push(performance.now() - t0);
    } catch {
      failed += 1;
    }
    await sleep(100);
  }
  return { maxRssMb, statusMs, failed };
}

async function withRunner<T>(edge: HostileEdge, dir: string, fn: (runner: RunnerProcess) => Promise<T>): Promise<T> {
  const runner = await startRunner({
    edgeUrl: edge.url,
    token: 'bench-token',
    set: HOSTILE_SET,
    runnerId: 'bench-hostile',
    region: 'bench',
    cacheDir: join(dir, `cache-${Math.random().toString(36).slice(2)}`),
    extraArgs: ['--heartbeat', '3600'],
  });
  try {
    return await fn(runner);
  } finally {
    await stopAllRunners();
  }
}

async function floodRows(ctx: BenchContext, dir: string): Promise<BenchRow[]> {
  const windowMs = ctx.quick ? 3_000 : 6_000;
  const edge = await HostileEdge.start(version(1, DEFAULT_PARAMS));
  try {
    // Idle: the edge holds each long-poll (as a real one does) and never answers within the window.
    edge.answer = () => {};
    const idle = await withRunner(edge, dir, async (runner) => {
      await sleep(1_000);
      return sample(runner, windowMs);
    });
    edge.requests.length = 0;
    edge.abandoned = 0;
    edge.answer = (_req, res) => flood(res, FLOOD_BYTES);
    const flooded = await withRunner(edge, dir, (runner) => sample(runner, windowMs));
    ctx.log(`${NAME}: ${edge.abandoned} flood answers dropped by the runner in ${windowMs} ms`);
    const idleStatus = summarize(idle.statusMs);
    const floodStatus = summarize(flooded.statusMs);
    return [
      makeRow(NAME, {
        figure: 'runner max RSS while 40 MB answers arrive',
        value: flooded.maxRssMb,
        unit: 'MB',
        baseline: idle.maxRssMb,
        baselineLabel: 'same runner, edge idle',
        target: { op: '<', value: 300 },
        note: `${edge.abandoned} answers dropped after 64 KiB; from source (not the bundle)`,
      }),
      makeRow(NAME, {
        figure: '/status p50 while 40 MB answers arrive',
        value: floodStatus.p50,
        unit: 'ms',
        baseline: idleStatus.p50,
        baselineLabel: 'same runner, edge idle',
        note: `p99 ${floodStatus.p99.toFixed(1)} ms vs ${idleStatus.p99.toFixed(1)} ms; ${flooded.failed} probes failed`,
      }),
    ];
  } finally {
    await edge.close();
  }
}

async function instant304Rows(ctx: BenchContext, dir: string): Promise<BenchRow[]> {
  const windowMs = ctx.quick ? 5_000 : 20_000;
  const edge = await HostileEdge.start(version(1, DEFAULT_PARAMS));
  try {
    const count = await withRunner(edge, dir, async () => {
      await sleep(1_000);
      const before = edge.polls.length;
      await sleep(windowMs);
      return edge.polls.length - before;
    });
    return [
      makeRow(NAME, {
        figure: 'requests/s against an instant-304 edge',
        value: count / (windowMs / 1000),
        unit: 'req/s',
        baseline: 1000 / MIN_REQUEST_GAP_MS,
        baselineLabel: 'floor (1 per MIN_REQUEST_GAP_MS)',
        target: { op: '<=', value: 1000 / MIN_REQUEST_GAP_MS },
        note: 'was 955 req/s before the floor (issue 11)',
      }),
    ];
  } finally {
    await edge.close();
  }
}

export const hostileEdgeBench: Bench = {
  name: NAME,
  description: 'runner vs a malicious edge: RSS and /status during 40 MB answers; req/s against instant 304s',
  async run(ctx) {
    const dir = mkdtempSync(join(tmpdir(), 'livetune-bench-hostile-'));
    try {
      return [...(await floodRows(ctx, dir)), ...(await instant304Rows(ctx, dir))];
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
