/**
 * `/v1/sets/:set/policy`: what any write to the set's params may do (caps, step limit, signing).
 * Read scope reads it; only an admin token changes it, with If-Match on the policy version (its
 * own tags, `"<set>.policy.v<n>"`) and a message, like a params write. A write that changes nothing
 * creates no policy version (`Livetune-Unchanged: true`). `…/policy/versions` is its history.
 */
import type { Hono } from 'hono';
import { type PolicyVersion, PolicyWriteBodySchema, SetPolicySchema } from '../../shared/policy-schema.ts';
import { parseEtagList } from '../../shared/etag.ts';
import { policyEtagFor, policyVersionFromEtag } from '../../shared/policy-etag.ts';
import { requireAdmin } from '../auth/authenticate.ts';
import type { AppEnv } from '../env.ts';
import { ApiError } from '../errors/api-error.ts';
import { parseBody } from '../http/parse-body.ts';
import { parseIntParam } from '../http/query-int.ts';
import { readJsonBody } from '../http/read-json-body.ts';
import { HEADER_UNCHANGED } from '../http/version-response.ts';
import type { HubFor } from '../hub/hub-for.ts';
import { unwrap } from '../hub/hub-result.ts';

function policyResponse(policy: PolicyVersion, { unchanged = false }: { unchanged?: boolean } = {}): Response {
  const headers = new Headers({
    'Content-Type': 'application/json; charset=utf-8',
    ETag: policyEtagFor(policy.set, policy.version),
    'Cache-Control': 'no-store',
  });
  if (unchanged) headers.set(HEADER_UNCHANGED, 'true');
  return new Response(JSON.stringify(policy), { status: 200, headers });
}

/** If-Match of a policy write: required (428), strong tags of this set's policy, or `*`. */
function readPolicyIfMatch(set: string, headers: Headers): { any: boolean; versions: number[] } {
  const header = headers.get('If-Match');
  if (header === null)
    throw new ApiError({
      status: 428,
      code: 'precondition_required',
      message: `If-Match is required: send the ETag of the policy you read (GET /v1/sets/${set}/policy), e.g. ${policyEtagFor(set, 0)}`,
    });
  const tags = parseEtagList(header);
  return {
    any: tags.includes('*'),
    versions: tags.map((t) => policyVersionFromEtag(set, t)).filter((v): v is number => v !== undefined),
  };
}

export function registerPolicyRoutes(app: Hono<AppEnv>, { hubFor }: { hubFor: HubFor }): void {
  app.get('/v1/sets/:set/policy', async function getPolicy(c) {
    const set = c.req.param('set');
    return policyResponse(unwrap(await hubFor(c.env, set).policy(set)));
  });

  app.get('/v1/sets/:set/policy/versions', async function policyHistory(c) {
    const set = c.req.param('set');
    const limit = parseIntParam('limit', c.req.query('limit'), { min: 1, max: 100, fallback: 20 });
    return c.json(unwrap(await hubFor(c.env, set).policyHistory(set, limit)), 200, { 'Cache-Control': 'no-store' });
  });

  app.put('/v1/sets/:set/policy', requireAdmin(), async function putPolicy(c) {
    const set = c.req.param('set');
    const { message, approvals, ...fields } = parseBody(PolicyWriteBodySchema, await readJsonBody(c.req.raw), 'policy');
    // Rules across fields (threshold ≤ keys, unique names) once each field passed on its own.
    const policy = parseBody(SetPolicySchema, fields, 'policy');
    const ifMatch = readPolicyIfMatch(set, c.req.raw.headers);
    const outcome = unwrap(
      await hubFor(c.env, set).writePolicy({ set, author: c.get('principal').name, message, ifMatch, policy, approvals }),
    );
    return policyResponse(outcome.policy, { unchanged: outcome.kind === 'unchanged' });
  });
}
