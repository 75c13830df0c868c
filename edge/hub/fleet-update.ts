/**
 * How the fleet table changes on a runner's report, ACK or NACK. `applied_at` moves only when the
 * applied version changes, so "applied N ms after the write" survives later heartbeats.
 */
import type { FleetEntry, RunnerReport } from '../../shared/api.ts';

export type FleetEvent =
  | { kind: 'report'; report: RunnerReport }
  | { kind: 'ack'; version: number }
  | { kind: 'nack'; version: number; reason: string };

/** A runner heard of only through its socket: no region yet, and it is evidently in sync. */
function unknownRunner(runnerId: string, now: string): FleetEntry {
  return { runner_id: runnerId, region: 'unknown', applied_version: null, sync_state: 'ready', sync_mode: 'ws', last_seen: now, applied_at: null };
}

export function updateFleetEntry(previous: FleetEntry | undefined, runnerId: string, event: FleetEvent, now: Date): FleetEntry {
  const at = now.toISOString();
  const base = previous ?? unknownRunner(runnerId, at);
  const appliedAt = (applied: number | null) =>
    applied === base.applied_version && previous !== undefined ? (base.applied_at ?? null) : applied === null ? null : at;
  switch (event.kind) {
    case 'report':
      return { ...event.report, runner_id: runnerId, last_seen: at, applied_at: appliedAt(event.report.applied_version) };
    case 'ack':
      return { ...base, applied_version: event.version, applied_at: appliedAt(event.version), last_seen: at };
    case 'nack':
      return { ...base, rejected: { version: event.version, reason: event.reason }, last_seen: at };
  }
}
