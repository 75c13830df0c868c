/**
 * An answer's body with a byte cap, before anything parses it (the reader is `shared/`'s). An edge,
 * or whatever poses as one (a proxy, a compromised host), decides how many bytes it sends: a 200 MB
 * `[[[[…` answer once took a runner to 9.5 GB of memory and starved its quoting loop.
 */
import { type CappedBodySource, readCappedBytes } from '../shared/read-capped-bytes.ts';
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
export type BodySource = CappedBodySource;

/** The body as text, or an `AnswerTooLargeError` as soon as more than `maxBytes` arrived. */
export async function readCappedBody(answer: BodySource, maxBytes: number, url: string): Promise<string> {
  const read = await readCappedBytes(answer, maxBytes);
  if (read.kind === 'too-large') {
    throw new AnswerTooLargeError(
      'bad-response',
      `answer from ${url} is larger than the ${maxBytes} bytes this call accepts (${read.seen}); stopped reading and dropped the connection`,
      { maxBytes },
    );
  }
  return new TextDecoder().decode(read.bytes);
}
