/**
 * What a fleet event must satisfy before it touches the table, as plain `ApiErrorInit` data (the
 * HTTP report answers it; the socket counts it): it names versions of this set's lineage
 * (`report-lineage.ts`), only versions the set has (1..head — a version beyond the head would be
 * sticky forever, since applied versions never move backwards), and it comes from the token that
 * owns the runner's entry.
 */
import { formatValue } from '../../shared/api-error.ts';
import type { StoredFleetEntry } from '../../shared/api.ts';
import type { ApiErrorInit } from '../errors/api-error.ts';
import type { FleetEvent } from './fleet-update.ts';
import { reportLineageIssue } from './report-lineage.ts';

/** A 422 when the event names another lineage (another history) of the set. */
export function foreignLineage(event: FleetEvent, lineage: string): ApiErrorInit | undefined {
  const issue =
    event.kind === 'report'
      ? reportLineageIssue(event.report, lineage)
      : event.lineage === lineage
        ? undefined
        : {
            field: 'lineage',
            value: event.lineage,
            expected: `this set's lineage ${JSON.stringify(lineage)}`,
            message: `lineage = ${JSON.stringify(event.lineage)} is another history of this set: expected ${JSON.stringify(lineage)}`,
          };
  if (issue === undefined) return undefined;
  return { status: 422, code: 'validation_failed', message: `runner report rejected: ${issue.message}`, fields: [issue] };
}

/** The version numbers an event names, each with the field that carries it. */
function versionsOf(event: FleetEvent): { field: string; value: number }[] {
  switch (event.kind) {
    case 'report': {
      const named: { field: string; value: number }[] = [];
      if (event.report.applied_version !== null) named.push({ field: 'applied_version', value: event.report.applied_version });
      if (event.report.rejected) named.push({ field: 'rejected.version', value: event.report.rejected.version });
      return named;
    }
    case 'ack':
    case 'nack':
      return [{ field: 'version', value: event.version }];
  }
}

/** A 422 naming each version the set does not have, or undefined when all exist. */
export function unknownVersions(set: string, event: FleetEvent, head: number): ApiErrorInit | undefined {
  const expected = `a version set "${set}" has: 1..${head} (a runner names only versions it received)`;
  const fields = versionsOf(event)
    .filter(({ value }) => value > head)
    .map(({ field, value }) => ({
      field,
      value,
      expected,
      message: `${field} = ${formatValue(value)} is not accepted: expected ${expected}`,
    }));
  if (fields.length === 0) return undefined;
  return {
    status: 422,
    code: 'validation_failed',
    message: `runner report rejected: ${fields.map((f) => f.message).join('; ')}`,
    fields,
  };
}

/** A 403 when the entry belongs to another token; names the owner token's name, never a token value. */
export function foreignRunner(existing: StoredFleetEntry | undefined, runnerId: string, token: string): ApiErrorInit | undefined {
  if (existing?.token === undefined || existing.token === token) return undefined;
  return {
    status: 403,
    code: 'forbidden',
    message: `runner "${runnerId}" belongs to token "${existing.token}"; token "${token}" cannot report for it (use another runner id, or remove the entry: DELETE …/runners/${runnerId} with a write token)`,
  };
}
