/**
 * The hub's deadlines run on the injected clock: a long-poll times out, and a hung registry call is
 * given up, when the clock says so — tests advance it instead of waiting.
 */
import { describe, expect, it } from 'vitest';
import type { Version } from '../../shared/api.ts';
import type { Clock } from '../../shared/clock.ts';
import { createTokenBucket } from '../../edge/hub/token-bucket.ts';
import { VersionWaiters } from '../../edge/hub/version-waiters.ts';
import { withTimeout } from '../../edge/hub/with-timeout.ts';

/** A clock whose sleeps end only when the test fires them. */
function manualClock() {
  const sleeps: { ms: number; signal: AbortSignal | undefined; fire: () => void }[] = [];
  const clock: Clock = {
    now: () => 0,
    sleep: (ms, signal) =>
      new Promise<void>((resolve, reject) => {
        sleeps.push({ ms, signal, fire: resolve });
        signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
      }),
  };
  return { clock, sleeps };
}

const version = { set: 's', version: 2 } as Version;

describe('VersionWaiters on an injected clock', () => {
  it('answers undefined when the clock ends the wait', async () => {
    const { clock, sleeps } = manualClock();
    const waiters = new VersionWaiters({ clock });
    const waiting = waiters.wait(30_000);
    expect(sleeps.map((s) => s.ms)).toEqual([30_000]);
    sleeps[0]!.fire();
    expect(await waiting).toBeUndefined();
    expect(waiters.size).toBe(0);
  });

  it('answers the version a write wakes it with, and cancels its deadline', async () => {
    const { clock, sleeps } = manualClock();
    const waiters = new VersionWaiters({ clock });
    const waiting = waiters.wait(30_000);
    waiters.wake(version);
    expect(await waiting).toBe(version);
    expect(sleeps[0]!.signal?.aborted).toBe(true);
    expect(waiters.size).toBe(0);
  });
});

describe('withTimeout on an injected clock', () => {
  it('gives up, naming the call, when the clock passes the deadline', async () => {
    const { clock, sleeps } = manualClock();
    const call = withTimeout(new Promise(() => {}), { timeoutMs: 1000, what: 'SetRegistry.upsert', clock });
    sleeps[0]!.fire();
    await expect(call).rejects.toThrow('SetRegistry.upsert did not answer within 1000 ms');
  });

  it('answers what the call answered and cancels the deadline', async () => {
    const { clock, sleeps } = manualClock();
    expect(await withTimeout(Promise.resolve(7), { timeoutMs: 1000, what: 'x', clock })).toBe(7);
    expect(sleeps[0]!.signal?.aborted).toBe(true);
  });
});

describe('token bucket on an injected clock', () => {
  it('refills as the clock moves', () => {
    let t = 0;
    const bucket = createTokenBucket({ ratePerS: 2, burst: 1, clock: { now: () => t } });
    expect(bucket.take()).toEqual({ kind: 'taken' });
    expect(bucket.take()).toEqual({ kind: 'limited', retryAfterS: 1 });
    t += 500;
    expect(bucket.take()).toEqual({ kind: 'taken' });
  });
});
