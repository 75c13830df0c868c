/**
 * Runners: the heartbeat report (read scope: runners hold read tokens), the fleet table, and the
 * watch WebSocket, which the hub accepts with the hibernation API.
 */
import type { Hono } from 'hono';
import { RunnerIdSchema, RunnerReportSchema } from '../../shared/api.ts';
import type { AppEnv } from '../env.ts';
import { ApiError, badRequest, notFound } from '../errors/api-error.ts';
import { parseBody } from '../http/parse-body.ts';
import { readJsonBody } from '../http/read-json-body.ts';
import type { HubFor } from '../hub/hub-for.ts';
import { unwrap } from '../hub/hub-result.ts';

export function registerFleetRoutes(app: Hono<AppEnv>, { hubFor }: { hubFor: HubFor }): void {
  app.post('/v1/sets/:set/runners/:id/report', async function report(c) {
    const set = c.req.param('set');
    const runnerId = RunnerIdSchema.safeParse(c.req.param('id'));
    if (!runnerId.success)
      throw badRequest(
        `runner id ${JSON.stringify(c.req.param('id'))} is not accepted: ${runnerId.error.issues[0]?.message ?? 'invalid'}`,
      );
    const body = parseBody(RunnerReportSchema, await readJsonBody(c.req.raw), 'runner report');
    return c.json(unwrap(await hubFor(c.env, set).report(set, runnerId.data, body)));
  });

  app.get('/v1/sets/:set/fleet', async function fleet(c) {
    const set = c.req.param('set');
    return c.json(unwrap(await hubFor(c.env, set).fleet(set)), 200, { 'Cache-Control': 'no-store' });
  });

  app.get('/v1/sets/:set/watch', async function watch(c) {
    const set = c.req.param('set');
    if (c.req.header('Upgrade')?.toLowerCase() !== 'websocket') {
      throw new ApiError({
        status: 426,
        code: 'bad_request',
        message: 'watch is a WebSocket: send Upgrade: websocket',
        headers: { Upgrade: 'websocket' },
      });
    }
    const hub = hubFor(c.env, set);
    if ((await hub.head()) === null) throw notFound(`set "${set}" does not exist`);
    return hub.fetch(c.req.raw);
  });
}
