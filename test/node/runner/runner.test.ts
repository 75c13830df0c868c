/**
 * `startRunner` composed against a fake edge on loopback: start-up from the edge, the cache or
 * nothing; a live change reaching the loop; a rejected version reported; /status and /metrics;
 * shutdown with a final report.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_PARAMS } from '../../../shared/params-schema.ts';
import { parseRunnerConfig } from '../../../runner/config.ts';
import { startRunner, StartupError, type RunnerHandle } from '../../../runner/runner.ts';
import { ParamsCache } from '../../../runner/cache/params-cache.ts';
import type { TradingLoopFactory, TradingLoopOptions } from '../../../runner/trading/trading-loop.ts';
import { etagFor } from '../../../shared/etag.ts';
import { freePort } from '../../../tools/free-port.ts';
import { FAKE_LINEAGE, FakeEdge } from '../helpers/fake-edge.ts';
import { silentLogger } from '../helpers/runner-fixtures.ts';
import { eventually } from '../../../tools/eventually.ts';

const SET = 'hype-perp';

/** A loop that records what it was given and how it was stopped. */
function recordingLoop() {
  const state = { options: null as TradingLoopOptions | null, stoppedWith: null as string | null };
  const factory: TradingLoopFactory = (options) => {
    state.options = options;
    return {
      start() {},
      async stop(reason) {
        state.stoppedWith = reason;
      },
      snapshot: () => ({
        mid: 100,
        bid: 99.9,
        ask: 100.1,
        inventory: 0.3,
        pnl: 1.5,
        fills: 2,
        mode: 'active',
        params_version: options.params.version ?? null,
      }),
    };
  };
  return { factory, state };
}

describe('startRunner', () => {
  let dir: string;
  let edge: FakeEdge | undefined;
  let runner: RunnerHandle | undefined;
  /** An edge URL nothing listens on (connection refused; not port 9, which fetch refuses to dial). */
  let down: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'livetune-runner-'));
    down = `http://127.0.0.1:${await freePort()}`;
  });
  afterEach(async () => {
    await runner?.stop('test over');
    await edge?.close();
    runner = edge = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  const config = (url: string, extra: string[] = []) =>
    parseRunnerConfig(
      [
        '--set',
        SET,
        '--runner-id',
        'r-1',
        '--region',
        'eu',
        '--url',
        url,
        '--cache-dir',
        dir,
        '--heartbeat',
        '3600',
        '--wait',
        '1',
        ...extra,
      ],
      { LIVETUNE_TOKEN: 'read-token' },
    );

  it('starts from the edge, applies a live change, reports it and serves /status and /metrics', async () => {
    edge = await FakeEdge.start({ set: SET });
    edge.publish({ ...DEFAULT_PARAMS, order_size: 1 });
    const loop = recordingLoop();
    runner = await startRunner(config(edge.url), { createTradingLoop: loop.factory, logger: silentLogger() });
    expect(runner.status()).toMatchObject({ started_from: 'edge', version: 1, sync_state: 'ready', sync_mode: 'longpoll' });
    expect(loop.state.options?.params.get().order_size).toBe(1);

    const swapped = new Promise((resolve) => runner!.holder.onSwap(resolve));
    edge.publish({ ...DEFAULT_PARAMS, order_size: 2 });
    await swapped;
    expect(loop.state.options?.params.get().order_size).toBe(2);
    await edge.waitForReport((r) => r.body.applied_version === 2);

    const status = await (await fetch(`http://127.0.0.1:${runner.statusPort}/status`)).json();
    expect(status).toMatchObject({
      set: SET,
      runner_id: 'r-1',
      region: 'eu',
      version: 2,
      etag: etagFor(SET, FAKE_LINEAGE, 2),
      sync_state: 'ready',
      started_from: 'edge',
      last_error: null,
      trading: { mid: 100, fills: 2 },
    });
    const metrics = await (await fetch(`http://127.0.0.1:${runner.statusPort}/metrics`)).text();
    expect(metrics).toMatch(/livetune_applied_version\{[^}]*runner="r-1"[^}]*\} 2/);
    expect(metrics).toMatch(/livetune_param_swaps_total\{[^}]*\} 2/);
    expect(metrics).toMatch(/livetune_sync_state\{[^}]*state="ready"[^}]*\} 1/);
    // Saved as last-known-good.
    await runner.stop('done');
    expect((await new ParamsCache({ dir, set: SET }).load())?.version).toBe(2);
    expect(loop.state.stoppedWith).toBe('done');
  });

  it('follows the watch socket in ws mode: ACKs pushed versions and NACKs an invalid one', async () => {
    edge = await FakeEdge.start({ set: SET });
    edge.publish({ ...DEFAULT_PARAMS, order_size: 1 });
    runner = await startRunner(config(edge.url, ['--sync', 'ws']), {
      createTradingLoop: recordingLoop().factory,
      logger: silentLogger(),
    });
    expect(runner.status()).toMatchObject({ started_from: 'edge', version: 1, sync_mode: 'ws' });
    // The version sent on connect is the one already held: acknowledged, not applied twice.
    await edge.waitForSocketMessage((m) => m.type === 'ack' && m.version === 1);
    edge.publish({ ...DEFAULT_PARAMS, order_size: 2 });
    expect(await edge.waitForSocketMessage((m) => m.version === 2)).toEqual({
      type: 'ack',
      runner_id: 'r-1',
      lineage: FAKE_LINEAGE,
      version: 2,
    });
    expect(runner.holder.get().order_size).toBe(2);
    edge.publish({ ...DEFAULT_PARAMS, order_size: -2 });
    expect(await edge.waitForSocketMessage((m) => m.version === 3)).toMatchObject({
      type: 'nack',
      runner_id: 'r-1',
      reason: expect.stringContaining('order_size'),
    });
    await edge.waitForReport((r) => (r.body.rejected as { version?: number } | null)?.version === 3);
    expect(runner.status()).toMatchObject({ version: 2, sync_state: 'ready', rejected: { version: 3 } });
  });

  it('rejects an invalid version, keeps the held params and reports the rejection', async () => {
    edge = await FakeEdge.start({ set: SET });
    edge.publish({ ...DEFAULT_PARAMS });
    runner = await startRunner(config(edge.url), { createTradingLoop: recordingLoop().factory, logger: silentLogger() });
    edge.publish({ ...DEFAULT_PARAMS, inventory_urgency_threshold: 7 });
    const report = await edge.waitForReport((r) => r.body.rejected != null);
    expect(report.body).toMatchObject({
      applied_version: 1,
      rejected: { version: 2, reason: expect.stringContaining('inventory_urgency_threshold') },
    });
    expect(runner.status()).toMatchObject({ version: 1, rejected: { version: 2 } });
    const metrics = await (await fetch(`http://127.0.0.1:${runner.statusPort}/metrics`)).text();
    expect(metrics).toMatch(/livetune_param_rejections_total\{[^}]*\} 1/);
  });

  it('starts from the cache when the edge is down, and says so', async () => {
    await new ParamsCache({ dir, set: SET }).save({
      lineage: FAKE_LINEAGE,
      version: 7,
      etag: etagFor(SET, FAKE_LINEAGE, 7),
      params: { ...DEFAULT_PARAMS, order_size: 0.7 },
    });
    runner = await startRunner(config(down), {
      createTradingLoop: recordingLoop().factory,
      logger: silentLogger(),
      startupTimeoutMs: 2000,
    });
    expect(runner.status()).toMatchObject({ started_from: 'cache', version: 7, sync_state: 'stale', policy: 'normal' });
    expect(runner.status().last_error).toMatch(/started from the cache/);
  });

  it('refuses to start with neither edge nor cache, unless --allow-defaults', async () => {
    const error = await startRunner(config(down), {
      createTradingLoop: recordingLoop().factory,
      logger: silentLogger(),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StartupError);
    expect((error as Error).message).toMatch(/--allow-defaults/);
    expect((error as Error).message).toContain(join(dir, `${SET}.json`));
    runner = await startRunner(config(down, ['--allow-defaults']), {
      createTradingLoop: recordingLoop().factory,
      logger: silentLogger(),
    });
    expect(runner.status()).toMatchObject({ started_from: 'defaults', version: null, params: DEFAULT_PARAMS });
  });

  it('starts from the cache but stops syncing when the edge refuses the token', async () => {
    edge = await FakeEdge.start({ set: SET, token: 'other-token' });
    edge.publish({ ...DEFAULT_PARAMS });
    await new ParamsCache({ dir, set: SET }).save({
      lineage: FAKE_LINEAGE,
      version: 3,
      etag: etagFor(SET, FAKE_LINEAGE, 3),
      params: DEFAULT_PARAMS,
    });
    runner = await startRunner(config(edge.url), { createTradingLoop: recordingLoop().factory, logger: silentLogger() });
    expect(runner.status()).toMatchObject({ started_from: 'cache', sync_state: 'error', policy: 'reduce_only' });
    expect(runner.status().last_error).toMatch(/refused the token/);
  });

  it('follows a params file in file mode and shows a rejected edit in /status', async () => {
    const paramsFile = join(dir, 'tuning_params.json');
    await writeFile(paramsFile, JSON.stringify({ order_size: 1 }));
    const fileConfig = parseRunnerConfig(
      ['--set', SET, '--runner-id', 'r-1', '--region', 'eu', '--sync', 'file', '--params-file', paramsFile, '--cache-dir', dir],
      {},
    );
    const swaps: number[] = [];
    runner = await startRunner(fileConfig, { createTradingLoop: recordingLoop().factory, logger: silentLogger() });
    runner.holder.onSwap((e) => swaps.push(e.current.params.order_size));
    expect(runner.status()).toMatchObject({
      started_from: 'file',
      sync_mode: 'file',
      sync_state: 'ready',
      version: null,
      params: { order_size: 1 },
    });

    const applied = new Promise((resolve) => runner!.holder.onSwap(resolve));
    await writeFile(paramsFile, JSON.stringify({ order_size: 2 }));
    await applied;
    expect(runner.holder.get().order_size).toBe(2);

    await writeFile(paramsFile, JSON.stringify({ order_size: 'lots' }));
    const status = await waitFor(
      () => runner!.status(),
      (s) => s.last_error !== null,
    );
    expect(status.last_error).toMatch(/order_size/);
    expect(runner.holder.get().order_size).toBe(2);
    expect(swaps).toEqual([2]);
  });
});

/** Re-reads `read()` until `done` holds (no timing asserted; a deadline of its own names what it waited for). */
async function waitFor<T>(read: () => T, done: (value: T) => boolean): Promise<T> {
  return eventually(
    () => {
      const value = read();
      return done(value) && { value };
    },
    { what: String(done), timeoutMs: 10_000, intervalMs: 10 },
  ).then(({ value }) => value);
}
