/**
 * Raw HTTP against the edge for reliability tests: every answer comes back as status, headers and
 * text (never thrown), because these tests assert on exactly what the edge said, including the
 * failures a typed client would turn into exceptions. Also the few reads the tests repeat: the
 * current head, the whole history (paginated), the fleet table.
 */
import { ErrorBodySchema, type ErrorBody } from '../../../shared/api-error.ts';
import { FleetSchema, VersionPageSchema, VersionSchema, type Fleet, type Version } from '../../../shared/api.ts';

export interface RawAnswer {
  status: number;
  headers: Headers;
  text: string;
  json(): unknown;
}

export interface RawRequest {
  method?: string;
  token?: string | undefined;
  headers?: Record<string, string>;
  /** A string is sent as is; anything else as JSON. */
  body?: unknown;
  timeoutMs?: number;
}

export async function call(
  baseUrl: string,
  path: string,
  { method = 'GET', token, headers = {}, body, timeoutMs = 30_000 }: RawRequest = {},
): Promise<RawAnswer> {
  const all: Record<string, string> = { ...headers };
  if (token !== undefined) all.authorization = `Bearer ${token}`;
  let payload: string | undefined;
  if (body !== undefined) {
    payload = typeof body === 'string' ? body : JSON.stringify(body);
    if (!Object.keys(all).some((h) => h.toLowerCase() === 'content-type')) all['content-type'] = 'application/json';
  }
  const res = await fetch(`${baseUrl}${path}`, { method, headers: all, body: payload, signal: AbortSignal.timeout(timeoutMs) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: () => JSON.parse(text) as unknown };
}

/** The error body of a failed answer, parsed with the shared schema (throws when it does not parse). */
export function errorBody(answer: RawAnswer): ErrorBody {
  return ErrorBodySchema.parse(answer.json());
}

/** The current head of `set` (version and ETag), or undefined when the set does not exist yet. */
export async function head(baseUrl: string, token: string, set: string): Promise<{ version: Version; etag: string } | undefined> {
  const answer = await call(baseUrl, `/v1/sets/${set}/params`, { token });
  if (answer.status === 404) return undefined;
  if (answer.status !== 200) throw new Error(`GET params of ${set} answered ${answer.status}: ${answer.text}`);
  return { version: VersionSchema.parse(answer.json()), etag: answer.headers.get('etag') ?? '' };
}

/** Every version of `set`, oldest first, following `next_before` page by page. */
export async function history(baseUrl: string, token: string, set: string, limit = 100): Promise<Version[]> {
  const all: Version[] = [];
  let before: number | null | undefined;
  for (;;) {
    const query = before ? `?limit=${limit}&before=${before}` : `?limit=${limit}`;
    const answer = await call(baseUrl, `/v1/sets/${set}/versions${query}`, { token });
    if (answer.status !== 200) throw new Error(`GET versions of ${set} answered ${answer.status}: ${answer.text}`);
    const page = VersionPageSchema.parse(answer.json());
    all.push(...page.versions);
    if (page.next_before === null || page.versions.length === 0) break;
    before = page.next_before;
  }
  return all.reverse();
}

export async function fleet(baseUrl: string, token: string, set: string): Promise<Fleet> {
  const answer = await call(baseUrl, `/v1/sets/${set}/fleet`, { token });
  if (answer.status !== 200) throw new Error(`GET fleet of ${set} answered ${answer.status}: ${answer.text}`);
  return FleetSchema.parse(answer.json());
}

/** Creates `set` (If-None-Match: *) with `params`; returns the new head. */
export async function createSet(
  baseUrl: string,
  token: string,
  set: string,
  params: Record<string, unknown>,
  message = 'e2e: create',
): Promise<Version> {
  const answer = await call(baseUrl, `/v1/sets/${set}/params`, {
    method: 'PUT',
    token,
    headers: { 'if-none-match': '*' },
    body: { params, message },
  });
  if (answer.status !== 201 && answer.status !== 200)
    throw new Error(`creating ${set} answered ${answer.status}: ${answer.text}`);
  return VersionSchema.parse(answer.json());
}

/** PATCHes `set` against its current head (read, then If-Match); returns the new version. */
export async function patch(
  baseUrl: string,
  token: string,
  set: string,
  params: Record<string, unknown>,
  message: string,
): Promise<Version> {
  const current = await head(baseUrl, token, set);
  if (!current) throw new Error(`set ${set} does not exist`);
  const answer = await call(baseUrl, `/v1/sets/${set}/params`, {
    method: 'PATCH',
    token,
    headers: { 'if-match': current.etag },
    body: { params, message },
  });
  if (answer.status !== 200) throw new Error(`PATCH ${set} answered ${answer.status}: ${answer.text}`);
  return VersionSchema.parse(answer.json());
}

export async function rollback(baseUrl: string, token: string, set: string, to: number, message: string): Promise<Version> {
  const answer = await call(baseUrl, `/v1/sets/${set}/rollback`, { method: 'POST', token, body: { to, message } });
  if (answer.status !== 200 && answer.status !== 201)
    throw new Error(`rollback of ${set} answered ${answer.status}: ${answer.text}`);
  return VersionSchema.parse(answer.json());
}
