import { describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, READ_TOKEN, WRITE_TOKEN, call, createSet, errorOf, freshSet, tagOf } from './helpers.ts';

describe('auth', () => {
  it('answers 401 without a token and with an unknown token, never echoing it', async () => {
    const set = freshSet();
    await createSet(set);
    const none = await call('GET', `/v1/sets/${set}/params`, { token: null });
    expect(none.status).toBe(401);
    expect((await errorOf(none)).code).toBe('unauthorized');
    const secretGuess = 'guess-9f8e7d6c5b4a';
    const unknown = await call('GET', `/v1/sets/${set}/params`, { token: secretGuess });
    expect(unknown.status).toBe(401);
    const text = await unknown.text();
    expect(text).not.toContain(secretGuess);
    expect(unknown.headers.get('WWW-Authenticate')).toContain('Bearer');
  });

  it('answers 401 for a token that only shares a prefix with a real one', async () => {
    const res = await call('GET', '/v1/sets', { token: WRITE_TOKEN.slice(0, -1) });
    expect(res.status).toBe(401);
  });

  it('tells a token its own name and scope at GET /v1/token, and nothing without one', async () => {
    const cases: [string, { name: string; scope: string }][] = [
      [READ_TOKEN, { name: 'bot', scope: 'read' }],
      [WRITE_TOKEN, { name: 'ops', scope: 'write' }],
      [ADMIN_TOKEN, { name: 'root', scope: 'admin' }],
    ];
    for (const [token, expected] of cases) {
      const res = await call('GET', '/v1/token', { token });
      expect(res.status).toBe(200);
      const text = await res.text();
      expect(JSON.parse(text)).toEqual(expected);
      expect(text).not.toContain(token);
    }
    expect((await call('GET', '/v1/token', { token: null })).status).toBe(401);
  });

  it('lets a read token read', async () => {
    const set = freshSet();
    await createSet(set);
    for (const path of [
      `/v1/sets/${set}/params`,
      `/v1/sets/${set}/versions`,
      `/v1/sets/${set}/versions/1`,
      `/v1/sets/${set}/diff?from=1&to=1`,
      `/v1/sets/${set}/fleet`,
      '/v1/sets',
    ]) {
      expect((await call('GET', path, { token: READ_TOKEN })).status, path).toBe(200);
    }
  });

  it('answers 403 to a read token on every write route, and changes nothing', async () => {
    const set = freshSet();
    await createSet(set);
    const writes: [string, string, unknown, Record<string, string>][] = [
      ['PUT', `/v1/sets/${set}/params`, { params: {}, message: 'm' }, { 'If-Match': await tagOf(set, 1) }],
      ['PATCH', `/v1/sets/${set}/params`, { params: {}, message: 'm' }, { 'If-Match': await tagOf(set, 1) }],
      ['POST', `/v1/sets/${set}/rollback`, { to: 1, message: 'm' }, {}],
      ['PUT', `/v1/sets/${freshSet()}/params`, { params: {}, message: 'm' }, { 'If-None-Match': '*' }],
    ];
    for (const [method, path, body, headers] of writes) {
      const res = await call(method, path, { token: READ_TOKEN, body, headers });
      expect(res.status, `${method} ${path}`).toBe(403);
      const error = await errorOf(res);
      expect(error.code).toBe('forbidden');
      expect(error.message).not.toContain(READ_TOKEN);
    }
    const head = await call('GET', `/v1/sets/${set}/params`);
    expect(head.headers.get('ETag')).toBe(await tagOf(set, 1));
  });

  it('makes the token name the author of a version', async () => {
    const set = freshSet();
    const res = await call('PUT', `/v1/sets/${set}/params`, {
      token: 'test-ci-token',
      body: { params: {}, message: 'from ci' },
      headers: { 'If-None-Match': '*' },
    });
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ author: 'ci' });
  });

  it('serves the dashboard and the schema without a token', async () => {
    const page = await call('GET', '/', { token: null });
    expect(page.status).toBe(200);
    expect(page.headers.get('Content-Type')).toContain('text/html');
    const schema = await call('GET', '/v1/schema', { token: null });
    expect(schema.status).toBe(200);
  });
});
