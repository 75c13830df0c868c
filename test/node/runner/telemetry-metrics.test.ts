import { describe, expect, it } from 'vitest';
import { TelemetryRecorder } from '../../../engine/telemetry/telemetry-recorder.ts';
import type { Fill } from '../../../engine/venue/venue.ts';
import { createRunnerMetrics } from '../../../runner/status/runner-metrics.ts';
import { EngineDriver } from '../helpers/engine-driver.ts';

const LINEAGE = 'AAAAAAAAAAAAAAAAAAAAAA';

function fill(side: 'buy' | 'sell', price: number, liquidity: 'maker' | 'taker' = 'maker'): Fill {
  return { fillId: `${Math.random()}`, orderId: 1, symbol: 'SIM', side, price, size: 1, fee: 0.01, liquidity, time: 0 };
}

/** A runner's metrics over a real recorder, fed by hand. */
function setup(retainedVersions = 6) {
  let version: number | null = 7;
  const holder: { metrics?: ReturnType<typeof createRunnerMetrics> } = {};
  const recorder = new TelemetryRecorder({
    version: () => version,
    lineage: () => LINEAGE,
    retainedVersions,
    onMarkout: (v, h, bps) => holder.metrics!.telemetry.observeMarkout(v, h, bps),
  });
  const metrics = createRunnerMetrics({
    labels: { set: 'hype-perp', runner: 'fra-1', region: 'eu-central-1' },
    appliedVersion: () => version,
    secondsSinceSync: () => 1,
    syncState: () => 'ready',
    telemetry: () => recorder,
  });
  holder.metrics = metrics;
  return { recorder, engine: new EngineDriver(recorder), metrics, setVersion: (v: number | null) => (version = v) };
}

/** The value of the one sample line whose name and labels contain every fragment. */
function sample(text: string, name: string, ...fragments: string[]): number {
  const lines = text.split('\n').filter((l) => l.startsWith(`${name}{`) && fragments.every((f) => l.includes(f)));
  expect(lines, `${name} ${fragments.join(' ')} in\n${text}`).toHaveLength(1);
  return Number(lines[0]!.split(' ').at(-1));
}

describe('runner /metrics: trading telemetry', () => {
  it('exports fills, orders, P&L parts, uptime and markout histograms per params version, with the runner labels', async () => {
    const { recorder, engine, metrics, setVersion } = setup();
    engine.book(0, 100);
    recorder.onOrderPlaced(7, 0);
    recorder.onOrderPlaced(7, 0);
    engine.quoting(true, 0);
    recorder.onFill(fill('buy', 99.9), 7, 1, 100);
    setVersion(8);
    engine.book(1_000, 100.2); // the v7 fill's 1 s markout: +30 bps
    recorder.onOrderPlaced(8, 1_000);
    recorder.onCancelSent(7, 1_000);
    recorder.onOrderRejected(8, 1_100);
    recorder.onFill(fill('sell', 100, 'taker'), 8, 0, 1_200);
    recorder.onTime(2_000);
    const text = await metrics.registry.metrics();

    const runner = ['set="hype-perp"', 'runner="fra-1"', 'region="eu-central-1"'];
    expect(sample(text, 'livetune_fills_total', 'params_version="7"', 'liquidity="maker"', ...runner)).toBe(1);
    expect(sample(text, 'livetune_fills_total', 'params_version="8"', 'liquidity="taker"')).toBe(1);
    expect(sample(text, 'livetune_fills_total', 'params_version="8"', 'liquidity="maker"')).toBe(0);
    expect(sample(text, 'livetune_orders_total', 'params_version="7"')).toBe(2);
    expect(sample(text, 'livetune_cancels_total', 'params_version="7"')).toBe(1);
    expect(sample(text, 'livetune_rejects_total', 'params_version="8"')).toBe(1);
    expect(sample(text, 'livetune_version_seconds_total', 'params_version="7"')).toBeCloseTo(1, 9);
    expect(sample(text, 'livetune_quote_uptime_ratio', 'params_version="7"')).toBe(1);
    expect(sample(text, 'livetune_pnl', 'params_version="7"', 'part="spread"')).toBeCloseTo(0.1, 9);
    expect(sample(text, 'livetune_pnl', 'params_version="7"', 'part="fees"')).toBeCloseTo(-0.01, 9);
    expect(sample(text, 'livetune_pnl', 'params_version="8"', 'part="taker"')).toBeCloseTo(-0.2 - 0.01, 9); // sold 0.2 below the mid, plus the fee
    expect(sample(text, 'livetune_inventory', ...runner)).toBe(0);
    expect(sample(text, 'livetune_markout_bps_count', 'params_version="7"', 'horizon="1s"')).toBe(1);
    expect(sample(text, 'livetune_markout_bps_bucket', 'params_version="7"', 'horizon="1s"', 'le="20"')).toBe(0);
    expect(sample(text, 'livetune_markout_bps_bucket', 'params_version="7"', 'horizon="1s"', 'le="50"')).toBe(1);
    expect(text).toMatch(/# TYPE livetune_markout_bps histogram/);
    expect(text).toMatch(/# TYPE livetune_fills_total counter/);
  });

  it('keeps params_version bounded: the series of versions the recorder no longer keeps are removed', async () => {
    const { recorder, engine, metrics, setVersion } = setup(3);
    engine.book(0, 100);
    for (let v = 1; v <= 20; v++) {
      setVersion(v);
      recorder.onOrderPlaced(v, v * 1_000);
      recorder.onFill(fill('buy', 99.9), v, v, v * 1_000);
      recorder.onTime(v * 1_000 + 1_500); // each version's fill gets its 1 s markout
    }
    const text = await metrics.registry.metrics();
    const versions = new Set([...text.matchAll(/params_version="([^"]+)"/g)].map((m) => m[1]));
    expect([...versions].sort()).toEqual(['18', '19', '20']);
  });

  it('labels params without an edge version "none"', async () => {
    const { recorder, metrics, setVersion } = setup();
    setVersion(null);
    recorder.onOrderPlaced(null, 0);
    expect(sample(await metrics.registry.metrics(), 'livetune_orders_total', 'params_version="none"')).toBe(1);
  });
});
