/**
 * `/v1/sets/:set/rollouts`: a staged, guarded rollout of a change (DESIGN "Shapes": Rollout). Starting,
 * promoting and aborting need write scope; reading one needs read scope. The hub runs the rollout
 * (`hub/rollouts/hub-rollouts.ts`); these routes parse, check and answer `{ rollout }`.
 */
import type { Hono } from 'hono';
import { RolloutActionSchema, RolloutRequestSchema, type Rollout } from '../../shared/rollout.ts';
import { describeIssues, validateParams, validateParamsPatch } from '../../shared/validate-params.ts';
import { requireWrite } from '../auth/authenticate.ts';
import type { AppEnv } from '../env.ts';
import { badRequest, validationFailed } from '../errors/api-error.ts';
import { parseBody } from '../http/parse-body.ts';
import { readPrecondition } from '../http/preconditions.ts';
import { parseIntParam } from '../http/query-int.ts';
import { readJsonBody } from '../http/read-json-body.ts';
import { existingHub } from '../hub/existing-hub.ts';
import type { HubFor } from '../hub/hub-for.ts';
import { unwrap, type HubResult } from '../hub/hub-result.ts';

const ROLLOUT_ID = /^r[0-9]{1,12}$/;

function rolloutIdOf(raw: string | undefined): string {
  if (raw === undefined || !ROLLOUT_ID.test(raw))
    throw badRequest(
      `rollout id ${JSON.stringify(raw?.slice(0, 40))} is not accepted: expected "r" and the candidate's version number, e.g. r7`,
    );
  return raw;
}

function answer(rollout: Rollout, status: 200 | 201 = 200): Response {
  return new Response(JSON.stringify({ rollout }), {
    status,
    headers: { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' },
  });
}

export function registerRolloutRoutes(app: Hono<AppEnv>, { hubFor }: { hubFor: HubFor }): void {
  app.post('/v1/sets/:set/rollouts', requireWrite(), async function startRollout(c) {
    const set = c.req.param('set');
    const request = parseBody(RolloutRequestSchema, await readJsonBody(c.req.raw), 'rollout');
    // The change is checked here like a write's (every key known, every value accepted); the hub
    // checks the resulting document and the set policy under its write lock.
    if (request.replace) {
      const validation = validateParams(request.params);
      if (!validation.ok) throw validationFailed(`params rejected: ${describeIssues(validation.issues)}`, validation.issues);
    } else {
      const validation = validateParamsPatch(request.params);
      if (!validation.ok) throw validationFailed(`params rejected: ${describeIssues(validation.issues)}`, validation.issues);
    }
    const precondition = readPrecondition(set, c.req.raw.headers, { required: false });
    const hub = await existingHub(c.env, set, hubFor);
    // The stub's inferred type of this method is too deep for TypeScript (it gives up with any).
    const started: HubResult<Rollout> = await hub.startRollout({ set, author: c.get('principal').name, precondition, request });
    const rollout = unwrap<Rollout>(started);
    const response = answer(rollout, 201);
    response.headers.set('Location', `/v1/sets/${set}/rollouts/${rollout.id}`);
    return response;
  });

  app.get('/v1/sets/:set/rollouts', async function listRollouts(c) {
    const set = c.req.param('set');
    const limit = parseIntParam('limit', c.req.query('limit'), { min: 1, max: 100, fallback: 20 });
    const hub = await existingHub(c.env, set, hubFor);
    return c.json({ set, rollouts: unwrap(await hub.rollouts(set, limit)) }, 200, { 'Cache-Control': 'no-store' });
  });

  app.get('/v1/sets/:set/rollouts/:id', async function getRollout(c) {
    const set = c.req.param('set');
    const id = rolloutIdOf(c.req.param('id'));
    const hub = await existingHub(c.env, set, hubFor);
    return answer(unwrap(await hub.rollout(set, id)));
  });

  for (const action of ['promote', 'abort'] as const) {
    app.post(`/v1/sets/:set/rollouts/:id/${action}`, requireWrite(), async function rolloutAction(c) {
      const set = c.req.param('set');
      const id = rolloutIdOf(c.req.param('id'));
      const raw = c.req.header('Content-Length') === '0' || c.req.raw.body === null ? {} : await readJsonBody(c.req.raw);
      const body = parseBody(RolloutActionSchema, raw, `rollout ${action}`);
      const hub = await existingHub(c.env, set, hubFor);
      const author = c.get('principal').name;
      const result =
        action === 'promote' ? await hub.promoteRollout(set, id, author, body) : await hub.abortRollout(set, id, author, body);
      return answer(unwrap(result));
    });
  }
}
