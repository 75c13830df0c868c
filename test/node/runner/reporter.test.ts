import { afterEach, describe, expect, it } from 'vitest';
import type { RunnerReport } from '../../../shared/api.ts';
import { ServerError } from '../../../client/edge-errors.ts';
import { Reporter } from '../../../runner/sync/reporter.ts';
import { FakeClock } from '../helpers/fake-clock.ts';
import { silentLogger } from '../helpers/runner-fixtures.ts';

const settle = () => new Promise((resolve) => setImmediate(resolve));

let reporter: Reporter | undefined;
afterEach(async () => {
  await reporter?.stop({ final: false });
  reporter = undefined;
});

function setup({ failing = false, enabled = (): boolean => true }: { failing?: boolean; enabled?: () => boolean } = {}) {
  const clock = new FakeClock();
  const sent: RunnerReport[] = [];
  const failures: string[] = [];
  let version = 1;
  reporter = new Reporter({
    edge: {
      async postReport(_set, _id, report) {
        if (failing) throw new ServerError('503 from edge', { status: 503 });
        sent.push(report);
      },
    },
    set: 'hype-perp',
    runnerId: 'r-1',
    build: () => ({ region: 'eu', applied_version: version, rejected: null, sync_state: 'ready' }),
    clock,
    heartbeatMs: 5000,
    logger: silentLogger(),
    onFailure: (r) => failures.push(r),
    enabled,
  });
  return { clock, sent, failures, setVersion: (v: number) => (version = v), reporter };
}

describe('Reporter', () => {
  it('reports at start, then every heartbeat', async () => {
    const { clock, sent, reporter } = setup();
    const firstSleep = clock.nextSleep();
    reporter.start();
    expect(await firstSleep).toBe(5000);
    expect(sent).toHaveLength(1);
    const secondSleep = clock.nextSleep();
    await clock.advance(5000);
    await secondSleep;
    expect(sent).toHaveLength(2);
  });

  it('reports at once when nudged (after an apply or a rejection)', async () => {
    const { clock, sent, reporter, setVersion } = setup();
    let sleep = clock.nextSleep();
    reporter.start();
    await sleep;
    setVersion(2);
    sleep = clock.nextSleep();
    reporter.nudge();
    await sleep;
    expect(sent.map((r) => r.applied_version)).toEqual([1, 2]);
  });

  it('sends one final report on stop', async () => {
    const { clock, sent, reporter, setVersion } = setup();
    const sleep = clock.nextSleep();
    reporter.start();
    await sleep;
    setVersion(3);
    await reporter.stop();
    expect(sent.map((r) => r.applied_version)).toEqual([1, 3]);
  });

  it('names its heartbeat in every report and says goodbye only in the final one', async () => {
    const { clock, sent, reporter } = setup();
    const sleep = clock.nextSleep();
    reporter.start();
    await sleep;
    await reporter.stop();
    expect(sent.map((r) => [r.heartbeat_s, r.goodbye])).toEqual([
      [5, undefined],
      [5, true],
    ]);
  });

  it('counts a failed report and waits for the next heartbeat instead of retrying at once', async () => {
    const { clock, failures, reporter } = setup({ failing: true });
    const sleep = clock.nextSleep();
    reporter.start();
    expect(await sleep).toBe(5000);
    await settle();
    expect(failures).toEqual(['report']);
  });

  it('sends nothing while disabled (token refused)', async () => {
    const { clock, sent, reporter } = setup({ enabled: () => false });
    const sleep = clock.nextSleep();
    reporter.start();
    await sleep;
    await reporter.stop();
    expect(sent).toEqual([]);
  });
});
