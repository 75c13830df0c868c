/** The dashboard's one way to the edge: what it sends, and how it reads (or refuses) each answer. */
import { describe, expect, it } from 'vitest';
import { EdgeApi } from '../../../dashboard/src/api.ts';
import { ApiFailure, failureLines, fieldLines } from '../../../dashboard/src/api-failure.ts';
import { errorResponse, fleet, scriptedFetch, version, versionResponse, DASHBOARD_LINEAGE } from './fixtures.ts';

const failureOf = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (error: unknown) => error as ApiFailure,
  );

describe('EdgeApi', () => {
  it('sends the bearer token, no cookie, and a long-poll with If-None-Match', async () => {
    const { fetch, calls } = scriptedFetch(() => new Response(null, { status: 304, headers: { 'Livetune-Stale': 'true' } }));
    const api = new EdgeApi({ token: 'tok', fetch });
    expect(await api.params('hype-perp', { ifNoneMatch: `"hype-perp.${DASHBOARD_LINEAGE}.v3"`, waitS: 25 })).toEqual({
      kind: 'not-modified',
      stale: true,
    });
    expect(calls[0]).toMatchObject({
      method: 'GET',
      path: '/v1/sets/hype-perp/params?wait=25',
      headers: { authorization: 'Bearer tok', 'if-none-match': `"hype-perp.${DASHBOARD_LINEAGE}.v3"` },
    });
  });

  it('returns a version whose ETag names it', async () => {
    const v = version(3);
    const { fetch } = scriptedFetch(() => versionResponse(v));
    expect(await new EdgeApi({ token: 't', fetch }).params('hype-perp')).toEqual({
      kind: 'version',
      version: v,
      etag: `"hype-perp.${DASHBOARD_LINEAGE}.v3"`,
      stale: false,
    });
  });

  it('refuses a version whose ETag names another version', async () => {
    const { fetch } = scriptedFetch(() =>
      Response.json(version(3), { headers: { ETag: `"hype-perp.${DASHBOARD_LINEAGE}.v2"` } }),
    );
    const failure = await failureOf(new EdgeApi({ token: 't', fetch }).params('hype-perp'));
    expect(failure.code).toBe('bad_response');
    expect(failure.message).toContain(`"hype-perp.${DASHBOARD_LINEAGE}.v2"`);
  });

  it('refuses an answer that does not have the shape of shared/', async () => {
    const { fetch } = scriptedFetch(() => Response.json({ set: 'hype-perp', version: 1, runners: [{ runner_id: 7 }] }));
    const failure = await failureOf(new EdgeApi({ token: 't', fetch }).fleet('hype-perp'));
    expect(failure.code).toBe('bad_response');
    expect(failure.message).toContain('GET /v1/sets/hype-perp/fleet');
  });

  it('sends a write with If-Match and the message, and parses the new version', async () => {
    const { fetch, calls } = scriptedFetch(() => versionResponse(version(4, { params: { order_size: 0.2 } })));
    const answer = await new EdgeApi({ token: 't', fetch }).write('hype-perp', 'PATCH', {
      params: { order_size: 0.2 },
      message: 'smaller',
      ifMatch: `"hype-perp.${DASHBOARD_LINEAGE}.v3"`,
    });
    expect(answer.version.version).toBe(4);
    expect(calls[0]).toMatchObject({
      method: 'PATCH',
      path: '/v1/sets/hype-perp/params',
      headers: { 'if-match': `"hype-perp.${DASHBOARD_LINEAGE}.v3"`, 'content-type': 'application/json' },
      body: { params: { order_size: 0.2 }, message: 'smaller' },
    });
  });

  it("turns the edge's error body into one failure with its fields and details", async () => {
    const fields = [
      { field: 'order_size', value: -1, expected: 'a finite number > 0', message: 'order_size = -1 is not accepted' },
    ];
    const { fetch } = scriptedFetch(() => errorResponse(422, 'validation_failed', 'params rejected', { fields }));
    const failure = await failureOf(
      new EdgeApi({ token: 't', fetch }).write('s', 'PUT', { params: {}, message: 'm', ifMatch: null }),
    );
    expect(failure).toBeInstanceOf(ApiFailure);
    expect(failure.info()).toEqual({ status: 422, code: 'validation_failed', message: 'params rejected', fields, details: {} });
    expect(fieldLines(failure)).toEqual(['order_size = -1 is not accepted']);
  });

  it('names a failure without a livetune body by its status, and an unreachable edge as network', async () => {
    const html = scriptedFetch(() => new Response('<h1>bad gateway</h1>', { status: 502 }));
    expect((await failureOf(new EdgeApi({ token: 't', fetch: html.fetch }).sets())).code).toBe('http_502');
    const down = scriptedFetch(() => Promise.reject(new TypeError('fetch failed')));
    const failure = await failureOf(new EdgeApi({ token: 't', fetch: down.fetch }).sets());
    expect(failure).toMatchObject({ status: 0, code: 'network' });
  });

  it('lets an abort through as an abort', async () => {
    const controller = new AbortController();
    controller.abort();
    const { fetch } = scriptedFetch(() => Response.json(fleet('s', 1, [])));
    await expect(new EdgeApi({ token: 't', fetch }).fleet('s', { signal: controller.signal })).rejects.toMatchObject({
      name: 'AbortError',
    });
  });
});

describe('failure lines', () => {
  it('say who changed the set first on a 412', () => {
    const current = { version: 7, author: 'ci', created_at: '2026-11-24T14:35:27.000Z', message: 'tighten' };
    const lines = failureLines({ status: 412, code: 'precondition_failed', message: 'stale', fields: [], details: { current } });
    expect(lines).toEqual([
      'Someone changed the set first: v7 by ci at 2026-11-24 14:35:27 UTC ("tighten"). Your edits are kept: check them against the new values, then apply again.',
    ]);
  });
});
