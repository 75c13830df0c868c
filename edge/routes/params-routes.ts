/**
 * `/v1/sets/:set/params`: read the current version (ETag, 304, long-poll held in the hub, stale
 * fallback to the KV mirror when the hub is unreachable), replace it (PUT) or merge-patch it (PATCH).
 */
import type { Context, Hono } from 'hono';
import { MAX_WAIT_S, RunnerIdSchema, VersionSchema, WriteBodySchema, type Version } from '../../shared/api.ts';
import type { RunnerIdentity } from '../../shared/rollout-assignment.ts';
import { RegionSchema } from '../../shared/rollout.ts';
import { describeIssues, validateParams, validateParamsPatch } from '../../shared/validate-params.ts';
import { requireWrite } from '../auth/authenticate.ts';
import type { AppEnv, EdgeEnv } from '../env.ts';
import { ApiError, badRequest, notFound, validationFailed } from '../errors/api-error.ts';
import { parseBody } from '../http/parse-body.ts';
import { ifNoneMatchNames, readIfNoneMatch, readPrecondition } from '../http/preconditions.ts';
import { readJsonBody } from '../http/read-json-body.ts';
import { HEADER_UNCHANGED, notModified, versionResponse } from '../http/version-response.ts';
import { setExists } from '../hub/existing-hub.ts';
import type { HubFor } from '../hub/hub-for.ts';
import { unwrap } from '../hub/hub-result.ts';
import type { WriteChange } from '../hub/write-command.ts';
import { headMirrorKey } from '../kv-keys.ts';
import { log } from '../log.ts';

type IfNoneMatch = ReturnType<typeof readIfNoneMatch>;

function parseWait(raw: string | undefined): number {
  if (raw === undefined) return 0;
  const seconds = /^[0-9]{1,3}(\.[0-9]{1,3})?$/.test(raw) ? Number(raw) : NaN;
  if (!(seconds >= 0 && seconds <= MAX_WAIT_S))
    throw badRequest(`wait = ${JSON.stringify(raw)} is not accepted: expected seconds in [0, ${MAX_WAIT_S}]`);
  return seconds;
}

/**
 * `?runner=&region=`: who reads, so a runner inside a rollout's stages is given its candidate. Checked
 * like a report's fields (a runner id, a printable region); absent, the reader gets the head.
 */
export function readIdentity(runner: string | undefined, region: string | undefined): RunnerIdentity {
  const who: RunnerIdentity = {};
  if (runner !== undefined) {
    const parsed = RunnerIdSchema.safeParse(runner);
    if (!parsed.success)
      throw badRequest(
        `runner = ${JSON.stringify(runner.slice(0, 100))} is not accepted: ${parsed.error.issues[0]?.message ?? 'invalid'}`,
      );
    who.runner = parsed.data;
  }
  if (region !== undefined) {
    const parsed = RegionSchema.safeParse(region);
    if (!parsed.success)
      throw badRequest(
        `region = ${JSON.stringify(region.slice(0, 100))} is not accepted: a region is 1..64 printable characters (${parsed.error.issues[0]?.message ?? 'invalid'})`,
      );
    who.region = parsed.data;
  }
  return who;
}

/**
 * The KV mirror of the head: possibly behind, so the answer says it is stale. A mirror no newer than
 * a version of its lineage the client already holds (named in If-None-Match) is answered 304, never
 * 200: an older version would look like a rollback nobody made (an interrupted long-poll, a watching
 * dashboard). The 304 carries the client's own tag, and `Retry-After` so the client does not re-poll
 * at once. A tag of another lineage is no reason for a 304: the client holds another history. A
 * mirror that is not a version (one written before lineages existed) is no answer at all.
 */
async function answerFromMirror(
  env: EdgeEnv,
  set: string,
  ifNoneMatch: IfNoneMatch | undefined,
  cause: unknown,
): Promise<Response> {
  log.error('hub_unreachable', { set, error: String(cause) });
  const stored = await env.VERSIONS.get(headMirrorKey(set), 'json').catch(() => null);
  const mirror = VersionSchema.safeParse(stored);
  if (!mirror.success || mirror.data.set !== set)
    throw new ApiError({
      status: 503,
      code: 'unavailable',
      message: `set "${set}" cannot be read right now; retry shortly`,
      headers: { 'Retry-After': '1' },
    });
  const head = mirror.data;
  if (ifNoneMatch?.any) return notModified(head, { stale: true });
  const known = Math.max(0, ...(ifNoneMatch?.tags ?? []).filter((t) => t.lineage === head.lineage).map((t) => t.version));
  if (head.version > known) return versionResponse(head, { stale: true });
  const response = notModified({ ...head, version: known }, { stale: true });
  response.headers.set('Retry-After', '1');
  return response;
}

/**
 * Every key of a patch must be a known key — also one set to null ("back to the default"): a typo
 * set to null would otherwise reset nothing and pass as a no-op — with an accepted value.
 */
function patchOf(params: unknown): Record<string, unknown> {
  const validation = validateParamsPatch(params);
  if (!validation.ok) throw validationFailed(`params rejected: ${describeIssues(validation.issues)}`, validation.issues);
  return validation.patch;
}

export function registerParamsRoutes(app: Hono<AppEnv>, { hubFor }: { hubFor: HubFor }): void {
  app.get('/v1/sets/:set/params', async function getParams(c) {
    const set = c.req.param('set');
    const ifNoneMatch = readIfNoneMatch(set, c.req.raw.headers);
    // The whole tag: a tag of another lineage never matches, so a long-poll with one is answered at once.
    const matches = (v: Version) => ifNoneMatchNames(ifNoneMatch, v);
    const waitS = parseWait(c.req.query('wait'));
    const who = readIdentity(c.req.query('runner'), c.req.query('region'));
    // A read of a set that does not exist must not address (and so create) a hub.
    if (!(await setExists(c.env, set))) throw notFound(`set "${set}" does not exist`);
    // The version assigned to the reader (a rollout's candidate, or the head): the ETag is its own.
    let head: Version | null;
    try {
      // One hub call: it answers at once, or holds a long-poll until this reader's version changes.
      head = await hubFor(c.env, set).read(ifNoneMatch, waitS * 1000, who);
    } catch (error) {
      return answerFromMirror(c.env, set, ifNoneMatch, error);
    }
    if (head === null) throw notFound(`set "${set}" does not exist`);
    return matches(head) ? notModified(head) : versionResponse(head);
  });

  async function write(c: Context<AppEnv>, change: (params: unknown) => WriteChange): Promise<Response> {
    const set = c.req.param('set')!;
    const body = parseBody(WriteBodySchema, await readJsonBody(c.req.raw), 'write body');
    const precondition = readPrecondition(set, c.req.raw.headers, { required: true });
    const outcome = unwrap(
      await hubFor(c.env, set).write({
        set,
        author: c.get('principal').name,
        message: body.message,
        precondition,
        change: change(body.params),
        force: body.force,
        signature: body.signature,
      }),
    );
    const version = outcome.version;
    if (outcome.kind === 'unchanged') {
      const response = versionResponse(version);
      response.headers.set(HEADER_UNCHANGED, 'true');
      return response;
    }
    const created = version.kind === 'create';
    const response = versionResponse(version, { status: created ? 201 : 200 });
    if (created) response.headers.set('Location', `/v1/sets/${set}/versions/${version.version}`);
    return response;
  }

  app.put('/v1/sets/:set/params', requireWrite(), (c) =>
    write(c, (params) => {
      const validation = validateParams(params);
      if (!validation.ok) throw validationFailed(`params rejected: ${describeIssues(validation.issues)}`, validation.issues);
      return { kind: 'replace', params: validation.params };
    }),
  );

  app.patch('/v1/sets/:set/params', requireWrite(), (c) => write(c, (params) => ({ kind: 'merge', patch: patchOf(params) })));
}
