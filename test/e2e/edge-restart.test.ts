/**
 * A fleet of real runner processes long-polling one set on a real `wrangler dev`, and the edge
 * killed and restarted under them (same port, same storage):
 * - while it is down every runner says `stale` and holds the version it had;
 * - after the restart every runner reconnects (the fleet table, which only the restarted edge
 *   can have filled, shows them all ready) and applies each version written afterwards;
 * - no runner skipped a version or applied one out of order: each waits for the whole fleet to
 *   apply one version before the next is written, so every runner's own log must show exactly
 *   1, 2, 3, 4 in that order.
 *
 * Ten runners, two per region, not fifty: every property here holds (or fails) per runner, and
 * ten processes already hold ten long-polls that die together and come back together. Fifty
 * processes on a 2-core machine under load (CI) measured the scheduler and timed out; how fifty
 * clients reconnect after a restart (the jitter, the herd) is what `npm run bench` measures, with
 * fifty in-process clients. Every wait below is on a condition with its own deadline, never a sleep.
 *
 * Runners are kept light: the default sim venue with the minimal quoting loop, one report every
 * few seconds. They start in batches so Node start-ups do not starve wrangler.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startEdge } from '../../tools/edge-process.ts';
import { createSet, fleet, patch } from './helpers/edge-http.ts';
import { eventually, GiveUp } from '../../tools/eventually.ts';
import { startRunner, stopAllRunners, type RunnerProcess } from '../../tools/runner-process.ts';

const SET = 'edge-restart';
const RUNNERS = 10;
const BATCH = 5;
const REGIONS = ['eu-west-1', 'us-east-1', 'ap-tokyo-1', 'sa-east-1', 'af-south-1'];

type Edge = Awaited<ReturnType<typeof startEdge>>;
let edge: Edge;

beforeAll(async () => {
  edge = await startEdge({ persistDir: mkdtempSync(join(tmpdir(), 'lt-restart-')) });
  await createSet(edge.url, edge.tokens.write, SET, { order_size: 0.3 }, 'edge-restart: create');
});

afterEach(async () => {
  await stopAllRunners();
});

afterAll(async () => {
  await edge?.stop();
});

function appliedVersions(runner: RunnerProcess): number[] {
  return runner
    .logRecords()
    .filter((r) => r.msg === 'applied params version')
    .map((r) => r.version as number);
}

/** Polls every runner's status until all hold `predicate`; names the laggards on timeout. */
async function fleetOf(
  runners: RunnerProcess[],
  predicate: (s: Awaited<ReturnType<RunnerProcess['status']>>) => boolean,
  what: string,
): Promise<void> {
  const done = new Set<RunnerProcess>();
  await eventually(
    async () => {
      await Promise.all(
        runners
          .filter((r) => !done.has(r))
          .map(async (r) => {
            if (!r.alive()) throw new GiveUp(`runner ${r.runnerId} exited:\n${r.logs.slice(-10).join('\n')}`);
            if (predicate(await r.status())) done.add(r);
          }),
      );
      return done.size === runners.length;
    },
    {
      what: `all ${runners.length} runners ${what}`,
      timeoutMs: 120_000,
      intervalMs: 250,
      context: () =>
        `not yet: ${runners
          .filter((r) => !done.has(r))
          .map((r) => r.runnerId)
          .join(', ')}`,
    },
  );
}

describe('a fleet of long-polling runners and an edge restart', () => {
  it('hold their params while the edge is down, reconnect, and apply every later version in order', async () => {
    const runners: RunnerProcess[] = [];
    for (let i = 0; i < RUNNERS; i += BATCH) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(BATCH, RUNNERS - i) }, (_, j) =>
          startRunner({
            edgeUrl: edge.url,
            token: edge.tokens.read,
            set: SET,
            runnerId: `r-${String(i + j).padStart(2, '0')}`,
            region: REGIONS[(i + j) % REGIONS.length]!,
            cacheDir: mkdtempSync(join(tmpdir(), 'lt-restart-cache-')),
            // The default long-poll wait (50 s): after a failure the runner confirms the edge with a
            // plain conditional GET first, so reconnecting does not wait for a held long-poll.
            extraArgs: ['--grace', '600', '--heartbeat', '3', '--log-level', 'info'],
          }),
        ),
      );
      runners.push(...batch);
    }
    await fleetOf(runners, (s) => s.version === 1 && s.sync_state === 'ready', 'ready on v1');

    const v2 = await patch(edge.url, edge.tokens.write, SET, { order_size: 0.4 }, 'edge-restart: before the restart');
    await fleetOf(runners, (s) => s.version === v2.version, `on v${v2.version}`);

    // The edge dies under the fleet's held long-polls.
    await edge.kill();
    const killedAt = Date.now();
    await fleetOf(runners, (s) => s.sync_state === 'stale', 'stale while the edge is down');
    for (const r of runners) {
      const s = await r.status();
      expect(s.version, r.runnerId).toBe(v2.version);
      expect(s.params?.order_size, r.runnerId).toBe(0.4);
    }

    await edge.restart();
    await fleetOf(runners, (s) => s.sync_state === 'ready' && s.version === v2.version, 'reconnected');
    // Reports seen after the kill can only have reached the restarted edge.
    await eventually(
      async () => {
        const table = await fleet(edge.url, edge.tokens.read, SET);
        const ready = table.runners.filter(
          (e) => e.sync_state === 'ready' && e.applied_version === v2.version && Date.parse(e.last_seen) > killedAt,
        );
        return runners.every((r) => ready.some((e) => e.runner_id === r.runnerId));
      },
      { what: 'every runner reported ready to the restarted edge', timeoutMs: 120_000 },
    );

    // Versions written after the restart, one at a time, reach every runner.
    const later: number[] = [];
    for (const orderSize of [0.5, 0.6]) {
      const v = await patch(
        edge.url,
        edge.tokens.write,
        SET,
        { order_size: orderSize },
        `edge-restart: after the restart, ${orderSize}`,
      );
      later.push(v.version);
      await fleetOf(runners, (s) => s.version === v.version && s.params?.order_size === orderSize, `on v${v.version}`);
    }

    // No version skipped, none out of order, none applied twice, in any runner.
    const expected = [1, v2.version, ...later];
    expect(expected).toEqual([1, 2, 3, 4]);
    for (const r of runners) {
      expect(appliedVersions(r), r.runnerId).toEqual(expected);
      // Reconnection is in the runner's own words too.
      expect(
        r.logRecords().some((l) => l.from === 'stale' && l.to === 'ready'),
        r.runnerId,
      ).toBe(true);
      expect(r.alive(), r.runnerId).toBe(true);
    }
    // A deadline for a broken run only: each wait above has its own.
  }, 600_000);
});
