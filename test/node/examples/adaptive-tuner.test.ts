/**
 * The adaptive tuner's decision logic: it switches on a real regime change, and it does not flap
 * when the volatility reading hovers around a threshold or spikes once.
 */
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_REGIME_CONFIG,
  decideRegime,
  type Decision,
  type TunerState,
} from '../../../examples/adaptive-tuner/decide-regime.ts';
import { realizedVolBpsPerSqrtS, withinWindow, type MidSample } from '../../../examples/adaptive-tuner/realized-vol.ts';
import {
  DEFAULT_REGIME_PARAMS,
  describePatch,
  patchToward,
  regimeOfParams,
} from '../../../examples/adaptive-tuner/regime-params.ts';
import { DEFAULT_PARAMS, validateParams } from '../../../shared/index.ts';

/** A mid path whose log returns over each `dtMs` step have exactly `volBps` bps/√s (alternating signs). */
function path(start: number, steps: number, dtMs: number, volBps: number, t0 = 0): MidSample[] {
  const step = (volBps / 1e4) * Math.sqrt(dtMs / 1000);
  const out: MidSample[] = [];
  let mid = start;
  for (let i = 0; i <= steps; i++) {
    out.push({ at: t0 + i * dtMs, mid });
    mid *= Math.exp(i % 2 === 0 ? step : -step);
  }
  return out;
}

/** Runs the tuner over (time, vol) readings; returns every switch. */
function replay(
  readings: Array<[number, number | undefined]>,
  initial: TunerState = { regime: 'calm', since: -Infinity, streak: 0 },
) {
  let state = initial;
  const switches: Array<Extract<Decision, { kind: 'switch' }>> = [];
  for (const [at, vol] of readings) {
    const decision = decideRegime(state, vol, at);
    state = decision.state;
    if (decision.kind === 'switch') switches.push(decision);
  }
  return { state, switches };
}

describe('realizedVolBpsPerSqrtS', () => {
  it('measures the volatility a path was built with, whatever the sampling interval', () => {
    expect(realizedVolBpsPerSqrtS(path(100, 120, 1000, 1))).toBeCloseTo(1, 6);
    expect(realizedVolBpsPerSqrtS(path(100, 600, 200, 3))).toBeCloseTo(3, 6);
  });

  it('is undefined without two usable samples, and skips bad ones', () => {
    expect(realizedVolBpsPerSqrtS([])).toBeUndefined();
    expect(realizedVolBpsPerSqrtS([{ at: 0, mid: 100 }])).toBeUndefined();
    const clean = path(100, 10, 1000, 2);
    const dirty = [...clean.slice(0, 5), { at: 4500, mid: Number.NaN }, { at: 4600, mid: 0 }, ...clean.slice(5)];
    expect(realizedVolBpsPerSqrtS(dirty)).toBeCloseTo(2, 6);
  });

  it('keeps only the window', () => {
    expect(withinWindow(path(100, 10, 1000, 1), 10_000, 3000).map((s) => s.at)).toEqual([8000, 9000, 10_000]);
  });
});

describe('decideRegime', () => {
  it('switches calm → volatile on a regime change, after the confirmations, with a reason', () => {
    const calm = Array.from({ length: 30 }, (_, i): [number, number] => [i * 1000, 1]);
    const volatile = Array.from({ length: 10 }, (_, i): [number, number] => [30_000 + i * 1000, 3.2]);
    const { state, switches } = replay([...calm, ...volatile]);
    expect(switches).toHaveLength(1);
    expect(switches[0]).toMatchObject({ from: 'calm', to: 'volatile' });
    expect(switches[0]!.state.since).toBe(30_000 + (DEFAULT_REGIME_CONFIG.confirmations - 1) * 1000);
    expect(switches[0]!.reason).toBe('realized vol 3.20 bps/√s > 2 for 3 checks: volatile regime');
    expect(state.regime).toBe('volatile');
  });

  it('switches back to calm only below the lower exit threshold and after the dwell time', () => {
    const start: TunerState = { regime: 'volatile', since: 0, streak: 0 };
    // 1.8 is below the entry threshold (2) but above the exit threshold (1.4): stay volatile.
    const hovering = Array.from({ length: 100 }, (_, i): [number, number] => [i * 1000, 1.8]);
    expect(replay(hovering, start).switches).toEqual([]);
    // Calm again, but the volatile regime is only 10 s old: wait until minHoldMs has passed.
    const early = Array.from({ length: 80 }, (_, i): [number, number] => [10_000 + i * 1000, 1]);
    const { switches } = replay(early, start);
    expect(switches).toHaveLength(1);
    expect(switches[0]!.to).toBe('calm');
    expect(switches[0]!.state.since).toBeGreaterThanOrEqual(DEFAULT_REGIME_CONFIG.minHoldMs);
  });

  it('does not flap when the reading oscillates around the entry threshold', () => {
    const noisy = Array.from({ length: 600 }, (_, i): [number, number] => [i * 1000, i % 2 === 0 ? 2.3 : 1.7]);
    expect(replay(noisy).switches).toEqual([]);
  });

  it('ignores a single spike', () => {
    const readings = Array.from({ length: 120 }, (_, i): [number, number] => [i * 1000, i === 60 || i === 61 ? 9 : 1]);
    expect(replay(readings).switches).toEqual([]);
  });

  it('switches at most once per dwell time even in a market that changes every few seconds', () => {
    // 10 s volatile, 10 s calm, for 10 minutes: a flip-flopping market must not flip-flop the set.
    const readings = Array.from({ length: 600 }, (_, i): [number, number] => [i * 1000, Math.floor(i / 10) % 2 === 0 ? 3 : 1]);
    const { switches } = replay(readings);
    for (let i = 1; i < switches.length; i++) {
      expect(switches[i]!.state.since - switches[i - 1]!.state.since).toBeGreaterThanOrEqual(DEFAULT_REGIME_CONFIG.minHoldMs);
    }
    expect(switches.length).toBeLessThanOrEqual(600_000 / DEFAULT_REGIME_CONFIG.minHoldMs);
  });

  it('never switches without a reading', () => {
    expect(replay(Array.from({ length: 10 }, (_, i): [number, undefined] => [i * 1000, undefined])).switches).toEqual([]);
  });
});

describe('regime params', () => {
  it('are valid params for the shared schema', () => {
    for (const patch of Object.values(DEFAULT_REGIME_PARAMS))
      expect(validateParams({ ...DEFAULT_PARAMS, ...patch }).ok).toBe(true);
  });

  it('patch only the keys that differ, and say what they change', () => {
    const current = { ...DEFAULT_PARAMS };
    const patch = patchToward(current, DEFAULT_REGIME_PARAMS.volatile);
    expect(patch).toEqual({ base_half_spread_bps: 12, order_size: 0.1 });
    expect(describePatch(current, patch)).toBe('base_half_spread_bps 5 → 12, order_size 0.3 → 0.1');
    expect(patchToward({ ...current, ...patch }, DEFAULT_REGIME_PARAMS.volatile)).toEqual({});
  });

  it('recognise the regime a document is in', () => {
    expect(regimeOfParams({ ...DEFAULT_PARAMS })).toBe('calm');
    expect(regimeOfParams({ ...DEFAULT_PARAMS, ...DEFAULT_REGIME_PARAMS.volatile })).toBe('volatile');
  });
});
