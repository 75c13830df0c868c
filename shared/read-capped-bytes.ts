/**
 * Reading a body with a byte cap, before anything parses it: the one reader for both directions
 * (the edge reading a request, a client reading an answer). Whoever sends decides how many bytes
 * come; `text()` would take them all. Here they are counted as they arrive, chunk by chunk, and past
 * the cap reading stops and the stream is cancelled, which makes the transport drop the connection
 * instead of downloading the rest. A `Content-Length` above the cap fails before a single body byte
 * is read. Web streams only: it runs in Node, workerd and browsers alike.
 */

/** The part of a `Request` or `Response` the reader needs. */
export interface CappedBodySource {
  readonly headers: { get(name: string): string | null };
  readonly body: ReadableStream<Uint8Array> | null;
}

export type CappedBytes = { kind: 'ok'; bytes: Uint8Array } | { kind: 'too-large'; seen: string };

export async function readCappedBytes(source: CappedBodySource, maxBytes: number): Promise<CappedBytes> {
  const declared = Number(source.headers.get('content-length') ?? Number.NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    await source.body?.cancel().catch(() => {});
    return { kind: 'too-large', seen: `Content-Length: ${declared}` };
  }
  if (source.body === null) return { kind: 'ok', bytes: new Uint8Array() };
  const reader = source.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      // Cancelling the stream aborts the transfer: undici destroys the socket instead of draining it.
      await reader.cancel().catch(() => {});
      return { kind: 'too-large', seen: `at least ${total} bytes` };
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return { kind: 'ok', bytes };
}
