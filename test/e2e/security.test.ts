/**
 * Security properties of the running system (a real `wrangler dev` and real runners):
 * - tokens never appear in anything the system prints or answers: wrangler's output, the runners'
 *   logs, their /status and /metrics, or an error body (a wrong token is not echoed back);
 * - a read token cannot write anything: every write route answers 403 and the head stays put;
 * - the API is not usable from another origin: no Access-Control-Allow-Origin for a foreign
 *   Origin, on a preflight or on a real request.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startEdge } from '../../tools/edge-process.ts';
import { call, createSet, errorBody, head, patch } from './helpers/edge-http.ts';
import { startRunner, stopAllRunners, type RunnerProcess } from '../../tools/runner-process.ts';

const SET = 'secure';
const EVIL = 'https://evil.example';
// Recognisable values, so a leak is found by a plain substring search.
const WRITE_TOKEN = 'wtok-SECRET-5f2a9c1e7b3d4a60';
const READ_TOKEN = 'rtok-SECRET-8e1b7d3c9a2f4b51';
const WRONG_TOKEN = 'xtok-SECRET-wrong-0d4c2b9e7a13';

type Edge = Awaited<ReturnType<typeof startEdge>>;
let edge: Edge;

beforeAll(async () => {
  edge = await startEdge({
    persistDir: mkdtempSync(join(tmpdir(), 'lt-security-')),
    tokens: { write: WRITE_TOKEN, read: READ_TOKEN },
  });
  await createSet(edge.url, WRITE_TOKEN, SET, { order_size: 0.3 }, 'security: create');
});

afterEach(async () => {
  await stopAllRunners();
});

afterAll(async () => {
  await edge?.stop();
});

function runner(id: string, token: string): Promise<RunnerProcess> {
  return startRunner({
    edgeUrl: edge.url,
    token,
    set: SET,
    runnerId: id,
    region: 'eu-west-1',
    cacheDir: mkdtempSync(join(tmpdir(), 'lt-security-cache-')),
    // --allow-defaults so the runner with a refused token still starts and logs its refusal.
    extraArgs: ['--heartbeat', '0.5', '--log-level', 'debug', '--allow-defaults'],
  });
}

function expectNoToken(text: string, where: string): void {
  for (const token of [WRITE_TOKEN, READ_TOKEN, WRONG_TOKEN])
    expect(text.includes(token), `${where} contains a token`).toBe(false);
  // A fragment is a leak too (a truncated header in a log line).
  expect(/SECRET/.test(text), `${where} contains part of a token`).toBe(false);
}

describe('tokens', () => {
  it('never appear in wrangler output, runner logs, /status, /metrics or error bodies', async () => {
    const good = await runner('r-good', READ_TOKEN);
    const refused = await runner('r-refused', WRONG_TOKEN);
    await good.waitForStatus((s) => s.version !== null && s.sync_state === 'ready', { what: 'synced' });
    await refused.waitForStatus((s) => s.sync_state === 'error', { what: 'the refused token reported' });
    const written = await patch(edge.url, WRITE_TOKEN, SET, { order_size: 0.4 }, 'security: a write while runners watch');
    await good.waitForStatus((s) => s.version === written.version, { what: 'the write applied' });

    const answers = [
      await call(edge.url, `/v1/sets/${SET}/params`, { token: WRONG_TOKEN }),
      await call(edge.url, `/v1/sets/${SET}/params`, {
        method: 'PATCH',
        token: WRONG_TOKEN,
        headers: { 'if-match': '"x"' },
        body: { params: {}, message: 'x' },
      }),
      await call(edge.url, `/v1/sets/${SET}/params`, { headers: { authorization: WRONG_TOKEN } }),
      await call(edge.url, `/v1/sets/${SET}/params`, { headers: { authorization: `Basic ${WRONG_TOKEN}` } }),
      await call(edge.url, `/v1/sets/${SET}/params`, {
        method: 'PATCH',
        token: READ_TOKEN,
        headers: { 'if-match': '"x"' },
        body: { params: {}, message: 'x' },
      }),
    ];
    expect(answers.map((a) => a.status)).toEqual([401, 401, 401, 401, 403]);
    for (const a of answers) {
      errorBody(a);
      expectNoToken(a.text, `the ${a.status} body`);
      expectNoToken(JSON.stringify([...a.headers]), `the ${a.status} headers`);
    }

    for (const r of [good, refused]) {
      const status = await fetch(`${r.statusUrl}/status`).then((res) => res.text());
      const metrics = await fetch(`${r.statusUrl}/metrics`).then((res) => res.text());
      expectNoToken(status, `${r.runnerId} /status`);
      expectNoToken(metrics, `${r.runnerId} /metrics`);
    }
    await good.stop('SIGTERM');
    await refused.stop('SIGTERM');
    expectNoToken(good.logs.join('\n'), 'the good runner log');
    expectNoToken(refused.logs.join('\n'), 'the refused runner log');
    expect(refused.logs.join('\n')).toMatch(/refused the token/);
    expectNoToken(edge.logs(), 'wrangler dev output');
    // The captured output does cover the refused requests (wrangler logs each request line).
    expect(edge.logs()).toMatch(/401 Unauthorized/);
  });
});

describe('a read token', () => {
  it('cannot write anything: every write route answers 403 and the head stays put', async () => {
    const before = await head(edge.url, READ_TOKEN, SET);
    const attempts: { method: string; path: string; headers: Record<string, string>; body: unknown }[] = [
      {
        method: 'PUT',
        path: `/v1/sets/${SET}/params`,
        headers: { 'if-match': before!.etag },
        body: { params: { order_size: 9 }, message: 'read token put' },
      },
      {
        method: 'PATCH',
        path: `/v1/sets/${SET}/params`,
        headers: { 'if-match': before!.etag },
        body: { params: { order_size: 9 }, message: 'read token patch' },
      },
      {
        method: 'PUT',
        path: `/v1/sets/read-token-new-set/params`,
        headers: { 'if-none-match': '*' },
        body: { params: {}, message: 'read token create' },
      },
      { method: 'POST', path: `/v1/sets/${SET}/rollback`, headers: {}, body: { to: 1, message: 'read token rollback' } },
    ];
    for (const a of attempts) {
      const answer = await call(edge.url, a.path, { method: a.method, token: READ_TOKEN, headers: a.headers, body: a.body });
      expect(answer.status, `${a.method} ${a.path}: ${answer.text}`).toBe(403);
      expect(errorBody(answer).error.code).toBe('forbidden');
    }
    const after = await head(edge.url, READ_TOKEN, SET);
    expect(after!.version).toEqual(before!.version);
    expect(await head(edge.url, READ_TOKEN, 'read-token-new-set')).toBeUndefined();
  });
});

describe('a token in the URL', () => {
  it('is not accepted (URLs end up in logs and histories)', async () => {
    for (const query of [`access_token=${READ_TOKEN}`, `token=${READ_TOKEN}`, `authorization=Bearer%20${READ_TOKEN}`]) {
      const answer = await call(edge.url, `/v1/sets/${SET}/params?${query}`);
      expect(answer.status, query).toBe(401);
      expectNoToken(answer.text, 'the 401 body');
    }
  });
});

describe('another origin', () => {
  it('gets no Access-Control-Allow-Origin on a preflight', async () => {
    const answer = await call(edge.url, `/v1/sets/${SET}/params`, {
      method: 'OPTIONS',
      headers: {
        origin: EVIL,
        'access-control-request-method': 'PATCH',
        'access-control-request-headers': 'authorization, content-type, if-match',
      },
    });
    expect(answer.status).toBeLessThan(500);
    expect(answer.headers.get('access-control-allow-origin')).toBeNull();
    expect(answer.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('gets no Access-Control-Allow-Origin on a read or a write', async () => {
    const before = await head(edge.url, READ_TOKEN, SET);
    const read = await call(edge.url, `/v1/sets/${SET}/params`, { token: READ_TOKEN, headers: { origin: EVIL } });
    expect(read.headers.get('access-control-allow-origin')).toBeNull();
    const write = await call(edge.url, `/v1/sets/${SET}/params`, {
      method: 'PATCH',
      token: WRITE_TOKEN,
      headers: { origin: EVIL, 'if-match': before!.etag },
      body: { params: { order_size: 0.5 }, message: 'security: cross-origin write' },
    });
    expect(write.headers.get('access-control-allow-origin')).toBeNull();
    const schema = await call(edge.url, '/v1/schema', { headers: { origin: EVIL } });
    expect(schema.headers.get('access-control-allow-origin')).toBeNull();
  });
});
