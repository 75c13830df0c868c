/**
 * The point of livetune, end to end: a runner quoting Market Maker V2 on the simulated exchange
 * applies a change from the edge mid-run and its very next quotes follow it — a wider base spread
 * widens the resting quotes, and the kill switch pulls them.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startEdge, type EdgeProcess } from '../../tools/edge-process.ts';
import { createSet, patch } from './helpers/edge-http.ts';
import { startRunner, stopAllRunners, type RunnerStatus } from '../../tools/runner-process.ts';

const SET = 'live-quotes';
let edge: EdgeProcess;

/** The quoted spread in bps of mid, when both sides rest. */
function quotedSpreadBps(s: RunnerStatus): number | null {
  const t = s.trading;
  if (!t || t.bid === null || t.ask === null || t.mid === null) return null;
  return ((t.ask - t.bid) / t.mid) * 1e4;
}

beforeAll(async () => {
  edge = await startEdge({ persistDir: mkdtempSync(join(tmpdir(), 'lt-quotes-')) });
  await createSet(edge.url, edge.tokens.write, SET, { base_half_spread_bps: 5 }, 'quotes: create');
});

afterEach(async () => {
  await stopAllRunners();
});

afterAll(async () => {
  await edge?.stop();
});

describe('a runner on the sim venue', () => {
  it('quotes the new spread once a change lands, and pulls its quotes on the kill switch', async () => {
    const runner = await startRunner({
      edgeUrl: edge.url,
      token: edge.tokens.read,
      set: SET,
      runnerId: 'quotes-1',
      region: 'eu-west',
      cacheDir: mkdtempSync(join(tmpdir(), 'lt-quotes-cache-')),
      extraArgs: ['--venue', 'sim', '--seed', '11', '--wait', '5'],
    });
    // Both sides rest around 2 × 5 bps (skew and adverse selection move them a little).
    const before = await runner.waitForStatus((s) => s.trading?.params_version === 1 && quotedSpreadBps(s) !== null, {
      what: 'two-sided quotes on v1',
    });
    expect(quotedSpreadBps(before)).toBeLessThan(40);

    const widened = await patch(edge.url, edge.tokens.write, SET, { base_half_spread_bps: 100 }, 'quotes: widen to 100 bps');
    // Decisions made on v2 quote at least δa + δb ≥ B = 100 bps apart (spec step 7's sanity floor).
    const after = await runner.waitForStatus(
      (s) => s.trading?.params_version === widened.version && (quotedSpreadBps(s) ?? 0) >= 100,
      { what: 'quotes at least 100 bps apart on v2' },
    );
    expect(after.params?.base_half_spread_bps).toBe(100);

    const halted = await patch(edge.url, edge.tokens.write, SET, { trading_mode: 'halted' }, 'quotes: kill switch');
    const pulled = await runner.waitForStatus(
      (s) => s.trading?.params_version === halted.version && s.trading.bid === null && s.trading.ask === null,
      { what: 'no resting quote once halted' },
    );
    expect(pulled.trading?.mode).toBe('halted');
  });
});
