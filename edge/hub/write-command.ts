/**
 * The pure core of a write: given the head, the set's policy and a command, either the next version
 * or the reason it is refused. The hub adds the I/O (KV, SQLite, wake-ups) around it; keeping this
 * pure makes the rules readable in one place: preconditions, then the new params, then validation,
 * then "does it change anything", then the set policy (caps, step limit, force).
 */
import type { Force, Version } from '../../shared/api.ts';
import type { FieldIssue } from '../../shared/api-error.ts';
import { etagFor } from '../../shared/etag.ts';
import { applyMergePatch, diffParams } from '../../shared/merge-patch.ts';
import { checkAgainstPolicy } from '../../shared/policy-check.ts';
import type { PolicyVersion } from '../../shared/policy-schema.ts';
import type { WriteSignature } from '../../shared/signing/version-signature.ts';
import { describeIssues, validateParams } from '../../shared/validate-params.ts';
import type { ApiErrorInit } from '../errors/api-error.ts';
import type { WritePrecondition } from '../http/preconditions.ts';
import { fail, ok, type HubResult } from './hub-result.ts';

export type WriteChange =
  | { kind: 'replace'; params: unknown }
  | { kind: 'merge'; patch: Record<string, unknown> }
  | { kind: 'rollback'; to: number };

export interface WriteCommand {
  set: string;
  author: string;
  message: string;
  precondition: WritePrecondition;
  change: WriteChange;
  /** Passes the policy's step limit on purpose (never its caps). */
  force?: Force | undefined;
  /** The operator's signature of the version this write makes (checked by `checkWriteSignature`). */
  signature?: WriteSignature | undefined;
}

/**
 * What a write did: committed a new version, or nothing at all (a write — PATCH, PUT or rollback —
 * whose document equals the head's: a new version would wake every runner for nothing and add an
 * empty entry to the history).
 */
export type WriteOutcome = { kind: 'committed'; version: Version } | { kind: 'unchanged'; version: Version };

/** What a client needs to say who changed the set under it (412 `details.current`). */
export function headSummary(head: Version) {
  return {
    version: head.version,
    lineage: head.lineage,
    etag: etagFor(head.set, head.lineage, head.version),
    author: head.author,
    created_at: head.created_at,
    message: head.message,
  };
}

function stale(head: Version, message: string): ApiErrorInit {
  return { status: 412, code: 'precondition_failed', message, details: { current: headSummary(head) } };
}

function checkPrecondition(set: string, head: Version | undefined, precondition: WritePrecondition): ApiErrorInit | undefined {
  switch (precondition.kind) {
    case 'create':
      return head === undefined
        ? undefined
        : stale(head, `set "${set}" already exists (version ${head.version} by ${head.author}); update it with If-Match`);
    case 'if-match':
      if (head === undefined)
        return { status: 404, code: 'not_found', message: `set "${set}" does not exist; create it with If-None-Match: *` };
      if (precondition.any || precondition.tags.some((t) => t.lineage === head.lineage && t.version === head.version))
        return undefined;
      if (precondition.tags.length > 0 && precondition.tags.every((t) => t.lineage !== head.lineage))
        return stale(
          head,
          `If-Match names lineage ${JSON.stringify(precondition.tags[0]!.lineage)}, another history of set "${set}" (a staging edge, or the set was re-created): this set is lineage ${JSON.stringify(head.lineage)}, at version ${head.version}; read it again before writing`,
        );
      return stale(
        head,
        `If-Match does not name the current version: set "${set}" is at version ${head.version} (by ${head.author} at ${head.created_at}: ${JSON.stringify(head.message)})`,
      );
    case 'none':
      return head === undefined ? { status: 404, code: 'not_found', message: `set "${set}" does not exist` } : undefined;
  }
}

/** The 422 of a write the set policy refuses; `details.forceable` says whether `force` would pass it. */
function policyRefusal(policy: PolicyVersion, issues: FieldIssue[], forceable: boolean): ApiErrorInit {
  const hint = forceable ? ' (send the same write with force {message} to make so large a step on purpose)' : '';
  return {
    status: 422,
    code: 'validation_failed',
    message: `params rejected by the set policy (policy version ${policy.version}): ${describeIssues(issues)}${hint}`,
    fields: issues,
    details: { policy_version: policy.version, forceable },
  };
}

/**
 * The next version of `set` (or the head, unchanged, when the write's document equals it), or why
 * not. `lookup` finds an older version (rollback target).
 */
export function nextVersion(
  command: WriteCommand,
  head: Version | undefined,
  /** The set's lineage; for the first version, the new set's (the head's otherwise). */
  lineage: string,
  lookup: (version: number) => Version | undefined,
  now: Date,
  policy: PolicyVersion,
  /**
   * The newest version when it is not the head (a rollout's candidate in flight): the new version
   * follows it (number and parent) and is committed even when it equals the head, because the
   * runners on the candidate must be moved off it.
   */
  latest?: Version,
): HubResult<WriteOutcome> {
  const refused = checkPrecondition(command.set, head, command.precondition);
  if (refused) return fail(refused);

  let input: unknown;
  let rollbackOf: number | undefined;
  const change = command.change;
  switch (change.kind) {
    case 'replace':
      input = change.params;
      break;
    case 'merge':
      input = applyMergePatch(head?.params ?? {}, change.patch);
      break;
    case 'rollback': {
      const target = lookup(change.to);
      if (target === undefined)
        return fail({
          status: 404,
          code: 'not_found',
          message: `set "${command.set}" has no version ${change.to} (current is ${head?.version ?? 0})`,
        });
      input = target.params;
      rollbackOf = change.to;
      break;
    }
  }
  const validation = validateParams(input);
  if (!validation.ok) {
    return fail({
      status: 422,
      code: 'validation_failed',
      message: `params rejected: ${describeIssues(validation.issues)}`,
      fields: validation.issues,
    });
  }
  if (head !== undefined && latest === undefined && diffParams(head.params, validation.params).length === 0)
    return ok({ kind: 'unchanged', version: head });
  const checked = checkAgainstPolicy(policy.policy, head?.params, validation.params, command.force);
  if (!checked.ok) return fail(policyRefusal(policy, checked.issues, checked.forceable));
  const previous = latest ?? head;
  const version: Version = {
    set: command.set,
    lineage: head?.lineage ?? lineage,
    version: (previous?.version ?? 0) + 1,
    params: validation.params,
    created_at: now.toISOString(),
    author: command.author,
    message: command.message,
    kind: rollbackOf !== undefined ? 'rollback' : head === undefined ? 'create' : 'update',
    parent: previous?.version ?? 0,
    ...(rollbackOf !== undefined ? { rollback_of: rollbackOf } : {}),
    // Kept only when the step limit was actually passed: in the history, `force` means an override.
    ...(checked.forced && command.force ? { force: command.force } : {}),
  };
  return ok({ kind: 'committed', version });
}
