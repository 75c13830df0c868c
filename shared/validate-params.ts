/**
 * Validation of a params document with errors people can act on. Wraps `ParamsSchema` and turns
 * zod's issues into one `FieldIssue` per field, with the value and the accepted range taken from
 * `PARAM_SPECS`, and a "did you mean" for unknown keys (a typo must not silently do nothing). A key
 * that only looks like a known one (a Cyrillic `е` in `order_size`) is named by its non-ASCII code
 * points, since on screen it is indistinguishable from the key it imitates.
 *
 * `validateParamsPatch` checks a JSON merge patch key by key: every key must be known, also when
 * its value is `null` (a typo set to null would otherwise "reset" nothing and pass as a no-op).
 */
import type { z } from 'zod';
import { type FieldIssue, formatValue } from './api-error.ts';
import { PARAM_KEYS, PARAM_SPECS, describeAccepted, type ParamKey } from './param-specs.ts';
import { ParamsFieldsSchema, ParamsSchema, type Params } from './params-schema.ts';

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

/** `"е" U+0435 at index 3` for each character of `key` outside printable ASCII; empty when none. */
export function nonAsciiCharacters(key: string): string[] {
  const found: string[] = [];
  let index = 0;
  for (const char of key) {
    const code = char.codePointAt(0)!;
    if (code < 0x20 || code > 0x7e) {
      const hex = code.toString(16).toUpperCase().padStart(4, '0');
      found.push(`${JSON.stringify(char)} U+${hex} at index ${index}`);
    }
    index += 1;
  }
  return found;
}

/** A key as text with its control characters as `\u001b` escapes: a terminal shows it, never obeys it. */
function escapeControls(key: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
  return key.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The refusal of a key that is not a param: did-you-mean, and the code points of a look-alike. */
export function unknownKeyIssue(key: string, value: unknown): FieldIssue {
  const suggestion = suggestKey(key);
  const expected = suggestion ? `a known key (did you mean "${suggestion}"?)` : `one of the known keys: ${PARAM_KEYS.join(', ')}`;
  const strange = nonAsciiCharacters(key);
  const shown = `"${escapeControls(key)}"`;
  const controls = [...key].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f);
  const what = controls ? 'control or non-ASCII characters' : 'non-ASCII characters';
  const lookAlike = strange.length > 0 ? ` (it contains ${what}: ${strange.join(', ')})` : '';
  return { field: key, value, expected, message: `unknown key ${shown}${lookAlike}: expected ${expected}` };
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
    if (issues.has(field)) continue;
    // A rule across fields (order_size ≤ max_position) words its own refusal.
    if (issue.code === 'custom') {
      const expected = String(issue.params?.expected ?? issue.message);
      issues.set(field, { field, value: record[field] ?? issue.input, expected, message: issue.message });
    } else issues.set(field, fieldIssue(field, record[field], Object.hasOwn(record, field)));
  }
  return [...issues.values()];
}

/** Validates a params document; on success the result has every key, defaults filled in. */
export function validateParams(input: unknown): ParamsValidation {
  const result = ParamsSchema.safeParse(input);
  if (result.success) return { ok: true, params: result.data };
  return { ok: false, issues: toFieldIssues(input, result.error) };
}

export type PatchValidation = { ok: true; patch: Record<string, unknown> } | { ok: false; issues: FieldIssue[] };

/**
 * Checks a JSON merge patch of the params document on its own: an object whose every key is a param
 * (`null` included) and whose every non-null value passes that key's rule. Rules across keys
 * (`order_size ≤ max_position`) wait for the merged document. On success the patch has `-0` as `0`.
 */
export function validateParamsPatch(input: unknown): PatchValidation {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    const expected = 'a JSON object of params (null resets a key to its default)';
    return {
      ok: false,
      issues: [
        { field: DOCUMENT_FIELD, value: input, expected, message: `the patch is ${formatValue(input)}: expected ${expected}` },
      ],
    };
  }
  const entries = Object.entries(input);
  const issues: FieldIssue[] = entries.filter(([key]) => !isParamKey(key)).map(([key, value]) => unknownKeyIssue(key, value));
  const assigned = Object.fromEntries(entries.filter(([key, value]) => isParamKey(key) && value !== null));
  const fields = ParamsFieldsSchema.safeParse(assigned);
  if (!fields.success) issues.push(...toFieldIssues(assigned, fields.error));
  if (issues.length > 0) return { ok: false, issues };
  const patch: Record<string, unknown> = {};
  for (const [key, value] of entries) {
    const normalised = value === null ? null : fields.data![key as ParamKey];
    Object.defineProperty(patch, key, { value: normalised, enumerable: true, writable: true, configurable: true });
  }
  return { ok: true, patch };
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
