import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
/**
 * The edge client's calls as the CLI and automation make them, against a loopback server: answers
 * parsed with the shared schemas, typed errors, deadlines on the clock.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createEdgeClient } from '../../../client/edge-client.ts';
import { BadResponseError, NetworkError, NotFoundError, TimeoutError } from '../../../client/edge-errors.ts';
import type { FetchLike } from '../../../client/edge-request.ts';
import { etagFor } from '../../../shared/etag.ts';
import { FakeClock } from '../helpers/fake-clock.ts';

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
});

async function serve(handler: Parameters<typeof createServer>[1]): Promise<string> {
  server = createServer(handler);
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('createEdgeClient', () => {
  it('rejects an answer that does not match the shared schema', async () => {
    const url = await serve((_req, res) => res.end(JSON.stringify({ sets: [{ set: 'Not A Set' }] })));
    await expect(createEdgeClient({ baseUrl: url }).listSets()).rejects.toBeInstanceOf(BadResponseError);
  });

  it('turns a request with no answer before its deadline into a TimeoutError naming the URL', async () => {
    const url = await serve(() => {});
    const clock = new FakeClock();
    const deadline = clock.nextSleep();
    const pending = createEdgeClient({ baseUrl: url, timeoutMs: 50, clock })
      .listSets()
      .catch((e: unknown) => e);
    expect(await deadline).toBe(50);
    await clock.advance(50);
    const error = await pending;
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as Error).message).toContain(`${url}/v1/sets`);
  });

  it('maps error answers with the shared error body and keeps a base path', async () => {
    let seen = '';
    const url = await serve((req, res) => {
      seen = req.url ?? '';
      res
        .writeHead(404, { 'content-type': 'application/json' })
        .end(JSON.stringify({ error: { code: 'not_found', message: 'set "x" does not exist' } }));
    });
    const error = await createEdgeClient({ baseUrl: `${url}/edge/` })
      .fleet('x')
      .catch((e: unknown) => e);
    expect(seen).toBe('/edge/v1/sets/x/fleet');
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as NotFoundError).body?.error.message).toBe('set "x" does not exist');
  });

  it('reports not-modified on 304 and the ETag of a new version', async () => {
    const version = {
      set: 'x',
      lineage: X_LINEAGE,
      version: 4,
      params: {},
      created_at: '2026-11-24T15:00:00.000Z',
      author: 'a',
      message: 'm',
      kind: 'update',
      parent: 3,
    };
    const url = await serve((req, res) => {
      if (req.headers['if-none-match'] === etagFor('x', X_LINEAGE, 4)) return res.writeHead(304).end();
      res
        .writeHead(200, { etag: etagFor('x', X_LINEAGE, 4), 'content-type': 'application/json', 'livetune-stale': 'true' })
        .end(JSON.stringify(version));
    });
    const client = createEdgeClient({ baseUrl: url });
    const read = await client.getParams('x');
    expect(read).toMatchObject({ kind: 'changed', etag: etagFor('x', X_LINEAGE, 4), stale: true });
    expect(await client.getParams('x', { ifNoneMatch: etagFor('x', X_LINEAGE, 4), waitS: 1 })).toEqual({ kind: 'not-modified' });
  });
});

const X_LINEAGE = 'lineage-x-0001';

/** A `fetch` that records each request and answers from a script: the client with no network. */
function scriptedFetch(answer: (url: string) => { status: number; body?: unknown; headers?: Record<string, string> }) {
  const requests: Array<{ url: string; method: string; headers: Record<string, string>; body: unknown }> = [];
  const fetch: FetchLike = async (url, init) => {
    requests.push({ url, method: init.method, headers: init.headers, body: init.body && JSON.parse(init.body) });
    const { status, body, headers = {} } = answer(url);
    return new Response(body === undefined ? null : JSON.stringify(body), { status, headers });
  };
  return { fetch, requests };
}

const v5 = {
  set: 'x',
  lineage: X_LINEAGE,
  version: 5,
  params: {},
  created_at: '2026-11-24T15:00:00.000Z',
  author: 'a',
  message: 'm',
  kind: 'update',
  parent: 4,
};

describe('createEdgeClient with an injected fetch', () => {
  it('guards writes: If-Match on an update, If-None-Match: * on a create, the Bearer token, JSON bodies', async () => {
    const { fetch, requests } = scriptedFetch(() => ({ status: 200, body: v5 }));
    const client = createEdgeClient({ baseUrl: 'http://edge.test', token: 'tok', fetch });
    const written = await client.patchParams(
      'x',
      { params: { order_size: 1 }, message: 'm' },
      { ifMatch: etagFor('x', X_LINEAGE, 4) },
    );
    await client.putParams('x', { params: {}, message: 'm' }, { create: true });
    expect(written).toEqual({ version: expect.objectContaining({ version: 5 }), etag: etagFor('x', X_LINEAGE, 5) });
    expect(requests[0]).toMatchObject({
      method: 'PATCH',
      url: 'http://edge.test/v1/sets/x/params',
      headers: { 'if-match': etagFor('x', X_LINEAGE, 4), authorization: 'Bearer tok', 'content-type': 'application/json' },
      body: { params: { order_size: 1 }, message: 'm' },
    });
    expect(requests[1]).toMatchObject({ method: 'PUT', headers: { 'if-none-match': '*' } });
  });

  it('rejects a version with invalid params on a strict read, but hands it over on the runner’s read', async () => {
    const { fetch } = scriptedFetch(() => ({ status: 200, body: { ...v5, params: { order_size: -1 } } }));
    const client = createEdgeClient({ baseUrl: 'http://edge.test', fetch });
    const error = await client.current('x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadResponseError);
    expect((error as Error).message).toMatch(/version 5 has invalid params: .*order_size/);
    expect(await client.readParams('x')).toMatchObject({ kind: 'changed', received: { kind: 'invalid-params', version: 5 } });
  });

  it('refuses a 200 whose ETag names another version, lineage or set than its body, naming both', async () => {
    for (const [what, etag] of [
      ['the next version', etagFor('x', X_LINEAGE, 6)],
      ['another lineage', etagFor('x', 'another-history', 5)],
      ['another set', etagFor('y', X_LINEAGE, 5)],
      ['no livetune tag', '"abc"'],
    ] as const) {
      const { fetch } = scriptedFetch(() => ({ status: 200, body: v5, headers: { etag } }));
      const client = createEdgeClient({ baseUrl: 'http://edge.test', fetch });
      for (const call of [
        () => client.readParams('x'),
        () => client.getParams('x'),
        () => client.getVersion('x', 5),
        () => client.patchParams('x', { params: {}, message: 'm' }, { ifMatch: etagFor('x', X_LINEAGE, 4) }),
      ]) {
        const error = await call().catch((e: unknown) => e);
        expect(error, what).toBeInstanceOf(BadResponseError);
        expect((error as BadResponseError).retryable).toBe(true);
        expect((error as Error).message).toContain(etag);
        expect((error as Error).message).toContain(`lineage "${X_LINEAGE}", version 5`);
      }
    }
  });

  it('refuses a mismatched ETag on a version whose params are invalid too (no NACK under a lie)', async () => {
    const body = { ...v5, params: { order_size: -1 } };
    const { fetch } = scriptedFetch(() => ({ status: 200, body, headers: { etag: etagFor('x', X_LINEAGE, 6) } }));
    const client = createEdgeClient({ baseUrl: 'http://edge.test', fetch });
    await expect(client.readParams('x')).rejects.toBeInstanceOf(BadResponseError);
  });

  it('derives the tag from the body when a proxy stripped or weakened the ETag', async () => {
    const { fetch } = scriptedFetch(() => ({ status: 200, body: v5 }));
    const client = createEdgeClient({ baseUrl: 'http://edge.test', fetch });
    expect(await client.readParams('x')).toMatchObject({ kind: 'changed', etag: etagFor('x', X_LINEAGE, 5) });
    const weak = scriptedFetch(() => ({ status: 200, body: v5, headers: { etag: `W/${etagFor('x', X_LINEAGE, 5)}` } }));
    const behindGzip = createEdgeClient({ baseUrl: 'http://edge.test', fetch: weak.fetch });
    // A weakened tag (a compressing proxy) names the body too; the strong one is kept (If-Match needs it).
    expect(await behindGzip.getParams('x')).toMatchObject({ kind: 'changed', etag: etagFor('x', X_LINEAGE, 5) });
  });

  it('long-polls only past a version it names, with the wait on top of the request deadline', async () => {
    const { fetch, requests } = scriptedFetch(() => ({ status: 304 }));
    const clock = new FakeClock();
    const client = createEdgeClient({ baseUrl: 'http://edge.test', fetch, clock, timeoutMs: 1000 });
    await client.getParams('x', { waitS: 20 });
    const deadline = clock.nextSleep();
    await client.getParams('x', { ifNoneMatch: etagFor('x', X_LINEAGE, 5), waitS: 20 });
    expect(await deadline).toBe(21_000);
    expect(requests.map((r) => r.url)).toEqual([
      'http://edge.test/v1/sets/x/params',
      'http://edge.test/v1/sets/x/params?wait=20',
    ]);
  });

  it('names the watch stream: ws(s) URL under the base path, the token in a header only', () => {
    const client = createEdgeClient({ baseUrl: 'https://edge.test/prefix/', token: 'tok' });
    expect(client.watchTarget('hype-perp')).toEqual({
      url: 'wss://edge.test/prefix/v1/sets/hype-perp/watch',
      headers: { authorization: 'Bearer tok' },
    });
    expect(createEdgeClient({ baseUrl: 'http://edge.test' }).watchTarget('x').headers).toEqual({});
  });

  it('turns a refused connection into a NetworkError naming the URL, never the token', async () => {
    const fetch: FetchLike = async () => {
      throw new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) });
    };
    const error = await createEdgeClient({ baseUrl: 'http://edge.test', token: 'secret', fetch })
      .fleet('x')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as Error).message).toContain('http://edge.test/v1/sets/x/fleet');
    expect((error as Error).message).toContain('ECONNREFUSED');
    expect((error as Error).message).not.toContain('secret');
  });
});
