/**
 * A mistake in what the user typed (flags, key=value, a local document that fails the schema):
 * found before any request, exit code 2. `issues` carries per-field validation failures.
 */
import type { FieldIssue } from '../shared/api-error.ts';

export class UsageError extends Error {
  readonly issues: FieldIssue[];
  constructor(message: string, issues: FieldIssue[] = []) {
    super(message);
    this.name = 'UsageError';
    this.issues = issues;
  }
}
