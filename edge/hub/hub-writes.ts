/**
 * The hub's writes: the single writer of its set, and the holder of the head.
 *
 * A write runs under an in-memory lock (KV calls are I/O, during which a Durable Object accepts other
 * events, so the compare-and-swap must not rely on the input gate alone): check preconditions
 * against the head, build the next version (gap-free: head + 1), put it to KV, insert it into SQLite
 * (which makes it the head, and at the same time leaves the registry and the head mirror pending:
 * their facts lag the head), announce it (long-poll waiters, watch sockets); the lock ends there. A
 * failing KV put answers 503 and leaves the head where it was; the retry takes the same number and
 * knowingly rewrites a key the failed attempt may have landed (`#noteEarlierAttempt`). Policy
 * writes take the same lock: a params write is judged by the policy in force when it commits, and
 * its signature (`write-signature.ts`) against the head it is committed on.
 */
import type { Version } from '../../shared/api.ts';
import { newLineage } from '../../shared/lineage.ts';
import { versionKey } from '../kv-keys.ts';
import { log } from '../log.ts';
import { fail, ok, rateLimited, type HubResult } from './hub-result.ts';
import { checkKeyListChange } from './policy-approvals.ts';
import type { HubPorts } from './hub-ports.ts';
import { nextPolicy, type PolicyCommand, type PolicyOutcome } from './policy-command.ts';
import { nextVersion, type WriteCommand, type WriteOutcome } from './write-command.ts';
import { checkWriteSignature } from './write-signature.ts';

export interface HubWritesOptions {
  /** Told of each commit inside the lock, once the version is the head (wake waiters, push sockets). */
  announce: (version: Version) => void;
}

export class HubWrites {
  readonly #hub: HubPorts;
  readonly #announce: (version: Version) => void;
  #head: Version | undefined;
  #lock: Promise<unknown> = Promise.resolve();

  constructor(hub: HubPorts, { announce }: HubWritesOptions) {
    this.#hub = hub;
    this.#announce = announce;
    this.#head = hub.store.head();
    if (this.#head !== undefined && typeof this.#head.lineage !== 'string') this.#giveLineage(this.#head);
  }

  /** A set created before lineages existed gets one on first load, stored with its versions. */
  #giveLineage(head: Version): void {
    const { store } = this.#hub;
    const lineage = newLineage();
    const versions = store.assignLineage(lineage);
    // The KV mirror was written without one: mirror the head again (the hub schedules it).
    store.setFact('mirrored_version', '0');
    this.#head = store.head();
    log.warn('lineage_assigned', { set: head.set, version: head.version, lineage, versions });
  }

  get head(): Version | undefined {
    return this.#head;
  }

  /** Rate-limited per set, then serialized with every other write of the set. */
  async write(command: WriteCommand): Promise<HubResult<WriteOutcome>> {
    const { config, writeLimiter } = this.#hub;
    const taken = writeLimiter.take();
    if (taken.kind === 'limited')
      return rateLimited(
        `set "${command.set}" takes at most ${config.writeRatePerS} writes/s (burst ${config.writeBurst})`,
        taken.retryAfterS,
      );
    return this.#serialized(() => this.#commit(command));
  }

  /**
   * A policy write (admin): rate-limited with the set's writes and serialized with them, so every
   * params write is judged by the policy in force when it commits. SQLite only: a policy is read by
   * the hub alone, never by a runner or from KV.
   */
  async writePolicy(command: PolicyCommand): Promise<HubResult<PolicyOutcome>> {
    const { config, writeLimiter } = this.#hub;
    const taken = writeLimiter.take();
    if (taken.kind === 'limited')
      return rateLimited(
        `set "${command.set}" takes at most ${config.writeRatePerS} writes/s (burst ${config.writeBurst})`,
        taken.retryAfterS,
      );
    return this.#serialized(async () => {
      const { policies, clock } = this.#hub;
      const current = policies.current(command.set);
      const result = nextPolicy(command, this.#head, current, new Date(clock.now()));
      if (!result.ok || result.value.kind === 'unchanged') return result;
      const approved = await checkKeyListChange(result.value.policy, current, this.#head!, command.approvals);
      if (!approved.ok) return approved;
      policies.insert(approved.value);
      return ok({ kind: 'committed' as const, policy: approved.value });
    });
  }

  #serialized<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#lock.then(task);
    this.#lock = run.catch(() => undefined);
    return run;
  }

  async #commit(command: WriteCommand): Promise<HubResult<WriteOutcome>> {
    const { store, kv, clock } = this.#hub;
    const policy = this.#hub.policies.current(command.set);
    // A new set gets its lineage here, with its first version; every later version inherits it. A
    // signed create names its own (it was signed before the set existed).
    const lineage = this.#head?.lineage ?? command.signature?.lineage ?? newLineage();
    const result = nextVersion(command, this.#head, lineage, (n) => store.version(n), new Date(clock.now()), policy);
    if (!result.ok || result.value.kind === 'unchanged') return result;
    const signed = await checkWriteSignature(result.value.version, this.#head, command.signature, policy);
    if (!signed.ok) return signed;
    const version = signed.value;
    const key = versionKey(version.set, version.lineage, version.version);
    try {
      await this.#noteEarlierAttempt(key, version);
      await kv.put(key, JSON.stringify(version));
    } catch (error) {
      log.error('kv_put_failed', { set: version.set, version: version.version, error });
      return fail({
        status: 503,
        code: 'unavailable',
        message: `storage is unavailable; version ${version.version} was not written and the set is unchanged`,
        headers: { 'Retry-After': '1' },
      });
    }
    // The head. Registry and mirror are now pending: their facts name an older version.
    store.insert(version);
    this.#head = version;
    // Runners hear of it at once (their answers still leave only once the insert is durable: the
    // output gate).
    this.#announce(version);
    return ok({ kind: 'committed', version });
  }

  /**
   * "Never rewrite a version key" has one knowing exception. A key for a version the head has not
   * announced exists only when an earlier attempt at this number landed in KV but was reported failed
   * (a timeout): that writer got 503, no waiter was woken, no socket was pushed, and the SQLite head
   * stayed below it. Nobody can have read it ("never read a version before the head announced it":
   * the edge serves versions from SQLite, and KV only ever after the head), so it is overwritten with
   * the version the head is about to announce, and the rewrite is logged. The one `get` per write also
   * caches "not found" at this location, which no reader can hit for the same reason. Best-effort: a
   * failing `get` changes nothing about that reasoning, so the write goes on to the `put`.
   */
  async #noteEarlierAttempt(key: string, version: Version): Promise<void> {
    const earlier = await this.#hub.kv.get(key).catch(() => null);
    if (earlier !== null)
      log.warn('kv_version_rewritten', {
        set: version.set,
        version: version.version,
        reason: 'an earlier attempt landed but was reported failed; the head never announced it',
      });
  }
}
