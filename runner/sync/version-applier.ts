/**
 * What happens to a version the edge sent, whatever the transport (long-poll, poll, socket): a
 * valid, newer version is swapped into the holder and saved to the cache; a document that breaks
 * the schema is rejected (the held params stay) and remembered so the report carries the NACK —
 * once: the same version sent again is ignored; an older or equal version is ignored (versions
 * only move forward). Malformed answers are the
 * transport's failure and come back as `BadResponseError`.
 *
 * "Only forward" protects versions this process received from this edge, and compares numbers only
 * within one lineage. Params from the cache (or the defaults, or a file) were never confirmed by
 * it: when the edge's answer is of another lineage, or the hub's fresh answer carries a lower
 * version, the cache came from another history (a staging edge, a wiped edge) and the runner
 * follows the edge, saying so loudly. A KV-mirror answer never moves a version backwards.
 *
 * With `trust` (`--trusted-keys`), a valid version must also carry a signature by a trusted key
 * that fits what the runner holds (`version-trust.ts`); one that does not is rejected like a
 * document that breaks the schema — the held params stay, the NACK's reason starts `signature:` —
 * and the cache stores each applied version's signature so that it can be verified when loaded.
 * Verifying is asynchronous, so versions are handled one at a time, in the order received.
 */
import type { Logger } from 'pino';
import { BadResponseError } from '../../client/edge-errors.ts';
import type { ParamsCache } from '../cache/params-cache.ts';
import type { ParamsHolder } from '../params/params-holder.ts';
import type { ReceivedVersion } from '../../client/received-version.ts';
import type { Version } from '../../shared/api.ts';
import { etagFor } from '../../shared/etag.ts';
import type { VersionTrust } from './version-trust.ts';

export type ApplyOutcome =
  | { kind: 'applied'; version: number; lineage: string; etag: string }
  | { kind: 'ignored'; version: number; lineage: string; held: number | null }
  | { kind: 'rejected'; version: number; lineage: string; reason: string };

export interface Rejection {
  version: number;
  lineage: string;
  reason: string;
}

export interface VersionApplierOptions {
  set: string;
  holder: ParamsHolder;
  cache?: ParamsCache;
  logger: Logger;
  /** Told after every outcome (report it, count it). */
  onOutcome?: (outcome: ApplyOutcome) => void;
  /** Only versions signed by these keys are applied (`--trusted-keys`); absent: no signature check. */
  trust?: VersionTrust | undefined;
}

/** Where a received version came from. */
export interface ReceiveOrigin {
  /** Named in errors and logs. */
  source?: string;
  /** Answered by the hub (a 200 without `Livetune-Stale`, a socket push), not by the KV mirror. */
  fresh?: boolean;
}

export class VersionApplier {
  /** The set whose versions this applier takes. */
  readonly set: string;
  #lastRejected: Rejection | null = null;
  #pendingSave: Promise<unknown> = Promise.resolve();
  #queue: Promise<unknown> = Promise.resolve();
  readonly #o: Required<Omit<VersionApplierOptions, 'cache' | 'trust'>> & {
    cache: ParamsCache | undefined;
    trust: VersionTrust | undefined;
  };

  constructor({ set, holder, cache, logger, onOutcome = () => {}, trust }: VersionApplierOptions) {
    this.set = set;
    this.#o = { set, holder, cache, logger, onOutcome, trust };
  }

  /** The newest rejection not yet superseded by an applied version; reported to the edge. */
  get lastRejected(): Rejection | null {
    return this.#lastRejected;
  }

  /**
   * Handles one received version, after the ones received before it; rejects with
   * `BadResponseError` when it is not a version at all.
   */
  receive(received: ReceivedVersion, etag: string | null, origin: ReceiveOrigin = {}): Promise<ApplyOutcome> {
    const run = this.#queue.then(() => this.#receive(received, etag, origin));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #receive(
    received: ReceivedVersion,
    etag: string | null,
    { source = 'edge', fresh = false }: ReceiveOrigin,
  ): Promise<ApplyOutcome> {
    const checked = await this.#checkSignature(received);
    const outcome = this.#decide(checked, etag, source, fresh);
    this.#o.onOutcome(outcome);
    return outcome;
  }

  /** A valid version whose signature does not hold becomes a rejection of that version. */
  async #checkSignature(received: ReceivedVersion): Promise<ReceivedVersion> {
    const { trust, holder } = this.#o;
    if (trust === undefined || received.kind !== 'valid') return received;
    const { version, lineage } = received.version;
    const held = holder.snapshot();
    const check = await trust.check(received.version, {
      lineage: held?.lineage ?? null,
      version: held?.version ?? null,
      params: held?.params ?? null,
    });
    return check.ok ? received : { kind: 'invalid-params', version, lineage, reason: check.reason };
  }

  /** Resolves when the cache writes started so far are done (shutdown, tests). */
  async flush(): Promise<void> {
    await this.#pendingSave;
  }

  #decide(received: ReceivedVersion, etag: string | null, source: string, fresh: boolean): ApplyOutcome {
    const { holder, logger, set } = this.#o;
    switch (received.kind) {
      case 'malformed':
        throw new BadResponseError('bad-response', `unusable answer from the ${source}: ${received.reason}`);
      case 'invalid-params': {
        const { version, lineage } = received;
        const held = holder.version;
        // Numbers compare only within one lineage: another history's version is never "not newer".
        const sameHistory = holder.lineage === null || holder.lineage === lineage;
        const supersedes = holder.supersedesUnconfirmed({ version, lineage, freshHead: fresh });
        if (held !== null && sameHistory && version <= held && !supersedes) return { kind: 'ignored', version, lineage, held };
        // A NACK is reported once per version, not once per answer: an edge (or a proxy) that
        // ignores If-None-Match sends the same rejected version on every request.
        if (this.#lastRejected?.version === version && this.#lastRejected.lineage === lineage)
          return { kind: 'ignored', version, lineage, held };
        this.#lastRejected = { version, lineage, reason: received.reason };
        logger.warn(
          { version, lineage, held_version: held, reason: received.reason },
          'rejected params version: keeping the held params',
        );
        return { kind: 'rejected', version, lineage, reason: received.reason };
      }
      case 'valid': {
        const { version, lineage, params } = received.version;
        const tag = etag ?? etagFor(set, lineage, version);
        const before = holder.snapshot();
        const previous = before?.version ?? null;
        const meta = { version, lineage, etag: tag, origin: 'edge' as const, freshHead: fresh };
        const replacement = holder.replacement(meta);
        if (!holder.update(params, meta)) return { kind: 'ignored', version, lineage, held: previous };
        const rejected = this.#lastRejected;
        if (rejected && (replacement !== null || rejected.lineage !== lineage || rejected.version <= version))
          this.#lastRejected = null;
        const held = { held_version: previous, held_lineage: before?.lineage ?? null, held_origin: before?.origin };
        if (replacement === 'other-lineage')
          logger.error(
            { version, lineage, ...held },
            `the ${before?.origin} held v${previous} of lineage ${before?.lineage}, but the edge's set is lineage ${lineage} (another history: a staging edge, or the set was re-created or wiped); adopting the edge's v${version} and replacing the cache`,
          );
        else if (replacement === 'unconfirmed-higher')
          logger.error(
            { version, lineage, ...held },
            `the ${before?.origin} held v${previous} but the edge's head is v${version} (a different history: another edge, or its state was wiped); following the edge and replacing the cache`,
          );
        logger.info(
          { version, lineage, previous_version: previous, author: received.version.author, message: received.version.message },
          'applied params version',
        );
        this.#save({ version, lineage, etag: tag }, received.version, replacement !== null);
        return { kind: 'applied', version, lineage, etag: tag };
      }
    }
  }

  #save(identity: { version: number; lineage: string; etag: string }, applied: Version, replaceNewer: boolean): void {
    const cache = this.#o.cache;
    if (!cache) return;
    const params = this.#o.holder.get();
    const { version } = identity;
    // What a signature covers besides the params, so the cache can be verified when loaded.
    const signed = applied.signature
      ? {
          signed: {
            parent: applied.parent,
            kind: applied.kind,
            message: applied.message,
            ...(applied.rollback_of !== undefined ? { rollback_of: applied.rollback_of } : {}),
            signature: applied.signature,
          },
        }
      : {};
    this.#pendingSave = this.#pendingSave.then(() =>
      cache.save({ ...identity, params, ...signed }, { replaceNewer }).catch((error: unknown) => {
        this.#o.logger.error({ version, err: error, path: cache.path }, 'could not write the params cache');
      }),
    );
  }
}
