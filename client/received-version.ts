/**
 * Reading a version the edge sent. The envelope (set, version, etag …) is parsed loosely on
 * `params`, and the params are then validated on their own with the shared schema: a document
 * that breaks the schema must become a rejection of *that version* (NACK with the reason), not a
 * vague "bad response", so the operator sees which version each runner refused and why.
 */
import { z } from 'zod';
import { MessageSchema, VersionSchema, type Version } from '../shared/api.ts';
import type { EtagIdentity } from '../shared/etag.ts';
import { describeIssues, validateParams } from '../shared/validate-params.ts';

/**
 * The longest change message the edge accepts in a write (500 characters, `MessageSchema`): a
 * version carrying a longer one did not come from an edge that kept the rules, and a message is
 * logged and reported, so an unbounded one would be a way to flood both.
 */
const MAX_MESSAGE_CHARS = MessageSchema.maxLength ?? 500;

const EnvelopeSchema = VersionSchema.extend({
  params: z.unknown(),
  message: z
    .string()
    .max(MAX_MESSAGE_CHARS, `a version's message is at most ${MAX_MESSAGE_CHARS} characters, as the edge accepts it`),
});

export type ReceivedVersion =
  | { kind: 'valid'; version: Version }
  | { kind: 'invalid-params'; version: number; lineage: string; reason: string }
  | { kind: 'malformed'; reason: string };

export function readReceivedVersion(body: unknown, expectedSet: string): ReceivedVersion {
  const envelope = EnvelopeSchema.safeParse(body);
  if (!envelope.success) {
    const issue = envelope.error.issues[0];
    return {
      kind: 'malformed',
      reason: `not a version object (${issue ? `${issue.path.join('.') || '(body)'}: ${issue.message}` : 'unknown shape'})`,
    };
  }
  const { params, ...rest } = envelope.data;
  if (rest.set !== expectedSet)
    return { kind: 'malformed', reason: `version of set "${rest.set}" received while syncing "${expectedSet}"` };
  const validation = validateParams(params);
  if (!validation.ok)
    return { kind: 'invalid-params', version: rest.version, lineage: rest.lineage, reason: describeIssues(validation.issues) };
  return { kind: 'valid', version: { ...rest, params: validation.params } };
}

/** The identity (set, lineage, number) of a received version, when it has one. */
export function receivedIdentity(received: ReceivedVersion, set: string): EtagIdentity | undefined {
  switch (received.kind) {
    case 'valid':
      return { set, lineage: received.version.lineage, version: received.version.version };
    case 'invalid-params':
      return { set, lineage: received.lineage, version: received.version };
    case 'malformed':
      return undefined;
  }
}

/** JSON text → a received version; unparsable text is malformed. */
export function readReceivedVersionText(text: string, expectedSet: string): ReceivedVersion {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { kind: 'malformed', reason: `body is not JSON (${JSON.stringify(text.slice(0, 60))})` };
  }
  return readReceivedVersion(body, expectedSet);
}
