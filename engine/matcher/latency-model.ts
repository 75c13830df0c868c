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
