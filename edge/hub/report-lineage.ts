/**
 * Whether what a runner says it runs belongs to this set's history. A version number means nothing
 * without its lineage: a runner on a cache from a staging edge, or from before the set was
 * re-created, can hold "v3" that is not this set's v3. The hub never records such a claim — over
 * HTTP it answers 422 naming the field, over the socket it drops the message and counts it.
 */
import type { FieldIssue } from '../../shared/api-error.ts';
import type { RunnerStatusReport } from '../../shared/api.ts';

/** The first field of `report` that names a version of another lineage than `lineage`, if any. */
export function reportLineageIssue(report: RunnerStatusReport, lineage: string): FieldIssue | undefined {
  const expected = `this set's lineage ${JSON.stringify(lineage)}`;
  if (report.applied_version !== null && report.lineage !== lineage) {
    const value = report.lineage ?? null;
    return {
      field: 'lineage',
      value,
      expected,
      message:
        value === null
          ? `lineage is required with applied_version ${report.applied_version}: expected ${expected}`
          : `lineage = ${JSON.stringify(value)} is another history of this set (a cache from another edge, or the set was re-created): applied_version ${report.applied_version} is not one of its versions; expected ${expected}`,
    };
  }
  const rejected = report.rejected;
  if (rejected?.lineage !== undefined && rejected.lineage !== lineage)
    return {
      field: 'rejected.lineage',
      value: rejected.lineage,
      expected,
      message: `rejected.lineage = ${JSON.stringify(rejected.lineage)} is another history of this set: expected ${expected}`,
    };
  return undefined;
}
