/**
 * Guarded rollouts (DESIGN "Shapes": Rollout): a change given to part of the fleet first, stage by
 * stage, promoted when each stage's bake time passes with no guardrail breached, rolled back (or
 * paused) when one is. The request, the rollout's state and its audited events are defined here once
 * for the edge (which runs the state machine), the CLI and the dashboard.
 *
 * The candidate is an ordinary immutable version carrying `rollout: { id }`: runners in the rollout's
 * stages are given it, every other runner keeps the set's head. A rollback is a new, higher version
 * equal to the head (runners never move backwards), so a rolled-back candidate is never the head.
 */
import { z } from 'zod';
import { MessageSchema, RunnerIdSchema, reportedText } from './api.ts';
import { SetNameSchema } from './set-name.ts';
import { WriteSignatureSchema } from './signing/version-signature.ts';

/** Most stages, guardrails and listed runners/regions one rollout may carry. */
export const MAX_STAGES = 10;
export const MAX_GUARDRAILS = 20;
export const MAX_STAGE_MEMBERS = 200;
/** Longest bake time of one stage: a week. */
export const MAX_BAKE_S = 7 * 86_400;
/** Events kept per rollout (the oldest after the first go first; the start is always kept). */
export const MAX_ROLLOUT_EVENTS = 200;

/** A region name as runners report it (`RunnerReportSchema.region`). */
export const RegionSchema = reportedText(64, { min: 1 });

/** Which runners a stage adds: by region, by runner id, or a share of the fleet chosen by a hash of the runner id. */
export const StageRunnersSchema = z.union([
  z.strictObject({ regions: z.array(RegionSchema).min(1).max(MAX_STAGE_MEMBERS) }),
  z.strictObject({ ids: z.array(RunnerIdSchema).min(1).max(MAX_STAGE_MEMBERS) }),
  z.strictObject({
    percent: z.number().gt(0, 'a share of the fleet in (0, 100]').max(100, 'a share of the fleet in (0, 100]'),
  }),
]);
export type StageRunners = z.infer<typeof StageRunnersSchema>;

export const RolloutStageSchema = z.strictObject({
  runners: StageRunnersSchema,
  /** Seconds the stage must run with no breach before it is promoted on its own (0: at the next evaluation). */
  bake_s: z.number().int('whole seconds').min(0).max(MAX_BAKE_S, `at most ${MAX_BAKE_S} s (a week)`),
});
export type RolloutStage = z.infer<typeof RolloutStageSchema>;

/**
 * What a guardrail watches (DESIGN "Shapes"):
 * - `drawdown`: per runner, the largest fall of the candidate's cumulative P&L from its peak (quote currency);
 * - `abs_inventory_ratio`: per runner, the largest |inventory| / the candidate's `max_position` seen on it;
 * - `markout_5s_bps`: mean 5 s markout of the stage's fills of the candidate (bps, positive is good);
 *   with `vs_control`, the candidate's mean minus the control group's (runners not in the rollout, on the head);
 * - `nacks`: runners that rejected the candidate;
 * - `error_runners`: runners on the candidate whose sync state is `error`.
 */
export const GUARD_METRICS = ['drawdown', 'abs_inventory_ratio', 'markout_5s_bps', 'nacks', 'error_runners'] as const;
export const GuardMetricSchema = z.enum(GUARD_METRICS);
export type GuardMetric = z.infer<typeof GuardMetricSchema>;

const Threshold = z.number().min(-1e12).max(1e12);

export const GuardrailSchema = z
  .strictObject({
    metric: GuardMetricSchema,
    /** Breach when the value is above it. */
    max: Threshold.optional(),
    /** Breach when the value is below it (for markouts: with 95 % one-sided confidence, see `docs/ROLLOUTS.md`). */
    min: Threshold.optional(),
    /** Judge the difference to the control group (markout only). */
    vs_control: z.boolean().optional(),
    /** Fills needed before the guardrail is judged: per runner for per-runner metrics, per side for markouts. */
    min_fills: z.number().int().nonnegative().max(1_000_000).optional(),
  })
  .refine((g) => g.max !== undefined || g.min !== undefined, {
    error: 'a guardrail needs a threshold: "max" (breach above) or "min" (breach below)',
  })
  .refine((g) => g.vs_control !== true || g.metric === 'markout_5s_bps', {
    error: '"vs_control" compares markouts only: use it with metric "markout_5s_bps"',
    path: ['vs_control'],
  });
export type Guardrail = z.infer<typeof GuardrailSchema>;

/** Fills a markout guardrail waits for (per side) when it does not say. */
export const DEFAULT_MARKOUT_MIN_FILLS = 20;

export const OnBreachSchema = z.enum(['rollback', 'pause']);
export type OnBreach = z.infer<typeof OnBreachSchema>;

/**
 * `POST /v1/sets/:set/rollouts` (write scope). `params` is a merge patch, or the whole document with `replace: true`.
 *
 * Signed (docs/SIGNING.md), it carries two signatures by the same operator: `signature`, of the
 * candidate exactly as a write's (version head + 1 on the head), and `rollback_signature`, of the one
 * rollback the hub may make on its own (version head + 2 on the candidate, back to the head's params,
 * message `rolloutRollbackMessage`). Both or neither: a signed candidate whose rollback runners could
 * not verify would leave runners that require signatures on it after a breach.
 */
export const RolloutRequestSchema = z
  .strictObject({
    params: z.record(z.string(), z.unknown()),
    replace: z.boolean().optional(),
    message: MessageSchema,
    stages: z.array(RolloutStageSchema).min(1, 'at least one stage').max(MAX_STAGES),
    guardrails: z.array(GuardrailSchema).max(MAX_GUARDRAILS).default([]),
    on_breach: OnBreachSchema.default('rollback'),
    signature: WriteSignatureSchema.optional(),
    rollback_signature: WriteSignatureSchema.optional(),
  })
  .refine((r) => (r.signature === undefined) === (r.rollback_signature === undefined), {
    error:
      'a signed rollout carries both "signature" (the candidate) and "rollback_signature" (its rollback, version head + 2), or neither',
    path: ['rollback_signature'],
  });
export type RolloutRequest = z.infer<typeof RolloutRequestSchema>;
export type RolloutRequestInput = z.input<typeof RolloutRequestSchema>;

/**
 * The message of the rollback a signed rollout's hub makes on its own (a breach, an abort): fixed,
 * because the operator signed it when the rollout started. Why it happened is in the rollout's events.
 */
export function rolloutRollbackMessage(candidate: number, base: number): string {
  return `rollout r${candidate} rolled back to version ${base}`;
}

/** `POST …/rollouts/:id/promote|abort`: who decided and why (the message is optional). */
export const RolloutActionSchema = z.strictObject({ message: MessageSchema.optional() });
export type RolloutAction = z.infer<typeof RolloutActionSchema>;

/**
 * `running`, `paused` (a breach with `on_breach: pause`: the stage keeps the candidate, nothing moves
 * until promote or abort) are active; `promoted` (the candidate is the head), `rolled_back` (a
 * guardrail), `aborted` (an operator, a kill switch or a plain rollback) are final.
 */
export const RolloutStateSchema = z.enum(['running', 'paused', 'promoted', 'rolled_back', 'aborted']);
export type RolloutState = z.infer<typeof RolloutStateSchema>;
export const ACTIVE_ROLLOUT_STATES: readonly RolloutState[] = ['running', 'paused'];

export const RolloutEventKindSchema = z.enum(['started', 'stage', 'breach', 'paused', 'promoted', 'rolled_back', 'aborted']);
export type RolloutEventKind = z.infer<typeof RolloutEventKindSchema>;

/** One decision, with the numbers behind it in `detail` (metric, value, threshold, sample size…). */
export const RolloutEventSchema = z.object({
  at: z.iso.datetime(),
  kind: RolloutEventKindSchema,
  detail: z.record(z.string(), z.unknown()),
});
export type RolloutEvent = z.infer<typeof RolloutEventSchema>;

/** A guardrail's latest reading: its value against its threshold, and how many samples it rests on. */
export const GuardReadingSchema = z.object({
  metric: GuardMetricSchema,
  verdict: z.enum(['ok', 'breach', 'insufficient']),
  value: z.number().nullable(),
  threshold: z.number(),
  bound: z.enum(['max', 'min']),
  /** Samples (fills, or runners) the value rests on; for `vs_control`, the candidate's and the control's fills. */
  n: z.number().int().nonnegative(),
  control_n: z.number().int().nonnegative().optional(),
  /** The runner the value belongs to (per-runner metrics: the worst one). */
  runner: z.string().optional(),
  /** For markouts: the one-sided 95 % confidence bound the verdict used. */
  confidence_bound: z.number().nullable().optional(),
});
export type GuardReading = z.infer<typeof GuardReadingSchema>;

export const RolloutSchema = z.object({
  id: z.string(),
  set: SetNameSchema,
  /** The candidate version. */
  version: z.number().int().positive(),
  /** The head when the rollout started: the control group's version. */
  base: z.number().int().positive(),
  state: RolloutStateSchema,
  /** Index of the current stage (0-based); each stage adds its runners to the earlier stages'. */
  stage: z.number().int().nonnegative(),
  stage_started_at: z.iso.datetime(),
  created_at: z.iso.datetime(),
  author: z.string(),
  message: z.string(),
  stages: z.array(RolloutStageSchema),
  guardrails: z.array(GuardrailSchema),
  on_breach: OnBreachSchema,
  /** The version that ended it: the rollback version, or the candidate itself when promoted. */
  outcome_version: z.number().int().positive().nullable(),
  ended_at: z.iso.datetime().nullable(),
  /** The latest evaluation (the hub's alarm): each guardrail's value and the runners on the candidate. */
  readings: z.array(GuardReadingSchema),
  evaluated_at: z.iso.datetime().nullable(),
  canary_runners: z.array(z.string()),
  events: z.array(RolloutEventSchema),
  /** A signed rollout's pre-signed rollback (the hub's own rollback on a breach or an abort uses it). */
  rollback_signature: WriteSignatureSchema.optional(),
});
export type Rollout = z.infer<typeof RolloutSchema>;

export const RolloutAnswerSchema = z.object({ rollout: RolloutSchema });
export type RolloutAnswer = z.infer<typeof RolloutAnswerSchema>;

export const RolloutListSchema = z.object({ set: SetNameSchema, rollouts: z.array(RolloutSchema) });
export type RolloutList = z.infer<typeof RolloutListSchema>;

/** Whether a rollout in one of these states still decides who gets the candidate. */
export function isActiveRollout(state: RolloutState): boolean {
  return ACTIVE_ROLLOUT_STATES.includes(state);
}
