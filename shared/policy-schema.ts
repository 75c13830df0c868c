/**
 * A set's policy: what any write to its params may do, whoever writes it. Changed only by an
 * `admin`-scope token, versioned and audited like the params (its own history: who, when, why).
 *
 * - Hard caps on the sizes, finite by construction: `max_order_size` and `max_max_position`. No
 *   write passes them, forced or not; an admin raises them. Their defaults (10 and 100 base units,
 *   about 33× the default `order_size` 0.3 and `max_position` 3) hold any ordinary tuning of the
 *   default market and stop the `1e308` class of fat finger; a set trading another unit raises them
 *   deliberately.
 * - `max_step_ratio`: the largest relative change one write may make to a size (default 5: `0.3 →
 *   1.5` passes, `0.3 → 3` does not). A larger step needs an explicit `force` with its own message.
 * - Signing (`signatures`, `keys`, `threshold`): whether a params write must carry a signature by
 *   one of the trusted keys (the hub verifies it: `edge/hub/write-signature.ts`), and how many of
 *   the current keys must approve a change of the key list (`shared/signing/key-list-change.ts`).
 */
import { z } from 'zod';
import { MessageSchema } from './api.ts';
import { SetNameSchema } from './set-name.ts';
import { ApprovalsSchema } from './signing/key-list-change.ts';
import { MAX_TRUSTED_KEYS, TrustedKeySchema } from './signing/key-schemas.ts';

/** No cap may be set beyond this (base units): a cap must keep every size, and its products, finite. */
export const MAX_CAP = 1e12;
/** The largest `max_step_ratio` an admin may allow. */
export const MAX_STEP_RATIO = 1000;

export const SIGNATURE_MODES = ['required', 'optional'] as const;

export { MAX_TRUSTED_KEYS, TrustedKeySchema, type TrustedKey } from './signing/key-schemas.ts';

const cap = (what: string) => z.number().gt(0, `${what} must be > 0`).lte(MAX_CAP, `${what} must be ≤ ${MAX_CAP}`);

/** The policy's fields, each with its default and rule. */
export const PolicyFieldsSchema = z.strictObject({
  max_order_size: cap('max_order_size').default(10),
  max_max_position: cap('max_max_position').default(100),
  max_step_ratio: z
    .number()
    .gt(1, 'max_step_ratio must be > 1 (1 would forbid every change to a size)')
    .lte(MAX_STEP_RATIO, `max_step_ratio must be ≤ ${MAX_STEP_RATIO}`)
    .default(5),
  signatures: z.enum(SIGNATURE_MODES).default('optional'),
  keys: z.array(TrustedKeySchema).max(MAX_TRUSTED_KEYS).default([]),
  threshold: z.number().int().min(1, 'threshold must be ≥ 1').default(1),
});

/** Rules across fields: unique key names, a threshold the keys can meet when signatures are required. */
export const SetPolicySchema = PolicyFieldsSchema.check((ctx) => {
  const { keys, threshold, signatures } = ctx.value;
  const seen = new Set<string>();
  keys.forEach((key, index) => {
    if (seen.has(key.name))
      ctx.issues.push({
        code: 'custom',
        input: key.name,
        path: ['keys', index, 'name'],
        message: `key name "${key.name}" is used twice`,
      });
    seen.add(key.name);
  });
  if (threshold > Math.max(1, keys.length))
    ctx.issues.push({
      code: 'custom',
      input: threshold,
      path: ['threshold'],
      message: `threshold = ${threshold} is more than the ${keys.length} trusted key(s): expected a threshold ≤ the number of keys`,
    });
  if (signatures === 'required' && keys.length === 0)
    ctx.issues.push({
      code: 'custom',
      input: keys,
      path: ['keys'],
      message: 'signatures = "required" needs at least one trusted key: expected keys: [{name, public_key}, …]',
    });
});
export type SetPolicy = z.output<typeof SetPolicySchema>;
export type SetPolicyInput = z.input<typeof SetPolicySchema>;

/** The policy of a set no admin has written: version 0. */
export const DEFAULT_POLICY: Readonly<SetPolicy> = Object.freeze(SetPolicySchema.parse({}));

/** The policy keys (for the CLI's `policy set key=value`). */
export const POLICY_KEYS = Object.keys(PolicyFieldsSchema.shape) as (keyof SetPolicy)[];

/**
 * `PUT /v1/sets/:set/policy`: the whole policy (absent fields take their defaults) and why. A change
 * of the keys, threshold or signature mode of a set that has trusted keys carries `approvals` by
 * `threshold` of them (`shared/signing/key-list-change.ts`).
 */
export const PolicyWriteBodySchema = PolicyFieldsSchema.extend({ message: MessageSchema, approvals: ApprovalsSchema.optional() });
export type PolicyWriteBody = z.input<typeof PolicyWriteBodySchema>;

/**
 * One version of a set's policy, as `GET /v1/sets/:set/policy` answers it. Version 0 is the default
 * policy, which nobody wrote: no time, author or message.
 */
export const PolicyVersionSchema = z.object({
  set: SetNameSchema,
  version: z.number().int().nonnegative(),
  policy: SetPolicySchema,
  created_at: z.iso.datetime().nullable(),
  author: z.string().nullable(),
  message: z.string().nullable(),
  /** The current keys' approvals of this version's key-list change (audit, and for runners to follow). */
  approvals: ApprovalsSchema.optional(),
});
export type PolicyVersion = z.infer<typeof PolicyVersionSchema>;

/** `GET /v1/sets/:set/policy/versions`: newest first. */
export const PolicyHistorySchema = z.object({ set: SetNameSchema, versions: z.array(PolicyVersionSchema) });
export type PolicyHistory = z.infer<typeof PolicyHistorySchema>;

/** The policy of a set before any admin wrote one. */
export function defaultPolicyVersion(set: string): PolicyVersion {
  return { set, version: 0, policy: { ...DEFAULT_POLICY, keys: [] }, created_at: null, author: null, message: null };
}
