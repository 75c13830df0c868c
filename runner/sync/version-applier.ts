/**
 * What happens to a version the edge sent, whatever the transport (long-poll, poll, socket): a
 * valid, newer version is swapped into the holder and saved to the cache; a document that breaks
 * the schema is rejected (the held params stay) and remembered so the report carries the NACK —
 * once: the same version sent again is ignored; an older or equal version is ignored (versions
 * only move forward). Malformed answers are the
 * transport's failure and come back as `BadResponseError`.
 *
 * "Only forward" protects versions this process received from this edge. Params from the cache
 * (or the defaults, or a file) were never confirmed by it: when the hub's fresh answer carries a
 * lower version, the cache came from another history (a staging edge, a wiped edge) and the runner
 * follows the edge, saying so loudly. A KV-mirror answer never moves a version backwards.
 */
import type { Logger } from 'pino';
import { BadResponseError } from '../../client/edge-errors.ts';
import type { ParamsCache } from '../cache/params-cache.ts';
import type { ParamsHolder } from '../params/params-holder.ts';
import type { ReceivedVersion } from '../../client/received-version.ts';
import { etagFor } from '../../shared/etag.ts';

export type ApplyOutcome =
  | { kind: 'applied'; version: number; etag: string }
  | { kind: 'ignored'; version: number; held: number | null }
  | { kind: 'rejected'; version: number; reason: string };

export interface Rejection {
  version: number;
  reason: string;
}

export interface VersionApplierOptions {
  set: string;
  holder: ParamsHolder;
  cache?: ParamsCache;
  logger: Logger;
  /** Told after every outcome (report it, count it). */
  onOutcome?: (outcome: ApplyOutcome) => void;
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
  readonly #o: Required<Omit<VersionApplierOptions, 'cache'>> & { cache: ParamsCache | undefined };

  constructor({ set, holder, cache, logger, onOutcome = () => {} }: VersionApplierOptions) {
    this.set = set;
    this.#o = { set, holder, cache, logger, onOutcome };
  }

  /** The newest rejection not yet superseded by an applied version; reported to the edge. */
  get lastRejected(): Rejection | null {
    return this.#lastRejected;
  }

  /** Handles one received version; throws `BadResponseError` when it is not a version at all. */
  receive(received: ReceivedVersion, etag: string | null, { source = 'edge', fresh = false }: ReceiveOrigin = {}): ApplyOutcome {
    const outcome = this.#decide(received, etag, source, fresh);
    this.#o.onOutcome(outcome);
    return outcome;
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
        const held = holder.version;
        const supersedes = holder.supersedesUnconfirmed({ version: received.version, freshHead: fresh });
        if (held !== null && received.version <= held && !supersedes) return { kind: 'ignored', version: received.version, held };
        // A NACK is reported once per version, not once per answer: an edge (or a proxy) that
        // ignores If-None-Match sends the same rejected version on every request.
        if (this.#lastRejected?.version === received.version) return { kind: 'ignored', version: received.version, held };
        this.#lastRejected = { version: received.version, reason: received.reason };
        logger.warn(
          { version: received.version, held_version: held, reason: received.reason },
          'rejected params version: keeping the held params',
        );
        return { kind: 'rejected', version: received.version, reason: received.reason };
      }
      case 'valid': {
        const { version, params } = received.version;
        const tag = etag ?? etagFor(set, version);
        const before = holder.snapshot();
        const previous = before?.version ?? null;
        const meta = { version, etag: tag, origin: 'edge' as const, freshHead: fresh };
        const backwards = holder.supersedesUnconfirmed(meta);
        if (!holder.update(params, meta)) return { kind: 'ignored', version, held: previous };
        if (this.#lastRejected && (backwards || this.#lastRejected.version <= version)) this.#lastRejected = null;
        if (backwards) {
          logger.error(
            { version, held_version: previous, held_origin: before?.origin },
            `the ${before?.origin} held v${previous} but the edge's head is v${version} (a different history: another edge, or its state was wiped); following the edge and replacing the cache`,
          );
        }
        logger.info(
          { version, previous_version: previous, author: received.version.author, message: received.version.message },
          'applied params version',
        );
        this.#save(version, tag, backwards);
        return { kind: 'applied', version, etag: tag };
      }
    }
  }

  #save(version: number, etag: string, replaceNewer: boolean): void {
    const cache = this.#o.cache;
    if (!cache) return;
    const params = this.#o.holder.get();
    this.#pendingSave = this.#pendingSave.then(() =>
      cache.save({ version, etag, params }, { replaceNewer }).catch((error: unknown) => {
        this.#o.logger.error({ version, err: error, path: cache.path }, 'could not write the params cache');
      }),
    );
  }
}
