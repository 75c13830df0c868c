/**
 * A set's history: `versions` (newest first; `?limit=` 1..100, default 20; `?before=` exclusive,
 * the previous page's `next_before`), one version, the diff of two versions, and rollback (a new
 * version whose params equal an older one's; `If-Match` optional, enforced when sent; to the
 * current params: no version, `Livetune-Unchanged: true`).
 */
import type { Hono } from 'hono';
import { RollbackBodySchema, type Diff, type Version } from '../../shared/api.ts';
import { etagFor } from '../../shared/etag.ts';
import { diffParams } from '../../shared/merge-patch.ts';
import { requireWrite } from '../auth/authenticate.ts';
import type { AppEnv } from '../env.ts';
import { notFound } from '../errors/api-error.ts';
import { parseBody } from '../http/parse-body.ts';
import { readPrecondition } from '../http/preconditions.ts';
import { parseIntParam } from '../http/query-int.ts';
import { readJsonBody } from '../http/read-json-body.ts';
import { HEADER_UNCHANGED, versionResponse } from '../http/version-response.ts';
import { existingHub } from '../hub/existing-hub.ts';
import type { HubFor, HubStub } from '../hub/hub-for.ts';
import { unwrap } from '../hub/hub-result.ts';

const MAX_VERSION = Number.MAX_SAFE_INTEGER;

async function versionOf(hub: HubStub, set: string, n: number): Promise<Version> {
  const version = await hub.version(n);
  if (version === null) throw notFound(`set "${set}" has no version ${n}`);
  return version;
}

export function registerHistoryRoutes(app: Hono<AppEnv>, { hubFor }: { hubFor: HubFor }): void {
  app.get('/v1/sets/:set/versions', async function listVersions(c) {
    const set = c.req.param('set');
    const limit = parseIntParam('limit', c.req.query('limit'), { min: 1, max: 100, fallback: 20 });
    const before = parseIntParam('before', c.req.query('before'), { min: 1, max: MAX_VERSION, fallback: MAX_VERSION });
    return c.json(unwrap(await (await existingHub(c.env, set, hubFor)).versions(set, before, limit)));
  });

  app.get('/v1/sets/:set/versions/:n', async function getVersion(c) {
    const set = c.req.param('set');
    const n = parseIntParam('version', c.req.param('n'), { min: 1, max: MAX_VERSION });
    const version = await versionOf(await existingHub(c.env, set, hubFor), set, n);
    // Immutable: this URL's body never changes, so any cache may keep it.
    return c.json(version, 200, {
      ETag: etagFor(set, version.lineage, n),
      'Cache-Control': 'private, max-age=31536000, immutable',
    });
  });

  app.get('/v1/sets/:set/diff', async function diffVersions(c) {
    const set = c.req.param('set');
    const from = parseIntParam('from', c.req.query('from'), { min: 1, max: MAX_VERSION });
    const to = parseIntParam('to', c.req.query('to'), { min: 1, max: MAX_VERSION });
    const hub = await existingHub(c.env, set, hubFor);
    const [a, b] = [await versionOf(hub, set, from), await versionOf(hub, set, to)];
    const diff: Diff = { set, from, to, changes: diffParams(a.params, b.params) };
    return c.json(diff);
  });

  app.post('/v1/sets/:set/rollback', requireWrite(), async function rollback(c) {
    const set = c.req.param('set');
    const body = parseBody(RollbackBodySchema, await readJsonBody(c.req.raw), 'rollback body');
    const precondition = readPrecondition(set, c.req.raw.headers, { required: false });
    // A rollback to the current params (the current version, or an older one equal to it) is a
    // write that changes nothing: no version, no wake-up, like a no-op PATCH.
    const outcome = unwrap(
      await hubFor(c.env, set).write({
        set,
        author: c.get('principal').name,
        message: body.message,
        precondition,
        change: { kind: 'rollback', to: body.to },
        force: body.force,
        signature: body.signature,
      }),
    );
    const response = versionResponse(outcome.version);
    if (outcome.kind === 'unchanged') response.headers.set(HEADER_UNCHANGED, 'true');
    return response;
  });
}
