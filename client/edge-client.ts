/**
 * The one client of the edge API (v1), for the runner's sync, the CLI, automation and the dashboard.
 * Every answer is parsed with the shared schemas (a trust boundary), every failure is one of the
 * typed errors of `edge-errors.ts`, and every request has a deadline on the injected clock.
 *
 * Params reads come in two strengths. `readParams` is the runner's: the version's params are
 * validated on their own (`received-version.ts`), so a document that breaks the schema becomes a
 * rejection of that version (a NACK with the reason), not a failed request. `getParams`/`current`
 * are everyone else's: anything but a valid version is a `BadResponseError`.
 */
import { z } from 'zod';
import {
  DiffSchema,
  FleetSchema,
  HEADER_STALE,
  SetListSchema,
  VersionPageSchema,
  VersionSchema,
  type Diff,
  type Fleet,
  type Force,
  type RunnerReport,
  type SetList,
  type Version,
  type VersionPage,
} from '../shared/api.ts';
import type { Clock } from '../shared/clock.ts';
import {
  CompareAnswerSchema,
  PerfAnswerSchema,
  type CompareAnswer,
  type PerfAnswer,
  type PerfBucket,
  type PerfGrouping,
} from '../shared/perf.ts';
import {
  PolicyHistorySchema,
  PolicyVersionSchema,
  type PolicyHistory,
  type PolicyVersion,
  type PolicyWriteBody,
} from '../shared/policy-schema.ts';
import { etagFor } from '../shared/etag.ts';
import type { WriteSignature } from '../shared/signing/version-signature.ts';
import {
  RolloutAnswerSchema,
  RolloutListSchema,
  type Rollout,
  type RolloutAction,
  type RolloutList,
  type RolloutRequestInput,
} from '../shared/rollout.ts';
import { checkedEtag } from './checked-etag.ts';
import { BadResponseError } from './edge-errors.ts';
import { createEdgeRequest, type EdgeAnswer, type EdgeRequestInit, type FetchLike } from './edge-request.ts';
import { parseAnswer } from './parse-answer.ts';
import { MAX_VERSION_BYTES } from './read-capped-body.ts';
import { readReceivedVersionText, receivedIdentity, type ReceivedVersion } from './received-version.ts';

export interface EdgeClientOptions {
  /** The edge's base URL, e.g. `http://127.0.0.1:8787` (a path prefix is kept). */
  baseUrl: string;
  /** Bearer token; sent only in the Authorization header, never part of a URL or a message. */
  token?: string | undefined;
  /** Default: `globalThis.fetch`. The runner passes undici's, bound to its own connection pool. */
  fetch?: FetchLike | undefined;
  clock?: Clock | undefined;
  /** Deadline of one request, in ms, unless the call sets its own; a long-poll gets its wait on top. */
  timeoutMs?: number;
  /**
   * Who reads (a runner's id and region): sent as `?runner=&region=` on params reads and the watch
   * socket, so the edge answers the version assigned to this runner (a rollout's candidate when it is
   * in one of the rollout's stages). Without it the edge answers the set's head.
   */
  reader?: { runner: string; region: string } | undefined;
}

/** A version with the entity tag to send back as If-Match on the next write. */
export interface Tagged {
  version: Version;
  etag: string;
  /** The edge answered from its KV mirror (its hub was unreachable): maybe not the newest version. */
  stale?: boolean;
  /** A write that changed nothing (`Livetune-Unchanged`): `version` is the current one, none was made. */
  unchanged?: boolean;
}

/** A set's policy with the entity tag to send back as If-Match on the next policy write. */
export interface TaggedPolicy {
  policy: PolicyVersion;
  etag: string;
  unchanged?: boolean;
}

/**
 * A params read as the runner takes it. `etag` names the version in `received` (checked: an answer
 * whose ETag names another version throws `BadResponseError`); null only for a malformed body with
 * no ETag.
 */
export type ParamsAnswer =
  | { kind: 'changed'; received: ReceivedVersion; etag: string | null; stale: boolean }
  | { kind: 'not-modified'; stale: boolean };

/** A params read as the CLI takes it: a valid version, or nothing new. */
export type ParamsRead = ({ kind: 'changed' } & Tagged) | { kind: 'not-modified' };

/** How a write guards against lost updates: compare-and-swap on a read version, or create-only. */
export type WritePrecondition = { ifMatch: string } | { create: true };

export interface WriteRequest {
  params: unknown;
  message: string;
  /** Passes the set policy's step limit on purpose, with its own reason. */
  force?: Force | undefined;
  /** The operator's signature of the version the write makes (`shared/signing/sign-write.ts`). */
  signature?: WriteSignature | undefined;
}

export interface CallOptions {
  signal?: AbortSignal | undefined;
  /** This call's whole deadline, instead of the client's. */
  timeoutMs?: number;
}

export interface ReadParamsOptions extends CallOptions {
  /** The ETag of the newest version the caller holds: an unchanged set answers `not-modified`. */
  ifNoneMatch?: string | null | undefined;
  /** Long-poll: the edge holds the request up to this many seconds until a newer version exists. */
  waitS?: number;
}

export type EdgeClient = ReturnType<typeof createEdgeClient>;

const SchemaDocumentSchema = z.record(z.string(), z.unknown());

function preconditionHeaders(precondition: WritePrecondition): Record<string, string> {
  return 'create' in precondition ? { 'if-none-match': '*' } : { 'if-match': precondition.ifMatch };
}

/** The version in a read, or a `BadResponseError` saying why the edge's answer is not one. */
function validVersion(received: ReceivedVersion, url: string): Version {
  switch (received.kind) {
    case 'valid':
      return received.version;
    case 'invalid-params':
      throw new BadResponseError(
        'bad-response',
        `answer from ${url}: version ${received.version} has invalid params: ${received.reason}`,
      );
    case 'malformed':
      throw new BadResponseError('bad-response', `answer from ${url}: ${received.reason}`);
  }
}

export function createEdgeClient({ baseUrl, token, fetch, clock, timeoutMs = 10_000, reader }: EdgeClientOptions) {
  const base = baseUrl.replace(/\/+$/, '');
  /** `?wait=`, and the reader's identity, as a query string ('' when empty). */
  const readQuery = (wait: number): string => {
    const query = new URLSearchParams();
    if (wait > 0) query.set('wait', String(wait));
    if (reader !== undefined) {
      query.set('runner', reader.runner);
      query.set('region', reader.region);
    }
    return query.size > 0 ? `?${query}` : '';
  };
  const request = createEdgeRequest({ baseUrl: base, token, ...(fetch ? { fetch } : {}), ...(clock ? { clock } : {}) });
  const setPath = (set: string) => `/v1/sets/${encodeURIComponent(set)}`;
  const init = (options: CallOptions, rest: Omit<EdgeRequestInit, 'timeoutMs' | 'signal'> = {}): EdgeRequestInit => ({
    ...rest,
    timeoutMs: options.timeoutMs ?? timeoutMs,
    signal: options.signal,
  });

  async function getJson<S extends z.ZodType>(schema: S, path: string, options: CallOptions = {}): Promise<z.output<S>> {
    return parseAnswer(schema, await request('GET', path, init(options)));
  }

  /** A version answer (write, rollback): its ETag, checked against the version it came with. */
  function tagged(answer: EdgeAnswer): Tagged {
    const version = parseAnswer(VersionSchema, answer);
    const unchanged = answer.headers.get('livetune-unchanged')?.toLowerCase() === 'true';
    return {
      version,
      etag: checkedEtag(answer.headers.get('etag'), version, answer.url),
      ...(unchanged ? { unchanged } : {}),
    };
  }

  function taggedPolicy(answer: EdgeAnswer): TaggedPolicy {
    const policy = parseAnswer(PolicyVersionSchema, answer);
    const etag = answer.headers.get('etag');
    if (etag === null) throw new BadResponseError('bad-response', `policy answer for ${policy.set} has no ETag`);
    const unchanged = answer.headers.get('livetune-unchanged')?.toLowerCase() === 'true';
    return { policy, etag, ...(unchanged ? { unchanged } : {}) };
  }

  async function readParams(set: string, options: ReadParamsOptions = {}): Promise<ParamsAnswer> {
    const { ifNoneMatch, waitS = 0 } = options;
    // A long-poll waits for a version newer than the caller's; with none named there is nothing to wait for.
    const wait = waitS > 0 && ifNoneMatch ? waitS : 0;
    const answer = await request('GET', `${setPath(set)}/params${readQuery(wait)}`, {
      headers: ifNoneMatch ? { 'if-none-match': ifNoneMatch } : {},
      timeoutMs: options.timeoutMs ?? timeoutMs + wait * 1000,
      signal: options.signal,
      // One version: a few KiB. Anything past the cap is not read (a hostile edge's 200 MB answer).
      maxBytes: MAX_VERSION_BYTES,
    });
    const stale = answer.headers.get(HEADER_STALE)?.toLowerCase() === 'true';
    if (answer.status === 304) return { kind: 'not-modified', stale };
    const received = readReceivedVersionText(answer.text, set);
    const identity = receivedIdentity(received, set);
    // A tag that names another version than the body is a garbage answer: thrown, never kept.
    const etag =
      identity === undefined ? answer.headers.get('etag') : checkedEtag(answer.headers.get('etag'), identity, answer.url);
    return { kind: 'changed', received, etag, stale };
  }

  /** The current version, strictly parsed; with `ifNoneMatch` (and `waitS`) as `readParams`. */
  async function getParams(set: string, options: ReadParamsOptions = {}): Promise<ParamsRead> {
    const answer = await readParams(set, options);
    if (answer.kind === 'not-modified') return { kind: 'not-modified' };
    const version = validVersion(answer.received, paramsUrl(set));
    return {
      kind: 'changed',
      version,
      etag: answer.etag ?? etagFor(set, version.lineage, version.version),
      ...(answer.stale ? { stale: true } : {}),
    };
  }

  function paramsUrl(set: string): string {
    return `${base}${setPath(set)}/params`;
  }

  return {
    baseUrl: base,
    paramsUrl,
    readParams,
    getParams,

    /** The current version; a set with no version yet is a `NotFoundError`. */
    async current(set: string, options: CallOptions = {}): Promise<Tagged> {
      const read = await getParams(set, options);
      if (read.kind === 'not-modified') throw new BadResponseError('bad-response', `304 without If-None-Match for ${set}`);
      return read;
    },

    listSets(options?: CallOptions): Promise<SetList> {
      return getJson(SetListSchema, '/v1/sets', options);
    },

    /** PUT: replace the whole document. */
    async putParams(
      set: string,
      body: WriteRequest,
      precondition: WritePrecondition,
      options: CallOptions = {},
    ): Promise<Tagged> {
      return tagged(
        await request('PUT', `${setPath(set)}/params`, init(options, { body, headers: preconditionHeaders(precondition) })),
      );
    },

    /** PATCH: a JSON merge patch of the document (`null` puts a key back to its default). */
    async patchParams(
      set: string,
      body: WriteRequest,
      precondition: { ifMatch: string },
      options: CallOptions = {},
    ): Promise<Tagged> {
      return tagged(
        await request('PATCH', `${setPath(set)}/params`, init(options, { body, headers: preconditionHeaders(precondition) })),
      );
    },

    listVersions(set: string, page: { limit?: number; before?: number } = {}, options?: CallOptions): Promise<VersionPage> {
      const query = new URLSearchParams();
      if (page.limit !== undefined) query.set('limit', String(page.limit));
      if (page.before !== undefined) query.set('before', String(page.before));
      const suffix = query.size > 0 ? `?${query}` : '';
      return getJson(VersionPageSchema, `${setPath(set)}/versions${suffix}`, options);
    },

    async getVersion(set: string, version: number, options: CallOptions = {}): Promise<Version> {
      const answer = await request('GET', `${setPath(set)}/versions/${version}`, init(options));
      return tagged(answer).version;
    },

    diff(set: string, from: number, to: number, options?: CallOptions): Promise<Diff> {
      return getJson(DiffSchema, `${setPath(set)}/diff?from=${from}&to=${to}`, options);
    },

    /** A new version whose params equal version `to`'s. */
    async rollback(
      set: string,
      body: { to: number; message: string; force?: Force | undefined; signature?: WriteSignature | undefined },
      options: CallOptions & { ifMatch?: string } = {},
    ): Promise<Tagged> {
      const headers: Record<string, string> = options.ifMatch ? { 'if-match': options.ifMatch } : {};
      return tagged(await request('POST', `${setPath(set)}/rollback`, init(options, { body, headers })));
    },

    /** The set's policy (version 0: the default) and its ETag. */
    async getPolicy(set: string, options: CallOptions = {}): Promise<TaggedPolicy> {
      return taggedPolicy(await request('GET', `${setPath(set)}/policy`, init(options)));
    },

    /** Replaces the set's policy (admin scope), compare-and-swap on the policy's ETag. */
    async putPolicy(set: string, body: PolicyWriteBody, ifMatch: string, options: CallOptions = {}): Promise<TaggedPolicy> {
      return taggedPolicy(
        await request('PUT', `${setPath(set)}/policy`, init(options, { body, headers: { 'if-match': ifMatch } })),
      );
    },

    policyHistory(set: string, options?: CallOptions): Promise<PolicyHistory> {
      return getJson(PolicyHistorySchema, `${setPath(set)}/policy/versions?limit=100`, options);
    },

    fleet(set: string, options?: CallOptions): Promise<Fleet> {
      return getJson(FleetSchema, `${setPath(set)}/fleet`, options);
    },

    /** Trading figures per version, region or runner; with `bucket` a time series per group. */
    perf(
      set: string,
      query: { by?: PerfGrouping; from?: Date; to?: Date; bucket?: PerfBucket } = {},
      options?: CallOptions,
    ): Promise<PerfAnswer> {
      const params = new URLSearchParams();
      if (query.by !== undefined) params.set('by', query.by);
      if (query.from !== undefined) params.set('from', query.from.toISOString());
      if (query.to !== undefined) params.set('to', query.to.toISOString());
      if (query.bucket !== undefined) params.set('bucket', query.bucket);
      const suffix = params.size > 0 ? `?${params}` : '';
      return getJson(PerfAnswerSchema, `${setPath(set)}/perf${suffix}`, options);
    },

    /** Versions `a` and `b` side by side: each metric's difference with a 95 % interval. */
    compare(set: string, a: number, b: number, options?: CallOptions): Promise<CompareAnswer> {
      return getJson(CompareAnswerSchema, `${setPath(set)}/perf/compare?a=${a}&b=${b}`, options);
    },

    schema(options?: CallOptions): Promise<Record<string, unknown>> {
      return getJson(SchemaDocumentSchema, '/v1/schema', options);
    },

    /** A runner's report: what it applied or rejected, its sync state, a few trading figures. */
    async postReport(set: string, runnerId: string, report: RunnerReport, options: CallOptions = {}): Promise<void> {
      await request(
        'POST',
        `${setPath(set)}/runners/${encodeURIComponent(runnerId)}/report`,
        init(options, { body: report, maxBytes: MAX_VERSION_BYTES }),
      );
    },

    /** Starts a guarded rollout of a change (write scope); answers the rollout with its candidate version. */
    async startRollout(
      set: string,
      body: RolloutRequestInput,
      options: CallOptions & { ifMatch?: string } = {},
    ): Promise<Rollout> {
      // A signed rollout names the head it was signed on (the signature fails on any other anyway).
      const headers: Record<string, string> = options.ifMatch ? { 'if-match': options.ifMatch } : {};
      return parseAnswer(RolloutAnswerSchema, await request('POST', `${setPath(set)}/rollouts`, init(options, { body, headers })))
        .rollout;
    },

    async getRollout(set: string, id: string, options?: CallOptions): Promise<Rollout> {
      return (await getJson(RolloutAnswerSchema, `${setPath(set)}/rollouts/${encodeURIComponent(id)}`, options)).rollout;
    },

    /** Newest first. */
    listRollouts(set: string, limit = 20, options?: CallOptions): Promise<RolloutList> {
      return getJson(RolloutListSchema, `${setPath(set)}/rollouts?limit=${limit}`, options);
    },

    /** `promote` (the next stage, or the head after the last) or `abort` (a rollback version at once). */
    async decideRollout(
      set: string,
      id: string,
      action: 'promote' | 'abort',
      body: RolloutAction = {},
      options: CallOptions = {},
    ): Promise<Rollout> {
      const path = `${setPath(set)}/rollouts/${encodeURIComponent(id)}/${action}`;
      return parseAnswer(RolloutAnswerSchema, await request('POST', path, init(options, { body }))).rollout;
    },

    /** The WebSocket URL of a set's watch stream, and the headers to open it with (`watch-socket.ts`). */
    watchTarget(set: string): { url: string; headers: Record<string, string> } {
      const url = `${base.replace(/^http/, 'ws')}${setPath(set)}/watch${readQuery(0)}`;
      return { url, headers: token ? { authorization: `Bearer ${token}` } : {} };
    },
  };
}
