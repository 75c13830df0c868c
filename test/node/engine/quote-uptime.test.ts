/** Time with both quotes resting, as the engine keeps it and the recorder reads it. */
import { describe, expect, it } from 'vitest';
import { QuoteUptime } from '../../../engine/telemetry/quote-uptime.ts';

describe('quote uptime', () => {
  it('adds the closed spans and the open one up to the time asked', () => {
    const uptime = new QuoteUptime();
    expect(uptime.totalMs(1_000)).toBe(0);
    uptime.set(true, 1_000);
    uptime.set(true, 1_500); // still quoting: the span started at 1 000
    expect(uptime.totalMs(2_000)).toBe(1_000);
    uptime.set(false, 3_000);
    expect(uptime.totalMs(10_000)).toBe(2_000);
    uptime.set(false, 11_000);
    uptime.set(true, 12_000);
    expect(uptime.totalMs(12_500)).toBe(2_500);
    expect(uptime.totalMs(11_000)).toBe(2_000); // a time before the open span adds nothing of it
  });
});
