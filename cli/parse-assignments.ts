/**
 * `key=value …` of `livetune set` → a JSON merge patch, checked against the shared schema before any
 * request: an unknown key, a value out of range or a string where a number belongs stops here with
 * the key, the value and the accepted range.
 */
import type { FieldIssue } from '../shared/api-error.ts';
import { PARAM_SPECS, describeAccepted } from '../shared/param-specs.ts';
import { suggestKey, validateParamsPatch } from '../shared/validate-params.ts';
import { UsageError } from './usage-error.ts';

/**
 * A value as JSON when it parses (`0.8` → 0.8, `"x"` → "x", `null` → null: back to the default),
 * else the bare text as a string (`halted`). So `NaN` or `1e999` reach the schema, which rejects them.
 */
export function parseValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function keyIssue(key: string, raw: string): FieldIssue {
  const suggestion = suggestKey(key);
  const expected = suggestion ? `a known key (did you mean "${suggestion}"?)` : `one of: ${Object.keys(PARAM_SPECS).join(', ')}`;
  return { field: key, value: raw, expected, message: `unknown key "${key}": expected ${expected}` };
}

/**
 * Parses and validates; throws `UsageError` (exit 2) naming every bad key with its accepted range.
 * `check: false` only parses (an edge with a newer schema than this CLI judges the values itself).
 */
export function parseAssignments(args: readonly string[], { check = true }: { check?: boolean } = {}): Record<string, unknown> {
  if (args.length === 0)
    throw new UsageError('nothing to set: give one or more key=value, e.g. livetune set skew_adjustment_factor=0.8 -m "why"');
  const patch: Record<string, unknown> = {};
  const issues: FieldIssue[] = [];
  for (const arg of args) {
    const eq = arg.indexOf('=');
    const key = eq > 0 ? arg.slice(0, eq).trim() : '';
    if (!key) throw new UsageError(`"${arg}" is not key=value (e.g. skew_adjustment_factor=0.8)`);
    const raw = arg.slice(eq + 1);
    if (check && !Object.hasOwn(PARAM_SPECS, key)) {
      issues.push(keyIssue(key, raw));
      continue;
    }
    if (raw.trim() === '') {
      const spec = Object.hasOwn(PARAM_SPECS, key) ? PARAM_SPECS[key as keyof typeof PARAM_SPECS] : undefined;
      const expected = spec ? describeAccepted(spec) : 'a value';
      issues.push({
        field: key,
        value: raw,
        expected,
        message: `${key} has no value: expected ${expected} (or null for the default)`,
      });
      continue;
    }
    Object.defineProperty(patch, key, { value: parseValue(raw), enumerable: true, writable: true, configurable: true });
  }
  // Keys set to null go back to their defaults; every other key must pass its rule on its own (rules
  // across keys, like order_size ≤ max_position, need the current document: the edge judges them).
  const assigned = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== null));
  const result = check ? validateParamsPatch(assigned) : { ok: true as const };
  if (!result.ok) issues.push(...result.issues);
  if (issues.length > 0) throw new UsageError(`invalid value${issues.length > 1 ? 's' : ''} (nothing was sent)`, issues);
  return patch;
}
