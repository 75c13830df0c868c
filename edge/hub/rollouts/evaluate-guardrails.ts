/**
 * Guardrails judged on a rollout's tally: each gives a reading — its value against its threshold, the
 * sample it rests on, and a verdict (`ok`, `breach`, or `insufficient` before `min_fills`).
 *
 * Per-runner metrics (`drawdown`, `abs_inventory_ratio`) take the worst runner: one canary losing
 * too much is a breach, whatever the others do. Counts (`nacks`, `error_runners`) are plain.
 *
 * Markouts are noisy, so a markout breach needs confidence: the stage's mean 5 s markout (or its
 * difference to the control group's, `vs_control`) breaches `min` only when its one-sided 95 % upper
 * confidence bound is below it — `value + 1.645·se < min`, with `se` the standard error of the mean
 * (of the difference: Welch's `√(s₁²/n₁ + s₂²/n₂)`; a normal approximation, fair from the default 20
 * fills per side). Symmetrically for `max`. A regression the data cannot yet tell from noise is no
 * breach; it shows in the reading, and the bake time gives it the time to become one.
 */
import type { GuardReading, Guardrail } from '../../../shared/rollout.ts';
import { DEFAULT_MARKOUT_MIN_FILLS } from '../../../shared/rollout.ts';
import type { SampleSums } from '../../../shared/telemetry.ts';
import type { RolloutTally, RunnerTally } from './rollout-tally.ts';

/** One-sided 95 % quantile of the standard normal. */
export const Z_95 = 1.645;

interface Bound {
  bound: 'max' | 'min';
  threshold: number;
}

function boundsOf(guard: Guardrail): Bound[] {
  const bounds: Bound[] = [];
  if (guard.max !== undefined) bounds.push({ bound: 'max', threshold: guard.max });
  if (guard.min !== undefined) bounds.push({ bound: 'min', threshold: guard.min });
  return bounds;
}

function breaches(value: number, { bound, threshold }: Bound): boolean {
  return bound === 'max' ? value > threshold : value < threshold;
}

function mean(s: SampleSums): number {
  return s.sum / s.n;
}

/** Variance of the mean (sample variance / n); 0 for fewer than two samples. */
function varianceOfMean(s: SampleSums): number {
  if (s.n < 2) return 0;
  const variance = Math.max(0, (s.sum_sq - (s.sum * s.sum) / s.n) / (s.n - 1));
  return variance / s.n;
}

/** The reading of the first bound breached, else of the first bound. */
function reading(guard: Guardrail, base: Omit<GuardReading, 'bound' | 'threshold' | 'verdict'>, judge: (b: Bound) => boolean) {
  const bounds = boundsOf(guard);
  const hit = base.value === null ? undefined : bounds.find(judge);
  const shown = hit ?? bounds[0]!;
  const verdict: GuardReading['verdict'] = base.value === null ? 'insufficient' : hit ? 'breach' : 'ok';
  return { ...base, bound: shown.bound, threshold: shown.threshold, verdict } satisfies GuardReading;
}

function worstRunner(
  guard: Guardrail,
  runners: [string, RunnerTally][],
  figureOf: (r: RunnerTally) => number | null,
): GuardReading {
  const minFills = guard.min_fills ?? 0;
  const judged = runners.flatMap(([id, r]) => {
    const value = figureOf(r);
    return value !== null && r.fills >= minFills ? [{ id, value }] : [];
  });
  // The worst: the largest for a `max` bound, the smallest for a `min`-only guard.
  const byMax = guard.max !== undefined;
  const worst = judged.reduce<{ id: string; value: number } | undefined>(
    (w, c) => (w === undefined || (byMax ? c.value > w.value : c.value < w.value) ? c : w),
    undefined,
  );
  return reading(
    guard,
    { metric: guard.metric, value: worst?.value ?? null, n: judged.length, ...(worst ? { runner: worst.id } : {}) },
    (b) => breaches(worst!.value, b),
  );
}

function markout(guard: Guardrail, tally: RolloutTally): GuardReading {
  const minFills = guard.min_fills ?? DEFAULT_MARKOUT_MIN_FILLS;
  const canary = tally.canary_markout_5s;
  const control = tally.control_markout_5s;
  const enough = canary.n >= Math.max(1, minFills) && (!guard.vs_control || control.n >= Math.max(1, minFills));
  const base = { metric: guard.metric, n: canary.n, ...(guard.vs_control ? { control_n: control.n } : {}) };
  if (!enough) return reading(guard, { ...base, value: null, confidence_bound: null }, () => false);
  const value = guard.vs_control ? mean(canary) - mean(control) : mean(canary);
  const se = Math.sqrt(varianceOfMean(canary) + (guard.vs_control ? varianceOfMean(control) : 0));
  let confidence: number | null = null;
  const result = reading(guard, { ...base, value }, (b) => {
    // Confidently past the bound: the whole one-sided 95 % interval is on the wrong side.
    const edge = b.bound === 'min' ? value + Z_95 * se : value - Z_95 * se;
    confidence = edge;
    return breaches(edge, b);
  });
  return { ...result, confidence_bound: confidence };
}

/** Every guardrail's reading on the tally (in the guardrails' order). */
export function evaluateGuardrails(guardrails: readonly Guardrail[], tally: RolloutTally): GuardReading[] {
  const runners = Object.entries(tally.runners);
  return guardrails.map((guard) => readingOf(guard, tally, runners));
}

function readingOf(guard: Guardrail, tally: RolloutTally, runners: [string, RunnerTally][]): GuardReading {
  switch (guard.metric) {
    case 'drawdown':
      return worstRunner(guard, runners, (r) => (r.fills > 0 || r.on_candidate ? r.drawdown : null));
    case 'abs_inventory_ratio':
      return worstRunner(guard, runners, (r) => r.inventory_ratio);
    case 'markout_5s_bps':
      return markout(guard, tally);
    case 'nacks': {
      const value = runners.filter(([, r]) => r.nacked).length;
      return reading(guard, { metric: guard.metric, value, n: runners.length }, (b) => breaches(value, b));
    }
    case 'error_runners': {
      const value = runners.filter(([, r]) => r.on_candidate && r.sync_state === 'error').length;
      return reading(guard, { metric: guard.metric, value, n: runners.length }, (b) => breaches(value, b));
    }
  }
}
