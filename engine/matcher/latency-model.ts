/**
 * How long our messages take: `entry` from us to the matcher (an order, a cancel, a position
 * request), `response` from the matcher back to us (every answer and every fill). The swappable
 * latency piece of the local matcher (hftbacktest's `LatencyModel`).
 *
 * Messages on one path keep their order whatever the model says (one connection, one stream): the
 * matcher's queues never deliver a message before one sent earlier on the same path.
 */

export interface LatencyModel {
  /** Delay of a message we send at `now`, ms. */
  entry(now: number): number;
  /** Delay of an answer the matcher sends at `now`, ms. */
  response(now: number): number;
}

/** The same delay every time; `responseMs` defaults to `entryMs` (a symmetric round trip). */
export function constantLatency(entryMs: number, responseMs = entryMs): LatencyModel {
  return { entry: () => entryMs, response: () => responseMs };
}

/**
 * A floor plus an exponential jitter of mean `jitterMs`, drawn per message from `uniform` (a seeded
 * stream in the simulator): most messages are near the floor, a few are slow, as on a real link.
 * With constant latency and prices stepping every 100 ms our requotes always won the race against
 * the market; with jitter some arrive after the move they were meant to dodge.
 */
export function jitteredLatency(floorMs: number, jitterMs: number, uniform: () => number): LatencyModel {
  if (jitterMs <= 0) return constantLatency(floorMs);
  const delay = () => floorMs - jitterMs * Math.log(uniform());
  return { entry: delay, response: delay };
}
