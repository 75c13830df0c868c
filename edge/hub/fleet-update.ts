/**
 * How the fleet table changes on a runner's report, ACK or NACK. `applied_at` moves only when the
 * applied version changes, so "applied N ms after the write" survives later heartbeats.
 *
 * A report never moves `applied_version` backwards: an HTTP report built before an ACK can arrive
 * after it, and would otherwise turn 6 back into 5 (and reset `applied_at`). Versions only grow (a
 * rollback is a new, higher version), so a lower number is always such a late report; only a reset of
 * the edge's history lowers them, and that resets this table too.
 */
import type { FleetEntry, RunnerReport } from '../../shared/api.ts';

export type FleetEvent =
  | { kind: 'report'; report: RunnerReport }
  | { kind: 'ack'; version: number }
  | { kind: 'nack'; version: number; reason: string };

/** A runner heard of only through its socket: no region yet, and it is evidently in sync. */
function unknownRunner(runnerId: string, now: string): FleetEntry {
  return {
    runner_id: runnerId,
    region: 'unknown',
    applied_version: null,
    sync_state: 'ready',
    sync_mode: 'ws',
    last_seen: now,
    applied_at: null,
  };
}

export function updateFleetEntry(previous: FleetEntry | undefined, runnerId: string, event: FleetEvent, now: Date): FleetEntry {
  const at = now.toISOString();
  const base = previous ?? unknownRunner(runnerId, at);
  const appliedAt = (applied: number | null) =>
    applied === base.applied_version && previous !== undefined ? (base.applied_at ?? null) : applied === null ? null : at;
  switch (event.kind) {
    case 'report': {
      const reported = event.report.applied_version;
      const held = previous?.applied_version ?? null;
      // null ("nothing applied yet") is older than any version.
      const applied = held !== null && (reported === null || reported < held) ? held : reported;
      return { ...event.report, applied_version: applied, runner_id: runnerId, last_seen: at, applied_at: appliedAt(applied) };
    }
    case 'ack':
      return { ...base, applied_version: event.version, applied_at: appliedAt(event.version), last_seen: at };
    case 'nack':
      return { ...base, rejected: { version: event.version, reason: event.reason }, last_seen: at };
  }
}
