/**
 * The edge's watch stream (`GET /v1/sets/:set/watch`) on the reconnecting socket. The edge pushes
 * the caller's current version right after connect and each new one after that, so a reconnect is
 * also the catch-up. Each pushed version goes to `onVersion`, read loosely (`received-version.ts`):
 * invalid params are that version's rejection, not a dropped message; a frame whose `etag` does not
 * name its version is malformed.
 *
 * The ACK policy is a parameter. A runner answers every version it was given: ACK (applied, or
 * already held) or NACK with the reason, under its id, which is how the edge's fleet table and
 * rollouts learn what each runner runs. A viewer (the CLI, a dashboard) never answers: its ACK
 * would count as a runner that does not exist.
 */
import { z } from 'zod';
import type { WatchClientMessage } from '../shared/api.ts';
import { checkedEtag } from './checked-etag.ts';
import { MAX_VERSION_BYTES } from './read-capped-body.ts';
import { readReceivedVersion, receivedIdentity, type ReceivedVersion } from './received-version.ts';
import { ReconnectingSocket, type ReconnectingSocketOptions } from './reconnecting-socket.ts';

/** Loose on `version` so that invalid params become a NACK of that version, not a dropped message. */
const ServerMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('version'), etag: z.string(), version: z.unknown() }),
  z.object({ type: z.literal('pong') }),
]);

/** What to answer a pushed version (named by lineage and number), when the policy answers at all. */
export type VersionVerdict =
  | { kind: 'ack'; lineage: string; version: number }
  | { kind: 'nack'; lineage: string; version: number; reason: string };

export type AckPolicy = { kind: 'runner'; runnerId: string } | { kind: 'viewer' };

/** The edge caps a NACK's reason (shared `WatchClientMessageSchema`). */
const MAX_REASON_CHARS = 2000;

export interface WatchSocketOptions extends Omit<ReconnectingSocketOptions, 'onMessage' | 'pingMessage' | 'name'> {
  /** The set being watched: a version of another set is malformed. */
  set: string;
  ack: AckPolicy;
  /** Each pushed version, in order; a runner returns its verdict. */
  onVersion(received: ReceivedVersion, etag: string): VersionVerdict | undefined | Promise<VersionVerdict | undefined>;
  /** A message that is not one of the edge's (not JSON, unknown type). Ignored otherwise. */
  onUnreadable?(text: string): void;
}

function answer(policy: AckPolicy, verdict: VersionVerdict | undefined): WatchClientMessage | undefined {
  if (policy.kind === 'viewer' || verdict === undefined) return undefined;
  switch (verdict.kind) {
    case 'ack':
      return { type: 'ack', runner_id: policy.runnerId, lineage: verdict.lineage, version: verdict.version };
    case 'nack':
      return {
        type: 'nack',
        runner_id: policy.runnerId,
        lineage: verdict.lineage,
        version: verdict.version,
        reason: verdict.reason.slice(0, MAX_REASON_CHARS),
      };
  }
}

/**
 * A frame whose `etag` names another version than its `version` object is garbage, like an HTTP
 * answer whose ETag does not match its body (`checked-etag.ts`): it becomes malformed, so it is
 * neither applied nor answered, and its tag is never kept.
 */
function checkedFrame(received: ReceivedVersion, etag: string, set: string): ReceivedVersion {
  const identity = receivedIdentity(received, set);
  if (identity === undefined) return received;
  try {
    checkedEtag(etag, identity, 'the watch socket');
    return received;
  } catch (error) {
    return { kind: 'malformed', reason: (error as Error).message };
  }
}

/** A reconnecting socket on a set's watch stream; `run(signal)` keeps it open. */
export function watchSocket({ set, ack, onVersion, onUnreadable, ...socket }: WatchSocketOptions): ReconnectingSocket {
  return new ReconnectingSocket({
    // A frame carries one version, like a params answer: the same cap (a bigger frame drops the socket).
    maxMessageBytes: MAX_VERSION_BYTES,
    ...socket,
    name: 'watch socket',
    // The edge answers `pong`: a sign of life even where protocol pings are invisible (browsers, proxies).
    pingMessage: JSON.stringify({ type: 'ping' } satisfies WatchClientMessage),
    async onMessage(text, session) {
      let message: z.infer<typeof ServerMessageSchema>;
      try {
        message = ServerMessageSchema.parse(JSON.parse(text));
      } catch {
        onUnreadable?.(text);
        return;
      }
      if (message.type === 'pong') return;
      const verdict = await onVersion(checkedFrame(readReceivedVersion(message.version, set), message.etag, set), message.etag);
      const reply = answer(ack, verdict);
      if (reply) session.send(JSON.stringify(reply));
    },
  });
}
