/**
 * Who is in a rollout: a runner gets the candidate when any stage up to the current one names it —
 * by region, by id, or by a share of the fleet. Stages accumulate: a runner given the candidate in
 * stage 1 keeps it in stage 2 (taking it back would need a new version, which only a rollback makes).
 *
 * A share is sticky: a runner is in `percent` % when a hash of (rollout id, runner id) falls in the
 * first `percent` hundredths of the hash range. The same runner is in or out for the whole rollout,
 * 10 % ⊂ 50 % of the same rollout, and each rollout picks another 10 % (the rollout id salts the
 * hash), so no runner is always the first canary. A runner that does not say who it is gets the head.
 */
import type { StageRunners } from './rollout.ts';

/** The part of a rollout that decides membership (what the hub hands the watch relays). */
export interface RolloutAssignment {
  id: string;
  /** The stages up to and including the current one. */
  stages: readonly { runners: StageRunners }[];
}

/** Who asks: the runner id and region it sent (`?runner=&region=`), both optional. */
export interface RunnerIdentity {
  runner?: string | undefined;
  region?: string | undefined;
}

/** FNV-1a, 32 bits: cheap, stable across runtimes, and good enough to spread runner ids evenly. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/** The runner's bucket in [0, 10000) for this rollout: in a `percent` stage when below `percent × 100`. */
export function rolloutBucket(rolloutId: string, runnerId: string): number {
  return fnv1a(`${rolloutId}\u0000${runnerId}`) % 10_000;
}

function selects(runners: StageRunners, rolloutId: string, who: RunnerIdentity): boolean {
  if ('regions' in runners) return who.region !== undefined && runners.regions.includes(who.region);
  if ('ids' in runners) return who.runner !== undefined && runners.ids.includes(who.runner);
  return who.runner !== undefined && rolloutBucket(rolloutId, who.runner) < Math.round(runners.percent * 100);
}

/** True when this runner is given the candidate at the rollout's current stage. */
export function isAssigned(assignment: RolloutAssignment, who: RunnerIdentity): boolean {
  return assignment.stages.some((stage) => selects(stage.runners, assignment.id, who));
}
