/** Requests against the Worker under test, with the test tokens of vitest.edge.config.ts. */
import { SELF } from 'cloudflare:test';
import { etagFor } from '../../shared/etag.ts';

export const WRITE_TOKEN = 'test-write-token';
export const READ_TOKEN = 'test-read-token';
export const ADMIN_TOKEN = 'test-admin-token';
export const ORIGIN = 'https://edge.test';

let counter = 0;
/** A set name no other test uses (storage is shared across the tests of a run). */
export function freshSet(prefix = 'set'): string {
  counter += 1;
  return `${prefix}-${counter}-${crypto.randomUUID().slice(0, 8)}`;
}

export function call(
  method: string,
  path: string,
  { token = WRITE_TOKEN, body, headers = {} }: { token?: string | null; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Response> {
  const h = new Headers(headers);
  if (token !== null) h.set('Authorization', `Bearer ${token}`);
  let payload: string | undefined;
  if (body !== undefined) {
    payload = typeof body === 'string' ? body : JSON.stringify(body);
    if (!h.has('Content-Type')) h.set('Content-Type', 'application/json');
  }
  return SELF.fetch(`${ORIGIN}${path}`, { method, headers: h, ...(payload !== undefined ? { body: payload } : {}) });
}

export function createSet(set: string, params: unknown = {}, message = 'create'): Promise<Response> {
  return call('PUT', `/v1/sets/${set}/params`, { body: { params, message }, headers: { 'If-None-Match': '*' } });
}

/** The lineage of an existing set, as its params answer says. */
export async function lineageOf(set: string): Promise<string> {
  const res = await call('GET', `/v1/sets/${set}/params`);
  if (res.status !== 200) throw new Error(`GET params of ${set} answered ${res.status}`);
  return ((await res.json()) as { lineage: string }).lineage;
}

/** The ETag of version `version` of an existing set (its lineage read from the edge). */
export async function tagOf(set: string, version: number): Promise<string> {
  return etagFor(set, await lineageOf(set), version);
}

export async function putParams(set: string, version: number, params: unknown, message = 'update'): Promise<Response> {
  return call('PUT', `/v1/sets/${set}/params`, { body: { params, message }, headers: { 'If-Match': await tagOf(set, version) } });
}

/** Replaces the set's policy (admin token; If-Match: * unless a version is named). */
export function putPolicy(
  set: string,
  policy: Record<string, unknown>,
  { message = 'policy', ifMatch = '*', token = ADMIN_TOKEN }: { message?: string; ifMatch?: string | null; token?: string } = {},
): Promise<Response> {
  return call('PUT', `/v1/sets/${set}/policy`, {
    token,
    body: { ...policy, message },
    headers: ifMatch === null ? {} : { 'If-Match': ifMatch },
  });
}

export async function errorOf(res: Response): Promise<{
  code: string;
  message: string;
  fields?: { field: string; expected: string; message: string; value?: unknown }[];
  details?: Record<string, unknown>;
}> {
  const body = (await res.json()) as { error: never };
  return body.error;
}
