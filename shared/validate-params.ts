/**
 * Validation of a params document with errors people can act on. Wraps `ParamsSchema` and turns
 * zod's issues into one `FieldIssue` per field, with the value and the accepted range taken from
 * `PARAM_SPECS`, and a "did you mean" for unknown keys (a typo must not silently do nothing).
 */
import type { z } from 'zod';
import { type FieldIssue, formatValue } from './api-error.ts';
import { PARAM_KEYS, PARAM_SPECS, describeAccepted, type ParamKey } from './param-specs.ts';
import { ParamsSchema, type Params } from './params-schema.ts';

export type ParamsValidation = { ok: true; params: Params } | { ok: false; issues: FieldIssue[] };

export const DOCUMENT_FIELD = '(document)';

function isParamKey(key: string): key is ParamKey {
  return Object.hasOwn(PARAM_SPECS, key);
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(above + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}

/** The known key closest to `key`, if it is close enough to be a typo. */
export function suggestKey(key: string): ParamKey | undefined {
  let best: ParamKey | undefined;
  let bestDistance = Infinity;
  for (const known of PARAM_KEYS) {
    const d = editDistance(key.toLowerCase(), known);
    if (d < bestDistance) [best, bestDistance] = [known, d];
  }
  return bestDistance <= Math.max(2, Math.floor(key.length / 4)) ? best : undefined;
}

function unknownKeyIssue(key: string, value: unknown): FieldIssue {
  const suggestion = suggestKey(key);
  const expected = suggestion ? `a known key (did you mean "${suggestion}"?)` : `one of the known keys: ${PARAM_KEYS.join(', ')}`;
  return { field: key, value, expected, message: `unknown key "${key}": expected ${expected}` };
}

function fieldIssue(field: string, value: unknown, present: boolean): FieldIssue {
  const expected = isParamKey(field) ? describeAccepted(PARAM_SPECS[field]) : 'a valid value';
  const shown = present ? formatValue(value) : 'missing';
  return { field, ...(present ? { value } : {}), expected, message: `${field} = ${shown} is not accepted: expected ${expected}` };
}

function toFieldIssues(input: unknown, error: z.ZodError): FieldIssue[] {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    const expected = 'a JSON object of params';
    return [
      { field: DOCUMENT_FIELD, value: input, expected, message: `the document is ${formatValue(input)}: expected ${expected}` },
    ];
  }
  const record = input as Record<string, unknown>;
  const issues = new Map<string, FieldIssue>();
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) issues.set(key, unknownKeyIssue(key, record[key]));
      continue;
    }
    const field = String(issue.path[0] ?? DOCUMENT_FIELD);
    if (!issues.has(field)) issues.set(field, fieldIssue(field, record[field], Object.hasOwn(record, field)));
  }
  return [...issues.values()];
}

/** Validates a params document; on success the result has every key, defaults filled in. */
export function validateParams(input: unknown): ParamsValidation {
  const result = ParamsSchema.safeParse(input);
  if (result.success) return { ok: true, params: result.data };
  return { ok: false, issues: toFieldIssues(input, result.error) };
}

/** One line naming every offending field, for logs and exceptions. */
export function describeIssues(issues: readonly FieldIssue[]): string {
  return issues.map((i) => i.message).join('; ');
}

/** Thrown by callers that prefer exceptions (the runner's holder, the CLI). */
export class ParamsValidationError extends Error {
  readonly issues: FieldIssue[];
  constructor(issues: FieldIssue[], context = 'invalid params') {
    super(`${context}: ${describeIssues(issues)}`);
    this.name = 'ParamsValidationError';
    this.issues = issues;
  }
}

/** Validates or throws `ParamsValidationError`. */
export function parseParams(input: unknown, context?: string): Params {
  const result = validateParams(input);
  if (!result.ok) throw new ParamsValidationError(result.issues, context);
  return result.params;
}
