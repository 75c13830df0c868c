/**
 * The dashboard's one way to the edge: plain `fetch` (injected) with the operator's bearer token,
 * every answer parsed with the schemas of shared/ before the page uses it, and every failure turned
 * into one `ApiFailure`. A version's ETag must name the version in the body (DESIGN: a client checks
 * that an answer's ETag matches its body).
 *
 * Same origin only: the page is served by the edge it talks to, so paths are relative and the
 * credentials are the bearer token alone (`credentials: 'omit'`: no cookie is ever involved).
 */
import type { z } from 'zod';
import {
  type Diff,
  DiffSchema,
  type Fleet,
  FleetSchema,
  HEADER_STALE,
  type SetSummary,
  SetListSchema,
  TokenInfoSchema,
  type Version,
  type VersionPage,
  VersionPageSchema,
  VersionSchema,
} from '../../shared/api.ts';
import { etagFor } from '../../shared/etag.ts';
import {
  type CompareAnswer,
  CompareAnswerSchema,
  type PerfAnswer,
  PerfAnswerSchema,
  type PerfBucket,
  type PerfGrouping,
} from '../../shared/perf.ts';
import type { WriteSignature } from '../../shared/signing/version-signature.ts';
import { type Rollout, RolloutAnswerSchema, RolloutListSchema } from '../../shared/rollout.ts';
import { ApiFailure } from './api-failure.ts';

type Fetch = (input: string, init: RequestInit) => Promise<Response>;

/** A version as the edge sent it, with its entity tag and whether it came from the KV mirror. */
export interface VersionAnswer {
  version: Version;
  etag: string;
  /** The edge answered from its replicated copy (its hub was unreachable): newer versions may exist. */
  stale: boolean;
}

/** A (long-)poll of the params: a version, or "still the one you have" (304). */
export type ParamsAnswer = ({ kind: 'version' } & VersionAnswer) | { kind: 'not-modified'; stale: boolean };

interface RequestOptions {
  method?: 'GET' | 'PUT' | 'PATCH' | 'POST';
  body?: unknown;
  ifMatch?: string | null;
  ifNoneMatch?: string | null;
  signal?: AbortSignal;
}

const isAbort = (error: unknown) => error instanceof Error && error.name === 'AbortError';

export class EdgeApi {
  readonly #token: string;
  readonly #fetch: Fetch;

  constructor({ token, fetch = (input, init) => globalThis.fetch(input, init) }: { token: string; fetch?: Fetch }) {
    this.#token = token;
    this.#fetch = fetch;
  }

  /** The param sets (read scope): what sign-in checks the token with. */
  async sets(): Promise<SetSummary[]> {
    return (await this.#json('/v1/sets', SetListSchema)).sets;
  }

  /** The set's current version; with `ifNoneMatch` and `waitS`, a long-poll that answers when it changes. */
  async params(
    set: string,
    { ifNoneMatch = null, waitS, signal }: { ifNoneMatch?: string | null; waitS?: number; signal?: AbortSignal } = {},
  ): Promise<ParamsAnswer> {
    const path = setPath(set, waitS === undefined ? '/params' : `/params?wait=${waitS}`);
    const response = await this.#send(path, { ifNoneMatch, ...(signal ? { signal } : {}) });
    const stale = response.headers.get(HEADER_STALE) === 'true';
    if (response.status === 304) {
      await response.body?.cancel();
      return { kind: 'not-modified', stale };
    }
    return { kind: 'version', ...(await this.#version(set, 'GET', path, response)) };
  }

  /** A write: PATCH with a merge patch, PUT with a whole document; `ifMatch` is the version edited. */
  async write(
    set: string,
    method: 'PATCH' | 'PUT',
    {
      params,
      message,
      ifMatch,
      signature,
    }: { params: unknown; message: string; ifMatch: string | null; signature?: WriteSignature | undefined },
  ): Promise<VersionAnswer> {
    const path = setPath(set, '/params');
    const body = { params, message, ...(signature ? { signature } : {}) };
    return this.#version(set, method, path, await this.#send(path, { method, body, ifMatch }));
  }

  /** Whether the token may write (`GET /v1/token` names its scope; nothing is sent that could write). */
  async canWrite(): Promise<boolean> {
    return (await this.#json('/v1/token', TokenInfoSchema)).scope !== 'read';
  }

  /** A new version equal to version `to`. */
  async rollback(
    set: string,
    {
      to,
      message,
      ifMatch,
      signature,
    }: { to: number; message: string; ifMatch: string | null; signature?: WriteSignature | undefined },
  ): Promise<VersionAnswer> {
    const path = setPath(set, '/rollback');
    const body = { to, message, ...(signature ? { signature } : {}) };
    return this.#version(set, 'POST', path, await this.#send(path, { method: 'POST', body, ifMatch }));
  }

  /** One version of the set (a rollback's target, to sign its params). */
  async version(set: string, n: number): Promise<Version> {
    return this.#json(setPath(set, `/versions/${n}`), VersionSchema);
  }

  /** A page of the history, newest first, from `before` (exclusive) down. */
  versions(set: string, { limit, before }: { limit: number; before?: number | null }): Promise<VersionPage> {
    return this.#json(setPath(set, `/versions?limit=${limit}${before ? `&before=${before}` : ''}`), VersionPageSchema);
  }

  diff(set: string, from: number, to: number): Promise<Diff> {
    return this.#json(setPath(set, `/diff?from=${from}&to=${to}`), DiffSchema);
  }

  fleet(set: string, { signal }: { signal?: AbortSignal } = {}): Promise<Fleet> {
    return this.#json(setPath(set, '/fleet'), FleetSchema, signal ? { signal } : {});
  }

  /** Trading figures per version, region or runner since `from`; with `bucket`, a series per group. */
  perf(
    set: string,
    { by, from, bucket, signal }: { by: PerfGrouping; from: Date; bucket?: PerfBucket; signal?: AbortSignal },
  ): Promise<PerfAnswer> {
    const query = new URLSearchParams({ by, from: from.toISOString(), ...(bucket ? { bucket } : {}) });
    return this.#json(setPath(set, `/perf?${query}`), PerfAnswerSchema, signal ? { signal } : {});
  }

  /** Versions `a` and `b` side by side, each metric's difference with its 95 % interval. */
  compare(set: string, a: number, b: number): Promise<CompareAnswer> {
    return this.#json(setPath(set, `/perf/compare?a=${a}&b=${b}`), CompareAnswerSchema);
  }

  /** The set's newest rollout, or null when it has had none. */
  async newestRollout(set: string, { signal }: { signal?: AbortSignal } = {}): Promise<Rollout | null> {
    const list = await this.#json(setPath(set, '/rollouts?limit=1'), RolloutListSchema, signal ? { signal } : {});
    return list.rollouts[0] ?? null;
  }

  /** `promote` (the next stage now) or `abort` (a rollback version for every runner) of a rollout. */
  async decideRollout(set: string, id: string, action: 'promote' | 'abort', message: string | undefined): Promise<Rollout> {
    const path = setPath(set, `/rollouts/${encodeURIComponent(id)}/${action}`);
    return (await this.#json(path, RolloutAnswerSchema, { method: 'POST', body: message ? { message } : {} })).rollout;
  }

  /** Sends one request; resolves with a 2xx or 304 answer, throws `ApiFailure` for anything else. */
  async #send(path: string, { method = 'GET', body, ifMatch, ifNoneMatch, signal }: RequestOptions = {}): Promise<Response> {
    const headers: Record<string, string> = { Authorization: `Bearer ${this.#token}`, Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (ifMatch) headers['If-Match'] = ifMatch;
    if (ifNoneMatch) headers['If-None-Match'] = ifNoneMatch;
    let response: Response;
    try {
      // no-store: a conditional request the page sets itself must reach the edge, and its 304 come back to the page.
      response = await this.#fetch(path, {
        method,
        headers,
        cache: 'no-store',
        credentials: 'omit',
        ...(signal ? { signal } : {}),
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
    } catch (error) {
      if (isAbort(error)) throw error;
      throw new ApiFailure({ status: 0, code: 'network', message: 'the edge could not be reached' });
    }
    if (response.ok || response.status === 304) return response;
    throw ApiFailure.fromAnswer(response.status, await readJson(response));
  }

  async #json<S extends z.ZodType>(path: string, schema: S, options: RequestOptions = {}): Promise<z.output<S>> {
    const response = await this.#send(path, options);
    return parseAnswer(schema, await readJson(response), `${options.method ?? 'GET'} ${path}`);
  }

  async #version(set: string, method: string, path: string, response: Response): Promise<VersionAnswer> {
    const what = `${method} ${path}`;
    const version = parseAnswer(VersionSchema, await readJson(response), what);
    const etag = response.headers.get('ETag');
    if (version.set !== set || etag !== etagFor(version.set, version.lineage, version.version)) {
      throw badResponse(
        what,
        `its ETag ${etag} does not name the version in its body (${version.set} lineage ${version.lineage} v${version.version})`,
      );
    }
    return { version, etag, stale: response.headers.get(HEADER_STALE) === 'true' };
  }
}

function setPath(set: string, suffix: string): string {
  return `/v1/sets/${encodeURIComponent(set)}${suffix}`;
}

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function badResponse(what: string, why: string): ApiFailure {
  return new ApiFailure({ status: 0, code: 'bad_response', message: `the edge's answer to ${what} is not usable: ${why}` });
}

function parseAnswer<S extends z.ZodType>(schema: S, body: unknown, what: string): z.output<S> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const where = result.error.issues
    .slice(0, 3)
    .map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`)
    .join('; ');
  throw badResponse(what, where);
}
