/**
 * A runner's report as it arrived, split into its status part and its telemetry before either is
 * parsed. Both report paths (HTTP and the watch socket) parse the two apart: telemetry that breaks
 * its schema must not cost the runner its heartbeat.
 */

export interface ReportParts {
  /** Everything but `telemetry` (or the value itself when it is not an object: its schema says why). */
  status: unknown;
  /** `undefined` when the report carries none. */
  telemetry: unknown;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function reportParts(raw: unknown): ReportParts {
  if (!isObject(raw)) return { status: raw, telemetry: undefined };
  const { telemetry, ...status } = raw;
  return { status, telemetry };
}
