/**
 * The pending-markout ring: one entry per fill for every horizon, taken oldest first per horizon
 * against the mid before or at the event that reached it, growing without losing order, and bounded
 * (the oldest dropped and counted) when a horizon has `capacity` fills waiting.
 */
import { describe, expect, it } from 'vitest';
import { MarkoutQueue } from '../../../engine/telemetry/markout-queue.ts';
import { VersionStats } from '../../../engine/telemetry/version-stats.ts';

const stats = new VersionStats(1, 'AAAAAAAAAAAAAAAAAAAAAA');

function takeAll(queue: MarkoutQueue, now: number, before: number, at: number) {
  const taken: { h: number; bps: number }[] = [];
  const next = queue.takeDue(now, before, at, (_s, h, bps) => taken.push({ h, bps }));
  return { taken, next };
}

describe('markout queue', () => {
  it('takes a horizon once its time has come: before now at the mid before, exactly now at the mid at now', () => {
    const queue = new MarkoutQueue([1_000, 5_000], 100);
    queue.push(0, 100, 1, stats); // bought at 100
    queue.push(500, 100, -1, stats); // sold at 100
    expect(queue.nextDue()).toBe(1_000);
    // At 1 000: the buy's 1 s horizon is due exactly now (mid at now: 101); the sell's is not yet.
    const first = takeAll(queue, 1_000, 99, 101);
    expect(first.taken).toEqual([{ h: 0, bps: 100 }]);
    expect(first.next).toBe(1_500);
    // At 2 000: the sell's 1 s horizon passed at 1 500, so it is marked at the mid before (102).
    const second = takeAll(queue, 2_000, 102, 90);
    expect(second.taken).toEqual([{ h: 0, bps: -200 }]);
    expect(second.next).toBe(5_000);
    expect(queue.waiting(0)).toBe(0);
    expect(queue.waiting(1)).toBe(2);
  });

  it('keeps every fill in order while it grows past its first size', () => {
    const queue = new MarkoutQueue([1_000, 60_000], 100_000);
    for (let i = 0; i < 5_000; i++) queue.push(i, 100, 1, stats);
    const { taken, next } = takeAll(queue, 4_999 + 1_000, 101, 101);
    expect(taken).toHaveLength(5_000);
    expect(taken.every((t) => t.h === 0 && t.bps === 100)).toBe(true);
    expect(next).toBe(60_000);
    expect(queue.waiting(1)).toBe(5_000);
    expect(queue.dropped).toBe(0);
  });

  it('drops the oldest waiting fill of a full horizon, counts it, and never returns it', () => {
    const queue = new MarkoutQueue([1_000, 60_000], 3);
    for (let i = 0; i < 5; i++) queue.push(i * 10, 100 + i, 1, stats);
    expect(queue.dropped).toBe(4); // two fills too many, for each of the two horizons
    expect(queue.waiting(0)).toBe(3);
    const { taken } = takeAll(queue, 100_000, 110, 110);
    // Only the three newest fills (prices 102, 103, 104) are marked, at each horizon.
    expect(taken.map((t) => Math.round(t.bps))).toEqual([784, 680, 577, 784, 680, 577]);
  });

  it('refuses horizons out of order', () => {
    expect(() => new MarkoutQueue([5_000, 1_000], 10)).toThrow('ascending');
  });
});
