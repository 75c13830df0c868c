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
import type { ApiErrorInit } from '../errors/api-error.ts';
import { nextVersion, type WriteCommand, type WriteOutcome } from './write-command.ts';
import { checkWriteSignature } from './write-signature.ts';

/**
 * What a write must get past while a rollout is in flight (`rollouts/hub-rollouts.ts`): a plain write
 * is refused (409 naming the rollout); a kill switch or a rollback passes and ends the rollout.
 */
export interface WriteGate {
  admit(command: WriteCommand): { kind: 'pass' } | { kind: 'refuse'; error: ApiErrorInit } | { kind: 'supersede' };
  /** Under the lock, once a superseding write is the head: the rollout it ended is recorded as such. */
  superseded(version: Version, command: WriteCommand): void;
}

/** A refusal of a rollout's pre-signed rollback, its fields named as the request names them. */
function asRollbackSignatureError(error: ApiErrorInit): ApiErrorInit {
  const rename = (field: string) => (field.startsWith('signature') ? `rollback_${field}` : field);
  return {
    ...error,
    message: `rollback_signature (the rollout's rollback, the version after the candidate): ${error.message}`,
    ...(error.fields ? { fields: error.fields.map((f) => ({ ...f, field: rename(f.field) })) } : {}),
  };
}

export interface HubWritesOptions {
  /**
   * Told of each commit inside the lock, once the version is stored (wake waiters, push sockets);
   * also of a candidate (which only some runners are given) and of a promotion.
   */
  announce: (version: Version) => void;
  gate?: WriteGate;
}

export class HubWrites {
  readonly #hub: HubPorts;
  readonly #announce: (version: Version) => void;
  readonly #gate: WriteGate | undefined;
  #head: Version | undefined;
  /** The newest version: the head, or a rollout's candidate in flight above it. */
  #latest: Version | undefined;
  #lock: Promise<unknown> = Promise.resolve();

  constructor(hub: HubPorts, { announce, gate }: HubWritesOptions) {
    this.#hub = hub;
    this.#announce = announce;
    this.#gate = gate;
    this.#head = hub.store.head();
    this.#latest = hub.store.latest();
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
    this.#latest = store.latest();
    log.warn('lineage_assigned', { set: head.set, version: head.version, lineage, versions });
  }

  get head(): Version | undefined {
    return this.#head;
  }

  /** The newest version of the history (above the head while a rollout's candidate is in flight). */
  get latest(): Version | undefined {
    return this.#latest;
  }

  /**
   * Rate-limited per set, then serialized with every other write of the set. A rollout's own
   * rollback (a breach, an abort) is not rate-limited: it must never wait behind other writers.
   */
  async write(command: WriteCommand, { limited = true }: { limited?: boolean } = {}): Promise<HubResult<WriteOutcome>> {
    const overRate = limited ? this.#overRate(command.set) : undefined;
    if (overRate !== undefined) return overRate;
    return this.#serialized(() => this.#commit(command));
  }

  /** Takes a token of the set's write rate (params, policy and candidate writes share it): the 429 when none is left. */
  #overRate(set: string): HubResult<never> | undefined {
    const { config, writeLimiter } = this.#hub;
    const taken = writeLimiter.take();
    if (taken.kind === 'taken') return undefined;
    return rateLimited(
      `set "${set}" takes at most ${config.writeRatePerS} writes/s (burst ${config.writeBurst})`,
      taken.retryAfterS,
    );
  }

  /**
   * A policy write (admin): rate-limited with the set's writes and serialized with them, so every
   * params write is judged by the policy in force when it commits. SQLite only: a policy is read by
   * the hub alone, never by a runner or from KV.
   */
  async writePolicy(command: PolicyCommand): Promise<HubResult<PolicyOutcome>> {
    const limited = this.#overRate(command.set);
    if (limited !== undefined) return limited;
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

  /**
   * A rollout's candidate: the next version, with `rollout: { id }`, stored and put to KV like any
   * version but not made the head; `record` (synchronous, so in the same storage transaction as the
   * insert) stores the rollout that names it. Rate-limited and serialized like a write.
   *
   * `rollback`, when given, is the signed rollback the hub will commit on its own should the rollout
   * roll back (`HubRollouts`): it is judged now, as the version after the candidate, so a rollout
   * whose rollback signature would be refused later is refused before any runner gets the candidate.
   */
  async commitCandidate(
    command: WriteCommand,
    idFor: (version: number) => string,
    record: (candidate: Version) => void,
    rollback?: (head: Version, candidate: Version) => WriteCommand,
  ): Promise<HubResult<Version>> {
    const limited = this.#overRate(command.set);
    if (limited !== undefined) return limited;
    return this.#serialized(async () => {
      const admission = this.#gate?.admit(command);
      if (admission !== undefined && admission.kind !== 'pass')
        return fail(
          admission.kind === 'refuse'
            ? admission.error
            : { status: 409, code: 'conflict', message: 'a rollout is already in flight' },
        );
      const result = await this.#next(command, undefined);
      if (!result.ok) return result;
      if (result.value.kind === 'unchanged')
        return fail({
          status: 422,
          code: 'validation_failed',
          message: `the rollout's change leaves the params of version ${result.value.version.version} as they are: nothing to roll out`,
        });
      const version: Version = { ...result.value.version, rollout: { id: idFor(result.value.version.version) } };
      if (rollback !== undefined) {
        const judged = await this.#next(rollback(this.#head!, version), version);
        if (!judged.ok) return fail(asRollbackSignatureError(judged.error));
      }
      const stored = await this.#putToKv(version);
      if (!stored.ok) return stored;
      this.#hub.store.insert(version);
      record(version);
      this.#latest = version;
      this.#announce(version);
      return ok(version);
    });
  }

  /**
   * Makes a stored candidate the head (its rollout is promoted); `record` marks the rollout promoted
   * in the same storage transaction, so a restarted hub finds the same head.
   */
  async promote(candidate: Version, record: () => void): Promise<HubResult<Version>> {
    return this.#serialized(async () => {
      if (this.#latest?.version !== candidate.version)
        return fail({
          status: 409,
          code: 'conflict',
          message: `version ${candidate.version} is no longer the newest version (${this.#latest?.version}): it cannot become the head`,
        });
      record();
      this.#head = candidate;
      this.#announce(candidate);
      return ok(candidate);
    });
  }

  #serialized<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#lock.then(task);
    this.#lock = run.catch(() => undefined);
    return run;
  }

  /** The next version after the head (or after a candidate in flight, `latest`), or why not. */
  async #next(command: WriteCommand, latest: Version | undefined): Promise<HubResult<WriteOutcome>> {
    const { store, clock } = this.#hub;
    const policy = this.#hub.policies.current(command.set);
    // A new set gets its lineage here, with its first version; every later version inherits it. A
    // signed create names its own (it was signed before the set existed).
    const lineage = this.#head?.lineage ?? command.signature?.lineage ?? newLineage();
    const result = nextVersion(command, this.#head, lineage, (n) => store.version(n), new Date(clock.now()), policy, latest);
    if (!result.ok || result.value.kind === 'unchanged') return result;
    // The signature binds the version to its parent: the candidate in flight when there is one.
    const signed = await checkWriteSignature(result.value.version, latest ?? this.#head, command.signature, policy);
    if (!signed.ok) return signed;
    return ok({ kind: 'committed', version: signed.value });
  }

  async #putToKv(version: Version): Promise<HubResult<null>> {
    const key = versionKey(version.set, version.lineage, version.version);
    try {
      await this.#noteEarlierAttempt(key, version);
      await this.#hub.kv.put(key, JSON.stringify(version));
      return ok(null);
    } catch (error) {
      log.error('kv_put_failed', { set: version.set, version: version.version, error });
      return fail({
        status: 503,
        code: 'unavailable',
        message: `storage is unavailable; version ${version.version} was not written and the set is unchanged`,
        headers: { 'Retry-After': '1' },
      });
    }
  }

  async #commit(command: WriteCommand): Promise<HubResult<WriteOutcome>> {
    const admission = this.#gate?.admit(command) ?? { kind: 'pass' };
    if (admission.kind === 'refuse') return fail(admission.error);
    // A candidate in flight: the write follows it, and moves its runners too.
    const latest = this.#latest !== undefined && this.#latest.version !== this.#head?.version ? this.#latest : undefined;
    const result = await this.#next(command, latest);
    if (!result.ok || result.value.kind === 'unchanged') return result;
    const version = result.value.version;
    const stored = await this.#putToKv(version);
    if (!stored.ok) return stored;
    // The head. Registry and mirror are now pending: their facts name an older version.
    this.#hub.store.insert(version);
    this.#head = version;
    this.#latest = version;
    if (admission.kind === 'supersede') this.#gate?.superseded(version, command);
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
