/**
 * The CLI's transport: the `fetch` the edge client needs, over `node:http` (and `node:https`, loaded
 * only for an https URL). Node's global `fetch` is undici, which Node compiles on first use: about
 * 0.2 s of CPU, more than the rest of a cold `livetune get` (DESIGN: < 0.5 s wall). A CLI makes a few
 * requests and exits, so it needs none of undici's pooling; the runner keeps undici.
 *
 * The answer offers what the client reads of a `Response`: `status`, `headers.get()`, `text()` and
 * `body` (a web `ReadableStream`, made on first use; cancelling it drops the connection). The signal
 * aborts the request and the body alike, rejecting with the signal's reason, as `fetch` does; a
 * connection that fails rejects with `TypeError('fetch failed', { cause })`, as undici does, so the
 * client's error mapping (`edgeErrorFromThrown`) reads both the same.
 */
import type { IncomingMessage, RequestOptions } from 'node:http';
import { Readable } from 'node:stream';
import type { FetchLike } from '../client/edge-request.ts';

type Init = Parameters<FetchLike>[1];

class NodeAnswer {
  readonly status: number;
  readonly headers: { get(name: string): string | null };
  #message: IncomingMessage;
  #body: ReadableStream<Uint8Array> | undefined;

  constructor(message: IncomingMessage) {
    this.#message = message;
    this.status = message.statusCode ?? 0;
    const raw = message.headers;
    this.headers = {
      get(name: string) {
        const value = raw[name.toLowerCase()];
        if (value === undefined) return null;
        return Array.isArray(value) ? value.join(', ') : value;
      },
    };
  }

  /** The body as a web stream (what a capped reader uses); cancelling it destroys the socket. */
  get body(): ReadableStream<Uint8Array> {
    this.#body ??= Readable.toWeb(this.#message) as unknown as ReadableStream<Uint8Array>;
    return this.#body;
  }

  async text(): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const chunk of this.#message) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}

/** A `FetchLike` over `node:http`/`node:https`: one connection per request, closed after it. */
export const nodeHttpFetch: FetchLike = async (url, init: Init) => {
  const target = new URL(url);
  const { signal } = init;
  if (signal.aborted) throw abortReason(signal);
  // getBuiltinModule, not `import`: the ES module facade of node:http reads every export, and one of
  // them (its WebSocket) loads undici — the very cost this module exists to avoid.
  const { request } =
    target.protocol === 'https:' ? process.getBuiltinModule('node:https') : process.getBuiltinModule('node:http');
  const options: RequestOptions = { method: init.method, headers: init.headers, agent: false };
  return new Promise((resolve, reject) => {
    const req = request(target, options, (message) => {
      signal.removeEventListener('abort', onAbortRequest);
      // From here the signal ends the body: reading it rejects with the reason.
      signal.addEventListener('abort', () => message.destroy(abortReason(signal) as Error), { once: true });
      resolve(new NodeAnswer(message));
    });
    const onAbortRequest = () => {
      req.destroy();
      reject(abortReason(signal));
    };
    signal.addEventListener('abort', onAbortRequest, { once: true });
    req.once('error', (error) => {
      signal.removeEventListener('abort', onAbortRequest);
      if (signal.aborted) reject(abortReason(signal));
      else reject(new TypeError('fetch failed', { cause: error }));
    });
    if (init.body !== undefined) req.end(init.body);
    else req.end();
  });
};
