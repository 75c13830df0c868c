/**
 * What keeps the page live while a set is shown: a long-poll of the params (`?wait=` with
 * If-None-Match, so a new version shows as soon as it is written), a poll of the fleet and one of
 * the trading figures. A browser
 * cannot put a bearer token on a WebSocket, so the page polls instead of watching. Both loops end
 * when their signal aborts (another set was picked, or the operator signed out).
 */
import type { Clock } from '../../shared/clock.ts';
import type { EdgeApi, VersionAnswer } from './api.ts';
import { toFailure } from './api-failure.ts';
import { startMinute } from './perf-series.ts';
import type { Store } from './store.ts';

/** How long one long-poll may wait at the edge, in seconds. */
export const LONG_POLL_S = 25;
/** How often the fleet table is refreshed. */
export const FLEET_POLL_MS = 1500;
/** How often the trading figures are refreshed (the edge's rollups move by the minute). */
export const PERF_POLL_MS = 10_000;
/** The window the charts show. */
export const PERF_WINDOW_MS = 2 * 3_600_000;
/** The window of the per-version table. */
export const PERF_TABLE_WINDOW_MS = 24 * 3_600_000;
/** The longest pause between two long-polls after failures. */
export const MAX_RETRY_MS = 10_000;
/**
 * The least time between the starts of two long-polls. The edge holds a long-poll until the set
 * changes, but a proxy (or an edge falling back to its KV copy) may answer at once: the page must
 * not then poll as fast as the network allows.
 */
export const LONG_POLL_FLOOR_MS = 1000;

export interface LiveContext {
  store: Store;
  api: EdgeApi;
  clock: Clock;
  set: string;
  /** Takes a version as the new head (the controller also reloads the history). */
  acceptHead(answer: VersionAnswer): void;
  /** The token stopped working: back to the login form. */
  signOut(reason: string): void;
}

export const TOKEN_REJECTED = 'Your token is no longer accepted: sign in again.';

/** The pause before the next long-poll after `failures` failures in a row: 1 s, 2 s, 4 s, … capped. */
export function retryDelayMs(failures: number): number {
  return Math.min(MAX_RETRY_MS, 500 * 2 ** failures);
}

/** Resolves after `ms`, or at once when `signal` aborts (the loop then sees the abort and ends). */
async function pause(clock: Clock, ms: number, signal: AbortSignal): Promise<void> {
  try {
    await clock.sleep(ms, signal);
  } catch {
    // Aborted: the caller checks the signal.
  }
}

export async function paramsLoop(ctx: LiveContext, signal: AbortSignal): Promise<void> {
  let failures = 0;
  while (!signal.aborted) {
    const started = ctx.clock.now();
    try {
      const answer = await ctx.api.params(ctx.set, { ifNoneMatch: ctx.store.state.etag, waitS: LONG_POLL_S, signal });
      failures = 0;
      ctx.store.dispatch({ type: 'live-changed', live: { kind: 'live', stale: answer.stale } });
      if (answer.kind === 'version') ctx.acceptHead(answer);
      const early = started + LONG_POLL_FLOOR_MS - ctx.clock.now();
      if (early > 0) await pause(ctx.clock, early, signal);
    } catch (error) {
      if (signal.aborted) return;
      const failure = toFailure(error);
      if (failure.status === 401) return ctx.signOut(TOKEN_REJECTED);
      failures += 1;
      ctx.store.dispatch({ type: 'live-changed', live: { kind: 'down', why: failure.message } });
      await pause(ctx.clock, retryDelayMs(failures), signal);
    }
  }
}

export async function fleetLoop(ctx: LiveContext, signal: AbortSignal): Promise<void> {
  while (!signal.aborted) {
    try {
      const fleet = await ctx.api.fleet(ctx.set, { signal });
      ctx.store.dispatch({ type: 'fleet-loaded', fleet, at: ctx.clock.now() });
    } catch (error) {
      if (signal.aborted) return;
      const failure = toFailure(error);
      if (failure.status === 401) return ctx.signOut(TOKEN_REJECTED);
      ctx.store.dispatch({ type: 'fleet-failed', message: failure.message });
    }
    await pause(ctx.clock, FLEET_POLL_MS, signal);
  }
}

/** Refreshes the charts (per region, 1-minute series over two hours) and the per-version table (24 h). */
export async function perfLoop(ctx: LiveContext, signal: AbortSignal): Promise<void> {
  while (!signal.aborted) {
    const now = ctx.clock.now();
    try {
      const [regions, versions] = await Promise.all([
        ctx.api.perf(ctx.set, { by: 'region', from: new Date(now - PERF_WINDOW_MS), bucket: '1m', signal }),
        ctx.api.perf(ctx.set, { by: 'version', from: new Date(now - PERF_TABLE_WINDOW_MS), signal }),
      ]);
      ctx.store.dispatch({ type: 'perf-loaded', regions, versions });
    } catch (error) {
      if (signal.aborted) return;
      const failure = toFailure(error);
      if (failure.status === 401) return ctx.signOut(TOKEN_REJECTED);
      ctx.store.dispatch({ type: 'perf-failed', message: failure.message });
    }
    await pause(ctx.clock, PERF_POLL_MS, signal);
  }
}

/** The longest window of the canary-vs-control charts: the edge keeps minute buckets for 48 h. */
export const ROLLOUT_PERF_WINDOW_MS = 48 * 3_600_000;

/**
 * The set's newest rollout, refreshed with the fleet: its stage, guardrail readings and decisions.
 * With it, every PERF_POLL_MS while it runs (and once more when it has ended), the per-minute
 * figures of its candidate and control versions since it started. An edge without rollouts (404)
 * ends the loop quietly.
 */
export async function rolloutLoop(ctx: LiveContext, signal: AbortSignal): Promise<void> {
  let perfFor: string | null = null;
  let perfAt = Number.NEGATIVE_INFINITY;
  let perfFinal = false;
  while (!signal.aborted) {
    try {
      const rollout = await ctx.api.newestRollout(ctx.set, { signal });
      ctx.store.dispatch({ type: 'rollout-loaded', rollout });
      if (rollout !== null) {
        const now = ctx.clock.now();
        const ended = rollout.ended_at !== null;
        if (rollout.id !== perfFor) {
          perfFor = rollout.id;
          perfAt = Number.NEGATIVE_INFINITY;
          perfFinal = false;
        }
        if (!perfFinal && (ended || now - perfAt >= PERF_POLL_MS)) {
          perfAt = now;
          // From the minute the rollout started in: the rollups' buckets start on the minute.
          const from = new Date(Math.max(startMinute(rollout.created_at), now - ROLLOUT_PERF_WINDOW_MS));
          const perf = await ctx.api.perf(ctx.set, { by: 'version', from, bucket: '1m', signal });
          ctx.store.dispatch({ type: 'rollout-perf-loaded', id: rollout.id, perf });
          perfFinal = ended;
        }
      }
    } catch (error) {
      if (signal.aborted) return;
      const failure = toFailure(error);
      if (failure.status === 401) return ctx.signOut(TOKEN_REJECTED);
      if (failure.status === 404) return;
      ctx.store.dispatch({ type: 'rollout-failed', message: failure.message });
    }
    await pause(ctx.clock, FLEET_POLL_MS, signal);
  }
}
