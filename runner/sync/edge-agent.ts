/**
 * The runner's connection pool to the edge (undici `Agent`) and the `fetch` bound to it, which the
 * edge client (`client/edge-client.ts`) takes. Node-only, so it lives here and not in `client/`.
 * The agent's header and body timeouts sit above the longest long-poll we ask for: they are a
 * backstop, the deadline on the injected clock is the one that decides.
 */
import { Agent, type Dispatcher, fetch as undiciFetch } from 'undici';
import { MAX_WAIT_S } from '../../shared/api.ts';
import type { FetchLike } from '../../client/edge-request.ts';

/** The default agent: header and body timeouts longer than any `?wait=` (≤ 60 s) plus slack. */
export function createEdgeAgent(maxWaitS = MAX_WAIT_S): Agent {
  return new Agent({ headersTimeout: (maxWaitS + 15) * 1000, bodyTimeout: (maxWaitS + 15) * 1000, keepAliveTimeout: 30_000 });
}

/** undici's `fetch` through `dispatcher` (an `Agent`, or a `MockAgent` in tests). */
export function fetchThrough(dispatcher: Dispatcher): FetchLike {
  return function edgeFetch(url, init) {
    return undiciFetch(url, { ...init, dispatcher });
  };
}
