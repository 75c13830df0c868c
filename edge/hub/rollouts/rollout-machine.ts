/**
 * The rollout state machine, pure: given a rollout, the clock and the latest guardrail readings,
 * what happens next. The hub (`hub-rollouts.ts`) carries the decisions out (a rollback version, a
 * promotion) and records the events this module builds.
 *
 *   running ──bake passed, no breach──► running (next stage) … ──last stage baked──► promoted
 *   running ──breach, on_breach=rollback──► rolled_back      running ──breach, on_breach=pause──► paused
 *   running|paused ──promote──► next stage (running) | promoted
 *   running|paused ──abort, kill switch, plain rollback──► aborted
 */
import { MAX_ROLLOUT_EVENTS, type GuardReading, type Rollout, type RolloutEvent } from '../../../shared/rollout.ts';

export type RolloutDecision =
  | { kind: 'wait' }
  | { kind: 'advance'; stage: number; reason: 'bake' | 'manual' }
  | { kind: 'promote'; reason: 'bake' | 'manual' }
  | { kind: 'breach'; breaches: GuardReading[] };

/** What the evaluation at `now` decides for a running rollout. */
export function decide(rollout: Rollout, readings: readonly GuardReading[], now: number): RolloutDecision {
  if (rollout.state !== 'running') return { kind: 'wait' };
  const breaches = readings.filter((r) => r.verdict === 'breach');
  if (breaches.length > 0) return { kind: 'breach', breaches };
  const stage = rollout.stages[rollout.stage]!;
  if (now - Date.parse(rollout.stage_started_at) < stage.bake_s * 1000) return { kind: 'wait' };
  return nextStep(rollout, 'bake');
}

/** The step a promotion takes: the next stage, or the head after the last one. */
export function nextStep(rollout: Rollout, reason: 'bake' | 'manual'): RolloutDecision {
  return rollout.stage + 1 < rollout.stages.length
    ? { kind: 'advance', stage: rollout.stage + 1, reason }
    : { kind: 'promote', reason };
}

/** The rollout with one more event; beyond `MAX_ROLLOUT_EVENTS` the oldest after the first is dropped. */
export function withEvent(rollout: Rollout, event: RolloutEvent): Rollout {
  const events = [...rollout.events, event];
  if (events.length > MAX_ROLLOUT_EVENTS) events.splice(1, events.length - MAX_ROLLOUT_EVENTS);
  return { ...rollout, events };
}

/** The numbers a decision rests on, as an event's detail. */
export function readingsDetail(readings: readonly GuardReading[]) {
  return readings.map((r) => ({
    metric: r.metric,
    value: r.value,
    [r.bound]: r.threshold,
    n: r.n,
    ...(r.control_n !== undefined ? { control_n: r.control_n } : {}),
    ...(r.runner !== undefined ? { runner: r.runner } : {}),
    ...(r.confidence_bound !== undefined && r.confidence_bound !== null ? { confidence_bound: r.confidence_bound } : {}),
    verdict: r.verdict,
  }));
}
