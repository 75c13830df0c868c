/**
 * The runner as a real process (`node runner/main.ts`) against a fake edge on loopback: it starts
 * from the edge, follows a change, serves /status and /metrics, and on SIGTERM flushes a final
 * report and exits 0. With the edge down it starts from the cache; with neither it refuses unless
 * --allow-defaults. Every spawned process is killed by pid in afterEach.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_PARAMS } from '../../shared/params-schema.ts';
import { etagFor } from '../../shared/etag.ts';
import { ParamsCache } from '../../runner/cache/params-cache.ts';
import { FAKE_LINEAGE, FakeEdge } from '../node/helpers/fake-edge.ts';
import { startRunner, stopAllRunners } from '../../tools/runner-process.ts';

const SET = 'hype-perp';
/** A loopback port nothing listens on: the edge is "down". */
const DOWN = 'http://127.0.0.1:9';

describe('runner process', () => {
  let dir: string;
  let edge: FakeEdge | undefined;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'livetune-runner-e2e-'));
  });
  afterEach(async () => {
    await stopAllRunners();
    await edge?.close();
    edge = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  it('follows the edge, serves /status and /metrics, and exits 0 on SIGTERM after a final report', async () => {
    edge = await FakeEdge.start({ set: SET });
    edge.publish({ ...DEFAULT_PARAMS, order_size: 1 });
    const runner = await startRunner({
      edgeUrl: edge.url,
      token: edge.token,
      set: SET,
      runnerId: 'e2e-1',
      region: 'eu',
      cacheDir: dir,
      extraArgs: ['--heartbeat', '3600', '--wait', '2'],
    });
    await runner.waitForStatus((s) => s.version === 1 && s.sync_state === 'ready', { what: 'version 1, ready' });

    edge.publish({ ...DEFAULT_PARAMS, order_size: 2 });
    const status = await runner.waitForStatus((s) => s.version === 2, { what: 'version 2' });
    expect(status).toMatchObject({
      set: SET,
      runner_id: 'e2e-1',
      region: 'eu',
      started_from: 'edge',
      sync_mode: 'longpoll',
      etag: etagFor(SET, FAKE_LINEAGE, 2),
    });
    expect(status.params).toMatchObject({ order_size: 2 });
    await edge.waitForReport((r) => r.body.applied_version === 2);

    const metrics = await (await fetch(`${runner.statusUrl}/metrics`)).text();
    expect(metrics).toMatch(/livetune_applied_version\{[^}]*\} 2/);
    expect(metrics).toContain('livetune_seconds_since_last_sync');
    expect(metrics).toContain('livetune_sync_failures_total');

    const reportsBefore = edge.reports.length;
    expect(await runner.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    expect(edge.reports.length).toBeGreaterThan(reportsBefore);
    expect(edge.reports.at(-1)?.body).toMatchObject({ applied_version: 2, region: 'eu' });
    expect(runner.logs.join('\n')).not.toContain(edge.token);
    expect((await new ParamsCache({ dir, set: SET }).load())?.version).toBe(2);
  });

  it('follows the edge over the watch socket with --sync ws', async () => {
    edge = await FakeEdge.start({ set: SET });
    edge.publish({ ...DEFAULT_PARAMS });
    const runner = await startRunner({
      edgeUrl: edge.url,
      token: edge.token,
      set: SET,
      runnerId: 'e2e-ws',
      region: 'ap',
      sync: 'ws',
      cacheDir: dir,
    });
    await runner.waitForStatus((s) => s.version === 1 && s.sync_state === 'ready', { what: 'version 1 over ws' });
    edge.publish({ ...DEFAULT_PARAMS, base_half_spread_bps: 8 });
    await edge.waitForSocketMessage((m) => m.type === 'ack' && m.version === 2);
    expect(await runner.waitForStatus((s) => s.version === 2, { what: 'version 2 over ws' })).toMatchObject({
      sync_mode: 'ws',
      params: { base_half_spread_bps: 8 },
    });
    expect(await runner.stop('SIGTERM')).toEqual({ code: 0, signal: null });
  });

  it('starts from the cache when the edge is down at start-up, and says so', async () => {
    await new ParamsCache({ dir, set: SET }).save({
      lineage: FAKE_LINEAGE,
      version: 4,
      etag: etagFor(SET, FAKE_LINEAGE, 4),
      params: { ...DEFAULT_PARAMS, order_size: 0.4 },
    });
    const runner = await startRunner({
      edgeUrl: DOWN,
      token: 'read-token',
      set: SET,
      runnerId: 'e2e-2',
      region: 'us',
      cacheDir: dir,
    });
    const status = await runner.status();
    expect(status).toMatchObject({ started_from: 'cache', version: 4, sync_state: 'stale', params: { order_size: 0.4 } });
    expect(runner.logRecords().some((r) => /last-known-good cache/.test(String(r.msg)))).toBe(true);
    expect(await runner.stop('SIGTERM')).toEqual({ code: 0, signal: null });
  });

  it('refuses to quote with neither edge nor cache, and starts on defaults only with --allow-defaults', async () => {
    const refused = await startRunner({
      edgeUrl: DOWN,
      token: 'read-token',
      set: SET,
      runnerId: 'e2e-3',
      region: 'us',
      cacheDir: dir,
      waitForStatus: false,
    });
    expect((await refused.exited).code).toBe(1);
    expect(refused.logs.join('\n')).toMatch(/--allow-defaults/);

    const allowed = await startRunner({
      edgeUrl: DOWN,
      token: 'read-token',
      set: SET,
      runnerId: 'e2e-4',
      region: 'us',
      cacheDir: dir,
      extraArgs: ['--allow-defaults'],
    });
    expect(await allowed.status()).toMatchObject({ started_from: 'defaults', version: null });
  });

  it('stops with exit code 2 and names the flag on a bad value', async () => {
    const runner = await startRunner({
      edgeUrl: DOWN,
      token: 'read-token',
      set: SET,
      runnerId: 'e2e-5',
      region: 'us',
      cacheDir: dir,
      extraArgs: ['--on-error', 'panic'],
      waitForStatus: false,
    });
    expect((await runner.exited).code).toBe(2);
    expect(runner.logs.join('\n')).toMatch(
      /--on-error = "panic" is not accepted: expected one of keep \| widen \| reduce-only \| halt/,
    );
  });
});
