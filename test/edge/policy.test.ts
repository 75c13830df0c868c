/**
 * The set policy (issue 11, row 7): its own versioned, audited document, readable by any token and
 * changed only by an admin token with If-Match; and every params write — PUT, PATCH, rollback — is
 * judged against it in the hub: finite caps that nothing passes, a step limit that only `force`
 * (with its own message) passes.
 */
import { describe, expect, it } from 'vitest';
import { PolicyHistorySchema, PolicyVersionSchema } from '../../shared/policy-schema.ts';
import { VersionPageSchema, VersionSchema } from '../../shared/api.ts';
import { policyEtagFor } from '../../shared/policy-etag.ts';
import { ADMIN_TOKEN, READ_TOKEN, WRITE_TOKEN, call, createSet, errorOf, freshSet, putPolicy, tagOf } from './helpers.ts';

async function patch(set: string, version: number, params: unknown, extra: Record<string, unknown> = {}): Promise<Response> {
  return call('PATCH', `/v1/sets/${set}/params`, {
    body: { params, message: 'patch', ...extra },
    headers: { 'If-Match': await tagOf(set, version) },
  });
}

async function versionNumbers(set: string): Promise<number[]> {
  const page = VersionPageSchema.parse(await (await call('GET', `/v1/sets/${set}/versions?limit=100`)).json());
  return page.versions.map((v) => v.version);
}

describe('GET /v1/sets/:set/policy', () => {
  it('answers the default policy as version 0 to any token, with its own ETag', async () => {
    const set = freshSet();
    await createSet(set);
    for (const token of [READ_TOKEN, WRITE_TOKEN, ADMIN_TOKEN]) {
      const res = await call('GET', `/v1/sets/${set}/policy`, { token });
      expect(res.status).toBe(200);
      expect(res.headers.get('ETag')).toBe(policyEtagFor(set, 0));
      expect(PolicyVersionSchema.parse(await res.json())).toEqual({
        set,
        version: 0,
        policy: { max_order_size: 10, max_max_position: 100, max_step_ratio: 5, signatures: 'optional', keys: [], threshold: 1 },
        created_at: null,
        author: null,
        message: null,
      });
    }
  });

  it('answers 401 without a token and 404 for a set that does not exist', async () => {
    const set = freshSet();
    await createSet(set);
    expect((await call('GET', `/v1/sets/${set}/policy`, { token: null })).status).toBe(401);
    expect((await call('GET', `/v1/sets/${freshSet()}/policy`)).status).toBe(404);
  });
});

describe('PUT /v1/sets/:set/policy', () => {
  it('needs an admin token: 401 without, 403 for read and write tokens, and changes nothing', async () => {
    const set = freshSet();
    await createSet(set);
    expect((await putPolicy(set, { max_order_size: 1 }, { token: 'nope' })).status).toBe(401);
    for (const token of [READ_TOKEN, WRITE_TOKEN]) {
      const res = await putPolicy(set, { max_order_size: 1 }, { token });
      expect(res.status).toBe(403);
      const error = await errorOf(res);
      expect(error.code).toBe('forbidden');
      expect(error.message).toContain('needs scope admin');
    }
    const read = PolicyVersionSchema.parse(await (await call('GET', `/v1/sets/${set}/policy`)).json());
    expect(read.version).toBe(0);
  });

  it('versions and audits each change: who, when, why; If-Match required and compared', async () => {
    const set = freshSet();
    await createSet(set);
    expect((await putPolicy(set, { max_order_size: 2 }, { ifMatch: null })).status).toBe(428);
    const first = await putPolicy(
      set,
      { max_order_size: 2, max_step_ratio: 3 },
      { ifMatch: policyEtagFor(set, 0), message: 'small market' },
    );
    expect(first.status).toBe(200);
    expect(first.headers.get('ETag')).toBe(policyEtagFor(set, 1));
    const v1 = PolicyVersionSchema.parse(await first.json());
    expect(v1).toMatchObject({ set, version: 1, author: 'root', message: 'small market' });
    expect(v1.policy).toMatchObject({ max_order_size: 2, max_max_position: 100, max_step_ratio: 3 });
    expect(v1.created_at).not.toBeNull();
    // Stale If-Match: 412 naming the current policy version and who wrote it.
    const stale = await putPolicy(set, { max_order_size: 4 }, { ifMatch: policyEtagFor(set, 0) });
    expect(stale.status).toBe(412);
    expect((await errorOf(stale)).details?.current).toMatchObject({ version: 1, author: 'root', etag: policyEtagFor(set, 1) });
    // A params ETag is not a policy ETag.
    expect((await putPolicy(set, { max_order_size: 4 }, { ifMatch: await tagOf(set, 1) })).status).toBe(412);
    // The same policy again: no version.
    const same = await putPolicy(set, { max_order_size: 2, max_step_ratio: 3 }, { ifMatch: policyEtagFor(set, 1) });
    expect(same.status).toBe(200);
    expect(same.headers.get('Livetune-Unchanged')).toBe('true');
    const history = PolicyHistorySchema.parse(
      await (await call('GET', `/v1/sets/${set}/policy/versions`, { token: READ_TOKEN })).json(),
    );
    expect(history.versions.map((v) => [v.version, v.author, v.message])).toEqual([
      [1, 'root', 'small market'],
      [0, null, null],
    ]);
  });

  it('refuses a policy that is not finite or not valid, naming the field (422), and keeps the old one', async () => {
    const set = freshSet();
    await createSet(set);
    for (const [body, field] of [
      [{ max_order_size: 1e308 }, 'max_order_size'],
      [{ max_step_ratio: 1 }, 'max_step_ratio'],
      [{ threshold: 2 }, 'threshold'],
      [{ signatures: 'required' }, 'keys'],
      [{ max_ordr_size: 1 }, '(document)'],
    ] as const) {
      const res = await putPolicy(set, body);
      expect(res.status, JSON.stringify(body)).toBe(422);
      const fields = (await errorOf(res)).fields ?? [];
      expect(fields.map((f) => f.field)).toContain(field);
    }
    expect((await putPolicy(set, { max_order_size: 1 }, { message: '' })).status).toBe(422);
    expect(PolicyVersionSchema.parse(await (await call('GET', `/v1/sets/${set}/policy`)).json()).version).toBe(0);
  });

  it('answers 404 for a set that does not exist', async () => {
    expect((await putPolicy(freshSet(), { max_order_size: 1 })).status).toBe(404);
  });
});

describe('writes against the policy', () => {
  it('refuses order_size = max_position = 1e308 (422 naming field, value and cap), forced or not', async () => {
    const set = freshSet();
    await createSet(set);
    for (const extra of [{}, { force: { message: 'I mean it' } }]) {
      const res = await patch(set, 1, { order_size: 1e308, max_position: 1e308 }, extra);
      expect(res.status).toBe(422);
      const error = await errorOf(res);
      expect(error.code).toBe('validation_failed');
      expect(error.details).toMatchObject({ policy_version: 0, forceable: false });
      expect(error.fields?.map((f) => [f.field, f.value])).toEqual([
        ['order_size', 1e308],
        ['max_position', 1e308],
      ]);
      expect(error.fields?.[0]?.message).toContain('max_order_size = 10');
      expect(error.fields?.[1]?.message).toContain('max_max_position = 100');
    }
    const put = await call('PUT', `/v1/sets/${set}/params`, {
      body: { params: { order_size: 1e308, max_position: 1e308 }, message: 'fat finger' },
      headers: { 'If-Match': await tagOf(set, 1) },
    });
    expect(put.status).toBe(422);
    const created = await call('PUT', `/v1/sets/${freshSet()}/params`, {
      body: { params: { order_size: 1e308, max_position: 1e308 }, message: 'fat finger' },
      headers: { 'If-None-Match': '*' },
    });
    expect(created.status).toBe(422);
    expect(await versionNumbers(set)).toEqual([1]);
  });

  it('refuses order_size > max_position, naming both fields and values', async () => {
    const set = freshSet();
    await createSet(set);
    const res = await patch(set, 1, { order_size: 1.2, max_position: 1 });
    expect(res.status).toBe(422);
    const field = (await errorOf(res)).fields?.[0];
    expect(field).toMatchObject({ field: 'order_size', value: 1.2 });
    expect(field?.message).toContain('order_size = 1.2 is more than max_position = 1');
  });

  it('refuses a step beyond max_step_ratio unless the write carries force with a message, kept in the version', async () => {
    const set = freshSet();
    await createSet(set);
    const refused = await patch(set, 1, { order_size: 3 });
    expect(refused.status).toBe(422);
    const error = await errorOf(refused);
    expect(error.details).toMatchObject({ forceable: true });
    expect(error.fields?.[0]).toMatchObject({ field: 'order_size', value: 3 });
    expect(error.fields?.[0]?.message).toContain('10× step from 0.3');
    expect(error.message).toContain('force');
    expect((await patch(set, 1, { order_size: 3 }, { force: {} })).status).toBe(422);
    expect((await patch(set, 1, { order_size: 3 }, { force: { message: ' ' } })).status).toBe(422);
    const forced = await patch(set, 1, { order_size: 3 }, { force: { message: 'new venue lot size' } });
    expect(forced.status).toBe(200);
    const version = VersionSchema.parse(await forced.json());
    expect(version).toMatchObject({ version: 2, params: { order_size: 3 }, force: { message: 'new venue lot size' } });
    // Within the limit, nothing to force: a version without `force`.
    const small = VersionSchema.parse(await (await patch(set, 2, { order_size: 2 })).json());
    expect(small.force).toBeUndefined();
  });

  it('judges a rollback too: a 25× step back needs force', async () => {
    const set = freshSet();
    await createSet(set);
    expect((await patch(set, 1, { order_size: 1.5, max_position: 7.5 })).status).toBe(200);
    expect((await patch(set, 2, { order_size: 7.5 })).status).toBe(200);
    const refused = await call('POST', `/v1/sets/${set}/rollback`, { body: { to: 1, message: 'back' } });
    expect(refused.status).toBe(422);
    expect((await errorOf(refused)).fields?.[0]).toMatchObject({ field: 'order_size', value: 0.3 });
    const forced = await call('POST', `/v1/sets/${set}/rollback`, {
      body: { to: 1, message: 'back', force: { message: 'undo the whole experiment' } },
    });
    expect(forced.status).toBe(200);
    expect(VersionSchema.parse(await forced.json())).toMatchObject({ version: 4, kind: 'rollback', rollback_of: 1 });
  });

  it('follows the policy an admin writes, and never blocks a kill switch on a head above a lowered cap', async () => {
    const set = freshSet();
    await createSet(set);
    expect((await patch(set, 1, { order_size: 1.5, max_position: 7.5 })).status).toBe(200);
    // An admin raises the step limit: what was refused passes.
    expect((await putPolicy(set, { max_step_ratio: 20 })).status).toBe(200);
    expect((await patch(set, 2, { max_position: 75 })).status).toBe(200);
    // An admin lowers the caps below the head: changing the sizes is refused, halting is not.
    expect((await putPolicy(set, { max_order_size: 1, max_max_position: 5 })).status).toBe(200);
    const bigger = await patch(set, 3, { order_size: 1.4 });
    expect(bigger.status).toBe(422);
    expect((await errorOf(bigger)).details).toMatchObject({ policy_version: 2 });
    const halt = await patch(set, 3, { trading_mode: 'halted' });
    expect(halt.status).toBe(200);
    expect(VersionSchema.parse(await halt.json()).params).toMatchObject({ trading_mode: 'halted', order_size: 1.5 });
  });

  it('lets an admin token write params (admin implies write)', async () => {
    const set = freshSet();
    await createSet(set);
    const res = await call('PATCH', `/v1/sets/${set}/params`, {
      token: ADMIN_TOKEN,
      body: { params: { skew_adjustment_factor: 1 }, message: 'admin' },
      headers: { 'If-Match': await tagOf(set, 1) },
    });
    expect(res.status).toBe(200);
    expect(VersionSchema.parse(await res.json()).author).toBe('root');
  });
});
