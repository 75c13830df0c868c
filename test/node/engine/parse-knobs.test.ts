import { describe, expect, it } from 'vitest';
import { parseKnobAssignments, parseKnobList } from '../../../engine/sim/parse-knobs.ts';
import { resolveScenario } from '../../../engine/sim/scenarios.ts';

describe('scenario knobs from text', () => {
  it('parses name=value assignments into overrides that resolveScenario applies', () => {
    const overrides = parseKnobList('regimeEveryMs=120000, informedShare=0.4');
    expect(overrides).toEqual({ regimeEveryMs: 120_000, informedShare: 0.4 });
    expect(resolveScenario('regime-switch', overrides)).toMatchObject({ regimeEveryMs: 120_000, informedShare: 0.4 });
  });

  it('treats an absent or empty list as no overrides', () => {
    expect(parseKnobList(undefined)).toEqual({});
    expect(parseKnobList('  ')).toEqual({});
  });

  it('names an unknown knob and lists the accepted ones', () => {
    expect(() => parseKnobAssignments(['informed_share=0.4'])).toThrow(
      /unknown knob "informed_share": expected one of .*informedShare/,
    );
  });

  it('refuses a non-numeric value, a missing value and a nested knob', () => {
    expect(() => parseKnobAssignments(['tick=abc'])).toThrow('knob tick=abc: expected a finite number');
    expect(() => parseKnobAssignments(['tick'])).toThrow('expected name=value');
    expect(() => parseKnobAssignments(['regimeAlternate=1'])).toThrow('unknown knob "regimeAlternate"');
  });
});
