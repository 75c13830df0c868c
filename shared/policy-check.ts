/**
 * A write's params against its set's policy: hard caps on the sizes, and the step limit (the largest
 * relative change one write may make to a size, beyond which the write needs `force` with a reason).
 *
 * Only sizes the write changes are judged: a write that leaves `order_size` alone is not refused
 * because an admin lowered `max_order_size` below it meanwhile — the kill switch (`trading_mode:
 * halted`) must pass whatever the rest of the document holds. The edge runs this in the set's hub
 * under its write lock; the dashboard can run it to warn before sending.
 */
import type { Force } from './api.ts';
import type { FieldIssue } from './api-error.ts';
import type { Params } from './params-schema.ts';
import type { SetPolicy } from './policy-schema.ts';

/** The sizes a policy limits, each with its cap. */
export const POLICY_SIZES = [
  { key: 'order_size', cap: 'max_order_size' },
  { key: 'max_position', cap: 'max_max_position' },
] as const;

export type PolicyCheck =
  | { ok: true; forced: boolean }
  /** `forceable`: only the step limit refused it, so the same write with `force` would pass. */
  | { ok: false; issues: FieldIssue[]; forceable: boolean };

/** Floating-point slack: `1.5 / 0.3` is 5.000000000000001, and a 5× limit must allow it. */
const RATIO_SLACK = 1e-9;

function capIssue(key: string, value: number, capName: string, cap: number): FieldIssue {
  const expected = `a finite number ≤ ${cap} (the set policy's ${capName}; an admin can raise it)`;
  return {
    field: key,
    value,
    expected,
    message: `${key} = ${value} is above the set policy's ${capName} = ${cap}: expected ${expected}`,
  };
}

function stepIssue(key: string, from: number, to: number, ratio: number, limit: number): FieldIssue {
  const low = Number((from / limit).toPrecision(6));
  const high = Number((from * limit).toPrecision(6));
  const expected = `a value from ${low} to ${high} (at most ${limit}× the current ${from}, the set policy's max_step_ratio), or the same write with force and a reason`;
  const times = Number(ratio.toPrecision(4));
  return {
    field: key,
    value: to,
    expected,
    message: `${key} = ${to} is a ${times}× step from ${from}: expected ${expected}`,
  };
}

/** Checks `after` (the document the write would store) against `policy`, given the head `before`. */
export function checkAgainstPolicy(
  policy: SetPolicy,
  before: Params | undefined,
  after: Params,
  force: Force | undefined,
): PolicyCheck {
  const hard: FieldIssue[] = [];
  const steps: FieldIssue[] = [];
  for (const { key, cap } of POLICY_SIZES) {
    const to = after[key];
    const from = before?.[key];
    if (from === to) continue;
    if (to > policy[cap]) hard.push(capIssue(key, to, cap, policy[cap]));
    else if (from !== undefined) {
      const ratio = Math.max(to / from, from / to);
      if (ratio > policy.max_step_ratio * (1 + RATIO_SLACK)) steps.push(stepIssue(key, from, to, ratio, policy.max_step_ratio));
    }
  }
  if (hard.length > 0) return { ok: false, issues: [...hard, ...steps], forceable: false };
  if (steps.length === 0) return { ok: true, forced: false };
  if (force !== undefined) return { ok: true, forced: true };
  return { ok: false, issues: steps, forceable: true };
}
