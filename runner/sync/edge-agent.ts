/**
 * The runner's connection pool to the edge (undici `Agent`) and the `fetch`-shaped transport bound to
 * it, which the edge client (`client/edge-client.ts`) takes. Node-only, so it lives here and not in
 * `client/`. The agent's header and body timeouts sit above the longest long-poll we ask for: they
 * are a backstop, the deadline on the injected clock is the one that decides.
 *
 * The transport is undici's `Dispatcher.request`, not its WHATWG `fetch`: the client reads only a
 * status, headers and a capped body stream, and `fetch` builds a full `Request`/`Response` pair with
 * header guards and body mixins for every exchange. With 50 long-polls woken by one write that work
 * sat on the critical path (bench `sync-latency`, "transport" rows, compares the two side by side).
 */
import { Readable } from 'node:stream';
import { Agent, type Dispatcher, fetch as undiciFetch } from 'undici';
import type { FetchAnswer, FetchLike } from '../../client/edge-request.ts';
import { MAX_WAIT_S } from '../../shared/api.ts';

/** The default agent: header and body timeouts longer than any `?wait=` (≤ 60 s) plus slack. */
export function createEdgeAgent(maxWaitS = MAX_WAIT_S): Agent {
  return new Agent({ headersTimeout: (maxWaitS + 15) * 1000, bodyTimeout: (maxWaitS + 15) * 1000, keepAliveTimeout: 30_000 });
}

/** undici's WHATWG `fetch` through `dispatcher` (the bench's baseline transport). */
export function fetchThrough(dispatcher: Dispatcher): FetchLike {
  return function edgeFetch(url, init) {
    return undiciFetch(url, { ...init, dispatcher });
  };
}

type RawHeaders = Record<string, string | string[] | undefined>;

function headerReader(raw: RawHeaders): FetchAnswer['headers'] {
  return {
    get(name: string) {
      const value = raw[name.toLowerCase()];
      if (value === undefined) return null;
      return Array.isArray(value) ? value.join(', ') : value;
    },
  };
}

/**
 * The runner's transport: `dispatcher.request` behind the `FetchLike` shape. The signal aborts the
 * request and, once headers arrived, the body too (undici destroys the socket); cancelling the body
 * stream (the capped reader does past its cap) drops the connection instead of draining it.
 * Connection failures reject with `TypeError('fetch failed', { cause })` as `fetch` does, so the
 * client's error mapping reads both transports the same.
 */
export function requestThrough(dispatcher: Dispatcher): FetchLike {
  return async function edgeRequest(url, init) {
    const target = new URL(url);
    let answer: Dispatcher.ResponseData;
    try {
      answer = await dispatcher.request({
        origin: target.origin,
        path: `${target.pathname}${target.search}`,
        method: init.method as Dispatcher.HttpMethod,
        headers: init.headers,
        body: init.body ?? null,
        signal: init.signal,
      });
    } catch (error) {
      if (init.signal.aborted) throw init.signal.reason ?? error;
      throw new TypeError('fetch failed', { cause: error });
    }
    const { body } = answer;
    let stream: ReadableStream<Uint8Array> | undefined;
    return {
      status: answer.statusCode,
      headers: headerReader(answer.headers),
      get body() {
        stream ??= Readable.toWeb(body) as unknown as ReadableStream<Uint8Array>;
        return stream;
      },
    };
  };
}
