/**
 * Reading an answer's body with a byte cap, before anything parses it. An edge (or whatever poses
 * as one: a proxy, a compromised host) decides how many bytes it sends; `response.text()` would
 * take them all, and a 200 MB `[[[[…` answer once took a runner to 9.5 GB of memory and starved
 * its quoting loop. Here the bytes are counted as they arrive, chunk by chunk (the event loop
 * runs between chunks), and past the cap reading stops and the stream is cancelled, which makes
 * the transport drop the connection: the rest is never downloaded. A `Content-Length` above the
 * cap fails before a single body byte is read.
 */
import { AnswerTooLargeError } from './edge-errors.ts';

/**
 * Largest params answer (one version) the client reads: 64 KiB. A version is a few KiB — the
 * params are a dozen keys, the message at most 500 characters, and the edge refuses request bodies
 * over 16 KiB (`MAX_BODY_BYTES`), so no version it stored can come near this.
 */
export const MAX_VERSION_BYTES = 64 * 1024;

/**
 * Largest answer of any other call (a page of versions, the fleet table, a diff): 4 MiB. These
 * hold many versions or runners, but are still bounded by the edge's page sizes.
 */
export const MAX_ANSWER_BYTES = 4 * 1024 * 1024;

/** The part of a `fetch` answer the reader needs; `Response` fits. */
export interface BodySource {
  readonly headers: { get(name: string): string | null };
  readonly body: ReadableStream<Uint8Array> | null;
}

function tooLarge(url: string, maxBytes: number, seen: string): AnswerTooLargeError {
  return new AnswerTooLargeError(
    'bad-response',
    `answer from ${url} is larger than the ${maxBytes} bytes this call accepts (${seen}); stopped reading and dropped the connection`,
    { maxBytes },
  );
}

/** The body as text, or an `AnswerTooLargeError` as soon as more than `maxBytes` arrived. */
export async function readCappedBody(answer: BodySource, maxBytes: number, url: string): Promise<string> {
  const declared = Number(answer.headers.get('content-length') ?? Number.NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    await answer.body?.cancel().catch(() => {});
    throw tooLarge(url, maxBytes, `Content-Length: ${declared}`);
  }
  if (answer.body === null) return '';
  const reader = answer.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      // Cancelling the stream aborts the request: undici destroys the socket instead of draining it.
      await reader.cancel().catch(() => {});
      throw tooLarge(url, maxBytes, `at least ${total} bytes`);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder().decode(bytes);
}
