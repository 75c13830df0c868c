/**
 * Reconnection after an edge restart: N long-polling clients (the runner's sync code, in this
 * process) lose the edge while it restarts (same port, same state). A client is back at the start
 * of its first request that the restarted edge answers — for a long-poll the answer itself comes
 * only at the end of the wait, so the request's *start* is the moment the client reached the edge
 * again. Measured from the moment the restart began (requests sent while the new edge was still
 * starting are held by it and count from when they were sent). The spread is
 * the point: full-jitter backoff keeps a fleet from coming back as one thundering herd, at the price
 * of some runners coming back later.
 */
import { DEFAULT_BACKOFF } from '../client/backoff.ts';
import type { Bench } from './bench-context.ts';
import { makeRow } from './bench-row.ts';
import { sharedEdge } from './edge-instance.ts';
import { ensureSet } from './edge-ops.ts';
import { sleep } from './measure.ts';
import { summarize } from './stats.ts';
import { startSyncClients } from './sync-clients.ts';

const WAIT_S = 2;

export const reconnectBench: Bench = {
  name: 'reconnect',
  description: 'spread of reconnection times of N long-polling runners after the edge restarts',
  async run(ctx) {
    const edge = await sharedEdge(ctx);
    const n = ctx.quick ? 10 : 50;
    const set = `bench-reconnect-${Date.now().toString(36)}`;
    const created = await ensureSet(edge.url, edge.tokens.write, set);
    let down = Number.POSITIVE_INFINITY;
    // Per client: the start of the first request after the edge went down that got an answer.
    const backAt: (number | undefined)[] = Array.from({ length: n }, () => undefined);
    const failures = Array.from({ length: n }, () => 0);
    const clients = startSyncClients({
      url: edge.url,
      token: edge.tokens.read,
      set,
      mode: 'longpoll',
      count: n,
      // A short wait, so that the first request the new edge holds is answered (and seen) soon; the
      // backoff that spreads the reconnections does not depend on the wait.
      waitS: WAIT_S,
      idPrefix: set,
      onRequest: (i, startedAt, answered) => {
        if (startedAt < down) return;
        void answered.then((ok) => {
          if (!ok) failures[i]!++;
          else if (backAt[i] === undefined || startedAt < backAt[i]!) backAt[i] = startedAt;
        });
      },
    });
    try {
      await clients.allApplied(created.version, 30_000);
      await sleep(500);
      down = performance.now();
      await edge.restart();
      const up = performance.now();
      ctx.log(`reconnect: edge restarted in ${((up - down) / 1000).toFixed(1)} s`);
      // A long-poll that reached the new edge answers only at the end of its wait: bounded wait.
      const deadline = performance.now() + 30_000;
      while (backAt.some((t) => t === undefined) && performance.now() < deadline) await sleep(100);
      const back = backAt.filter((t): t is number => t !== undefined).map((t) => t - down);
      const s = summarize(back);
      const missing = n - back.length;
      const failed = summarize(failures);
      ctx.log(
        `reconnect: ${back.length}/${n} back; from the restart's start (${((up - down) / 1000).toFixed(1)} s to answer again): min ${s.min.toFixed(0)} p50 ${s.p50.toFixed(0)} p99 ${s.p99.toFixed(0)} max ${s.max.toFixed(0)} ms; failed attempts per client p50 ${failed.p50} max ${failed.max}`,
      );
      return [
        makeRow('reconnect', {
          figure: `back on the edge after a restart p50, longpoll N=${n}`,
          value: s.p50,
          unit: 'ms',
          note: `start of each client's first request the new edge answered, from the start of the restart (the edge took ${((up - down) / 1000).toFixed(1)} s, failed attempts per client p50 ${failed.p50}, max ${failed.max}); full-jitter backoff base ${DEFAULT_BACKOFF.baseMs} ms, cap ${DEFAULT_BACKOFF.capMs / 1000} s; long-poll wait ${WAIT_S} s for this test`,
        }),
        makeRow('reconnect', {
          figure: `reconnection spread (max − min), longpoll N=${n}`,
          value: s.max - s.min,
          unit: 'ms',
          note: `min ${s.min.toFixed(0)} / p95 ${s.p95.toFixed(0)} / max ${s.max.toFixed(0)} ms${missing ? `; ${missing} clients not back within 30 s` : ''}`,
        }),
      ];
    } finally {
      await clients.stop();
    }
  },
};
