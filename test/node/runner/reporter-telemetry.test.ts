import { afterEach, describe, expect, it } from 'vitest';
import { ServerError } from '../../../client/edge-errors.ts';
import { TelemetryRecorder } from '../../../engine/telemetry/telemetry-recorder.ts';
import type { Fill } from '../../../engine/venue/venue.ts';
import { Reporter } from '../../../runner/sync/reporter.ts';
import { RunnerReportSchema, type RunnerReport } from '../../../shared/api.ts';
import { FakeClock } from '../helpers/fake-clock.ts';
import { silentLogger } from '../helpers/runner-fixtures.ts';
import { EngineDriver } from '../helpers/engine-driver.ts';

let reporter: Reporter | undefined;
afterEach(async () => {
  await reporter?.stop({ final: false });
  reporter = undefined;
});

let fillSeq = 0;
const fill = (price: number): Fill => ({
  fillId: `f${++fillSeq}`,
  orderId: 1,
  symbol: 'SIM',
  side: 'buy',
  price,
  size: 1,
  fee: 0,
  liquidity: 'maker',
  time: 0,
});

/** A reporter over a real recorder; the edge fails while `down` is true. */
function setup(maxTelemetryCarryMs?: number) {
  const clock = new FakeClock();
  const recorder = new TelemetryRecorder({ version: () => 3, lineage: () => 'AAAAAAAAAAAAAAAAAAAAAA', clock });
  const state = { down: false, dropped: 0, position: 0 };
  const sent: RunnerReport[] = [];
  reporter = new Reporter({
    edge: {
      async postReport(_set, _id, report) {
        if (state.down) throw new ServerError('503 from edge', { status: 503 });
        sent.push(RunnerReportSchema.parse(report));
      },
    },
    set: 'hype-perp',
    runnerId: 'r-1',
    build: () => ({ region: 'eu', applied_version: 3, rejected: null, sync_state: 'ready' }),
    clock,
    heartbeatMs: 5_000,
    logger: silentLogger(),
    telemetry: () => recorder.takeDelta(),
    maxTelemetryCarryMs,
    onTelemetryDropped: () => state.dropped++,
  });
  new EngineDriver(recorder).book(0, 100);
  const fillOne = () => recorder.onFill(fill(99.9), 3, ++state.position, 0);
  return { clock, recorder, state, sent, reporter, fillOne };
}

const fills = (r: RunnerReport) => r.telemetry?.versions.reduce((n, v) => n + v.maker_fills, 0) ?? 0;

describe('Reporter: telemetry', () => {
  it('sends each delta once, and merges one whose report failed into the next', async () => {
    const { clock, state, sent, reporter, fillOne } = setup();
    fillOne();
    let sleep = clock.nextSleep();
    reporter.start();
    await sleep;
    expect(sent.map(fills)).toEqual([1]);
    state.down = true;
    fillOne();
    fillOne();
    sleep = clock.nextSleep();
    await clock.advance(5_000); // this report fails: its 2 fills wait
    await sleep;
    state.down = false;
    fillOne();
    sleep = clock.nextSleep();
    await clock.advance(5_000);
    await sleep;
    expect(sent.map(fills)).toEqual([1, 3]);
    const merged = sent[1]!.telemetry!;
    expect(Date.parse(merged.to) - Date.parse(merged.from)).toBe(10_000); // both intervals
    sleep = clock.nextSleep();
    await clock.advance(5_000);
    await sleep;
    expect(sent.map(fills)).toEqual([1, 3, 0]);
  });

  it('drops telemetry undelivered past the carry bound, and says so', async () => {
    const { clock, state, sent, reporter, fillOne } = setup(12_000);
    state.down = true;
    fillOne();
    let sleep = clock.nextSleep();
    reporter.start();
    await sleep;
    for (let i = 0; i < 3; i++) {
      sleep = clock.nextSleep();
      await clock.advance(5_000);
      await sleep;
    }
    expect(state.dropped).toBe(1);
    state.down = false;
    fillOne();
    sleep = clock.nextSleep();
    await clock.advance(5_000);
    await sleep;
    // The first fill was given up (after 15 s > 12 s undelivered); the second arrives.
    expect(sent.map(fills)).toEqual([1]);
  });
});
