/**
 * Bodies of the edge API (v1), shared by the edge (which builds them), the runner, the CLI and the
 * dashboard (which parse them). Types come from these schemas, never written twice.
 */
import { z } from 'zod';
import { SYNC_MODES } from './enums.ts';
import { LineageSchema } from './lineage.ts';
import { ParamsSchema } from './params-schema.ts';
import { SetNameSchema } from './set-name.ts';
import { VersionSignatureSchema, WriteSignatureSchema } from './signing/version-signature.ts';
import { TelemetryDeltaSchema } from './telemetry.ts';

export const VersionKindSchema = z.enum(['create', 'update', 'rollback']);
export type VersionKind = z.infer<typeof VersionKindSchema>;

const VersionNumber = z.number().int().positive();
/** Change messages are the audit trail; 1..500 characters. */
export const MessageSchema = z.string().trim().min(1, 'a message is required (why this change?)').max(500);

/**
 * A write's explicit override of the set policy's step limit, with its own reason (the write's
 * `message` says what changed; this says why so large a step is meant). Caps are never overridden.
 */
export const ForceSchema = z.strictObject({ message: MessageSchema });
export type Force = z.infer<typeof ForceSchema>;

/** One immutable version of a set. `(set, lineage, version)` is its identity, and its ETag's. */
export const VersionSchema = z.object({
  set: SetNameSchema,
  /** The set's history this version belongs to (DESIGN "A version"): fixed when the set was created. */
  lineage: LineageSchema,
  version: VersionNumber,
  params: ParamsSchema,
  created_at: z.iso.datetime(),
  author: z.string(),
  message: z.string(),
  kind: VersionKindSchema,
  /** The version this one replaced (0 for the first). */
  parent: z.number().int().nonnegative(),
  rollback_of: VersionNumber.optional(),
  /** Present when the write passed the policy's step limit on purpose (audit: who forced it and why). */
  force: ForceSchema.optional(),
  /** The operator's signature over the version's signed fields (`shared/signing/signed-change.ts`). */
  signature: VersionSignatureSchema.optional(),
  /**
   * Present on a rollout's candidate (`shared/rollout.ts`): only the runners in the rollout's stages
   * are given it until it is promoted; a candidate that is rolled back never becomes the head.
   */
  rollout: z.object({ id: z.string().max(64) }).optional(),
});
export type Version = z.infer<typeof VersionSchema>;

/**
 * Body of a write: PUT carries the whole document, PATCH a JSON merge patch of it; `force` lets a
 * size move further than the set policy's `max_step_ratio` in one write.
 */
export const WriteBodySchema = z.object({
  params: z.unknown(),
  message: MessageSchema,
  force: ForceSchema.optional(),
  /** The operator's signature of the version this write makes (required when the set policy says so). */
  signature: WriteSignatureSchema.optional(),
});
export type WriteBody = z.infer<typeof WriteBodySchema>;

export const RollbackBodySchema = z.strictObject({
  to: VersionNumber,
  message: MessageSchema,
  force: ForceSchema.optional(),
  signature: WriteSignatureSchema.optional(),
});
export type RollbackBody = z.infer<typeof RollbackBodySchema>;

export const SetSummarySchema = z.object({
  set: SetNameSchema,
  version: VersionNumber,
  updated_at: z.iso.datetime(),
  author: z.string(),
});
export type SetSummary = z.infer<typeof SetSummarySchema>;

export const SetListSchema = z.object({ sets: z.array(SetSummarySchema) });
export type SetList = z.infer<typeof SetListSchema>;

/** `GET /v1/token`: who the caller's token is, so a page can offer only what it may do. */
export const TokenInfoSchema = z.strictObject({ name: z.string(), scope: z.enum(['read', 'write', 'admin']) });
export type TokenInfo = z.infer<typeof TokenInfoSchema>;

/** `GET /v1/sets/:set/versions?limit=&before=`: newest first; `next_before` pages on. */
export const VersionPageSchema = z.object({
  set: SetNameSchema,
  versions: z.array(VersionSchema),
  next_before: VersionNumber.nullable(),
});
export type VersionPage = z.infer<typeof VersionPageSchema>;

export const DiffEntrySchema = z.object({ key: z.string(), from: z.unknown(), to: z.unknown() });
export const DiffSchema = z.object({
  set: SetNameSchema,
  from: VersionNumber,
  to: VersionNumber,
  changes: z.array(DiffEntrySchema),
});
export type Diff = z.infer<typeof DiffSchema>;

export const SyncStateSchema = z.enum(['starting', 'ready', 'stale', 'error']);
export type SyncState = z.infer<typeof SyncStateSchema>;

export const RunnerIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'a runner id is letters, digits, ".", "_" or "-", at most 64 characters');

/**
 * Characters a reported string may not hold: C0 controls (newline, escape…), DEL, C1 controls, line
 * and paragraph separators, and bidi overrides/isolates. Reports are shown in terminals and pages;
 * `\x1b[2J`, a newline forging a table row or a right-to-left override must never reach one.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the point is to find them
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/u;

/** A string a runner reports: at most `max` characters, no control characters. */
export function reportedText(max: number, { min = 0 }: { min?: number } = {}) {
  return z
    .string()
    .min(min, `at least ${min} character${min === 1 ? '' : 's'}`)
    .max(max, `at most ${max} characters`)
    .refine((text) => !CONTROL_CHARACTERS.test(text), {
      error: `printable text only: control characters (newline, escape, C1, bidi overrides) are not accepted`,
    });
}

/** What a runner rejected and why (its validator's words, bounded). */
export const RejectionSchema = z.object({
  version: VersionNumber,
  lineage: LineageSchema.optional(),
  reason: reportedText(2000),
});

/** Heartbeat a runner announces, in seconds; a fleet entry is `silent` after two of them without news. */
export const HeartbeatSchema = z.number().positive().max(86_400);
/** The heartbeat assumed for a runner that does not say (the runner's `--heartbeat` default). */
export const DEFAULT_HEARTBEAT_S = 60;

/**
 * A runner's heartbeat: what it applied, what it rejected and why, how it is doing. `lineage` is the
 * history `applied_version` belongs to, required with it: the hub refuses a version of another
 * lineage (a cache from another edge is not a version of this set).
 */
export const RunnerReportSchema = z.object({
  region: reportedText(64, { min: 1 }),
  applied_version: z.number().int().nonnegative().nullable(),
  lineage: LineageSchema.nullable().optional(),
  rejected: RejectionSchema.nullable().optional(),
  sync_state: SyncStateSchema,
  params_age_s: z.number().nonnegative().nullable().optional(),
  sync_mode: z.enum(SYNC_MODES).optional(),
  /** Seconds between this runner's reports (`--heartbeat`); absent: `DEFAULT_HEARTBEAT_S`. */
  heartbeat_s: HeartbeatSchema.optional(),
  /** True on the last report of a runner that is shutting down: its entry is `stopped`. */
  goodbye: z.boolean().optional(),
  trading: z
    .object({
      mid: z.number().nullable().optional(),
      bid: z.number().nullable().optional(),
      ask: z.number().nullable().optional(),
      inventory: z.number().optional(),
      pnl: z.number().optional(),
      fills: z.number().int().nonnegative().optional(),
      mode: reportedText(32).optional(),
    })
    .optional(),
  /** Trading figures per params version since the previous report (`shared/telemetry.ts`). */
  telemetry: TelemetryDeltaSchema.optional(),
});
export type RunnerReport = z.infer<typeof RunnerReportSchema>;

/**
 * A report without its telemetry: what the fleet table keeps. The edge parses the two parts apart,
 * so a report whose telemetry is refused still updates the runner's status.
 */
export const RunnerStatusReportSchema = RunnerReportSchema.omit({ telemetry: true });
export type RunnerStatusReport = z.infer<typeof RunnerStatusReportSchema>;

/**
 * A fleet entry's liveness, derived when the table is read: `live` (reported within two heartbeats),
 * `silent` (no news for longer: crashed, cut off, or hung) or `stopped` (its last report said goodbye).
 * Fleet counts ("N on vX") count only `live` runners.
 */
export const RunnerStatusSchema = z.enum(['live', 'silent', 'stopped']);
export type RunnerLiveness = z.infer<typeof RunnerStatusSchema>;

/** A fleet entry as the hub stores it: the last report, plus who sent it and when. */
export const StoredFleetEntrySchema = RunnerStatusReportSchema.extend({
  runner_id: RunnerIdSchema,
  last_seen: z.iso.datetime(),
  /** When the runner's applied version last changed (for "applied N ms after the write"). */
  applied_at: z.iso.datetime().nullable().optional(),
  /** The name (never the value) of the token that created the entry: only it may report for it. */
  token: z.string().optional(),
});
export type StoredFleetEntry = z.infer<typeof StoredFleetEntrySchema>;

/**
 * An entry as `GET …/fleet` answers it. `status` is always sent; an older edge without it means `live`.
 * The strings a runner reported are read back bounded but not refused for control characters: the
 * edge refuses those on the way in, and a reader (CLI, dashboard) escapes whatever it shows, so an
 * older or hostile edge serving one bad entry cannot hide the whole fleet from the operator.
 */
export const FleetEntrySchema = StoredFleetEntrySchema.extend({
  status: RunnerStatusSchema.optional(),
  /** The version the edge gives this runner: a rollout's candidate for a runner in its stages, the head otherwise. */
  assigned_version: z.number().int().positive().optional(),
  region: z.string().min(1).max(1000),
  rejected: RejectionSchema.extend({ reason: z.string().max(10_000) })
    .nullable()
    .optional(),
  trading: RunnerReportSchema.shape.trading
    .unwrap()
    .extend({ mode: z.string().max(1000).optional() })
    .optional(),
});
export type FleetEntry = z.infer<typeof FleetEntrySchema>;

/**
 * Socket messages the hub refused since it started (in memory, reset when the hub restarts):
 * over a rate limit, invalid (a version the set does not have, a foreign runner, over the token's
 * quota), and sockets closed for flooding or oversized messages.
 */
export const FleetRefusalsSchema = z.object({
  rate_limited: z.number().int().nonnegative(),
  invalid: z.number().int().nonnegative(),
  sockets_closed: z.number().int().nonnegative(),
});
export type FleetRefusals = z.infer<typeof FleetRefusalsSchema>;

export const FleetSchema = z.object({
  set: SetNameSchema,
  version: VersionNumber,
  runners: z.array(FleetEntrySchema),
  /** Runners per status; "N on vX" counts only the `live`. */
  counts: z
    .object({
      live: z.number().int().nonnegative(),
      silent: z.number().int().nonnegative(),
      stopped: z.number().int().nonnegative(),
    })
    .optional(),
  refused: FleetRefusalsSchema.optional(),
});
export type Fleet = z.infer<typeof FleetSchema>;

/** Messages the edge pushes on `GET /v1/sets/:set/watch`. */
export const WatchServerMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('version'), etag: z.string(), version: VersionSchema }),
  z.object({ type: z.literal('pong') }),
]);
export type WatchServerMessage = z.infer<typeof WatchServerMessageSchema>;

/**
 * Messages a runner sends on the watch socket: ACK/NACK of a pushed version (named by lineage and
 * number: the hub ignores another lineage's), or a full report.
 */
export const WatchClientMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ack'), runner_id: RunnerIdSchema, lineage: LineageSchema, version: VersionNumber }),
  z.object({
    type: z.literal('nack'),
    runner_id: RunnerIdSchema,
    lineage: LineageSchema,
    version: VersionNumber,
    reason: reportedText(2000),
  }),
  z.object({ type: z.literal('report'), runner_id: RunnerIdSchema, report: RunnerReportSchema }),
  z.object({ type: z.literal('ping') }),
]);
export type WatchClientMessage = z.infer<typeof WatchClientMessageSchema>;

/** Response headers with a meaning of their own. */
export const HEADER_STALE = 'Livetune-Stale';
export const HEADER_VERSION = 'Livetune-Version';
/** The lineage of the version in a params answer (for humans with curl; the ETag carries it too). */
export const HEADER_LINEAGE = 'Livetune-Lineage';
/** Body size limit of every request (DESIGN.md: 16 KiB). */
export const MAX_BODY_BYTES = 16 * 1024;
/** Largest message a client may send on the watch socket; a larger one closes it (1009). */
export const MAX_SOCKET_MESSAGE_BYTES = 16 * 1024;
/** Longest `?wait=` a long-poll may ask for, in seconds. */
export const MAX_WAIT_S = 60;
