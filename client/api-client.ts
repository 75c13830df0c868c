/**
 * A typed client for every call of the edge API (v1), for the CLI and automation. Every answer is
 * parsed with the shared schemas (a trust boundary), every failure becomes one of the typed errors of
 * `edge-errors.ts`, and every request has a deadline. Transport is undici's `fetch`, injected.
 */
import { fetch as undiciFetch, type Dispatcher } from 'undici';
import { z } from 'zod';
import {
  HEADER_STALE,
  DiffSchema,
  FleetSchema,
  SetListSchema,
  VersionPageSchema,
  VersionSchema,
  type Diff,
  type Fleet,
  type SetList,
  type Version,
  type VersionPage,
} from '../shared/api.ts';
import { etagFor } from '../shared/etag.ts';
import { BadResponseError, edgeErrorFromResponse, edgeErrorFromThrown } from './edge-errors.ts';

/** What the client needs from `fetch`: undici's and the global one both fit. */
export type FetchLike = (
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string; signal: AbortSignal; dispatcher?: Dispatcher },
) => Promise<{ status: number; headers: { get(name: string): string | null }; text(): Promise<string> }>;

export interface ApiClientOptions {
  /** The edge's base URL, e.g. `http://127.0.0.1:8787` (a path prefix is kept). */
  baseUrl: string;
  /** Bearer token; sent only in the Authorization header, never part of a URL or a message. */
  token?: string | undefined;
  fetch?: FetchLike;
  dispatcher?: Dispatcher | undefined;
  /** Deadline of one request, in ms; a long-poll gets its wait on top. */
  timeoutMs?: number;
}

/** A version with the entity tag to send back as If-Match on the next write. */
export interface Tagged {
  version: Version;
  etag: string;
  /** The edge answered from its KV mirror (its hub was unreachable): maybe not the newest version. */
  stale?: boolean;
}

export type ParamsRead = ({ kind: 'changed' } & Tagged) | { kind: 'not-modified' };

/** How a write guards against lost updates: compare-and-swap on a read version, or create-only. */
export type WritePrecondition = { ifMatch: string } | { create: true };

export interface WriteRequest {
  params: unknown;
  message: string;
}

export interface CallOptions {
  signal?: AbortSignal | undefined;
}

export type ApiClient = ReturnType<typeof createApiClient>;

const SchemaDocumentSchema = z.record(z.string(), z.unknown());

function preconditionHeaders(precondition: WritePrecondition): Record<string, string> {
  return 'create' in precondition ? { 'if-none-match': '*' } : { 'if-match': precondition.ifMatch };
}

export function createApiClient({
  baseUrl,
  token,
  fetch = undiciFetch as unknown as FetchLike,
  dispatcher,
  timeoutMs = 10_000,
}: ApiClientOptions) {
  const base = baseUrl.replace(/\/+$/, '');
  const setPath = (set: string) => `/v1/sets/${encodeURIComponent(set)}`;

  async function request(
    method: string,
    path: string,
    init: { body?: unknown; headers?: Record<string, string>; extraMs?: number; signal?: AbortSignal | undefined } = {},
  ) {
    const url = `${base}${path}`;
    const headers: Record<string, string> = { accept: 'application/json', ...init.headers };
    if (token) headers.authorization = `Bearer ${token}`;
    if (init.body !== undefined) headers['content-type'] = 'application/json';
    const deadline = AbortSignal.timeout(timeoutMs + (init.extraMs ?? 0));
    const signal = init.signal ? AbortSignal.any([deadline, init.signal]) : deadline;
    try {
      const response = await fetch(url, {
        method,
        headers,
        signal,
        ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
        ...(dispatcher ? { dispatcher } : {}),
      });
      const text = await response.text();
      if (response.status >= 400) throw edgeErrorFromResponse(response.status, response.headers, text, url);
      return { url, status: response.status, headers: response.headers, text };
    } catch (error) {
      throw edgeErrorFromThrown(error, url);
    }
  }

  function parse<S extends z.ZodType>(schema: S, text: string, url: string, status: number): z.output<S> {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new BadResponseError('bad-response', `answer from ${url} is not JSON: ${text.slice(0, 120)}`, { status });
    }
    const result = schema.safeParse(json);
    if (!result.success) {
      const issue = result.error.issues[0];
      const where = issue?.path.length ? issue.path.join('.') : '(body)';
      throw new BadResponseError(
        'bad-response',
        `answer from ${url} has an unexpected shape at ${where}: ${issue?.message ?? 'invalid'}`,
        { status },
      );
    }
    return result.data;
  }

  async function getJson<S extends z.ZodType>(schema: S, path: string, options: CallOptions = {}): Promise<z.output<S>> {
    const answer = await request('GET', path, { signal: options.signal });
    return parse(schema, answer.text, answer.url, answer.status);
  }

  /** A version answer (write, rollback, read): the ETag from the header, or derived from the version. */
  async function tagged(method: string, path: string, init: Parameters<typeof request>[2]): Promise<Tagged> {
    const answer = await request(method, path, init);
    const version = parse(VersionSchema, answer.text, answer.url, answer.status);
    return { version, etag: answer.headers.get('etag') ?? etagFor(version.set, version.version) };
  }

  /**
   * The current version. With `ifNoneMatch` an unchanged set answers `not-modified`; with `waitS`
   * too the edge holds the request until a newer version exists or the wait ends (long-poll).
   */
  async function getParams(
    set: string,
    options: CallOptions & { ifNoneMatch?: string; waitS?: number } = {},
  ): Promise<ParamsRead> {
    const query = options.waitS === undefined ? '' : `?wait=${options.waitS}`;
    const headers: Record<string, string> = options.ifNoneMatch ? { 'if-none-match': options.ifNoneMatch } : {};
    const answer = await request('GET', `${setPath(set)}/params${query}`, {
      headers,
      signal: options.signal,
      extraMs: (options.waitS ?? 0) * 1000,
    });
    if (answer.status === 304) return { kind: 'not-modified' };
    const version = parse(VersionSchema, answer.text, answer.url, answer.status);
    const stale = answer.headers.get(HEADER_STALE) === 'true';
    return {
      kind: 'changed',
      version,
      etag: answer.headers.get('etag') ?? etagFor(set, version.version),
      ...(stale ? { stale } : {}),
    };
  }

  return {
    baseUrl: base,
    getParams,

    listSets(options?: CallOptions): Promise<SetList> {
      return getJson(SetListSchema, '/v1/sets', options);
    },

    /** The current version; a set with no version yet is a `NotFoundError`. */
    async current(set: string, options?: CallOptions): Promise<Tagged> {
      const read = await getParams(set, options);
      if (read.kind === 'not-modified') throw new BadResponseError('bad-response', `304 without If-None-Match for ${set}`);
      return read;
    },

    /** PUT: replace the whole document. */
    putParams(set: string, body: WriteRequest, precondition: WritePrecondition, options: CallOptions = {}): Promise<Tagged> {
      return tagged('PUT', `${setPath(set)}/params`, {
        body,
        headers: preconditionHeaders(precondition),
        signal: options.signal,
      });
    },

    /** PATCH: a JSON merge patch of the document (`null` puts a key back to its default). */
    patchParams(set: string, body: WriteRequest, precondition: { ifMatch: string }, options: CallOptions = {}): Promise<Tagged> {
      return tagged('PATCH', `${setPath(set)}/params`, {
        body,
        headers: preconditionHeaders(precondition),
        signal: options.signal,
      });
    },

    listVersions(set: string, page: { limit?: number; before?: number } = {}, options?: CallOptions): Promise<VersionPage> {
      const query = new URLSearchParams();
      if (page.limit !== undefined) query.set('limit', String(page.limit));
      if (page.before !== undefined) query.set('before', String(page.before));
      const suffix = query.size > 0 ? `?${query}` : '';
      return getJson(VersionPageSchema, `${setPath(set)}/versions${suffix}`, options);
    },

    getVersion(set: string, version: number, options?: CallOptions): Promise<Version> {
      return getJson(VersionSchema, `${setPath(set)}/versions/${version}`, options);
    },

    diff(set: string, from: number, to: number, options?: CallOptions): Promise<Diff> {
      return getJson(DiffSchema, `${setPath(set)}/diff?from=${from}&to=${to}`, options);
    },

    /** A new version whose params equal version `to`'s. */
    rollback(
      set: string,
      body: { to: number; message: string },
      options: CallOptions & { ifMatch?: string } = {},
    ): Promise<Tagged> {
      const headers: Record<string, string> = options.ifMatch ? { 'if-match': options.ifMatch } : {};
      return tagged('POST', `${setPath(set)}/rollback`, { body, headers, signal: options.signal });
    },

    fleet(set: string, options?: CallOptions): Promise<Fleet> {
      return getJson(FleetSchema, `${setPath(set)}/fleet`, options);
    },

    async schema(options: CallOptions = {}): Promise<Record<string, unknown>> {
      const answer = await request('GET', '/v1/schema', { signal: options.signal });
      return parse(SchemaDocumentSchema, answer.text, answer.url, answer.status);
    },

    /** The WebSocket URL of a set's watch stream, and the headers to open it with. */
    watchTarget(set: string): { url: string; headers: Record<string, string> } {
      const url = `${base.replace(/^http/, 'ws')}${setPath(set)}/watch`;
      return { url, headers: token ? { authorization: `Bearer ${token}` } : {} };
    },
  };
}
