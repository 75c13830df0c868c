/**
 * The runner's telemetry wiring against a fake edge: the loop's recorder (fed by hand, under the
 * version and lineage the holder says are in force) reaches the edge in reports, and /metrics
 * exports it per params version, markout histograms included.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TelemetryRecorder } from '../../../engine/telemetry/telemetry-recorder.ts';
import { parseRunnerConfig } from '../../../runner/config.ts';
import { startRunner, type RunnerHandle } from '../../../runner/runner.ts';
import type { TradingLoopFactory } from '../../../runner/trading/trading-loop.ts';
import { RunnerReportSchema } from '../../../shared/api.ts';
import { DEFAULT_PARAMS } from '../../../shared/params-schema.ts';
import { FAKE_LINEAGE, FakeEdge } from '../helpers/fake-edge.ts';
import { silentLogger } from '../helpers/runner-fixtures.ts';
import { EngineDriver } from '../helpers/engine-driver.ts';

const SET = 'hype-perp';

describe('runner telemetry', () => {
  let dir: string | undefined;
  let edge: FakeEdge | undefined;
  let runner: RunnerHandle | undefined;
  afterEach(async () => {
    await runner?.stop('test over');
    await edge?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
    runner = edge = dir = undefined;
  });

  it('sends the recorder deltas to the edge and exports them on /metrics by params_version', async () => {
    dir = await mkdtemp(join(tmpdir(), 'livetune-telemetry-'));
    edge = await FakeEdge.start({ set: SET });
    edge.publish({ ...DEFAULT_PARAMS });
    let recorder: TelemetryRecorder | null = null;
    const factory: TradingLoopFactory = (options) => {
      recorder = new TelemetryRecorder({
        version: () => options.params.version ?? null,
        lineage: () => options.params.lineage ?? null,
        onMarkout: options.onMarkout,
      });
      return {
        telemetry: recorder,
        start() {},
        async stop() {},
        snapshot: () => ({ mid: 100, bid: null, ask: null, inventory: 0, pnl: 0, fills: 0, mode: 'active', params_version: 1 }),
      };
    };
    const config = parseRunnerConfig(
      [
        '--set',
        SET,
        '--runner-id',
        'r-1',
        '--region',
        'eu',
        '--url',
        edge.url,
        '--cache-dir',
        dir,
        '--heartbeat',
        '3600',
        '--wait',
        '1',
      ],
      { LIVETUNE_TOKEN: 'read-token' },
    );
    runner = await startRunner(config, { createTradingLoop: factory, logger: silentLogger() });
    const r = recorder!;
    const engine = new EngineDriver(r);
    engine.book(0, 100);
    r.onOrderPlaced(1, 0);
    r.onFill(
      { fillId: 'a', orderId: 1, symbol: 'SIM', side: 'buy', price: 99.95, size: 0.3, fee: 0, liquidity: 'maker', time: 0 },
      1,
      0.3,
      0,
    );
    engine.book(1_000, 100.05);

    // A swap makes the runner report at once; that report carries the fill of v1.
    edge.publish({ ...DEFAULT_PARAMS, base_half_spread_bps: 7 });
    const report = await edge.waitForReport((x) => x.body.applied_version === 2, 'the report after the swap');
    const telemetry = RunnerReportSchema.parse(report.body).telemetry!;
    const v1 = telemetry.versions.find((v) => v.params_version === 1)!;
    expect(v1).toMatchObject({ lineage: FAKE_LINEAGE, maker_fills: 1, orders: 1, volume: 0.3 });
    expect(v1.markout_bps['1s'].n).toBe(1);

    const metrics = await (await fetch(`http://127.0.0.1:${runner.statusPort}/metrics`)).text();
    expect(metrics).toMatch(/livetune_fills_total\{[^}]*params_version="1"[^}]*liquidity="maker"[^}]*runner="r-1"[^}]*\} 1/);
    expect(metrics).toMatch(/livetune_markout_bps_count\{[^}]*params_version="1"[^}]*horizon="1s"[^}]*\} 1/);
  });
});
