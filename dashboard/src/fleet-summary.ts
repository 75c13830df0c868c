/**
 * How the fleet table reads: runners by region, whether each runs the version shown, which are
 * silent, and the one-line summary above the table. Ages are taken at the moment the table arrived
 * (`at`), so one table never mixes two clocks.
 */
import type { Fleet, FleetEntry } from '../../shared/api.ts';
import { formatTime, secondsSince } from './format.ts';

/** Without the edge's `status` (an older edge), a runner silent for longer than this is shown as silent. */
export const SILENT_AFTER_S = 15;

export type AppliedStatus = 'none' | 'current' | 'behind' | 'ahead';

export function appliedStatus(applied: number | null | undefined, head: number | null): AppliedStatus {
  if (applied === null || applied === undefined) return 'none';
  if (head === null || applied === head) return 'current';
  return applied < head ? 'behind' : 'ahead';
}

export function sortRunners(runners: readonly FleetEntry[]): FleetEntry[] {
  return [...runners].sort((a, b) => `${a.region}/${a.runner_id}`.localeCompare(`${b.region}/${b.runner_id}`));
}

/** The edge's liveness of a runner: `live`, `silent` (no report for two heartbeats) or `stopped` (said goodbye). */
export function liveness(runner: FleetEntry, at: number): 'live' | 'silent' | 'stopped' {
  if (runner.status !== undefined) return runner.status;
  return secondsSince(runner.last_seen, at) > SILENT_AFTER_S ? 'silent' : 'live';
}

export function isSilent(runner: FleetEntry, at: number): boolean {
  return liveness(runner, at) !== 'live';
}

/**
 * "3 runner(s) in 2 region(s) · 2 on v7 · 0 not on it · 1 silent · updated 2026-11-24 14:35:27 UTC":
 * "on" and "not on it" count only live runners; a dead runner is never counted "on v7".
 */
export function fleetSummary(fleet: Fleet, head: number | null, at: number): string {
  const runners = fleet.runners;
  const shown = head ?? fleet.version;
  const regions = new Set(runners.map((r) => r.region)).size;
  const live = runners.filter((r) => liveness(r, at) === 'live');
  const silent = runners.filter((r) => liveness(r, at) === 'silent').length;
  const stopped = runners.length - live.length - silent;
  const onHead = live.filter((r) => r.applied_version === shown).length;
  const rejected = runners.filter((r) => r.rejected).length;
  return (
    `${runners.length} runner(s) in ${regions} region(s) · ${onHead} on v${shown} · ${live.length - onHead} not on it` +
    (silent ? ` · ${silent} silent` : '') +
    (stopped ? ` · ${stopped} stopped` : '') +
    (rejected ? ` · ${rejected} rejected a version` : '') +
    ` · updated ${formatTime(at)}`
  );
}
