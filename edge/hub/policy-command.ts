/**
 * The pure core of a policy write: given the set's head, its current policy and an admin's command,
 * the next policy version, the current one unchanged (a write that changes nothing), or why not.
 * The hub runs it under the same write lock as params writes, so a params write is always judged
 * by the policy in force when it commits.
 */
import type { Version } from '../../shared/api.ts';
import { policyEtagFor } from '../../shared/policy-etag.ts';
import type { PolicyVersion, SetPolicy } from '../../shared/policy-schema.ts';
import type { Approval } from '../../shared/signing/key-list-change.ts';
import { fail, ok, type HubResult } from './hub-result.ts';

export interface PolicyCommand {
  set: string;
  author: string;
  message: string;
  /** If-Match on the policy version (required: `*` accepts any). */
  ifMatch: { any: boolean; versions: number[] };
  policy: SetPolicy;
  /** Approvals of a key-list change by the current keys (`policy-approvals.ts`). */
  approvals?: Approval[] | undefined;
}

export type PolicyOutcome = { kind: 'committed'; policy: PolicyVersion } | { kind: 'unchanged'; policy: PolicyVersion };

/** Both sides come out of `SetPolicySchema`, which builds its objects in one key order. */
function samePolicy(a: SetPolicy, b: SetPolicy): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export function nextPolicy(
  command: PolicyCommand,
  head: Version | undefined,
  current: PolicyVersion,
  now: Date,
): HubResult<PolicyOutcome> {
  if (head === undefined)
    return fail({
      status: 404,
      code: 'not_found',
      message: `set "${command.set}" does not exist; create it first (its policy starts as the default)`,
    });
  const { any, versions } = command.ifMatch;
  if (!any && !versions.includes(current.version))
    return fail({
      status: 412,
      code: 'precondition_failed',
      message: `If-Match does not name the current policy: set "${command.set}" is at policy version ${current.version}${current.author ? ` (by ${current.author} at ${current.created_at}: ${JSON.stringify(current.message)})` : ' (the default)'}`,
      details: {
        current: {
          version: current.version,
          etag: policyEtagFor(command.set, current.version),
          author: current.author,
          created_at: current.created_at,
          message: current.message,
        },
      },
    });
  if (samePolicy(current.policy, command.policy)) return ok({ kind: 'unchanged', policy: current });
  return ok({
    kind: 'committed',
    policy: {
      set: command.set,
      version: current.version + 1,
      policy: command.policy,
      created_at: now.toISOString(),
      author: command.author,
      message: command.message,
    },
  });
}
