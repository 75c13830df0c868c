import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
/**
 * The edge client's calls as the CLI and automation make them, against a loopback server: answers
 * parsed with the shared schemas, typed errors, deadlines on the clock.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createEdgeClient } from '../../../client/edge-client.ts';
import { BadResponseError, NotFoundError, TimeoutError } from '../../../client/edge-errors.ts';
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
      version: 4,
      params: {},
      created_at: '2026-11-24T15:00:00.000Z',
      author: 'a',
      message: 'm',
      kind: 'update',
      parent: 3,
    };
    const url = await serve((req, res) => {
      if (req.headers['if-none-match'] === '"x.v4"') return res.writeHead(304).end();
      res
        .writeHead(200, { etag: '"x.v4"', 'content-type': 'application/json', 'livetune-stale': 'true' })
        .end(JSON.stringify(version));
    });
    const client = createEdgeClient({ baseUrl: url });
    const read = await client.getParams('x');
    expect(read).toMatchObject({ kind: 'changed', etag: '"x.v4"', stale: true });
    expect(await client.getParams('x', { ifNoneMatch: '"x.v4"', waitS: 1 })).toEqual({ kind: 'not-modified' });
  });
});
