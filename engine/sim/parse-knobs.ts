/**
 * Scenario knob overrides from text, for the places a person types them: `livetune backtest --knob
 * informedShare=0.4` and a runner's `LIVETUNE_SIM_KNOBS="regimeEveryMs=120000,volatilityBpsPerSqrtS=3"`.
 * Only the numeric knobs of `ScenarioKnobs` are accepted; `resolveScenario` then checks the values.
 */
import { SCENARIOS, type ScenarioKnobs } from './scenarios.ts';

type NumericKnob = { [K in keyof ScenarioKnobs]: ScenarioKnobs[K] extends number ? K : never }[keyof ScenarioKnobs];

/** The numeric knob names, from the calm preset (every preset has every knob). */
export const NUMERIC_KNOBS: readonly NumericKnob[] = Object.entries(SCENARIOS.calm)
  .filter(([, value]) => typeof value === 'number')
  .map(([key]) => key as NumericKnob);

/** Parses `name=value` assignments; throws naming the assignment and what is accepted. */
export function parseKnobAssignments(assignments: readonly string[]): Partial<ScenarioKnobs> {
  const overrides: Partial<Record<NumericKnob, number>> = {};
  for (const assignment of assignments) {
    const [name, raw, ...rest] = assignment.split('=').map((part) => part.trim());
    if (!name || raw === undefined || raw === '' || rest.length > 0) {
      throw new Error(`knob ${JSON.stringify(assignment)}: expected name=value, e.g. informedShare=0.4`);
    }
    if (!(NUMERIC_KNOBS as readonly string[]).includes(name)) {
      throw new Error(`unknown knob ${JSON.stringify(name)}: expected one of ${NUMERIC_KNOBS.join(', ')}`);
    }
    const value = Number(raw);
    if (!Number.isFinite(value)) throw new Error(`knob ${name}=${raw}: expected a finite number`);
    overrides[name as NumericKnob] = value;
  }
  return overrides;
}

/** `LIVETUNE_SIM_KNOBS`: comma-separated assignments (empty or absent: none). */
export function parseKnobList(list: string | undefined): Partial<ScenarioKnobs> {
  if (list === undefined || list.trim() === '') return {};
  return parseKnobAssignments(list.split(',').filter((part) => part.trim() !== ''));
}
