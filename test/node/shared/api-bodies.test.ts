import { describe, expect, it } from 'vitest';
import { RollbackBodySchema, RunnerReportSchema, WatchClientMessageSchema, WriteBodySchema } from '../../../shared/api.ts';
import { applyMergePatch, diffParams } from '../../../shared/merge-patch.ts';

describe('API bodies', () => {
  it('a write needs a message (the audit trail says why)', () => {
    expect(WriteBodySchema.safeParse({ params: {} }).success).toBe(false);
    expect(WriteBodySchema.safeParse({ params: {}, message: '   ' }).success).toBe(false);
    expect(WriteBodySchema.parse({ params: { order_size: 1 }, message: ' why ' }).message).toBe('why');
  });

  it('a rollback names a positive version and nothing else', () => {
    expect(RollbackBodySchema.safeParse({ to: 0, message: 'm' }).success).toBe(false);
    expect(RollbackBodySchema.safeParse({ to: 1, message: 'm', extra: 1 }).success).toBe(false);
    expect(RollbackBodySchema.parse({ to: 3, message: 'm' })).toEqual({ to: 3, message: 'm' });
  });

  it('a runner report needs region, applied version and sync state', () => {
    expect(RunnerReportSchema.safeParse({ region: 'eu', applied_version: null, sync_state: 'starting' }).success).toBe(true);
    expect(RunnerReportSchema.safeParse({ region: 'eu', sync_state: 'ready' }).success).toBe(false);
  });

  it('watch client messages are ack, nack, report or ping', () => {
    expect(
      WatchClientMessageSchema.safeParse({ type: 'ack', runner_id: 'r1', lineage: 'lineage-0001', version: 2 }).success,
    ).toBe(true);
    // A version number means nothing without its lineage.
    expect(WatchClientMessageSchema.safeParse({ type: 'ack', runner_id: 'r1', version: 2 }).success).toBe(false);
    expect(
      WatchClientMessageSchema.safeParse({ type: 'nack', runner_id: 'r1', lineage: 'lineage-0001', version: 2 }).success,
    ).toBe(false);
    expect(WatchClientMessageSchema.safeParse({ type: 'drop' }).success).toBe(false);
  });
});

describe('merge patch and diff', () => {
  it('replaces keys, and null removes a key (back to its default)', () => {
    expect(applyMergePatch({ a: 1, b: 2 }, { a: 3, b: null, c: 4 })).toEqual({ a: 3, c: 4 });
  });

  it('defines __proto__ as an own key instead of changing the prototype', () => {
    const next = applyMergePatch({}, JSON.parse('{"__proto__": {"polluted": true}}') as Record<string, unknown>);
    expect(Object.getPrototypeOf(next)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('diffs the keys that differ', () => {
    expect(diffParams({ a: 1, b: 2 }, { a: 1, b: 3, c: 4 })).toEqual([
      { key: 'b', from: 2, to: 3 },
      { key: 'c', from: undefined, to: 4 },
    ]);
  });
});
