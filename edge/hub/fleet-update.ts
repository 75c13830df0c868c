/**
 * How the fleet table changes on a runner's report, ACK or NACK. `applied_at` moves only when the
 * applied version changes, so "applied N ms after the write" survives later heartbeats.
 *
 * A report never moves `applied_version` backwards: an HTTP report built before an ACK can arrive
 * after it, and would otherwise turn 6 back into 5 (and reset `applied_at`). Versions only grow (a
 * rollback is a new, higher version), so a lower number is always such a late report; only a reset of
 * the edge's history lowers them, and that resets this table too.
 *
 * An entry keeps the name of the token that created it (`token`): the table checks it before
 * calling here. A runner that said goodbye is `stopped` until it is heard of again (any report
 * without `goodbye`, any ACK or NACK).
 */
import type { RunnerReport, RunnerStatusReport, StoredFleetEntry } from '../../shared/api.ts';
import type { TelemetryDelta } from '../../shared/telemetry.ts';

export type FleetEvent =
  /**
   * The status part is what the entry keeps; the telemetry goes to the rollups, never the table.
   * `telemetryRefused`: a socket report whose telemetry broke its schema (only the status came through).
   */
  | { kind: 'report'; report: RunnerStatusReport; telemetry?: TelemetryDelta; telemetryRefused?: true }
  | { kind: 'ack'; lineage: string; version: number }
  | { kind: 'nack'; lineage: string; version: number; reason: string };

/** A report as a fleet event: its status and its telemetry apart. */
export function reportEvent(report: RunnerReport): FleetEvent {
  const { telemetry, ...status } = report;
  return telemetry === undefined ? { kind: 'report', report: status } : { kind: 'report', report: status, telemetry };
}

/** A runner heard of only through its socket: no region yet, and it is evidently in sync. */
function unknownRunner(runnerId: string, token: string, now: string): StoredFleetEntry {
  return {
    runner_id: runnerId,
    region: 'unknown',
    applied_version: null,
    sync_state: 'ready',
    sync_mode: 'ws',
    last_seen: now,
    applied_at: null,
    token,
  };
}

export function updateFleetEntry(
  previous: StoredFleetEntry | undefined,
  runnerId: string,
  token: string,
  event: FleetEvent,
  now: Date,
): StoredFleetEntry {
  const at = now.toISOString();
  const base = previous ?? unknownRunner(runnerId, token, at);
  // Entries stored before entries had owners are claimed by the first token that reports for them.
  const owner = previous?.token ?? token;
  const appliedAt = (applied: number | null) =>
    applied === base.applied_version && previous !== undefined ? (base.applied_at ?? null) : applied === null ? null : at;
  switch (event.kind) {
    case 'report': {
      const reported = event.report.applied_version;
      const held = previous?.applied_version ?? null;
      // null ("nothing applied yet") is older than any version.
      const applied = held !== null && (reported === null || reported < held) ? held : reported;
      return {
        ...event.report,
        applied_version: applied,
        runner_id: runnerId,
        last_seen: at,
        applied_at: appliedAt(applied),
        token: owner,
      };
    }
    case 'ack': {
      const { goodbye: _said, ...alive } = base;
      const applied =
        base.applied_version !== null && base.applied_version > event.version ? base.applied_version : event.version;
      return {
        ...alive,
        applied_version: applied,
        lineage: event.lineage,
        applied_at: appliedAt(applied),
        last_seen: at,
        token: owner,
      };
    }
    case 'nack': {
      const { goodbye: _said, ...alive } = base;
      return {
        ...alive,
        rejected: { version: event.version, lineage: event.lineage, reason: event.reason },
        last_seen: at,
        token: owner,
      };
    }
  }
}
