/**
 * What every sync transport shares: its life cycle and the collaborators it reports to. The
 * transports (HTTP long-poll/poll, WebSocket push) differ only in how versions arrive.
 */
import type { Logger } from 'pino';
import type { Clock } from '../../shared/clock.ts';
import type { BackoffOptions } from '../../client/backoff.ts';
import type { SyncHealth } from './sync-health.ts';
import type { VersionApplier } from './version-applier.ts';
import type { EdgeError } from '../../client/edge-errors.ts';
import { decideOnFailure } from './failure-decision.ts';
import type { ParamsHolder } from '../params/params-holder.ts';
import { etagFor } from '../../shared/etag.ts';

export type SyncMode = 'longpoll' | 'ws' | 'poll' | 'file';

export interface SyncLoop {
  readonly mode: SyncMode;
  start(): void;
  /** Stops syncing; resolves once no request or socket is left open. */
  stop(): Promise<void>;
}

export interface SyncDeps {
  holder: ParamsHolder;
  applier: VersionApplier;
  health: SyncHealth;
  logger: Logger;
  clock: Clock;
  random: () => number;
  backoff: BackoffOptions;
  /** Counts a failure by reason (metrics). */
  onFailure?: (reason: string) => void;
}

/** Tracks the newest version seen from the edge (applied, ignored or rejected): its etag is what
 * If-None-Match must carry, or a rejected version would be sent again and again. */
export class SeenVersion {
  #version = 0;
  #etag: string | null = null;
  readonly #holder: ParamsHolder;
  readonly #set: string;

  constructor(holder: ParamsHolder, set: string) {
    this.#holder = holder;
    this.#set = set;
  }

  /** `etag` is the answer's ETag header; a proxy may strip it, and the etag is a function of
   * (set, version), so it is derived then: dropping the version would re-fetch a rejected one in a
   * hot loop. */
  note(version: number, etag: string | null): void {
    if (version > this.#version) [this.#version, this.#etag] = [version, etag ?? etagFor(this.#set, version)];
  }

  /** The etag to send: ours, or the holder's when it is newer (a start-up fetch, the cache). */
  etag(): string | null {
    const held = this.#holder.version ?? 0;
    return held >= this.#version ? this.#holder.etag : this.#etag;
  }
}

/** One background async loop with an abort signal: started once, stopped and awaited. */
export class BackgroundTask {
  #abort = new AbortController();
  #running: Promise<void> | null = null;
  readonly #body: (signal: AbortSignal) => Promise<void>;

  constructor(body: (signal: AbortSignal) => Promise<void>) {
    this.#body = body;
  }

  start(): void {
    this.#running ??= this.#body(this.#abort.signal);
  }

  async stop(): Promise<void> {
    this.#abort.abort(new Error('sync stopped'));
    await this.#running;
  }
}

/**
 * Records a failed exchange (metrics, health, log) and returns the delay before the next try, or
 * null when syncing must stop (the token was refused).
 */
export function recordFailure(deps: SyncDeps, error: EdgeError, attempt: number, what: string): number | null {
  const { health, logger, backoff, random } = deps;
  const decision = decideOnFailure(error, attempt, backoff, random);
  deps.onFailure?.(error.kind);
  if (decision.kind === 'stop') {
    health.markRefused(decision.reason);
    logger.error({ status: error.status }, decision.reason);
    return null;
  }
  health.markFailure(decision.reason);
  logger.warn(
    {
      err_kind: error.kind,
      status: error.status,
      delay_ms: decision.delayMs,
      retry_after: decision.retryAfter,
      sync_state: health.state(),
    },
    `${what}, retrying: ${decision.reason}`,
  );
  return decision.delayMs;
}
