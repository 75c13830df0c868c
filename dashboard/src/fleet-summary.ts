/**
 * How the fleet table reads: runners by region, whether each runs the version shown, which are
 * silent, and the one-line summary above the table. Ages are taken at the moment the table arrived
 * (`at`), so one table never mixes two clocks.
 */
import type { Fleet, FleetEntry } from '../../shared/api.ts';
import { formatTime, secondsSince } from './format.ts';

/** A runner silent for longer than this is shown greyed out: it reports every few seconds when alive. */
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

export function isSilent(runner: FleetEntry, at: number): boolean {
  return secondsSince(runner.last_seen, at) > SILENT_AFTER_S;
}

/** "3 runner(s) in 2 region(s) · 2 on v7 · 1 not on it · updated 2026-11-24 14:35:27 UTC". */
export function fleetSummary(fleet: Fleet, head: number | null, at: number): string {
  const runners = fleet.runners;
  const shown = head ?? fleet.version;
  const regions = new Set(runners.map((r) => r.region)).size;
  const onHead = runners.filter((r) => r.applied_version === shown).length;
  const rejected = runners.filter((r) => r.rejected).length;
  return (
    `${runners.length} runner(s) in ${regions} region(s) · ${onHead} on v${shown} · ${runners.length - onHead} not on it` +
    (rejected ? ` · ${rejected} rejected a version` : '') +
    ` · updated ${formatTime(at)}`
  );
}
