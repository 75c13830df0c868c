/**
 * Issue 3 end to end: a real `wrangler dev` and three real runners in three regions on one set,
 * one per sync mode (long-poll, WebSocket push, polling).
 * - a write is applied by all three, and the fleet table shows each on the new version;
 * - a rollback likewise (a new version equal to the old one);
 * - the edge dies: every runner says `stale`, keeps its params (same version) and keeps quoting;
 *   a runner restarted meanwhile starts from its last-known-good cache;
 * - the edge comes back on the same storage: the runners reconnect and apply a version written
 *   after the restart.
 * Every runner's applied versions, read from its log, only ever go up.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CacheEntrySchema } from '../../runner/cache/params-cache.ts';
import { startEdge } from '../../tools/edge-process.ts';
import { createSet, fleet, patch, rollback } from './helpers/edge-http.ts';
import { eventually } from '../../tools/eventually.ts';
import { startRunner, stopAllRunners, type RunnerProcess } from '../../tools/runner-process.ts';

const SET = 'fleet-sync';
const REGIONS = ['eu-west-1', 'us-east-1', 'ap-tokyo-1'] as const;
/** One runner per sync mode, so each transport is held to the same story. */
const SYNC: Record<(typeof REGIONS)[number], 'longpoll' | 'ws' | 'poll'> = {
  'eu-west-1': 'longpoll',
  'us-east-1': 'ws',
  'ap-tokyo-1': 'poll',
};

type Edge = Awaited<ReturnType<typeof startEdge>>;
let edge: Edge;
let runners: RunnerProcess[] = [];
const cacheDirs = new Map<string, string>();

function start(region: (typeof REGIONS)[number]): Promise<RunnerProcess> {
  const runnerId = `r-${region}`;
  if (!cacheDirs.has(runnerId)) cacheDirs.set(runnerId, mkdtempSync(join(tmpdir(), `lt-cache-${region}-`)));
  return startRunner({
    edgeUrl: edge.url,
    token: edge.tokens.read,
    set: SET,
    runnerId,
    region,
    sync: SYNC[region],
    cacheDir: cacheDirs.get(runnerId)!,
    // A long grace keeps an edge outage `stale` (not `error`) for the whole test; short
    // heartbeats keep the fleet table current.
    extraArgs: ['--grace', '600', '--heartbeat', '0.5', '--wait', '5', '--interval', '0.5'],
  });
}

/** The versions a runner applied, in order, from its "applied params version" log lines. */
function appliedVersions(runner: RunnerProcess): number[] {
  return runner
    .logRecords()
    .filter((r) => r.msg === 'applied params version')
    .map((r) => r.version as number);
}

async function allOn(version: number, what: string): Promise<void> {
  await Promise.all(
    runners.map((r) =>
      r.waitForStatus((s) => s.version === version && s.sync_state === 'ready', { what: `${what}: v${version}, ready` }),
    ),
  );
  await eventually(
    async () => {
      const table = await fleet(edge.url, edge.tokens.read, SET);
      return REGIONS.every((region) =>
        table.runners.some((e) => e.runner_id === `r-${region}` && e.region === region && e.applied_version === version),
      );
    },
    {
      what: `the fleet table to show every runner on v${version} (${what})`,
      timeoutMs: 60_000,
      context: () => runners.map((r) => r.logs.slice(-3).join('\n')).join('\n'),
    },
  );
}

beforeAll(async () => {
  edge = await startEdge({ persistDir: mkdtempSync(join(tmpdir(), 'lt-fleet-')) });
  await createSet(edge.url, edge.tokens.write, SET, { base_half_spread_bps: 5, order_size: 0.3 }, 'fleet: create');
});

afterEach(async () => {
  await stopAllRunners();
});

afterAll(async () => {
  await edge?.stop();
});

describe('three runners in three regions on one set', () => {
  it('apply a write and a rollback, and the fleet table shows each runner on the new version', async () => {
    runners = await Promise.all(REGIONS.map((region) => start(region)));
    await allOn(1, 'start-up');

    const written = await patch(edge.url, edge.tokens.write, SET, { base_half_spread_bps: 7.5 }, 'fleet: widen');
    expect(written.version).toBe(2);
    await allOn(2, 'after a write');
    for (const r of runners) expect((await r.status()).params?.base_half_spread_bps).toBe(7.5);

    const rolled = await rollback(edge.url, edge.tokens.write, SET, 1, 'fleet: back to v1');
    expect(rolled.version).toBe(3);
    await allOn(3, 'after a rollback');
    for (const r of runners) expect((await r.status()).params?.base_half_spread_bps).toBe(5);
  });

  it('keep their params and quoting while the edge is down, restart from the cache, and catch up when it is back', async () => {
    runners = await Promise.all(REGIONS.map((region) => start(region)));
    await allOn(3, 'start-up');

    // The edge dies: every runner goes stale, holds v3 and keeps quoting on it.
    await edge.kill();
    const stale = await Promise.all(
      runners.map((r) => r.waitForStatus((s) => s.sync_state === 'stale', { what: 'stale after the edge died' })),
    );
    for (const s of stale) {
      expect(s.version).toBe(3);
      expect(s.params?.base_half_spread_bps).toBe(5);
      expect(s.last_error).toBeTruthy();
    }
    for (const r of runners) {
      const first = await r.waitForStatus(
        (s) => s.trading?.bid != null && s.trading.ask != null && s.trading.params_version === 3,
        { what: 'two-sided quotes on v3' },
      );
      await r.waitForStatus((s) => s.trading?.mid !== first.trading?.mid && s.trading?.bid != null && s.sync_state === 'stale', {
        what: 'quotes still moving while stale',
      });
      expect(r.alive()).toBe(true);
    }

    // A runner restarted during the outage starts from its last-known-good cache.
    await runners[2]!.stop('SIGTERM');
    runners[2] = await start(REGIONS[2]);
    const fromCache = await runners[2].waitForStatus((st) => st.version !== null, { what: 'params loaded at start-up' });
    expect(fromCache.started_from).toBe('cache');
    expect(fromCache.version).toBe(3);
    expect(fromCache.params?.base_half_spread_bps).toBe(5);
    expect(fromCache.sync_state).toBe('stale');
    await runners[2].waitForStatus((st) => st.trading?.bid != null && st.trading.params_version === 3, {
      what: 'quoting on the cached v3',
    });

    // The edge comes back on the same storage; a version written after that reaches everyone.
    await edge.restart();
    await allOn(3, 'reconnected after the edge restart');
    const written = await patch(edge.url, edge.tokens.write, SET, { order_size: 0.5 }, 'fleet: after the restart');
    expect(written.version).toBe(4);
    await allOn(4, 'a write after the edge restart');
    for (const r of runners) expect((await r.status()).params?.order_size).toBe(0.5);
    // Each runner's last-known-good cache now holds v4, whole and valid.
    for (const r of runners) {
      const file = join(cacheDirs.get(r.runnerId)!, `${SET}.json`);
      await eventually(() => CacheEntrySchema.parse(JSON.parse(readFileSync(file, 'utf8'))).version === 4, {
        what: `${file} to hold v4`,
        timeoutMs: 30_000,
      });
      expect(CacheEntrySchema.parse(JSON.parse(readFileSync(file, 'utf8'))).params.order_size).toBe(0.5);
    }
    // Versions only move forward, in every runner's own log.
    for (const r of runners) {
      const applied = appliedVersions(r);
      expect(applied, r.runnerId).toEqual([...applied].sort((a, b) => a - b));
      expect(new Set(applied).size, r.runnerId).toBe(applied.length);
      expect(applied.at(-1), r.runnerId).toBe(4);
    }
  });

  it('a runner started before its set exists quotes on defaults only when allowed, and applies v1 once the set is created', async () => {
    const set = 'fleet-late-set';
    const refused = await startRunner({
      edgeUrl: edge.url,
      token: edge.tokens.read,
      set,
      runnerId: 'r-late-0',
      region: 'eu-west-1',
      cacheDir: mkdtempSync(join(tmpdir(), 'lt-late-')),
      waitForStatus: false,
    });
    expect((await refused.exited).code).not.toBe(0);
    expect(refused.logs.join('\n')).toMatch(/allow-defaults/);

    const late = await startRunner({
      edgeUrl: edge.url,
      token: edge.tokens.read,
      set,
      runnerId: 'r-late-1',
      region: 'eu-west-1',
      cacheDir: mkdtempSync(join(tmpdir(), 'lt-late-')),
      extraArgs: ['--allow-defaults', '--grace', '600', '--wait', '5'],
    });
    const onDefaults = await late.waitForStatus((s) => s.started_from === 'defaults', { what: 'started on defaults' });
    expect(onDefaults.version).toBeNull();
    await createSet(edge.url, edge.tokens.write, set, { order_size: 0.7 }, 'fleet: the late set');
    const applied = await late.waitForStatus((s) => s.version === 1 && s.sync_state === 'ready', {
      what: 'v1 of the late set applied',
      timeoutMs: 60_000,
    });
    expect(applied.params?.order_size).toBe(0.7);
  });
});
