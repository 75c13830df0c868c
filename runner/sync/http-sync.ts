/**
 * Sync over plain HTTP. `longpoll` (the default) asks `GET …/params?wait=S` with If-None-Match:
 * the edge holds the request until a newer version exists, so a change arrives within one round
 * trip and an idle runner costs about two requests a minute; a 304 means "nothing new" and we ask
 * again at once — but never sooner than a floor after the last request started unless it brought
 * a newer version (`request-floor.ts`): an edge or proxy answering 304 at once cannot make a
 * runner spin. `poll` sends plain conditional GETs every interval. Failures back off (full
 * jitter, Retry-After wins); a refused token stops syncing.
 */
import { retryDelay } from '../../client/backoff.ts';
import type { EdgeClient, ParamsAnswer } from '../../client/edge-client.ts';
import { edgeErrorFromThrown } from '../../client/edge-errors.ts';
import { BackgroundTask } from './background-task.ts';
import { recordFailure } from './record-failure.ts';
import { flooredDelay, MIN_REQUEST_GAP_MS } from './request-floor.ts';
import { SeenVersion } from './seen-version.ts';
import type { SyncDeps, SyncLoop } from './sync-loop.ts';

export interface HttpSyncOptions extends SyncDeps {
  mode: 'longpoll' | 'poll';
  edge: Pick<EdgeClient, 'readParams' | 'paramsUrl'>;
  waitS: number;
  intervalMs: number;
  /** Added to the long-poll wait for the request deadline: the edge answers 304 at `wait`. */
  slackMs?: number;
}

export class HttpSync implements SyncLoop {
  readonly mode: 'longpoll' | 'poll';
  readonly #o: HttpSyncOptions;
  readonly #seen: SeenVersion;
  readonly #task = new BackgroundTask((signal) => this.#run(signal));
  /** A long-poll was answered 304 sooner than the floor: warned once until one is held again. */
  #earlyWarned = false;

  constructor(options: HttpSyncOptions) {
    this.mode = options.mode;
    this.#o = options;
    this.#seen = new SeenVersion(options.holder, options.applier.set);
  }

  start(): void {
    this.#task.start();
  }

  stop(): Promise<void> {
    return this.#task.stop();
  }

  async #run(signal: AbortSignal): Promise<void> {
    const { edge, health, clock, waitS, slackMs = 10_000, backoff, random, applier } = this.#o;
    const wait = this.mode === 'longpoll' ? waitS : 0;
    let attempt = 0;
    while (!signal.aborted) {
      let delayMs: number;
      // After a failure, the first request is a plain conditional GET, answered at once: a held
      // long-poll says nothing until it ends, so the grace period could run out (stale → error)
      // on an edge that is already back. Long-polling resumes after that answer.
      const waitNow = attempt > 0 ? 0 : wait;
      const startedAt = clock.now();
      try {
        const ifNoneMatch = this.#seen.etag();
        const answer = await edge.readParams(applier.set, {
          ifNoneMatch,
          waitS: waitNow,
          timeoutMs: waitNow * 1000 + slackMs,
          signal,
        });
        const { delayMs: chosen, productive } = await this.#onAnswer(answer);
        const now = clock.now();
        if (answer.kind === 'not-modified' && waitNow > 0 && ifNoneMatch !== null) this.#noteLongPoll(now - startedAt);
        delayMs = flooredDelay(chosen, { startedAt, now, productive });
        health.markSuccess();
        attempt = 0;
      } catch (thrown) {
        if (signal.aborted) break;
        const error = edgeErrorFromThrown(thrown, edge.paramsUrl(applier.set));
        delayMs = retryDelay(error.retryAfterMs, attempt++, backoff, random);
        if (!recordFailure(this.#o, error, delayMs, 'params request failed')) break;
      }
      if (delayMs > 0) await clock.sleep(delayMs, signal).catch(() => {});
    }
  }

  /** A long-poll answered 304 after `elapsedMs`: one warning per streak of instant answers. */
  #noteLongPoll(elapsedMs: number): void {
    const early = elapsedMs < MIN_REQUEST_GAP_MS;
    if (early && !this.#earlyWarned) {
      this.#o.logger.warn(
        { elapsed_ms: elapsedMs, wait_s: this.#o.waitS, min_gap_ms: MIN_REQUEST_GAP_MS },
        'the edge answered a long-poll 304 without holding it (a proxy dropping ?wait?): pacing requests to the floor',
      );
    }
    this.#earlyWarned = early;
  }

  /**
   * Handles an answer: how long to wait before the next request, and whether it brought a newer
   * version (only such an answer may be followed at once, `request-floor.ts`).
   */
  async #onAnswer(answer: ParamsAnswer): Promise<{ delayMs: number; productive: boolean }> {
    const { intervalMs, applier, logger } = this.#o;
    const paced = this.mode === 'poll' ? intervalMs : 0;
    // An answer from the KV mirror means the hub is away and the long-poll is not being held:
    // asking again at once would spin, so pace like a poll until the hub is back.
    const staleDelay = answer.stale ? intervalMs : paced;
    if (answer.stale) logger.warn('edge answered from its KV mirror (possibly stale); polling until it recovers');
    switch (answer.kind) {
      case 'not-modified':
        return { delayMs: staleDelay, productive: false };
      case 'changed': {
        // Only the hub's answer is the edge's head; the KV mirror may lag, so it never moves back.
        const outcome = await applier.receive(answer.received, answer.etag, { fresh: !answer.stale });
        this.#seen.note(outcome, answer.etag);
        // A long-poll answered 200 with nothing newer than the held version (an ignored late
        // answer, or a rejected head below an unconfirmed cached version) will be answered the
        // same way at once: pace the next request instead of spinning.
        const notNewer = outcome.kind !== 'applied' && outcome.version <= (this.#o.holder.version ?? 0);
        return {
          delayMs: notNewer && this.mode === 'longpoll' ? intervalMs : staleDelay,
          productive: outcome.kind !== 'ignored',
        };
      }
    }
  }
}
