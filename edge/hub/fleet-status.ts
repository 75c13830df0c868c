/**
 * A fleet entry's liveness, derived when the table is read (never stored: it changes with time,
 * not with events). `stopped`: the runner's last report said goodbye. `silent`: nothing heard for
 * longer than two of its heartbeats (the report's `heartbeat_s`, else `DEFAULT_HEARTBEAT_S`) — a
 * crashed, cut-off or hung runner, which would otherwise look healthy forever. Otherwise `live`.
 */
import {
  DEFAULT_HEARTBEAT_S,
  type Fleet,
  type FleetEntry,
  type RunnerLiveness,
  type StoredFleetEntry,
} from '../../shared/api.ts';

/** Heartbeats without news before a runner is `silent`. */
export const SILENT_AFTER_HEARTBEATS = 2;

export function runnerStatus(entry: StoredFleetEntry, nowMs: number): RunnerLiveness {
  if (entry.goodbye === true) return 'stopped';
  const heartbeatMs = (entry.heartbeat_s ?? DEFAULT_HEARTBEAT_S) * 1000;
  return nowMs - Date.parse(entry.last_seen) > SILENT_AFTER_HEARTBEATS * heartbeatMs ? 'silent' : 'live';
}

export function withStatus(entry: StoredFleetEntry, nowMs: number): FleetEntry & { status: RunnerLiveness } {
  return { ...entry, status: runnerStatus(entry, nowMs) };
}

export function countByStatus(runners: readonly FleetEntry[]): NonNullable<Fleet['counts']> {
  const counts = { live: 0, silent: 0, stopped: 0 };
  for (const runner of runners) counts[runner.status ?? 'live'] += 1;
  return counts;
}
