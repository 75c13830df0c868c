import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { ErrorBodySchema, MAX_BODY_BYTES } from '../../shared/index.ts';
import { ORIGIN, WRITE_TOKEN, call, createSet, errorOf, freshSet, tagOf } from './helpers.ts';

async function expectError(res: Response, status: number, code: string) {
  expect(res.status).toBe(status);
  const body = ErrorBodySchema.parse(await res.json());
  expect(body.error.code).toBe(code);
  return body.error;
}

async function headVersion(set: string): Promise<number> {
  const res = await call('GET', `/v1/sets/${set}/params`);
  return ((await res.json()) as { version: number }).version;
}

async function rawPut(set: string, body: BodyInit, headers: Record<string, string> = {}) {
  return SELF.fetch(`${ORIGIN}/v1/sets/${set}/params`, {
    method: 'PUT',
    body,
    headers: {
      Authorization: `Bearer ${WRITE_TOKEN}`,
      'Content-Type': 'application/json',
      'If-Match': await tagOf(set, 1),
      ...headers,
    },
  });
}

describe('error responses (shared ErrorBody, one code each)', () => {
  it('400 invalid_json for malformed JSON', async () => {
    const set = freshSet();
    await createSet(set);
    const error = await expectError(await rawPut(set, '{"params": {'), 400, 'invalid_json');
    expect(error.message).toContain('not valid JSON');
  });

  it('400 invalid_set_name naming the rule', async () => {
    const error = await expectError(await call('GET', '/v1/sets/Bad_Name/params'), 400, 'invalid_set_name');
    expect(error.message).toContain('lowercase letters, digits and "-"');
  });

  it('415 for a body that is not declared JSON', async () => {
    const set = freshSet();
    await createSet(set);
    await expectError(await rawPut(set, '{}', { 'Content-Type': 'text/plain' }), 415, 'unsupported_media_type');
  });

  it('413 when Content-Length says more than 16 KiB', async () => {
    const set = freshSet();
    await createSet(set);
    const big = JSON.stringify({ params: {}, message: 'x'.repeat(MAX_BODY_BYTES) });
    await expectError(await rawPut(set, big), 413, 'payload_too_large');
  });

  it('413 when a streamed body (no Content-Length) grows past 16 KiB', async () => {
    const set = freshSet();
    await createSet(set);
    const chunk = new TextEncoder().encode(' '.repeat(4096));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= 8) controller.close();
        else {
          sent += 1;
          controller.enqueue(chunk);
        }
      },
    });
    await expectError(await rawPut(set, stream), 413, 'payload_too_large');
  });

  it('422 with fields naming the field, the value and the range', async () => {
    const set = freshSet();
    await createSet(set);
    const res = await call('PUT', `/v1/sets/${set}/params`, {
      body: { params: { skew_adjustment_factor: 3 }, message: 'too far' },
      headers: { 'If-Match': await tagOf(set, 1) },
    });
    const error = await expectError(res, 422, 'validation_failed');
    expect(error.fields).toEqual([
      expect.objectContaining({ field: 'skew_adjustment_factor', value: 3, expected: 'a finite number in [0, 2]' }),
    ]);
  });

  it('422 when the write body misses its message', async () => {
    const set = freshSet();
    await createSet(set);
    const res = await call('PUT', `/v1/sets/${set}/params`, {
      body: { params: {} },
      headers: { 'If-Match': await tagOf(set, 1) },
    });
    const error = await expectError(res, 422, 'validation_failed');
    expect(error.fields?.[0]?.field).toBe('message');
  });

  it('404 for an unknown route and an unknown version', async () => {
    await expectError(await call('GET', '/v1/nothing-here'), 404, 'not_found');
    const set = freshSet();
    await createSet(set);
    await expectError(await call('GET', `/v1/sets/${set}/versions/7`), 404, 'not_found');
  });

  it('405 with Allow for a wrong method on a known route', async () => {
    const set = freshSet();
    const res = await call('DELETE', `/v1/sets/${set}/params`);
    await expectError(res, 405, 'method_not_allowed');
    expect(res.headers.get('Allow')).toBe('GET, HEAD, PUT, PATCH');
    const post = await call('POST', '/v1/sets');
    await expectError(post, 405, 'method_not_allowed');
  });

  it('sets no CORS headers, even for a cross-origin preflight', async () => {
    const res = await SELF.fetch(`${ORIGIN}/v1/sets`, {
      method: 'OPTIONS',
      headers: { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'PUT' },
    });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.headers.get('Access-Control-Allow-Origin')).toBeNull();
    const get = await call('GET', '/v1/sets', { headers: { Origin: 'https://evil.example' } });
    expect(get.headers.get('Access-Control-Allow-Origin')).toBeNull();
  });
});

describe('garbage never gets a 5xx and never changes the set', () => {
  const garbage: [string, string][] = [
    ['NaN literal', '{"params":{"order_size":NaN},"message":"m"}'],
    ['Infinity literal', '{"params":{"order_size":Infinity},"message":"m"}'],
    ['huge exponent', '{"params":{"order_size":1e999},"message":"m"}'],
    ['__proto__ key', '{"params":{"__proto__":{"order_size":5}},"message":"m"}'],
    ['top-level __proto__', '{"__proto__":{"message":"m"},"params":{}}'],
    ['constructor key', '{"params":{"constructor":{"prototype":{"x":1}}},"message":"m"}'],
    ['deep nesting', `{"params":${'['.repeat(5000)}${']'.repeat(5000)},"message":"m"}`],
    ['deep nesting in a key', `{"params":{"order_size":${'{"a":'.repeat(2000)}1${'}'.repeat(2000)}},"message":"m"}`],
    ['array body', '[1,2,3]'],
    ['null body', 'null'],
    ['string number', '{"params":{"order_size":"1"},"message":"m"}'],
    ['empty body', ''],
    ['huge string', `{"params":{"trading_mode":"${'a'.repeat(15000)}"},"message":"m"}`],
  ];

  for (const [name, body] of garbage) {
    it(`rejects ${name} with a 4xx`, async () => {
      const set = freshSet();
      await createSet(set);
      const res = await rawPut(set, body);
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      ErrorBodySchema.parse(await res.json());
      expect(await headVersion(set)).toBe(1);
    });
  }

  it('rejects invalid bytes (not UTF-8) with 400', async () => {
    const set = freshSet();
    await createSet(set);
    await expectError(await rawPut(set, new Uint8Array([0x7b, 0xff, 0xfe, 0x7d])), 400, 'invalid_json');
  });

  it('keeps the document unchanged after a rejected write', async () => {
    const set = freshSet();
    await createSet(set, { order_size: 1 });
    const before = await (await call('GET', `/v1/sets/${set}/params`)).json();
    const res = await call('PUT', `/v1/sets/${set}/params`, {
      body: { params: { order_size: -1 }, message: 'bad' },
      headers: { 'If-Match': await tagOf(set, 1) },
    });
    expect(res.status).toBe(422);
    expect(await (await call('GET', `/v1/sets/${set}/params`)).json()).toEqual(before);
    const history = (await (await call('GET', `/v1/sets/${set}/versions`)).json()) as { versions: unknown[] };
    expect(history.versions).toHaveLength(1);
    expect(await errorOf(await call('GET', `/v1/sets/${set}/versions/2`))).toMatchObject({ code: 'not_found' });
  });
});
