/**
 * What a report's telemetry must satisfy before it reaches the rollups, beyond its schema: every
 * version it names is one this set has (1..head) and of this set's lineage, and its interval does
 * not end before it starts. A refusal names each field at fault; nothing of the delta is stored
 * (a partial delta would skew the sums), while the report's status part is kept.
 */
import { formatValue, type FieldIssue } from '../../shared/api-error.ts';
import type { TelemetryDelta } from '../../shared/telemetry.ts';
import type { ApiErrorInit } from '../errors/api-error.ts';
import type { FleetHead } from './fleet-table.ts';

function issue(field: string, value: unknown, expected: string): FieldIssue {
  return { field, value, expected, message: `${field} = ${formatValue(value)} is not accepted: expected ${expected}` };
}

/** A 422 naming every field at fault, or undefined when the delta may be recorded. */
export function telemetryRefusal(set: string, delta: TelemetryDelta, head: FleetHead): ApiErrorInit | undefined {
  const fields: FieldIssue[] = [];
  delta.versions.forEach((v, i) => {
    if (v.lineage !== head.lineage)
      fields.push(issue(`telemetry.versions.${i}.lineage`, v.lineage, `this set's lineage ${JSON.stringify(head.lineage)}`));
    else if (v.params_version > head.version)
      fields.push(
        issue(`telemetry.versions.${i}.params_version`, v.params_version, `a version set "${set}" has: 1..${head.version}`),
      );
  });
  if (Date.parse(delta.to) < Date.parse(delta.from))
    fields.push(issue('telemetry.to', delta.to, `a time at or after telemetry.from (${delta.from})`));
  if (fields.length === 0) return undefined;
  return {
    status: 422,
    code: 'validation_failed',
    message: `runner report's telemetry rejected (its status was recorded): ${fields.map((f) => f.message).join('; ')}`,
    fields,
  };
}
