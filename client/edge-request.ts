/**
 * The request layer under every call of the edge client: one HTTP exchange with the Bearer token, a
 * deadline on the injected clock, and every answer that is not 2xx or 304 turned into a typed error
 * (`edge-errors.ts`). Transport is any WHATWG `fetch` — the browser's, Node's global one, or undici's
 * bound to an `Agent` with connection settings (the runner wires that in `runner/`).
 */
import { systemClock, type Clock } from '../shared/clock.ts';
import { edgeErrorFromResponse, edgeErrorFromThrown, TimeoutError } from './edge-errors.ts';
import { MAX_ANSWER_BYTES, readCappedBody } from './read-capped-body.ts';

/** What the client reads of a `fetch` answer; `Response` fits. The body is read as a stream, capped. */
export interface FetchAnswer {
  readonly status: number;
  readonly headers: { get(name: string): string | null };
  readonly body: ReadableStream<Uint8Array> | null;
}

/** What the client needs from `fetch`: `globalThis.fetch` and undici's `fetch` both fit. */
export type FetchLike = (
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string; signal: AbortSignal },
) => Promise<FetchAnswer>;

/** An answer the caller can use: 2xx or 304, its body read in full. */
export interface EdgeAnswer {
  url: string;
  status: number;
  headers: { get(name: string): string | null };
  text: string;
}

export interface EdgeRequestInit {
  /** Sent as JSON. */
  body?: unknown;
  headers?: Record<string, string>;
  /** Deadline of the whole exchange (headers and body), on the clock. */
  timeoutMs: number;
  signal?: AbortSignal | undefined;
  /** Most body bytes read (`read-capped-body.ts`); default `MAX_ANSWER_BYTES`. Past it: `AnswerTooLargeError`. */
  maxBytes?: number;
}

export type EdgeRequest = (method: string, path: string, init: EdgeRequestInit) => Promise<EdgeAnswer>;

export interface EdgeRequestOptions {
  /** The edge's base URL, e.g. `http://127.0.0.1:8787` (a path prefix is kept). */
  baseUrl: string;
  /** Bearer token; sent only in the Authorization header, never part of a URL or a message. */
  token?: string | undefined;
  fetch?: FetchLike;
  clock?: Clock;
}

/** Runs `fn` with a signal that aborts after `timeoutMs` on the clock or when `outer` aborts. */
async function withDeadline<T>(
  clock: Clock,
  timeoutMs: number,
  url: string,
  outer: AbortSignal | undefined,
  fn: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  const timerStop = new AbortController();
  const timedOut = new TimeoutError('timeout', `no answer from ${url} within ${timeoutMs} ms`);
  clock.sleep(timeoutMs, timerStop.signal).then(
    () => controller.abort(timedOut),
    () => {},
  );
  const onOuter = () => controller.abort(outer?.reason);
  if (outer?.aborted) onOuter();
  outer?.addEventListener('abort', onOuter, { once: true });
  try {
    return await fn(controller.signal);
  } catch (error) {
    // Whatever failed (a cap, a parse, the deadline), the exchange is over: never let the
    // transport go on downloading what the peer still sends.
    if (!controller.signal.aborted) controller.abort(error);
    if (controller.signal.reason === timedOut) throw timedOut;
    if (outer?.aborted) throw error;
    throw edgeErrorFromThrown(error, url);
  } finally {
    timerStop.abort();
    outer?.removeEventListener('abort', onOuter);
  }
}

export function createEdgeRequest({
  baseUrl,
  token,
  fetch = globalThis.fetch,
  clock = systemClock,
}: EdgeRequestOptions): EdgeRequest {
  const base = baseUrl.replace(/\/+$/, '');
  return function edgeRequest(method, path, { body, headers: extra, timeoutMs, signal, maxBytes = MAX_ANSWER_BYTES }) {
    const url = `${base}${path}`;
    const headers: Record<string, string> = { accept: 'application/json', ...extra };
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    return withDeadline(clock, timeoutMs, url, signal, async (deadline) => {
      const response = await fetch(url, {
        method,
        headers,
        signal: deadline,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      // The body is read under the same deadline (an edge that sends headers and then stalls fails
      // too) and capped before anything parses it, error answers included.
      const text = await readCappedBody(response, maxBytes, url);
      const ok = response.status === 304 || (response.status >= 200 && response.status < 300);
      if (!ok) throw edgeErrorFromResponse(response.status, response.headers, text, url, clock.now());
      return { url, status: response.status, headers: response.headers, text };
    });
  };
}
