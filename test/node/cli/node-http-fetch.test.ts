/**
 * The CLI's transport (`nodeHttpFetch`, node:http instead of undici's fetch for a fast start) answers
 * like `fetch` where the edge client looks: status, headers, body as text or as a web stream, the
 * signal's reason on abort, `TypeError('fetch failed')` with the cause when nothing listens.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { edgeErrorFromThrown, NetworkError } from '../../../client/edge-errors.ts';
import { nodeHttpFetch } from '../../../cli/node-http-fetch.ts';

let server: Server;
let url: string;
let seen: { method: string; headers: IncomingMessage['headers']; body: string }[];

beforeEach(async () => {
  seen = [];
  server = createServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    seen.push({ method: req.method ?? '', headers: req.headers, body });
    if (req.url === '/stall') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"partial":'); // and never the rest
      return;
    }
    res.writeHead(req.url === '/missing' ? 404 : 200, { 'content-type': 'application/json', etag: '"s.v1"' });
    res.end(JSON.stringify({ echo: body }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const init = (extra: Partial<Parameters<typeof nodeHttpFetch>[1]> = {}) => ({
  method: 'GET',
  headers: { authorization: 'Bearer t' },
  signal: new AbortController().signal,
  ...extra,
});

describe('nodeHttpFetch', () => {
  it('sends method, headers and body; answers status, headers and the body as text', async () => {
    const answer = await nodeHttpFetch(`${url}/x`, init({ method: 'PATCH', body: '{"a":1}' }));
    expect(answer.status).toBe(200);
    expect(answer.headers.get('ETag')).toBe('"s.v1"');
    expect(answer.headers.get('x-none')).toBeNull();
    expect(JSON.parse(await (answer as unknown as { text(): Promise<string> }).text())).toEqual({ echo: '{"a":1}' });
    expect(seen[0]).toMatchObject({ method: 'PATCH', body: '{"a":1}' });
    expect(seen[0]!.headers.authorization).toBe('Bearer t');
    expect(seen[0]!.headers['content-length']).toBe('7');
  });

  it('offers the body as a web stream too', async () => {
    const answer = (await nodeHttpFetch(`${url}/missing`, init())) as unknown as { status: number; body: ReadableStream };
    expect(answer.status).toBe(404);
    const text = await new Response(answer.body).text();
    expect(JSON.parse(text)).toEqual({ echo: '' });
  });

  it('rejects with the signal’s reason when aborted while the body stalls', async () => {
    const controller = new AbortController();
    const answer = (await nodeHttpFetch(`${url}/stall`, init({ signal: controller.signal }))) as unknown as {
      text(): Promise<string>;
    };
    const reading = answer.text();
    const reason = new Error('deadline');
    controller.abort(reason);
    await expect(reading).rejects.toBe(reason);
  });

  it('fails like fetch when nothing listens, which the client reads as a network error', async () => {
    const closed = url;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const error = await nodeHttpFetch(`${closed}/x`, init()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as TypeError).message).toBe('fetch failed');
    expect(edgeErrorFromThrown(error, closed)).toBeInstanceOf(NetworkError);
  });
});
