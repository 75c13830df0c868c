/**
 * The edge client's calls as the runner's sync makes them (conditional long-poll, report) against
 * undici's MockAgent (what is sent, how each status maps) and, for the hung request, a loopback
 * server that never answers plus a fake clock for the deadline.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent, MockAgent } from 'undici';
import { requestThrough } from '../../../runner/sync/edge-agent.ts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { etagFor } from '../../../shared/etag.ts';
import {
  NetworkError,
  RateLimitedError,
  ServerError,
  TimeoutError,
  UnauthorizedError,
  ForbiddenError,
} from '../../../client/edge-errors.ts';
import { createEdgeClient } from '../../../client/edge-client.ts';
import { FakeClock } from '../helpers/fake-clock.ts';
import { SET, versionBody, LINEAGE } from '../helpers/runner-fixtures.ts';

const ORIGIN = 'http://127.0.0.1:8787';
const PATH = `/v1/sets/${SET}/params`;

describe('the runner-side calls of createEdgeClient, with a MockAgent', () => {
  let agent: MockAgent;
  beforeEach(() => {
    agent = new MockAgent();
    agent.disableNetConnect();
  });
  afterEach(async () => {
    await agent.close();
  });
  const edge = () =>
    createEdgeClient({
      baseUrl: ORIGIN,
      token: 'secret-token',
      fetch: requestThrough(agent),
    });

  it('long-polls with ?wait, If-None-Match and the Bearer token, and reads a 200', async () => {
    agent
      .get(ORIGIN)
      .intercept({
        path: `${PATH}?wait=25`,
        method: 'GET',
        headers: { authorization: 'Bearer secret-token', 'if-none-match': etagFor(SET, LINEAGE, 1) },
      })
      .reply(200, versionBody(2), { headers: { etag: etagFor(SET, LINEAGE, 2), 'content-type': 'application/json' } });
    const answer = await edge().readParams(SET, { ifNoneMatch: etagFor(SET, LINEAGE, 1), waitS: 25, timeoutMs: 35_000 });
    expect(answer).toMatchObject({
      kind: 'changed',
      etag: etagFor(SET, LINEAGE, 2),
      stale: false,
      received: { kind: 'valid', version: { version: 2 } },
    });
  });

  it('reads a 304 and the stale marker', async () => {
    agent
      .get(ORIGIN)
      .intercept({ path: `${PATH}?wait=25`, method: 'GET' })
      .reply(304, '', { headers: { 'livetune-stale': 'true' } });
    expect(await edge().readParams(SET, { ifNoneMatch: etagFor(SET, LINEAGE, 1), waitS: 25, timeoutMs: 35_000 })).toEqual({
      kind: 'not-modified',
      stale: true,
    });
  });

  it('asks without ?wait when it holds no version yet (nothing to wait for)', async () => {
    agent
      .get(ORIGIN)
      .intercept({ path: PATH, method: 'GET' })
      .reply(200, versionBody(1), { headers: { etag: etagFor(SET, LINEAGE, 1) } });
    expect((await edge().readParams(SET, { ifNoneMatch: null, waitS: 25, timeoutMs: 35_000 })).kind).toBe('changed');
  });

  it('turns a garbage body into a malformed version', async () => {
    agent.get(ORIGIN).intercept({ path: PATH, method: 'GET' }).reply(200, '<html>oops</html>');
    expect(await edge().readParams(SET, { ifNoneMatch: null, waitS: 0, timeoutMs: 1000 })).toMatchObject({
      kind: 'changed',
      received: { kind: 'malformed' },
    });
  });

  it('turns invalid params into a rejection of that version', async () => {
    agent
      .get(ORIGIN)
      .intercept({ path: PATH, method: 'GET' })
      .reply(200, versionBody(4, { order_size: 0 }), { headers: { etag: etagFor(SET, LINEAGE, 4) } });
    const answer = await edge().readParams(SET, { ifNoneMatch: null, waitS: 0, timeoutMs: 1000 });
    expect(answer).toMatchObject({
      kind: 'changed',
      received: { kind: 'invalid-params', version: 4, reason: expect.stringContaining('order_size') },
    });
  });

  it.each([
    [401, UnauthorizedError, {}],
    [403, ForbiddenError, {}],
    [429, RateLimitedError, { 'retry-after': '7' }],
    [503, ServerError, { 'retry-after': '3' }],
  ] as const)('maps %i to its error class', async (status, ErrorClass, headers) => {
    agent
      .get(ORIGIN)
      .intercept({ path: PATH, method: 'GET' })
      .reply(status, { error: { code: 'unauthorized', message: 'nope' } }, { headers });
    const error = await edge()
      .readParams(SET, { ifNoneMatch: null, waitS: 0, timeoutMs: 1000 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ErrorClass);
    if ('retry-after' in headers) expect((error as RateLimitedError).retryAfterMs).toBe(Number(headers['retry-after']) * 1000);
    expect((error as Error).message).not.toContain('secret-token');
  });

  it('posts the report as JSON', async () => {
    let body = '';
    agent
      .get(ORIGIN)
      .intercept({
        path: `/v1/sets/${SET}/runners/r-1/report`,
        method: 'POST',
        body: (b) => {
          body = b;
          return true;
        },
      })
      .reply(204, '');
    await edge().postReport(
      SET,
      'r-1',
      { region: 'eu', applied_version: 3, rejected: null, sync_state: 'ready' },
      { timeoutMs: 1000 },
    );
    expect(JSON.parse(body)).toMatchObject({ region: 'eu', applied_version: 3, sync_state: 'ready' });
  });
});

describe('createEdgeClient against an edge that stalls', () => {
  let server: Server;
  let url: string;
  let agent: Agent;
  beforeEach(async () => {
    agent = new Agent();
    server = createServer((req, res) => {
      // `/headers-only/…`: the status line and headers, then nothing; anything else: nothing at all.
      if (req.url?.startsWith('/headers-only')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.flushHeaders();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await agent.close();
  });

  const transports = [
    { name: 'global fetch', fetch: () => undefined },
    { name: 'the runner transport (undici request)', fetch: () => requestThrough(agent) },
  ];

  for (const transport of transports) {
    for (const prefix of ['', '/headers-only']) {
      it(`fails with a TimeoutError when the deadline passes on the clock (${transport.name}, ${prefix ? 'headers then silence' : 'no answer'})`, async () => {
        const clock = new FakeClock();
        const fetch = transport.fetch();
        const edge = createEdgeClient({ baseUrl: `${url}${prefix}`, token: 't', clock, ...(fetch ? { fetch } : {}) });
        const deadline = clock.nextSleep();
        const pending = edge
          .readParams(SET, { ifNoneMatch: etagFor(SET, LINEAGE, 1), waitS: 25, timeoutMs: 35_000 })
          .catch((e: unknown) => e);
        expect(await deadline).toBe(35_000);
        await clock.advance(35_000);
        const error = await pending;
        expect(error).toBeInstanceOf(TimeoutError);
        expect((error as Error).message).toMatch(/within 35000 ms/);
      });
    }
  }

  it('maps a refused connection to a NetworkError over the runner transport', async () => {
    const closed = new Agent();
    const port = (server.address() as AddressInfo).port;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    const edge = createEdgeClient({ baseUrl: `http://127.0.0.1:${port}`, token: 't', fetch: requestThrough(closed) });
    const error = await edge.readParams(SET, { timeoutMs: 35_000 }).catch((e: unknown) => e);
    await closed.close();
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as Error).message).toMatch(/cannot reach .*ECONNREFUSED/);
    server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
});
