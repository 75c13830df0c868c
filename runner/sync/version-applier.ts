/**
 * What happens to a version the edge sent, whatever the transport (long-poll, poll, socket): a
 * valid, newer version is swapped into the holder and saved to the cache; a document that breaks
 * the schema is rejected (the held params stay) and remembered so the report carries the NACK; an
 * older or equal version is ignored (versions only move forward). Malformed answers are the
 * transport's failure and come back as `BadResponseError`.
 */
import type { Logger } from 'pino';
import { BadResponseError } from '../edge-client/edge-errors.ts';
import type { ParamsCache } from '../cache/params-cache.ts';
import type { ParamsHolder } from '../params/params-holder.ts';
import type { ReceivedVersion } from './received-version.ts';
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

export class VersionApplier {
  #lastRejected: Rejection | null = null;
  #pendingSave: Promise<unknown> = Promise.resolve();
  readonly #o: Required<Omit<VersionApplierOptions, 'cache'>> & { cache: ParamsCache | undefined };

  constructor({ set, holder, cache, logger, onOutcome = () => {} }: VersionApplierOptions) {
    this.#o = { set, holder, cache, logger, onOutcome };
  }

  /** The newest rejection not yet superseded by an applied version; reported to the edge. */
  get lastRejected(): Rejection | null {
    return this.#lastRejected;
  }

  /** Handles one received version; throws `BadResponseError` when it is not a version at all. */
  receive(received: ReceivedVersion, etag: string | null, source = 'edge'): ApplyOutcome {
    const outcome = this.#decide(received, etag, source);
    this.#o.onOutcome(outcome);
    return outcome;
  }

  /** Resolves when the cache writes started so far are done (shutdown, tests). */
  async flush(): Promise<void> {
    await this.#pendingSave;
  }

  #decide(received: ReceivedVersion, etag: string | null, source: string): ApplyOutcome {
    const { holder, logger, set } = this.#o;
    switch (received.kind) {
      case 'malformed':
        throw new BadResponseError('bad-response', `unusable answer from the ${source}: ${received.reason}`);
      case 'invalid-params': {
        const held = holder.version;
        if (held !== null && received.version <= held) return { kind: 'ignored', version: received.version, held };
        this.#lastRejected = { version: received.version, reason: received.reason };
        logger.warn({ version: received.version, held_version: held, reason: received.reason }, 'rejected params version: keeping the held params');
        return { kind: 'rejected', version: received.version, reason: received.reason };
      }
      case 'valid': {
        const { version, params } = received.version;
        const tag = etag ?? etagFor(set, version);
        const previous = holder.version;
        if (!holder.update(params, { version, etag: tag, origin: 'edge' })) return { kind: 'ignored', version, held: previous };
        if (this.#lastRejected && this.#lastRejected.version <= version) this.#lastRejected = null;
        logger.info({ version, previous_version: previous, author: received.version.author, message: received.version.message }, 'applied params version');
        this.#save(version, tag);
        return { kind: 'applied', version, etag: tag };
      }
    }
  }

  #save(version: number, etag: string): void {
    const cache = this.#o.cache;
    if (!cache) return;
    const params = this.#o.holder.get();
    this.#pendingSave = this.#pendingSave.then(() =>
      cache.save({ version, etag, params }).catch((error: unknown) => {
        this.#o.logger.error({ version, err: error, path: cache.path }, 'could not write the params cache');
      }),
    );
  }
}
