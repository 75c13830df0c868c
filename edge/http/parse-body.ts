/**
 * Parses a JSON body against an API body schema from `shared/`: valid JSON that breaks the schema is
 * a 422 with one `FieldIssue` per offending path.
 */
import type { z } from 'zod';
import type { FieldIssue } from '../../shared/api-error.ts';
import { formatValue } from '../../shared/api-error.ts';
import { DOCUMENT_FIELD } from '../../shared/validate-params.ts';
import { validationFailed } from '../errors/api-error.ts';

function valueAt(root: unknown, path: readonly PropertyKey[]): { present: boolean; value?: unknown } {
  let node = root;
  for (const key of path) {
    if (typeof node !== 'object' || node === null || !Object.hasOwn(node, key)) return { present: false };
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return { present: true, value: node };
}

export function parseBody<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const fields: FieldIssue[] = result.error.issues.map((issue) => {
    const field = issue.path.length === 0 ? DOCUMENT_FIELD : issue.path.map(String).join('.');
    const { present, value } = valueAt(input, issue.path);
    const shown = present ? formatValue(value) : 'missing';
    return {
      field,
      ...(present ? { value } : {}),
      expected: issue.message,
      message: `${field} = ${shown} is not accepted: ${issue.message}`,
    };
  });
  throw validationFailed(`${what} rejected: ${fields.map((f) => f.message).join('; ')}`, fields);
}
