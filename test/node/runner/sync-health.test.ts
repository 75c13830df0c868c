import { describe, expect, it } from 'vitest';
import { riskPolicyFor, SyncHealth, type OnErrorPolicy } from '../../../runner/sync/sync-health.ts';
import { FakeClock } from '../helpers/fake-clock.ts';

function health(onError: OnErrorPolicy = 'reduce-only', graceMs = 30_000) {
  const clock = new FakeClock();
  const changes: string[] = [];
  const h = new SyncHealth({ graceMs, onError, clock, onChange: (from, to) => changes.push(`${from}→${to}`) });
  return { clock, h, changes };
}

describe('SyncHealth', () => {
  it('starts in starting and quotes normally', () => {
    expect(health().h.view()).toMatchObject({ state: 'starting', policy: 'normal', reason: null });
  });

  it('keeps quoting normally while stale, then applies the error policy after the grace period', async () => {
    const { clock, h, changes } = health('reduce-only', 30_000);
    h.markSuccess();
    h.markFailure('ECONNREFUSED');
    expect(h.view()).toMatchObject({ state: 'stale', policy: 'normal', reason: 'ECONNREFUSED' });
    await clock.advance(29_999);
    h.markFailure('ECONNREFUSED again');
    expect(h.state()).toBe('stale');
    await clock.advance(1);
    expect(h.view()).toMatchObject({ state: 'error', policy: 'reduce_only' });
    h.markSuccess();
    expect(h.view()).toMatchObject({ state: 'ready', policy: 'normal', reason: null });
    expect(changes).toEqual(['starting→ready', 'ready→stale', 'stale→error', 'error→ready']);
  });

  it('counts the grace period from the first failure, not the latest', async () => {
    const { clock, h } = health('halt', 10_000);
    h.markFailure('down');
    await clock.advance(6000);
    h.markFailure('still down');
    await clock.advance(4000);
    expect(h.policy()).toBe('halt');
  });

  it.each([
    ['keep', 'normal'],
    ['widen', 'widen'],
    ['reduce-only', 'reduce_only'],
    ['halt', 'halt'],
  ] as const)('maps --on-error %s to the %s policy', (onError, policy) => {
    expect(riskPolicyFor('error', onError)).toBe(policy);
    expect(riskPolicyFor('stale', onError)).toBe('normal');
  });

  it('goes to error at once when the token is refused, and stays there', () => {
    const { h } = health('widen');
    h.markSuccess();
    h.markRefused('the edge refused the token (401)');
    h.markSuccess();
    h.markFailure('network');
    expect(h.view()).toMatchObject({ state: 'error', policy: 'widen', reason: 'the edge refused the token (401)' });
    expect(h.refused).toBe(true);
  });
});
