import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VersionPageSchema, VersionSchema } from '../../shared/api.ts';
import { etagFor } from '../../shared/etag.ts';
import { startEdge, stopAllEdges, type EdgeProcess } from '../../tools/edge-process.ts';

let edge: EdgeProcess;

beforeAll(async () => {
  edge = await startEdge();
});

afterAll(async () => {
  await edge?.stop();
  await stopAllEdges();
});

function request(
  method: string,
  path: string,
  { body, headers = {}, token = edge.tokens.write }: { body?: unknown; headers?: Record<string, string>; token?: string } = {},
) {
  return fetch(`${edge.url}${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${token}`,
      ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      ...headers,
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
}

describe('the edge over real HTTP (wrangler dev)', () => {
  it('creates, updates, wakes a long-poll, rolls back, and keeps it all across a restart', async () => {
    const set = 'e2e-http';
    const created = await request('PUT', `/v1/sets/${set}/params`, {
      body: { params: { order_size: 1 }, message: 'create' },
      headers: { 'If-None-Match': '*' },
    });
    expect(created.status).toBe(201);
    const first = VersionSchema.parse(await created.json());
    expect(first).toMatchObject({ version: 1, author: edge.tokenNames.write });
    const lineage = first.lineage;
    expect(created.headers.get('etag')).toBe(etagFor(set, lineage, 1));

    const updated = await request('PATCH', `/v1/sets/${set}/params`, {
      body: { params: { order_size: 2 }, message: 'bigger' },
      headers: { 'If-Match': etagFor(set, lineage, 1) },
    });
    expect(updated.status).toBe(200);

    // A runner long-polls with its read token; an operator's write answers it.
    const poll = request('GET', `/v1/sets/${set}/params?wait=30`, {
      token: edge.tokens.read,
      headers: { 'If-None-Match': etagFor(set, lineage, 2) },
    });
    const written = await request('PUT', `/v1/sets/${set}/params`, {
      body: { params: { order_size: 3 }, message: 'wake' },
      headers: { 'If-Match': etagFor(set, lineage, 2) },
    });
    expect(written.status).toBe(200);
    const woken = await poll;
    expect(woken.status).toBe(200);
    expect(VersionSchema.parse(await woken.json())).toMatchObject({ version: 3, params: { order_size: 3 } });

    const idle = await request('GET', `/v1/sets/${set}/params?wait=1`, {
      token: edge.tokens.read,
      headers: { 'If-None-Match': etagFor(set, lineage, 3) },
    });
    expect(idle.status).toBe(304);

    const rolledBack = await request('POST', `/v1/sets/${set}/rollback`, { body: { to: 1, message: 'back to v1' } });
    expect(rolledBack.status).toBe(200);
    expect(VersionSchema.parse(await rolledBack.json())).toMatchObject({
      version: 4,
      kind: 'rollback',
      rollback_of: 1,
      params: { order_size: 1 },
    });

    const forbidden = await request('PUT', `/v1/sets/${set}/params`, {
      token: edge.tokens.read,
      body: { params: {}, message: 'no' },
      headers: { 'If-Match': etagFor(set, lineage, 4) },
    });
    expect(forbidden.status).toBe(403);

    await edge.restart();
    const history = VersionPageSchema.parse(
      await (await request('GET', `/v1/sets/${set}/versions`, { token: edge.tokens.read })).json(),
    );
    expect(history.versions.map((v) => v.version)).toEqual([4, 3, 2, 1]);
  });
});

describe('startEdge options', () => {
  it('passes vars over wrangler.toml (a tight write limit answers 429 with Retry-After)', async () => {
    const tight = await startEdge({
      vars: { WRITE_RATE_PER_S: '0.01', WRITE_BURST: '1' },
      tokens: { write: 'tight-write-token' },
    });
    try {
      const put = (headers: Record<string, string>) =>
        fetch(`${tight.url}/v1/sets/tight/params`, {
          method: 'PUT',
          headers: { Authorization: 'Bearer tight-write-token', 'Content-Type': 'application/json', ...headers },
          body: JSON.stringify({ params: {}, message: 'm' }),
        });
      const created = await put({ 'If-None-Match': '*' });
      expect(created.status).toBe(201);
      const limited = await put({ 'If-Match': created.headers.get('etag')! });
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    } finally {
      await tight.stop();
    }
    // Stopped by pid: nothing answers on its port any more.
    await expect(fetch(`${tight.url}/v1/schema`)).rejects.toThrow();
  });
});
